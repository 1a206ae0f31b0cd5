#pragma once
// The Models dock: the project's models (add a checkpoint, rename, delete,
// choose the current one, remembered in the project) and running the current
// model on the current image, the selection, the images shown or a split, in
// the background with progress, time left and Cancel.
#include "data/runstore.h"
#include "train/modelbackend.h"

#include <QFutureWatcher>
#include <QWidget>
#include <functional>
#include <optional>
#include <vector>

class QComboBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QTableView;

namespace tandem {

class ModelListModel;
class ModelRunJob;
class ProjectStore;
class ProjectWorker;
struct ModelRunResult;
struct Error;

class ModelsDock : public QWidget {
    Q_OBJECT
public:
    enum class Scope { CurrentImage, Selection, Shown };
    using ImagesOf = std::function<std::vector<qint64>(Scope)>;

    ModelsDock(ProjectWorker *worker, ImagesOf imagesOf, QWidget *parent = nullptr);

    void setProject(const QString &path);
    void setSplits(const QStringList &splits);
    std::optional<ModelRecord> currentModel() const;
    QString device() const; // auto / cpu / cuda
    bool isRunning() const { return m_job != nullptr; }
    // Writes the selected model as TorchScript with its manifest into `folder`,
    // in the background; the status line says what was written or why not.
    // False when no model is selected.
    bool exportSelected(const QString &folder);
    QLabel *statusLabel() const { return m_status; }

public slots:
    void addCheckpoint();
    void runModel();
    void cancelRun();
    void refresh();
    // Makes the model of this checkpoint the current one (e.g. from a comparison row).
    void useCheckpoint(const QString &checkpoint);

signals:
    void currentModelChanged(const std::optional<tandem::ModelRecord> &model);
    void deviceChanged(const QString &device); // auto / cpu / cuda
    void runFinished(qint64 runId, const std::vector<qint64> &imageIds);
    void message(const QString &text);

private:
    QWidget *buildRunBox();
    void useModel(qint64 id);
    // Runs `change` on the project's writer, then shows the list again (or why it failed).
    void changeModels(std::function<Status(ProjectStore &)> change);
    void removeSelected();
    void renameSelected();
    void showList(std::vector<ModelRecord> models, qint64 current);
    void started(const QString &what);
    void showProgress(qint64 done, qint64 total, double eta);
    void finishRun(const ModelRunResult &result, const std::vector<qint64> &images);
    void failRun(const Error &error);
    void updateButtons();
    std::optional<std::vector<qint64>> scopeImages(QString *split) const;

    ProjectWorker *m_worker;
    ImagesOf m_imagesOf;
    QString m_project;
    ModelListModel *m_models;
    QTableView *m_table = nullptr;
    QPushButton *m_add = nullptr, *m_rename = nullptr, *m_remove = nullptr, *m_use = nullptr, *m_export = nullptr;
    QComboBox *m_scope = nullptr, *m_device = nullptr;
    QPushButton *m_run = nullptr, *m_cancel = nullptr;
    QProgressBar *m_progress = nullptr;
    QLabel *m_status = nullptr;
    QString m_hint; // what the status line says until something runs
    ModelRunJob *m_job = nullptr;
};

} // namespace tandem
