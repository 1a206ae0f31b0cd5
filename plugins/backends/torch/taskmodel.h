#pragma once
// One of the three models a ModelConfig describes, with what the trainer and
// the inference jobs do with it: a training loss on a batch, predictions for a
// split (answers, captions with attention), and the validation metrics.
#include "batches.h"
#include "data/embeddingstore.h"

#include "ml/models.h"

#include <c10/core/Device.h>

#include <QJsonObject>
#include <functional>
#include <memory>
#include <stdexcept>

namespace tandem::backend {

struct TextCodec {
    ml::Vocabulary vocabulary;
    ml::LabelSet labels;  // VQA answers; empty for the other tasks
};

struct TaskModel {
    ml::ModelConfig config;
    TaskKind task = TaskKind::Vqa;
    std::shared_ptr<torch::nn::Module> module; // the one below that is set
    ml::VqaModel vqa{nullptr};
    ml::CaptionModel caption{nullptr};
    ml::RetrievalModel retrieval{nullptr};
};
// The config's task (validateConfig() admits only the three names).
TaskKind taskOf(const ml::ModelConfig &config);
// The config as the models table stores it: {"key": "value"} for every line of configToString().
QJsonObject configJson(const ml::ModelConfig &config);
// Throws c10::Error when the config does not validate.
TaskModel makeTaskModel(const ml::ModelConfig &config);

struct PredictOptions {
    int imageSize = 64;
    int batchImages = 32;
    int beam = 1;            // captions
    int maxWords = 0;        // captions; 0: captionWordLimit()
    double lengthPenalty = 1.0; // captions: see ml::AttentionCaptionerImpl::beamSearch
    c10::Device device = c10::kCPU;
    DecodedImageCache *cache = nullptr; // a training run's decoded images
    std::function<bool()> cancelled; // checked between batches
    std::function<void(size_t done, size_t total)> progress; // after each batch (items of the job)
};

// Thrown by the predictions when PredictOptions::cancelled says so.
struct CancelledError : std::runtime_error {
    CancelledError() : std::runtime_error("cancelled") {}
};

Batch toDevice(const Batch &batch, c10::Device device);
// Words per decoded caption: `requested` when > 0, else as many as the longest
// caption the model trained on (max_length less <bos> and <eos>).
int64_t captionWordLimit(const ml::ModelConfig &config, int64_t requested);
// The batch's loss in training mode: answers' cross-entropy, captions'
// cross-entropy with the doubly stochastic attention term, or InfoNCE.
at::Tensor trainingLoss(TaskModel &model, const Batch &batch);

// 0 .. data.images.size() - 1.
std::vector<size_t> allImages(const SplitData &data);

// Leaves out the tokens decode() does not print (<pad>, <unk>, …) with their
// attention rows, so that the caption's words and its maps line up one to one.
void dropSpecialTokens(ml::DecodedCaption &caption);

// In eval mode without gradients; the caller chooses no-grad or inference mode.
std::vector<AnswerPrediction> predictAnswers(TaskModel &model, const SplitData &data, const TextCodec &codec,
                                             const PredictOptions &options);
std::vector<CaptionPrediction> predictCaptions(TaskModel &model, const SplitData &data, const TextCodec &codec,
                                               const PredictOptions &options);
// Retrieval: unit embeddings of these images of data.images and of all their
// captions; VQA and captioning: the images' pooled features at unit length.
SplitEmbeddings predictEmbeddings(TaskModel &model, const SplitData &data, const std::vector<size_t> &images,
                                  const TextCodec &codec, const PredictOptions &options);
// Retrieval: the unit embedding of one text, and of one image file ([dimension] floats).
std::vector<float> embedText(TaskModel &model, const TextCodec &codec, const std::string &text, c10::Device device);
std::vector<float> embedImageFile(TaskModel &model, const QString &path, int imageSize, c10::Device device);
// recall_i2t_1/5/10 and recall_t2i_1/5/10 (percent) of these embeddings; empty without captions.
QJsonObject recallMetrics(const SplitEmbeddings &embeddings);
// recallMetrics over the split's images that have captions.
QJsonObject retrievalMetrics(TaskModel &model, const SplitData &data, const TextCodec &codec,
                             const PredictOptions &options);

// "Precise BatchNorm": recomputes every BatchNorm layer's running statistics as
// the plain average over the first `maxImages` images of `data`, weights
// fixed. The running averages kept during training trail weights that move
// every step, and on flat-background scenes (Sort-of-CLEVR) the gap was enough
// for evaluation mode to answer every question alike while training mode
// had learned them. Call before evaluating or saving for inference.
void recalibrateNormalization(TaskModel &model, const SplitData &data, const PredictOptions &options,
                              size_t maxImages = 2048);

// The task's validation metrics (empty when the split has nothing to score).
QJsonObject evaluate(TaskModel &model, const SplitData &data, const TextCodec &codec, const PredictOptions &options);

} // namespace tandem::backend
