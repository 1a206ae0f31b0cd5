#include "modelsdock.h"

#include "backgroundjob.h"
#include "modellistmodel.h"
#include "modelrunjob.h"
#include "projectworker.h"

#include <QComboBox>
#include <QDateTime>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QGridLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QTableView>
#include <QVBoxLayout>
#include <QtConcurrent>

namespace tandem {

namespace {

QString taskNoun(TaskKind task, qint64 n)
{
    switch (task) {
    case TaskKind::Vqa: return QObject::tr("%L1 answers").arg(n);
    case TaskKind::Caption: return QObject::tr("%L1 captions").arg(n);
    case TaskKind::Retrieval: return QObject::tr("%L1 vectors").arg(n);
    case TaskKind::Tagging: return QObject::tr("%L1 tags").arg(n);
    }
    return {};
}

QString duration(double seconds)
{
    if (seconds < 0)
        return QStringLiteral("…");
    const int s = int(seconds + 0.5);
    return s < 60 ? QObject::tr("%1 s").arg(s) : QObject::tr("%1 min %2 s").arg(s / 60).arg(s % 60);
}

} // namespace

ModelsDock::ModelsDock(ProjectWorker *worker, ImagesOf imagesOf, QWidget *parent)
    : QWidget(parent), m_worker(worker), m_imagesOf(std::move(imagesOf)), m_models(new ModelListModel(this))
{
    m_table = new QTableView(this);
    m_table->setObjectName(QStringLiteral("modelsTable"));
    m_table->setModel(m_models);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::EditKeyPressed);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setToolTip(tr("Double-click a model to make it the current one; F2 renames it"));
    connect(m_table, &QTableView::doubleClicked, this, [this](const QModelIndex &index) {
        if (const ModelRecord *m = m_models->model(index.row()))
            useModel(m->id);
    });
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this, &ModelsDock::updateButtons);
    connect(m_models, &ModelListModel::renameRequested, this, [this](qint64 id, const QString &name) {
        changeModels([id, name](ProjectStore &store) { return models::rename(store, id, name); });
    });

    const auto button = [this](const QString &text, const QString &tip, auto slot) {
        auto *b = new QPushButton(text, this);
        b->setToolTip(tip);
        connect(b, &QPushButton::clicked, this, slot);
        return b;
    };
    m_add = button(tr("Add…"), tr("Add a checkpoint file written by 'tandem-cli train' to this project"), &ModelsDock::addCheckpoint);
    m_use = button(tr("Use"), tr("Make the selected model the current one (double-click does the same)"), [this] {
        if (const ModelRecord *m = m_models->model(m_table->currentIndex().row()))
            useModel(m->id);
    });
    m_rename = button(tr("Rename"), tr("Rename the selected model (F2)"), &ModelsDock::renameSelected);
    m_remove = button(tr("Remove"), tr("Remove the selected model from the project (the checkpoint file stays)"),
                      &ModelsDock::removeSelected);
    m_export = button(tr("Export…"), tr("Write the selected model as TorchScript with a manifest, for PyTorch or another Tandem"),
                      [this] {
                          const QString folder = QFileDialog::getExistingDirectory(this, tr("Export as TorchScript"),
                                                                                   QFileInfo(m_project).absolutePath());
                          if (!folder.isEmpty())
                              exportSelected(folder);
                      });
    auto *buttons = new QHBoxLayout;
    for (QPushButton *b : {m_add, m_use, m_rename, m_remove, m_export})
        buttons->addWidget(b);
    buttons->addStretch();

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(m_table, 1);
    layout->addLayout(buttons);
    layout->addWidget(buildRunBox());
    updateButtons();
}

QWidget *ModelsDock::buildRunBox()
{
    auto *box = new QWidget(this);
    auto *grid = new QGridLayout(box);
    grid->setContentsMargins(0, 4, 0, 0);
    m_scope = new QComboBox(box);
    m_scope->setObjectName(QStringLiteral("runScope"));
    m_scope->setToolTip(tr("Which images the current model runs on"));
    setSplits({});
    m_device = new QComboBox(box);
    m_device->setObjectName(QStringLiteral("runDevice"));
    m_device->addItem(tr("Auto"), QStringLiteral("auto"));
    m_device->addItem(tr("CPU"), QStringLiteral("cpu"));
    m_device->addItem(tr("CUDA"), QStringLiteral("cuda"));
    m_device->setToolTip(tr("Where the model runs; Auto uses CUDA when this build of LibTorch sees a GPU"));
    connect(m_device, qOverload<int>(&QComboBox::currentIndexChanged), this, [this] { emit deviceChanged(device()); });
    m_run = new QPushButton(tr("Run"), box);
    m_run->setObjectName(QStringLiteral("runModel"));
    m_run->setToolTip(tr("Run the current model; its answers or captions become suggestions (Ctrl+R)"));
    connect(m_run, &QPushButton::clicked, this, &ModelsDock::runModel);
    m_cancel = new QPushButton(tr("Cancel"), box);
    m_cancel->setObjectName(QStringLiteral("cancelRun"));
    m_cancel->setEnabled(false);
    connect(m_cancel, &QPushButton::clicked, this, &ModelsDock::cancelRun);
    m_progress = new QProgressBar(box);
    m_progress->setRange(0, 1);
    m_progress->setValue(0);
    m_progress->setFormat(tr("%v / %m images"));
    m_progress->setTextVisible(false); // until a run reports
    m_hint = tr("Add a model (a checkpoint from 'tandem-cli train'), then run it on images to get suggestions.");
    m_status = new QLabel(m_hint, box);
    m_status->setObjectName(QStringLiteral("runStatus"));
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    grid->addWidget(new QLabel(tr("Run on"), box), 0, 0);
    grid->addWidget(m_scope, 0, 1);
    grid->addWidget(new QLabel(tr("Device"), box), 0, 2);
    grid->addWidget(m_device, 0, 3);
    grid->addWidget(m_run, 0, 4);
    grid->addWidget(m_progress, 1, 0, 1, 4);
    grid->addWidget(m_cancel, 1, 4);
    grid->addWidget(m_status, 2, 0, 1, 5);
    grid->setColumnStretch(1, 1);
    return box;
}

void ModelsDock::setProject(const QString &path)
{
    m_project = path;
    m_models->setModels({}, 0);
    refresh();
}

void ModelsDock::setSplits(const QStringList &splits)
{
    const QVariant kept = m_scope->currentData();
    m_scope->clear();
    m_scope->addItem(tr("Current image"), int(Scope::CurrentImage));
    m_scope->addItem(tr("Selected images"), int(Scope::Selection));
    m_scope->addItem(tr("Images shown in the grid"), int(Scope::Shown));
    for (const QString &split : splits)
        m_scope->addItem(tr("The %1 split").arg(split), QStringLiteral("split:") + split);
    m_scope->setCurrentIndex(std::max(0, m_scope->findData(kept)));
}

void ModelsDock::refresh()
{
    if (m_project.isEmpty())
        return;
    using Listing = std::pair<std::vector<ModelRecord>, qint64>;
    m_worker->query<Listing>(this, [](ProjectStore &store) -> Expected<Listing> {
        auto list = models::list(store);
        if (!list)
            return list.error();
        return Listing{std::move(*list), models::current(store)};
    }, [this](const Expected<Listing> &listing) {
        if (!listing) {
            emit message(listing.error().message);
            return;
        }
        showList(listing->first, listing->second);
    });
}

void ModelsDock::showList(std::vector<ModelRecord> models, qint64 current)
{
    const qint64 before = m_models->currentId();
    const std::optional<ModelRecord> was = currentModel();
    if (!m_job && m_status->text() == m_hint) { // still the hint: keep it to the point
        m_hint = models.empty() ? tr("Add a model (a checkpoint from 'tandem-cli train'), then run it on images to get suggestions.")
                                : tr("Double-click a model to make it current, then Run (Ctrl+R): its results become suggestions.");
        m_status->setText(m_hint);
    }
    m_models->setModels(std::move(models), current);
    m_table->resizeColumnsToContents();
    if (const int row = m_models->rowOf(current); row >= 0)
        m_table->selectRow(row);
    const std::optional<ModelRecord> now = currentModel();
    if (before != current || (was.has_value() != now.has_value()) || (now && was && now->name != was->name))
        emit currentModelChanged(now);
    updateButtons();
}

std::optional<ModelRecord> ModelsDock::currentModel() const
{
    const ModelRecord *m = m_models->current();
    return m ? std::optional<ModelRecord>(*m) : std::nullopt;
}

QString ModelsDock::device() const
{
    return m_device->currentData().toString();
}

void ModelsDock::changeModels(std::function<Status(ProjectStore &)> change)
{
    m_worker->query<bool>(this, [change = std::move(change)](ProjectStore &store) -> Expected<bool> {
        if (auto s = change(store); !s)
            return s.error();
        return true;
    }, [this](const Expected<bool> &done) {
        if (!done)
            emit message(done.error().message);
        refresh(); // the list shows what the store holds
    });
}

void ModelsDock::useModel(qint64 id)
{
    changeModels([id](ProjectStore &store) { return models::setCurrent(store, id); });
}

void ModelsDock::useCheckpoint(const QString &checkpoint)
{
    changeModels([checkpoint](ProjectStore &store) -> Status {
        const qint64 id = models::idForCheckpoint(store, checkpoint);
        if (id == 0)
            return Error::input(QStringLiteral("no model of the project uses this checkpoint"), checkpoint);
        return models::setCurrent(store, id);
    });
}

void ModelsDock::addCheckpoint()
{
    if (m_project.isEmpty())
        return;
    const QString file = QFileDialog::getOpenFileName(this, tr("Add a Model"), QFileInfo(m_project).absolutePath(),
                                                      tr("Models (*.ckpt *.json);;Tandem checkpoints (*.ckpt);;TorchScript manifests (*.json);;All files (*)"));
    if (file.isEmpty())
        return;
    m_status->setText(tr("Reading %1…").arg(QFileInfo(file).fileName()));
    auto *watcher = new QFutureWatcher<Expected<ModelRecord>>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher] {
        const Expected<ModelRecord> added = watcher->result();
        watcher->deleteLater();
        if (!added) {
            m_status->setText(tr("Not added: %1").arg(added.error().message));
            showError(this, tr("Cannot add this model"), added.error(), tr("Nothing was added to the project."));
            return;
        }
        m_status->setText(tr("Added %1 (%2).").arg(added->name, architectureSummary(added->architecture)));
        useModel(added->id);
    });
    watcher->setFuture(QtConcurrent::run([project = m_project, file] { return addModel(project, file); }));
}

void ModelsDock::renameSelected()
{
    const QModelIndex index = m_models->index(m_table->currentIndex().row(), ModelListModel::Name);
    if (index.isValid())
        m_table->edit(index);
}

bool ModelsDock::exportSelected(const QString &folder)
{
    const ModelRecord *m = m_models->model(m_table->currentIndex().row());
    if (!m)
        return false;
    m_status->setText(tr("Exporting %1…").arg(m->name));
    auto *watcher = new QFutureWatcher<Expected<ExportResult>>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher] {
        const Expected<ExportResult> exported = watcher->result();
        watcher->deleteLater();
        if (!exported) {
            m_status->setText(tr("Not exported: %1").arg(exported.error().message));
            return;
        }
        m_status->setText(tr("Exported as TorchScript: %1 (add it with Add…, or load it in PyTorch with torch.jit.load)")
                              .arg(QDir::toNativeSeparators(exported->manifest)));
    });
    watcher->setFuture(QtConcurrent::run([checkpoint = m->checkpoint, folder] { return exportModel(checkpoint, folder); }));
    return true;
}

void ModelsDock::removeSelected()
{
    const ModelRecord *m = m_models->model(m_table->currentIndex().row());
    if (!m)
        return;
    const auto answer = QMessageBox::question(this, tr("Remove Model"),
                                              tr("Remove \"%1\" from the project?\n\nIts runs and their predictions stay, "
                                                 "and so does the checkpoint file.").arg(m->name));
    if (answer != QMessageBox::Yes)
        return;
    changeModels([id = m->id](ProjectStore &store) { return models::remove(store, id); });
}

std::optional<std::vector<qint64>> ModelsDock::scopeImages(QString *split) const
{
    const QVariant scope = m_scope->currentData();
    if (scope.typeId() == QMetaType::QString) {
        *split = scope.toString().mid(6);
        return std::vector<qint64>{};
    }
    split->clear();
    std::vector<qint64> images = m_imagesOf(Scope(scope.toInt()));
    if (images.empty())
        return std::nullopt;
    return images;
}

void ModelsDock::runModel()
{
    const std::optional<ModelRecord> model = currentModel();
    if (!model || m_job) {
        emit message(model ? tr("A model is already running") : tr("Choose a model first (Models dock: Add…)"));
        return;
    }
    InferenceRequest request;
    const auto images = scopeImages(&request.split);
    if (!images) {
        emit message(tr("No images to run on: select some first"));
        return;
    }
    request.project = m_project;
    request.checkpoint = model->checkpoint;
    request.imageIds = *images;
    request.device = device();
    request.beam = 1; // suggestions: greedy is what the attention maps of the words follow
    request.saveAs = tr("%1 on %2, %3").arg(model->name, m_scope->currentText().toLower(),
                                            QDateTime::currentDateTime().toString(QStringLiteral("yyyy-MM-dd hh:mm")));
    m_job = ModelRunJob::start(this, request);
    connect(m_job, &ModelRunJob::progress, this, &ModelsDock::showProgress);
    connect(m_job, &ModelRunJob::finished, this, [this, images = *images](const ModelRunResult &r) { finishRun(r, images); });
    connect(m_job, &ModelRunJob::failed, this, &ModelsDock::failRun);
    started(tr("Running %1 on %2…").arg(model->name, m_scope->currentText().toLower()));
}

void ModelsDock::started(const QString &what)
{
    m_status->setText(what);
    m_progress->setRange(0, 0);
    m_cancel->setEnabled(true);
    updateButtons();
}

void ModelsDock::showProgress(qint64 done, qint64 total, double eta)
{
    m_progress->setTextVisible(true);
    m_progress->setRange(0, int(std::max<qint64>(1, total)));
    m_progress->setValue(int(done));
    m_status->setText(tr("%L1 of %L2 images, %3 left").arg(done).arg(total).arg(duration(eta)));
}

void ModelsDock::cancelRun()
{
    if (m_job) {
        m_job->cancel();
        m_status->setText(tr("Cancelling…"));
    }
}

void ModelsDock::finishRun(const ModelRunResult &r, const std::vector<qint64> &images)
{
    m_job = nullptr;
    m_cancel->setEnabled(false);
    m_progress->setRange(0, 1);
    m_progress->setValue(1);
    m_status->setText(tr("Run %1: %2 on %3.").arg(r.runId).arg(taskNoun(r.task, r.predictions), r.device));
    m_device->setToolTip(tr("Last run used %1").arg(r.device));
    updateButtons();
    refresh();
    emit runFinished(r.runId, images);
}

void ModelsDock::failRun(const Error &error)
{
    m_job = nullptr;
    m_cancel->setEnabled(false);
    m_progress->setRange(0, 1);
    m_progress->setValue(0);
    const bool cancelled = error.kind == ErrorKind::Cancelled;
    m_status->setText(cancelled ? tr("Cancelled: nothing was stored.") : tr("Failed: %1").arg(error.message));
    updateButtons();
    if (!cancelled)
        showError(this, tr("The model did not run"), error, tr("Nothing was stored."));
}

void ModelsDock::updateButtons()
{
    const bool selected = m_models->model(m_table->currentIndex().row()) != nullptr;
    m_use->setEnabled(selected);
    m_rename->setEnabled(selected);
    m_remove->setEnabled(selected);
    m_export->setEnabled(selected);
    m_run->setEnabled(!m_job && currentModel().has_value());
    m_add->setEnabled(!m_project.isEmpty());
}

} // namespace tandem
