#include "trainingpanel.h"

#include "backgroundjob.h"
#include "traindialog.h"
#include "trainjob.h"

#include "data/projectstore.h"
#include "jobs/modeljobs.h"
#include "train/trainsettings.h"
#include "util/memory.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QListWidget>
#include <QMenu>
#include <QProgressBar>
#include <QPushButton>
#include <QSlider>
#include <QSplitter>
#include <QTimer>
#include <QTreeWidget>
#include <QVBoxLayout>
#include <QtConcurrent>
#include <qcustomplot.h>

#include <cmath>

namespace tandem {

namespace {

// Tableau 10: distinct on white, in print and for most colour-blind readers.
const QColor kPalette[] = {QColor(0x4e79a7), QColor(0xf28e2b), QColor(0xe15759), QColor(0x76b7b2), QColor(0x59a14f),
                           QColor(0xedc948), QColor(0xb07aa1), QColor(0xff9da7), QColor(0x9c755f), QColor(0xbab0ac)};

QString clock(double seconds)
{
    const qint64 s = qint64(std::max(0.0, seconds) + 0.5);
    return QStringLiteral("%1:%2:%3").arg(s / 3600).arg(s / 60 % 60, 2, 10, QLatin1Char('0')).arg(s % 60, 2, 10, QLatin1Char('0'));
}

QCustomPlot *makePlot(const QString &yLabel)
{
    auto *plot = new QCustomPlot;
    plot->setMinimumHeight(120);
    plot->yAxis->setLabel(yLabel);
    plot->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    plot->setNoAntialiasingOnDrag(true);
    return plot;
}

void setLog(QCPAxis *axis, bool log)
{
    axis->setScaleType(log ? QCPAxis::stLogarithmic : QCPAxis::stLinear);
    if (log)
        axis->setTicker(QSharedPointer<QCPAxisTickerLog>(new QCPAxisTickerLog));
    else
        axis->setTicker(QSharedPointer<QCPAxisTicker>(new QCPAxisTicker));
}

QString bestText(const TrainSeries &s)
{
    std::optional<PrimaryMetric> best;
    for (const EpochReport &e : s.epochs)
        if (auto m = s.task ? primaryMetric(*s.task, e.validation) : std::nullopt; m && (!best || m->value > best->value))
            best = m;
    return best ? QStringLiteral("%1 %2").arg(best->name).arg(best->value, 0, 'f', 2) : QString();
}

} // namespace

TrainingPanel::TrainingPanel(QWidget *parent) : QWidget(parent)
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(buildToolbar());
    auto *banner = new QWidget(this);
    auto *bannerLayout = new QHBoxLayout(banner);
    bannerLayout->setContentsMargins(6, 2, 6, 2);
    m_banner = new QLabel(banner);
    m_banner->setWordWrap(true);
    m_bannerResume = new QPushButton(tr("Resume"), banner);
    auto *dismiss = new QPushButton(tr("Dismiss"), banner);
    bannerLayout->addWidget(m_banner, 1);
    bannerLayout->addWidget(m_bannerResume);
    bannerLayout->addWidget(dismiss);
    banner->setStyleSheet(QStringLiteral("background: #fff4ce;"));
    banner->hide();
    m_banner->setObjectName(QStringLiteral("interruptedBanner"));
    connect(m_bannerResume, &QPushButton::clicked, this, [this, banner] {
        banner->hide();
        resumeRun(m_bannerRun);
    });
    connect(dismiss, &QPushButton::clicked, banner, &QWidget::hide);
    layout->addWidget(banner);
    auto *split = new QSplitter(this);
    split->addWidget(buildSide());
    split->addWidget(buildPlots());
    split->setStretchFactor(1, 1);
    split->setSizes({260, 700});
    layout->addWidget(split, 1);
    layout->addWidget(buildViewControls());
    updateButtons();
}

QWidget *TrainingPanel::buildToolbar()
{
    auto *bar = new QWidget(this);
    auto *row = new QHBoxLayout(bar);
    row->setContentsMargins(0, 0, 0, 0);
    m_train = new QPushButton(tr("Train…"), bar);
    m_train->setToolTip(tr("Train a new model, or fine-tune one, on this project (Ctrl+Shift+T)"));
    m_pause = new QPushButton(tr("Pause"), bar);
    m_pause->setToolTip(tr("Stop after the current step and write a checkpoint that Resume continues exactly"));
    m_resume = new QPushButton(tr("Resume"), bar);
    m_resume->setToolTip(tr("Continue the selected run (paused, interrupted or failed) from its last checkpoint"));
    m_stop = new QPushButton(tr("Stop"), bar);
    m_stop->setToolTip(tr("End the run now; its model keeps the epoch with the best validation metric"));
    m_progress = new QProgressBar(bar);
    m_progress->setTextVisible(true);
    m_status = new QLabel(bar);
    m_status->setObjectName(QStringLiteral("trainingStatus"));
    for (QWidget *w : {static_cast<QWidget *>(m_train), static_cast<QWidget *>(m_pause), static_cast<QWidget *>(m_resume),
                       static_cast<QWidget *>(m_stop)})
        row->addWidget(w);
    row->addWidget(m_progress, 1);
    auto *box = new QWidget(this);
    auto *column = new QVBoxLayout(box);
    column->setContentsMargins(0, 0, 0, 0);
    column->addWidget(bar);
    column->addWidget(m_status);
    connect(m_train, &QPushButton::clicked, this, &TrainingPanel::showTrainDialog);
    connect(m_pause, &QPushButton::clicked, this, &TrainingPanel::pause);
    connect(m_stop, &QPushButton::clicked, this, &TrainingPanel::stop);
    connect(m_resume, &QPushButton::clicked, this, [this] { resumeRun(selectedRun()); });
    return box;
}

QWidget *TrainingPanel::buildSide()
{
    auto *side = new QWidget(this);
    auto *column = new QVBoxLayout(side);
    column->setContentsMargins(0, 0, 0, 0);
    column->addWidget(new QLabel(tr("Runs (ticked ones are plotted):"), side));
    m_runs = new QListWidget(side);
    m_runs->setObjectName(QStringLiteral("trainRuns"));
    column->addWidget(m_runs, 2);
    column->addWidget(new QLabel(tr("Checkpoints of the selected run:"), side));
    m_checkpoints = new QTreeWidget(side);
    m_checkpoints->setHeaderLabels({tr("Checkpoint"), tr("Epoch"), tr("Validation")});
    m_checkpoints->setRootIsDecorated(false);
    m_checkpoints->header()->setStretchLastSection(true);
    m_checkpoints->header()->resizeSection(0, 120);
    m_checkpoints->header()->resizeSection(1, 48);
    column->addWidget(m_checkpoints, 1);
    m_addModel = new QPushButton(tr("Add as Model"), side);
    m_addModel->setToolTip(tr("Add the selected checkpoint to the project's models, to run, ask and explain with"));
    column->addWidget(m_addModel);
    connect(m_runs, &QListWidget::itemChanged, this, [this](QListWidgetItem *item) {
        const qint64 id = item->data(Qt::UserRole).toLongLong();
        if (item->checkState() == Qt::Checked)
            m_hidden.remove(id);
        else
            m_hidden.insert(id);
        scheduleReplot();
    });
    connect(m_runs, &QListWidget::currentItemChanged, this, [this] {
        showCheckpoints();
        updateButtons();
    });
    connect(m_checkpoints, &QTreeWidget::currentItemChanged, this, &TrainingPanel::updateButtons);
    connect(m_addModel, &QPushButton::clicked, this, &TrainingPanel::addCheckpointAsModel);
    return side;
}

QWidget *TrainingPanel::buildPlots()
{
    auto *split = new QSplitter(Qt::Vertical, this);
    m_loss = makePlot(tr("loss"));
    m_metric = makePlot(tr("validation"));
    m_learningRate = makePlot(tr("learning rate"));
    m_loss->legend->setVisible(true);
    m_loss->legend->setFont(QFont(font().family(), 8));
    for (QCustomPlot *plot : {m_loss, m_metric, m_learningRate})
        split->addWidget(plot);
    split->setSizes({300, 200, 120});
    m_plots = split;
    return split;
}

QWidget *TrainingPanel::buildViewControls()
{
    auto *bar = new QWidget(this);
    auto *row = new QHBoxLayout(bar);
    row->setContentsMargins(0, 0, 0, 0);
    row->addWidget(new QLabel(tr("Smoothing:"), bar));
    m_smoothing = new QSlider(Qt::Horizontal, bar);
    m_smoothing->setRange(0, 99);
    m_smoothing->setValue(60);
    m_smoothing->setToolTip(tr("Exponential moving average of the loss, debiased at the start; the raw curve stays faint beneath"));
    m_smoothingValue = new QLabel(QStringLiteral("0.60"), bar);
    row->addWidget(m_smoothing, 1);
    row->addWidget(m_smoothingValue);
    row->addWidget(new QLabel(tr("X:"), bar));
    m_axis = new QComboBox(bar);
    m_axis->addItem(tr("Step"), int(CurveAxis::Step));
    m_axis->addItem(tr("Epoch"), int(CurveAxis::Epoch));
    m_axis->addItem(tr("Time"), int(CurveAxis::Time));
    row->addWidget(m_axis);
    row->addWidget(new QLabel(tr("Validation:"), bar));
    m_metricChoice = new QComboBox(bar);
    m_metricChoice->setToolTip(tr("What the validation plot shows: the task's main metric, or any metric the runs recorded "
                                  "(per answer type, BLEU-4, CIDEr-D, recall@K, the validation loss)"));
    m_metricChoice->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_metricChoice->addItem(tr("main metric"), QString());
    row->addWidget(m_metricChoice);
    m_logX = new QCheckBox(tr("Log x"), bar);
    m_logY = new QCheckBox(tr("Log y"), bar);
    row->addWidget(m_logX);
    row->addWidget(m_logY);
    auto *csv = new QPushButton(tr("Export CSV…"), bar);
    auto *png = new QPushButton(tr("Export PNG…"), bar);
    row->addWidget(csv);
    row->addWidget(png);
    connect(m_smoothing, &QSlider::valueChanged, this, [this](int v) {
        m_smoothingValue->setText(QString::number(v / 100.0, 'f', 2));
        scheduleReplot();
    });
    connect(m_axis, &QComboBox::currentIndexChanged, this, &TrainingPanel::scheduleReplot);
    connect(m_metricChoice, &QComboBox::currentIndexChanged, this, &TrainingPanel::scheduleReplot);
    connect(m_logX, &QCheckBox::toggled, this, &TrainingPanel::scheduleReplot);
    connect(m_logY, &QCheckBox::toggled, this, &TrainingPanel::scheduleReplot);
    connect(csv, &QPushButton::clicked, this, [this] {
        const QString file = QFileDialog::getSaveFileName(this, tr("Export Curves"), QStringLiteral("curves.csv"), tr("CSV (*.csv)"));
        if (!file.isEmpty())
            exportCsv(file);
    });
    connect(png, &QPushButton::clicked, this, [this] {
        const QString file = QFileDialog::getSaveFileName(this, tr("Export Plots"), QStringLiteral("curves.png"), tr("PNG (*.png)"));
        if (!file.isEmpty())
            exportPng(file);
    });
    return bar;
}

void TrainingPanel::fillMenu(QMenu *menu)
{
    menu->setToolTipsVisible(true);
    const auto add = [this, menu](QPushButton *button, const QString &text, const QKeySequence &keys) {
        QAction *action = menu->addAction(text, keys, button, &QPushButton::click);
        action->setToolTip(button->toolTip());
        connect(this, &TrainingPanel::buttonsChanged, action, [action, button] { action->setEnabled(button->isEnabled()); });
        action->setEnabled(button->isEnabled());
    };
    add(m_train, tr("&Train…"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_T));
    add(m_pause, tr("&Pause Training"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_P));
    add(m_resume, tr("&Resume Selected Run"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_U));
    add(m_stop, tr("&Stop Training"), {});
    menu->addSeparator();
    QAction *compare = menu->addAction(tr("&Compare Fusion Methods…"), this, &TrainingPanel::showCompareDialog);
    compare->setToolTip(tr("Train one VQA model per fusion method on the same data with the same seed, side by side"));
}

void TrainingPanel::setProject(const QString &path)
{
    m_project = path;
    m_status->clear();
    m_offered.clear();
    m_hidden.clear();
    refreshRuns();
}

void TrainingPanel::plotOnly(const QSet<qint64> &runIds)
{
    m_hidden.clear();
    for (const TrainRunView &view : m_views)
        if (!runIds.contains(view.run.id))
            m_hidden.insert(view.run.id);
    const QSignalBlocker block(m_runs);
    for (int i = 0; i < m_runs->count(); ++i)
        m_runs->item(i)->setCheckState(m_hidden.contains(m_runs->item(i)->data(Qt::UserRole).toLongLong()) ? Qt::Unchecked
                                                                                                          : Qt::Checked);
    replot();
}

void TrainingPanel::refreshRuns()
{
    if (m_project.isEmpty())
        return;
    auto *watcher = new QFutureWatcher<Expected<std::vector<TrainRunView>>>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, project = m_project] {
        watcher->deleteLater();
        Expected<std::vector<TrainRunView>> views = watcher->result();
        if (project != m_project)
            return;
        if (!views) {
            emit message(tr("Cannot read the training runs: %1").arg(views.error().message));
            return;
        }
        showRuns(std::move(*views));
    });
    watcher->setFuture(QtConcurrent::run([project = m_project] { return trainRuns(project); }));
}

void TrainingPanel::showRuns(std::vector<TrainRunView> views)
{
    const qint64 selected = selectedRun();
    m_views = std::move(views);
    m_stored.clear();
    const QSignalBlocker block(m_runs);
    m_runs->clear();
    for (const TrainRunView &view : m_views) {
        m_stored.push_back(seriesOf(view));
        const TrainSeries &s = m_stored.back();
        auto *item = new QListWidgetItem(QStringLiteral("%1 — %2%3").arg(s.name, runStatusName(view.run.status),
                                                                          bestText(s).isEmpty() ? QString() : QStringLiteral(", ") + bestText(s)),
                                         m_runs);
        item->setData(Qt::UserRole, view.run.id);
        item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
        item->setCheckState(m_hidden.contains(view.run.id) ? Qt::Unchecked : Qt::Checked);
        QPixmap swatch(12, 12);
        swatch.fill(colourOf(view.run.id));
        item->setIcon(QIcon(swatch));
        item->setToolTip(view.run.config.value(QLatin1String("checkpoint")).toString());
        if (view.run.id == selected)
            m_runs->setCurrentItem(item);
    }
    if (!m_runs->currentItem() && m_runs->count() > 0)
        m_runs->setCurrentRow(0);
    if (!m_job && m_status->text().isEmpty()) // nothing said yet: say what is here
        m_status->setText(m_views.empty() ? tr("No training run in this project yet: Train… starts one")
                                          : tr("%n training run(s) in this project; tick runs to overlay their curves", "",
                                               int(m_views.size())));
    showCheckpoints();
    updateButtons();
    replot();
    offerInterrupted();
    emit runsLoaded();
}

// Once per run and project: a run the program did not end itself.
void TrainingPanel::offerInterrupted()
{
    if (m_job)
        return;
    for (const TrainRunView &view : m_views) {
        if (view.run.status != RunStatus::Interrupted || !view.resumable || m_offered.contains(view.run.id))
            continue;
        m_offered.insert(view.run.id);
        m_bannerRun = view.run.id;
        const int total = view.run.config.value(QLatin1String("epochs")).toInt();
        m_banner->setText(tr("Training run %1 was interrupted after epoch %2 of %3 (the program was closed or killed). "
                             "Resume it from its last checkpoint?")
                              .arg(view.run.id).arg(view.epochs.size()).arg(total));
        m_banner->parentWidget()->show();
        emit attentionNeeded();
        emit message(tr("Training run %1 was interrupted; the Training dock offers to resume it").arg(view.run.id));
        return;
    }
}

void TrainingPanel::showTrainDialog()
{
    if (m_project.isEmpty() || m_job)
        return;
    auto *watcher = new QFutureWatcher<Expected<std::vector<ModelRecord>>>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher] {
        watcher->deleteLater();
        const auto models = watcher->result();
        TrainDialog dialog(m_project, models ? *models : std::vector<ModelRecord>{}, this);
        if (dialog.exec() == QDialog::Accepted)
            startTraining(dialog.request());
    });
    watcher->setFuture(QtConcurrent::run([project = m_project]() -> Expected<std::vector<ModelRecord>> {
        auto store = ProjectStore::open(project);
        if (!store)
            return store.error();
        return models::list(*store);
    }));
}

void TrainingPanel::showCompareDialog()
{
    if (m_project.isEmpty() || m_job)
        return;
    TrainDialog dialog(m_project, {}, this, TrainDialog::Mode::Compare);
    if (dialog.exec() != QDialog::Accepted)
        return;
    const CompareRequest request = dialog.compareRequest();
    if (const QString problem = compareRequestProblem(request); !problem.isEmpty()) {
        showError(this, tr("Cannot compare"), Error::usage(problem));
        return;
    }
    startComparison(request);
}

void TrainingPanel::startTraining(const TrainRequest &request)
{
    if (m_job)
        return;
    TrainSeries live;
    live.name = request.name.isEmpty() ? tr("new run") : request.name;
    live.task = request.task;
    watch(TrainJob::start(this, request), live);
    emit message(tr("Training “%1”…").arg(live.name));
}

void TrainingPanel::resumeRun(qint64 runId)
{
    const TrainRunView *view = viewOf(runId);
    if (m_job || !view || !view->resumable)
        return;
    watch(TrainJob::resume(this, m_project, runId, {}), seriesOf(*view));
    emit message(tr("Resuming training run %1…").arg(runId));
}

void TrainingPanel::startComparison(const CompareRequest &request)
{
    if (m_job)
        return;
    TrainSeries live;
    live.task = TaskKind::Vqa;
    TrainJob *job = TrainJob::compare(this, request);
    // Each run of the comparison gets its own live series; the finished ones stay plotted.
    connect(job, &TrainJob::runStarting, this, [this](const QString &name) {
        if (m_live && !m_live->curve.empty())
            m_doneInJob.push_back(*m_live);
        m_live = TrainSeries{};
        m_live->name = name;
        m_live->task = TaskKind::Vqa;
        m_live->runId = -qint64(m_doneInJob.size()) - 1; // a colour of its own until the store names it
        scheduleReplot();
    });
    watch(job, live);
    emit message(tr("Comparing %1 fusion methods…").arg(request.fusions.size()));
}

void TrainingPanel::watch(TrainJob *job, const TrainSeries &start)
{
    m_job = job;
    m_live = start;
    m_doneInJob.clear();
    m_progress->setValue(0);
    connect(job, &TrainJob::started, this, [this](const QString &device, qint64 totalSteps) {
        m_progress->setRange(0, int(std::min<qint64>(totalSteps, INT_MAX)));
        m_status->setText(tr("Training on %1…").arg(device));
    });
    connect(job, &TrainJob::progress, this, &TrainingPanel::showProgress);
    connect(job, &TrainJob::curvePoint, this, [this](const CurvePoint &p) {
        if (m_live)
            m_live->curve.push_back(p);
        scheduleReplot();
    });
    connect(job, &TrainJob::epochDone, this, [this](const EpochReport &r) {
        if (m_live)
            m_live->epochs.push_back(r);
        scheduleReplot();
    });
    connect(job, &TrainJob::finished, this, &TrainingPanel::onFinished);
    connect(job, &TrainJob::failed, this, &TrainingPanel::onFailed);
    updateButtons();
    replot();
    emit trainingStarted();
}

void TrainingPanel::showProgress(const TrainProgress &p)
{
    m_progress->setValue(int(std::min<qint64>(p.step, INT_MAX)));
    const double elapsed = m_live && !m_live->curve.empty() ? m_live->curve.back().seconds : 0.0;
    m_status->setText(tr("Epoch %1/%2 · step %3/%4 · loss %5 · %6 samples/s · %7 elapsed · %8 left · %9 MB in use")
                          .arg(p.epoch).arg(p.epochs).arg(p.step).arg(p.totalSteps).arg(p.loss, 0, 'f', 4)
                          .arg(p.samplesPerSecond, 0, 'f', 0).arg(clock(elapsed), clock(p.etaSeconds))
                          .arg(double(memory::residentBytes()) / (1024.0 * 1024.0), 0, 'f', 0));
}

void TrainingPanel::pause()
{
    if (m_job) {
        m_job->pause();
        m_status->setText(tr("Pausing after this step…"));
    }
}

void TrainingPanel::stop()
{
    if (m_job) {
        m_job->stop();
        m_status->setText(tr("Stopping after this step; keeping the best epoch…"));
    }
}

void TrainingPanel::onFinished(const TrainResult &result)
{
    m_job = nullptr;
    m_doneInJob.clear();
    m_progress->reset();
    updateButtons();
    m_live.reset();
    if (result.cancelled)
        m_status->setText(tr("Paused after step %1; Resume continues run %2 exactly").arg(result.steps).arg(result.runId));
    else
        m_status->setText(result.bestEpoch > 0 ? tr("Run %1 %2; its model keeps epoch %3, the best by validation")
                                                      .arg(result.runId).arg(result.stoppedEarly ? tr("stopped") : tr("finished"))
                                                      .arg(result.bestEpoch)
                                                : tr("Run %1 finished").arg(result.runId));
    emit message(m_status->text());
    emit modelsChanged();
    emit trainingFinished(true);
    refreshRuns();
}

void TrainingPanel::onFailed(const Error &error)
{
    m_job = nullptr;
    m_doneInJob.clear();
    m_progress->reset();
    updateButtons();
    m_live.reset();
    m_status->setText(tr("Training failed: %1").arg(error.message));
    showError(this, tr("Training failed"), error, tr("The run keeps its last checkpoint; Resume continues from there."));
    emit trainingFinished(false);
    refreshRuns();
}

void TrainingPanel::scheduleReplot()
{
    if (m_replotPending)
        return;
    m_replotPending = true;
    QTimer::singleShot(200, this, [this] {
        m_replotPending = false;
        replot();
    });
}

std::vector<TrainSeries> TrainingPanel::shownSeries() const
{
    std::vector<TrainSeries> shown;
    for (const TrainSeries &s : m_stored)
        if (!m_hidden.contains(s.runId) && !(m_live && m_live->runId == s.runId))
            shown.push_back(s);
    shown.insert(shown.end(), m_doneInJob.begin(), m_doneInJob.end());
    if (m_live)
        shown.push_back(*m_live);
    return shown;
}

QColor TrainingPanel::colourOf(qint64 runId) const
{
    if (runId < 0) // the runs of a comparison in progress
        return kPalette[size_t(-runId - 1) % std::size(kPalette)].darker(130);
    return runId > 0 ? kPalette[size_t(runId - 1) % std::size(kPalette)] : QColor(Qt::black);
}

void TrainingPanel::replot()
{
    for (QCustomPlot *plot : {m_loss, m_metric, m_learningRate})
        plot->clearGraphs();
    const CurveAxis axis = CurveAxis(m_axis->currentData().toInt());
    const double smoothing = m_smoothing->value() / 100.0;
    const std::vector<TrainSeries> shown = shownSeries();
    updateMetricChoice(shown);
    QString metricName = m_metricChoice->currentData().toString();
    for (const TrainSeries &s : shown) {
        plotSeries(s, colourOf(s.runId), axis, smoothing);
        for (const EpochReport &e : s.epochs)
            if (auto m = s.task ? primaryMetric(*s.task, e.validation) : std::nullopt; m && metricName.isEmpty())
                metricName = m->name;
    }
    m_metric->yAxis->setLabel(metricName.isEmpty() ? tr("validation") : tr("validation %1").arg(metricName));
    for (QCustomPlot *plot : {m_loss, m_metric, m_learningRate}) {
        plot->xAxis->setLabel(axisTitle(axis));
        setLog(plot->xAxis, m_logX->isChecked());
        setLog(plot->yAxis, m_logY->isChecked());
        plot->rescaleAxes();
        plot->replot(QCustomPlot::rpQueuedReplot);
    }
}

void TrainingPanel::plotSeries(const TrainSeries &s, const QColor &colour, CurveAxis axis, double smoothing)
{
    QVector<double> x, loss, lr;
    std::vector<double> raw;
    for (const CurvePoint &p : s.curve) {
        x << curveX(p, axis);
        raw.push_back(p.loss);
        lr << p.learningRate;
    }
    const std::vector<double> smooth = smoothDebiased(raw, smoothing);
    loss = QVector<double>(raw.begin(), raw.end());
    QColor faint = colour;
    faint.setAlpha(60);
    QCPGraph *rawGraph = m_loss->addGraph();
    rawGraph->setPen(QPen(faint));
    rawGraph->setData(x, loss, true);
    rawGraph->removeFromLegend();
    QCPGraph *smoothGraph = m_loss->addGraph();
    smoothGraph->setPen(QPen(colour, 2));
    smoothGraph->setData(x, QVector<double>(smooth.begin(), smooth.end()), true);
    smoothGraph->setName(s.name);
    QCPGraph *lrGraph = m_learningRate->addGraph();
    lrGraph->setPen(QPen(colour));
    lrGraph->setData(x, lr, true);

    const QString chosen = m_metricChoice->currentData().toString();
    QVector<double> ex, ey, lx, ly;
    for (const EpochReport &e : s.epochs) {
        double at = epochEndX(s.curve, e.epoch, axis);
        if (std::isnan(at) && axis == CurveAxis::Epoch)
            at = e.epoch;
        if (std::isnan(at))
            continue;
        std::optional<double> value;
        if (chosen.isEmpty()) {
            if (auto m = s.task ? primaryMetric(*s.task, e.validation) : std::nullopt)
                value = m->value;
        } else {
            value = validationValue(e.validation, chosen);
        }
        if (value) {
            ex << at;
            ey << *value;
        }
        if (auto loss = validationValue(e.validation, QStringLiteral("loss"))) {
            lx << at;
            ly << *loss;
        }
    }
    QCPGraph *metricGraph = m_metric->addGraph();
    metricGraph->setPen(QPen(colour, 2));
    metricGraph->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, 5));
    metricGraph->setData(ex, ey, true);
    QCPGraph *valLoss = m_loss->addGraph(); // the validation loss, dashed, on the loss plot
    valLoss->setPen(QPen(colour, 1.5, Qt::DashLine));
    valLoss->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, 5));
    valLoss->setData(lx, ly, true);
    valLoss->setName(tr("%1 (validation)").arg(s.name));
}

void TrainingPanel::updateMetricChoice(const std::vector<TrainSeries> &shown)
{
    const QStringList keys = validationKeys(shown);
    QStringList listed;
    for (int i = 1; i < m_metricChoice->count(); ++i)
        listed << m_metricChoice->itemData(i).toString();
    if (listed == keys)
        return;
    const QString chosen = m_metricChoice->currentData().toString();
    const QSignalBlocker block(m_metricChoice);
    while (m_metricChoice->count() > 1)
        m_metricChoice->removeItem(1);
    for (const QString &key : keys)
        m_metricChoice->addItem(key, key);
    m_metricChoice->setCurrentIndex(std::max(0, m_metricChoice->findData(chosen)));
}

qint64 TrainingPanel::selectedRun() const
{
    const QListWidgetItem *item = m_runs ? m_runs->currentItem() : nullptr;
    return item ? item->data(Qt::UserRole).toLongLong() : 0;
}

const TrainRunView *TrainingPanel::viewOf(qint64 runId) const
{
    for (const TrainRunView &view : m_views)
        if (view.run.id == runId)
            return &view;
    return nullptr;
}

// The run's checkpoint (its model), and beside it the best and last epochs' when they are kept.
void TrainingPanel::showCheckpoints()
{
    m_checkpoints->clear();
    const TrainRunView *view = viewOf(selectedRun());
    if (!view)
        return;
    const QFileInfo main(view->run.config.value(QLatin1String("checkpoint")).toString());
    const int bestEpoch = view->run.metrics.value(QLatin1String("best_epoch")).toInt();
    const int lastEpoch = view->epochs.empty() ? 0 : view->epochs.back().epoch;
    const auto metricOf = [&](int epoch) {
        for (const EpochReport &e : view->epochs)
            if (e.epoch == epoch)
                if (auto m = view->run.task() ? primaryMetric(*view->run.task(), e.validation) : std::nullopt)
                    return QStringLiteral("%1 %2").arg(m->name).arg(m->value, 0, 'f', 2);
        return QString();
    };
    const bool completed = view->run.status == RunStatus::Completed;
    const auto add = [&](const QString &path, const QString &label, int epoch) {
        if (!QFileInfo::exists(path))
            return;
        auto *item = new QTreeWidgetItem(m_checkpoints, {label, epoch > 0 ? QString::number(epoch) : QString(), metricOf(epoch)});
        item->setData(0, Qt::UserRole, path);
        item->setToolTip(0, path);
    };
    const QString stem = main.absolutePath() + QLatin1Char('/') + main.completeBaseName();
    add(main.absoluteFilePath(), completed ? tr("model (best)") : tr("latest (resumable)"),
        completed && bestEpoch > 0 ? bestEpoch : lastEpoch);
    add(stem + QStringLiteral(".best.") + main.suffix(), tr("best so far"), bestEpoch);
    add(stem + QStringLiteral(".last.") + main.suffix(), tr("last epoch"), lastEpoch);
}

void TrainingPanel::addCheckpointAsModel()
{
    const QTreeWidgetItem *item = m_checkpoints->currentItem();
    if (!item)
        return;
    const QString path = item->data(0, Qt::UserRole).toString();
    auto *watcher = new QFutureWatcher<Expected<ModelRecord>>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher] {
        watcher->deleteLater();
        const auto model = watcher->result();
        if (!model) {
            showError(this, tr("Cannot add the checkpoint"), model.error());
            return;
        }
        emit message(tr("Added model “%1”").arg(model->name));
        emit modelsChanged();
    });
    const QString name = QFileInfo(path).completeBaseName();
    watcher->setFuture(QtConcurrent::run([project = m_project, path, name] { return addModel(project, path, name); }));
}

void TrainingPanel::updateButtons()
{
    const bool open = !m_project.isEmpty();
    const TrainRunView *view = viewOf(selectedRun());
    m_train->setEnabled(open && !m_job);
    m_pause->setEnabled(m_job != nullptr);
    m_stop->setEnabled(m_job != nullptr);
    m_resume->setEnabled(open && !m_job && view && view->resumable);
    m_addModel->setEnabled(m_checkpoints->currentItem() != nullptr);
    emit buttonsChanged();
}

bool TrainingPanel::exportCsv(const QString &file)
{
    QFile out(file);
    if (!out.open(QIODevice::WriteOnly | QIODevice::Truncate) || out.write(curvesCsv(shownSeries(), m_smoothing->value() / 100.0).toUtf8()) < 0
        || !out.flush()) {
        showError(this, tr("Cannot export the curves"), Error::io(out.errorString(), file));
        return false;
    }
    emit message(tr("Curves written to %1").arg(file));
    return true;
}

bool TrainingPanel::exportPng(const QString &file)
{
    replot();
    for (QCustomPlot *plot : {m_loss, m_metric, m_learningRate})
        plot->replot(QCustomPlot::rpImmediateRefresh);
    if (!m_plots->grab().save(file, "PNG")) {
        showError(this, tr("Cannot export the plots"), Error::io(tr("the image could not be written"), file));
        return false;
    }
    emit message(tr("Plots written to %1").arg(file));
    return true;
}

} // namespace tandem
