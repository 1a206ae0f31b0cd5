#pragma once
// Models made elsewhere (train/modelmanifest.h): a TorchScript file run through
// the same jobs as the built-in models (answers, captions, embeddings, ask,
// explain), its inputs prepared as its manifest says and its outputs checked
// against it. A shape or type the manifest did not promise throws
// std::runtime_error naming the manifest, the output and both shapes.
#include "taskmodel.h"

#include "train/modelbackend.h"
#include "train/modelmanifest.h"

#include <torch/script.h>

#include <memory>

namespace tandem::backend {

struct ExternalModel {
    ModelManifest manifest;
    torch::jit::Module module;
    c10::Device device = c10::kCPU;
};

// Loads the manifest's TorchScript file (readManifest) on `device`, in eval mode.
// A file that is not TorchScript, or one saved by a newer PyTorch than this
// LibTorch reads, is an input error naming the file (and both versions).
Expected<std::shared_ptr<ExternalModel>> loadExternalModel(ModelManifest manifest, c10::Device device);
Expected<CheckpointInfo> inspectManifest(const QString &manifest);

std::vector<AnswerPrediction> externalAnswers(ExternalModel &model, const SplitData &data, const PredictOptions &options);
std::vector<CaptionPrediction> externalCaptions(ExternalModel &model, const SplitData &data, const PredictOptions &options);
// Each image's tags with probability >= threshold, likeliest first, at most maxTags.
std::vector<TagPrediction> externalTags(ExternalModel &model, const SplitData &data, const PredictOptions &options,
                                        double threshold, int maxTags);
// Unit vectors of the images (and, for retrieval models, of their captions).
SplitEmbeddings externalEmbeddings(ExternalModel &model, const SplitData &data, const std::vector<size_t> &images,
                                   const PredictOptions &options);
std::vector<float> externalTextVector(ExternalModel &model, const std::string &text);
std::vector<float> externalImageVector(ExternalModel &model, const QString &path);

AskResult externalAsk(ExternalModel &model, const QString &imagePath, const QString &question, int k);
// Attention (an output marked "attention") or Grad-CAM (over the output marked
// "features", for VQA); the caption's words each with their map.
ExplainResult externalExplain(ExternalModel &model, const QString &imagePath, const ExplainRequest &request);

} // namespace tandem::backend
