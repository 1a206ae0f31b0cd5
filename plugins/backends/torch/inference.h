#pragma once
// The inference jobs of the torch backend: answers, captions and embeddings for
// a split, scored against the project's own answers and captions, optionally
// stored; and the pieces they share with retrieval (loading a checkpoint).
#include "externalmodel.h"
#include "taskmodel.h"

#include "train/modelbackend.h"

namespace tandem::backend {

struct LoadedModel {
    TaskModel model;
    TextCodec codec;
    int imageSize = 64;
    c10::Device device = c10::kCPU;
    QString deviceName;          // "cpu (2 threads)"
    // A TorchScript model with a manifest (then `model` holds only its task).
    std::shared_ptr<ExternalModel> external;
};

// The checkpoint of request.checkpoint on the requested device, in eval mode;
// a manifest (.json) brings its TorchScript model instead.
// A checkpoint of another task is a usage error naming both tasks.
// `task` nullopt: a model of any task.
Expected<LoadedModel> loadModel(const InferenceRequest &request, std::optional<TaskKind> task);
PredictOptions predictOptions(const InferenceRequest &request, const LoadedModel &loaded, TrainObserver *observer);

Expected<CheckpointInfo> inspectCheckpoint(const QString &checkpoint);
Expected<InferenceResult> runAnswers(const InferenceRequest &request, TrainObserver *observer);
Expected<InferenceResult> runCaptions(const InferenceRequest &request, TrainObserver *observer);
// Tagging models come only as TorchScript manifests.
Expected<InferenceResult> runTags(const InferenceRequest &request, TrainObserver *observer);
Expected<EmbedResult> runEmbed(const InferenceRequest &request, TrainObserver *observer);

} // namespace tandem::backend
