#include "evaluationpanel.h"

#include "backgroundjob.h"

#include "tablecells.h"

#include "data/projectstore.h"

#include <QComboBox>
#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>
#include <QtConcurrent>
#include <cmath>

namespace tandem {

namespace {

QTableWidget *makeTable(QWidget *parent, const QStringList &headers)
{
    auto *table = new QTableWidget(0, int(headers.size()), parent);
    table->setHorizontalHeaderLabels(headers);
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    table->verticalHeader()->hide();
    table->horizontalHeader()->setStretchLastSection(true);
    return table;
}

// The run's headline metric, from what its job stored.
QString headline(const RunRecord &r)
{
    for (const char *key : {"vqa_accuracy", "answer_accuracy", "cider_d", "bleu4", "recall_t2i_1"})
        if (r.metrics.value(QLatin1String(key)).isDouble())
            return QStringLiteral("%1 %2").arg(QLatin1String(key)).arg(r.metrics.value(QLatin1String(key)).toDouble(), 0, 'f', 3);
    return {};
}

} // namespace

EvaluationPanel::EvaluationPanel(QWidget *parent) : QWidget(parent)
{
    auto *layout = new QVBoxLayout(this);
    auto *top = new QHBoxLayout;
    m_run = new QComboBox(this);
    m_run->setToolTip(tr("A run with predictions (Models dock ▸ Run): its samples scored against the labels"));
    m_compare = new QComboBox(this);
    m_compare->setToolTip(tr("A second run of the same task: its answer beside each sample, and the samples where they disagree"));
    m_show = new QComboBox(this);
    m_show->addItems({tr("All samples"), tr("Wrong ones"), tr("Where the runs disagree")});
    auto *refresh = new QPushButton(tr("Refresh"), this);
    top->addWidget(new QLabel(tr("Run:"), this));
    top->addWidget(m_run, 2);
    top->addWidget(new QLabel(tr("Compare with:"), this));
    top->addWidget(m_compare, 2);
    top->addWidget(m_show, 1);
    top->addWidget(refresh);
    layout->addLayout(top);
    m_summary = new QLabel(tr("Open a project and run a model with “Save as suggestions” to evaluate it here."), this);
    m_summary->setWordWrap(true);
    layout->addWidget(m_summary);

    m_runTable = makeTable(this, {tr("Run"), tr("Name"), tr("Kind"), tr("Task"), tr("Status"), tr("Metric"), tr("Started")});
    m_runTable->setSortingEnabled(true);
    m_types = makeTable(this, {tr("Type"), tr("Accuracy %"), tr("Samples")});
    m_types->setSortingEnabled(true);
    m_confusion = new QTableWidget(this);
    m_confusion->setObjectName(QStringLiteral("confusionMatrix"));
    m_confusion->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_confusion->setToolTip(tr("Rows: the most common human answer; columns: the run's answer. Click a cell for its samples."));
    m_samples = makeTable(this, {tr("Image"), tr("Question"), tr("Predicted"), tr("Reference"), tr("Accuracy"), tr("Score"),
                                 tr("Other run"), tr("BLEU-4"), tr("ROUGE-L")});
    m_samples->setObjectName(QStringLiteral("evaluationSamples"));
    m_samples->setSortingEnabled(true);
    m_samples->setToolTip(tr("Double-click a sample to open its image with its labels, the prediction and its map"));

    auto *upper = new QSplitter(this);
    upper->addWidget(m_runTable);
    upper->addWidget(m_types);
    upper->addWidget(m_confusion);
    upper->setSizes({380, 220, 380});
    auto *split = new QSplitter(Qt::Vertical, this);
    split->addWidget(upper);
    split->addWidget(m_samples);
    layout->addWidget(split, 1);

    connect(refresh, &QPushButton::clicked, this, &EvaluationPanel::refresh);
    const auto reevaluate = [this] {
        if (const qint64 run = chosenRun(m_run))
            evaluate(run, chosenRun(m_compare));
    };
    connect(m_run, &QComboBox::activated, this, reevaluate);
    connect(m_compare, &QComboBox::activated, this, reevaluate);
    connect(m_show, &QComboBox::currentIndexChanged, this, &EvaluationPanel::showSamples);
    connect(m_runTable, &QTableWidget::cellDoubleClicked, this, [this](int row) {
        const qint64 id = m_runTable->item(row, 0)->data(Qt::DisplayRole).toLongLong();
        const int index = m_run->findData(id);
        if (index >= 0) {
            m_run->setCurrentIndex(index);
            evaluate(id, chosenRun(m_compare));
        }
    });
    connect(m_confusion, &QTableWidget::cellClicked, this, [this](int row, int column) {
        if (m_evaluation && row < m_evaluation->confusionLabels.size() && column < m_evaluation->confusionLabels.size())
            filterSamples(m_evaluation->confusionLabels[row], m_evaluation->confusionLabels[column]);
    });
    connect(m_samples, &QTableWidget::cellActivated, this, [this](int row) { // double-click or Enter
        emit openImage(m_samples->item(row, 0)->data(Qt::UserRole).toLongLong());
    });
}

void EvaluationPanel::setProject(const QString &path)
{
    m_project = path;
    m_evaluation.reset();
    refresh();
}

qint64 EvaluationPanel::chosenRun(QComboBox *box) const
{
    return box->currentData().toLongLong();
}

void EvaluationPanel::refresh()
{
    if (m_project.isEmpty())
        return;
    auto *watcher = new QFutureWatcher<Expected<std::vector<RunRecord>>>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, project = m_project] {
        watcher->deleteLater();
        const auto runs = watcher->result();
        if (project != m_project)
            return;
        if (!runs) {
            emit message(runs.error().message);
            return;
        }
        showRuns(*runs);
    });
    watcher->setFuture(QtConcurrent::run([project = m_project]() -> Expected<std::vector<RunRecord>> {
        auto store = ProjectStore::open(project);
        if (!store)
            return store.error();
        return runs::list(*store);
    }));
}

void EvaluationPanel::showRuns(const std::vector<RunRecord> &runs)
{
    m_runs = runs;
    m_runTable->setSortingEnabled(false);
    m_runTable->setRowCount(0);
    const qint64 chosen = chosenRun(m_run), compared = chosenRun(m_compare);
    m_run->clear();
    m_compare->clear();
    m_compare->addItem(tr("(no second run)"), qint64(0));
    for (const RunRecord &r : runs) {
        const int row = m_runTable->rowCount();
        m_runTable->insertRow(row);
        auto *id = new QTableWidgetItem;
        id->setData(Qt::DisplayRole, r.id);
        m_runTable->setItem(row, 0, id);
        const QString task = r.task() ? taskName(*r.task()) : QString();
        const QStringList cells{r.name, runKindName(r.kind), task, runStatusName(r.status), headline(r), r.startedAt};
        for (int c = 0; c < cells.size(); ++c)
            m_runTable->setItem(row, c + 1, new QTableWidgetItem(cells[c]));
        if (r.kind == RunKind::Infer && r.task() != TaskKind::Retrieval && r.task() != TaskKind::Tagging) {
            const QString label = QStringLiteral("%1 · %2 (%3)").arg(r.id).arg(r.name, task);
            m_run->addItem(label, r.id);
            m_compare->addItem(label, r.id);
        }
    }
    m_runTable->setSortingEnabled(true);
    m_run->setCurrentIndex(std::max(0, m_run->findData(chosen)));
    m_compare->setCurrentIndex(std::max(0, m_compare->findData(compared)));
    if (!m_evaluation && chosenRun(m_run) > 0)
        evaluate(chosenRun(m_run), chosenRun(m_compare));
}

void EvaluationPanel::evaluate(qint64 runId, qint64 compareWith)
{
    if (m_project.isEmpty() || runId <= 0)
        return;
    for (auto [box, id] : {std::make_pair(m_run, runId), std::make_pair(m_compare, compareWith)})
        if (const int index = box->findData(id); index >= 0)
            box->setCurrentIndex(index);
    m_summary->setText(tr("Scoring run %1…").arg(runId));
    inBackground<Expected<RunEvaluation>>(this, [project = m_project, runId, compareWith] {
            return evaluateRun(project, runId, compareWith);
        },
        [this](const Expected<RunEvaluation> &evaluation) {
            if (!evaluation) {
                m_summary->setText(tr("Cannot evaluate: %1").arg(evaluation.error().message));
                return;
            }
            showEvaluation(*evaluation);
        });
}

void EvaluationPanel::showEvaluation(RunEvaluation evaluation)
{
    m_evaluation = std::move(evaluation);
    m_onlyReference.clear();
    m_onlyPredicted.clear();
    const RunEvaluation &e = *m_evaluation;
    m_summary->setText(tr("Run %1 (%2): %3 %4 over %5 samples%6")
                           .arg(e.run.id).arg(e.run.name, e.metric)
                           .arg(e.task == TaskKind::Vqa ? QStringLiteral("%1%").arg(e.overall, 0, 'f', 2)
                                                        : QString::number(e.overall, 'f', 3))
                           .arg(e.samples.size())
                           .arg(e.unscored > 0 ? tr("; %1 without labels to score against").arg(e.unscored) : QString()));
    showTypes();
    showConfusion();
    showSamples();
    emit evaluated();
}

void EvaluationPanel::showTypes()
{
    m_types->setSortingEnabled(false);
    m_types->setRowCount(0);
    const RunEvaluation &e = *m_evaluation;
    std::map<QString, int> counts;
    for (const EvalSample &s : e.samples) {
        ++counts[QStringLiteral("answer: ") + s.answerType];
        ++counts[QStringLiteral("question: ") + s.questionType];
    }
    const auto add = [&](const QString &prefix, const std::map<QString, double> &byType) {
        for (const auto &[type, percent] : byType) {
            const int row = m_types->rowCount();
            m_types->insertRow(row);
            m_types->setItem(row, 0, new QTableWidgetItem(prefix + type));
            m_types->setItem(row, 1, numberItem(percent, 2));
            m_types->setItem(row, 2, numberItem(counts[prefix + type], 0));
        }
    };
    add(QStringLiteral("answer: "), e.perAnswerType);
    add(QStringLiteral("question: "), e.perQuestionType);
    m_types->setSortingEnabled(true);
    m_types->resizeColumnsToContents();
}

void EvaluationPanel::showConfusion()
{
    const RunEvaluation &e = *m_evaluation;
    const int n = int(e.confusionLabels.size());
    m_confusion->clear();
    m_confusion->setRowCount(n);
    m_confusion->setColumnCount(n);
    m_confusion->setHorizontalHeaderLabels(e.confusionLabels);
    m_confusion->setVerticalHeaderLabels(e.confusionLabels);
    int peak = 1;
    for (const auto &row : e.confusion)
        for (int count : row)
            peak = std::max(peak, count);
    for (int r = 0; r < n; ++r)
        for (int c = 0; c < n; ++c) {
            const int count = e.confusion[size_t(r)][size_t(c)];
            auto *item = new QTableWidgetItem(count > 0 ? QString::number(count) : QString());
            item->setTextAlignment(Qt::AlignCenter);
            const double share = double(count) / peak;
            const QColor base = r == c ? QColor(0x59a14f) : QColor(0xe15759);
            item->setBackground(QColor::fromRgbF(1 - share * (1 - base.redF()), 1 - share * (1 - base.greenF()),
                                                 1 - share * (1 - base.blueF())));
            item->setToolTip(tr("%1 samples: human “%2”, run “%3”").arg(count).arg(e.confusionLabels[r], e.confusionLabels[c]));
            m_confusion->setItem(r, c, item);
        }
    m_confusion->resizeColumnsToContents();
}

void EvaluationPanel::filterSamples(const QString &reference, const QString &predicted)
{
    m_onlyReference = reference;
    m_onlyPredicted = predicted;
    showSamples();
}

void EvaluationPanel::showSamples()
{
    m_samples->setSortingEnabled(false);
    m_samples->setRowCount(0);
    if (!m_evaluation)
        return;
    const RunEvaluation &e = *m_evaluation;
    const bool captions = e.task == TaskKind::Caption; // per caption: CIDEr-D, BLEU-4, ROUGE-L
    m_samples->horizontalHeaderItem(4)->setText(captions ? tr("CIDEr-D") : tr("Accuracy"));
    m_samples->setColumnHidden(7, !captions);
    m_samples->setColumnHidden(8, !captions);
    const int show = m_show->currentIndex();
    for (const EvalSample &s : e.samples) {
        const bool wrong = e.task == TaskKind::Vqa ? s.accuracy < 1.0 : s.accuracy < e.overall;
        if ((show == 1 && !wrong) || (show == 2 && (s.otherPrediction.isEmpty() || s.otherPrediction == s.predicted))
            || (!m_onlyReference.isEmpty() && s.reference != m_onlyReference)
            || (!m_onlyPredicted.isEmpty() && s.predicted != m_onlyPredicted))
            continue;
        const int row = m_samples->rowCount();
        m_samples->insertRow(row);
        auto *image = new QTableWidgetItem(s.image);
        image->setData(Qt::UserRole, s.imageId);
        m_samples->setItem(row, 0, image);
        m_samples->setItem(row, 1, new QTableWidgetItem(s.questionId > 0 ? s.question : tr("(caption)")));
        m_samples->setItem(row, 2, new QTableWidgetItem(s.predicted));
        m_samples->setItem(row, 3, new QTableWidgetItem(s.reference));
        m_samples->setItem(row, 4, numberItem(s.accuracy, 3));
        m_samples->setItem(row, 5, numberItem(s.score, 3));
        m_samples->setItem(row, 6, new QTableWidgetItem(s.otherPrediction));
        m_samples->setItem(row, 7, numberItem(s.bleu4, 3));
        m_samples->setItem(row, 8, numberItem(s.rougeL, 3));
    }
    m_samples->setSortingEnabled(true);
    m_samples->sortByColumn(4, Qt::AscendingOrder); // the worst first
    m_samples->resizeColumnsToContents();
}

} // namespace tandem
