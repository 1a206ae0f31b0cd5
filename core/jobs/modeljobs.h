#pragma once
// The model jobs, one function each, called by the model commands of
// `tandem-cli` and by the GUI's Models dock alike. They reach LibTorch through
// the model-backend plugin, loaded on first use. Synchronous: run them on a
// worker thread; each opens its own connection to the project.
#include "data/runstore.h"
#include "train/modelbackend.h"

namespace tandem {

// The LibTorch backend, loaded now if it is not yet.
Expected<ModelBackend *> modelBackend();

// The backend and what the checkpoint holds (its task), for jobs that depend on the task.
struct CheckedModel {
    ModelBackend *backend = nullptr;
    CheckpointInfo info;
};
Expected<CheckedModel> checkedModel(const QString &checkpoint);

// Adds a checkpoint file to the project's models (or renames the row that
// already names it); a file that is not a Tandem checkpoint is refused and
// nothing is stored. `name` "" = the file's base name.
Expected<ModelRecord> addModel(const QString &project, const QString &checkpoint, const QString &name = {});

// Runs a model on images of the project, by its task: answers to their
// questions (VQA), captions with attention maps (captioning), tags (tagging)
// or embeddings (retrieval). With request.saveAs the predictions are stored as a run and
// become suggestions. The task is read from the checkpoint.
struct ModelRunResult {
    TaskKind task = TaskKind::Vqa;
    qint64 runId = 0;
    QJsonObject metrics;
    qint64 predictions = 0;      // answers, captions, tags or vectors stored
    QString device;              // what ran it: "cpu (2 threads)"
};
Expected<ModelRunResult> runModel(const InferenceRequest &request, TrainObserver *observer);

// Writes a checkpoint's model as TorchScript with its manifest into `folder`
// (ModelBackend::exportTorchScript), to load into PyTorch or another Tandem.
Expected<ExportResult> exportModel(const QString &checkpoint, const QString &folder);

} // namespace tandem
