#pragma once
// Whole models assembled from a ModelConfig: VQA (vision + text + fusion +
// answer head), captioning (vision + attention captioner) and retrieval
// (vision + text + contrastive head). The config round-trips through flat
// key=value lines, which checkpoints carry so that a checkpoint can be matched
// against the model it is loaded into.
#include "ml/fusion.h"
#include "ml/heads.h"
#include "ml/result.h"
#include "ml/text.h"
#include "ml/vision.h"

#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace tandem::ml {

struct ModelConfig {
    std::string task = "vqa";          // vqa / caption / retrieval
    // vision
    std::string vision = "cnn";        // cnn / resnet
    int64_t visionChannels = 32;
    int64_t visionStages = 4;          // stride-2 stages: a 64-pixel image gives a 4x4 grid, 3 stages 8x8
    bool coordinateChannels = false;   // CoordConv planes at the input
    int64_t pixelChannels = 0;         // a full-resolution path beside the stages, max-pooled per region
    bool objectPositions = false;      // the appended x, y: where the pixel path finds each region's object
    bool appendCoordinates = true;     // region x, y appended to every region feature
    // text (questions for VQA, captions for retrieval)
    std::string text = "gru";          // gru / transformer
    int64_t vocabSize = 0;
    int64_t embedDim = 64;
    int64_t textDim = 128;
    int64_t textLayers = 1;
    int64_t textHeads = 4;
    int64_t maxLength = 32;
    std::string textPooling = "mean";  // transformer: mean / cls
    // fusion and answers (VQA)
    std::string fusion = "concat";     // see fusionNames()
    int64_t fusionHidden = 256;
    int64_t fusionDim = 256;
    int64_t fusionHeads = 4;
    int64_t mfbFactor = 5;
    int64_t relationLayers = 1;        // g's layers; deeper g sat at chance on Sort-of-CLEVR (README)
    int64_t filmBlocks = 2;
    bool filmContext = false;          // film: blocks after the first read the max-pooled map too
    bool filmAttention = false;        // film: blocks attend over the regions (see FilmFusionImpl)
    bool filmGate = false;             // film: the question scales each region feature first (see FilmFusionImpl)
    bool filmRelative = false;         // film: later blocks read each region's offset from the attended one
    int64_t numAnswers = 0;
    int64_t answerHidden = 256;
    // captioning
    int64_t decoderDim = 256;
    int64_t attentionDim = 128;
    // retrieval
    int64_t retrievalDim = 128;
    // training only: does not change any shape
    double dropout = 0.0;
};

// "key=value" lines in a fixed order, keys in snake_case ("fusion_dim=256").
std::string configToString(const ModelConfig &config);
// Unknown keys and unreadable values are refused with their line; missing keys keep their defaults.
Result<ModelConfig> configFromString(const std::string &text);
// Names, sizes and values that make sense together, checked before building a model.
Outcome validateConfig(const ModelConfig &config);
// "fusion: 'film' vs 'relation'" for every key that changes the architecture
// (everything but dropout); empty when a checkpoint of one fits the other.
std::vector<std::string> architectureDifferences(const ModelConfig &a, const ModelConfig &b);

// The parts every model shares: the config and its vision encoder.
class ModelBase : public torch::nn::Module {
public:
    const ModelConfig &config() const { return m_config; }
    // images [B,3,H,W] -> regions [B,R,Dv(+2)] and the grid
    VisionFeatures encodeImages(const at::Tensor &images);
    int64_t regionDim() const; // Dv(+2)
    int64_t featureChannels() const; // Dv: the region columns that are image features
    VisionEncoderImpl &vision() { return *m_vision; }

protected:
    explicit ModelBase(const ModelConfig &config); // throws c10::Error when validateConfig fails
    ModelConfig m_config;
    std::shared_ptr<VisionEncoderImpl> m_vision;
};

class VqaModelImpl : public ModelBase {
public:
    explicit VqaModelImpl(const ModelConfig &config);

    // images [Bi,3,H,W], questions [Bq,T], lengths [Bq], imageIndex [Bq] -> logits [Bq,A].
    // Each image is encoded once and shared by the questions that point at it
    // (Sort-of-CLEVR has 20 per image); an undefined imageIndex means Bq == Bi, one each.
    at::Tensor forward(const at::Tensor &images, const at::Tensor &questions, const at::Tensor &lengths,
                       const at::Tensor &imageIndex = {});
    // The same from features encoded beforehand (cached, or shared with a view).
    at::Tensor answer(const VisionFeatures &features, const at::Tensor &questions, const at::Tensor &lengths,
                      const at::Tensor &imageIndex = {});

    // The fused vector the answer head reads: [Bq, D].
    at::Tensor fuse(const VisionFeatures &features, const at::Tensor &questions, const at::Tensor &lengths,
                    const at::Tensor &imageIndex = {});
    FusionImpl &fusion() { return *m_fusion; }

private:
    std::shared_ptr<TextEncoderImpl> m_text;
    std::shared_ptr<FusionImpl> m_fusion;
    AnswerHead m_head{nullptr};
};
TORCH_MODULE(VqaModel);

class CaptionModelImpl : public ModelBase {
public:
    explicit CaptionModelImpl(const ModelConfig &config);

    // Teacher forcing. images [Bi,3,H,W], captions [Bc,T], imageIndex [Bc] -> logits [Bc,T-1,V], attention [Bc,T-1,R]
    CaptionerOutput forward(const at::Tensor &images, const at::Tensor &captions, const at::Tensor &imageIndex = {});
    std::vector<DecodedCaption> greedy(const at::Tensor &images, int64_t maxLength = 20);
    std::vector<DecodedCaption> beamSearch(const at::Tensor &images, int64_t beam = 3, int64_t maxLength = 20,
                                           double lengthPenalty = 0.0);
    // perImage captions sampled for each image, rows grouped by image: [Bi * perImage, L].
    SampledCaptions sample(const at::Tensor &images, int64_t perImage, int64_t maxLength);
    AttentionCaptioner &captioner() { return m_captioner; }

private:
    AttentionCaptioner m_captioner{nullptr};
};
TORCH_MODULE(CaptionModel);

class RetrievalModelImpl : public ModelBase {
public:
    explicit RetrievalModelImpl(const ModelConfig &config);

    // Symmetric InfoNCE over matching pairs: images [B,3,H,W], texts [B,T], lengths [B] -> scalar loss
    at::Tensor forward(const at::Tensor &images, const at::Tensor &texts, const at::Tensor &lengths);
    at::Tensor embedImages(const at::Tensor &images);                           // -> [B,E], unit length
    at::Tensor embedFeatures(const VisionFeatures &features);                  // encoded images -> [B,E], unit length
    at::Tensor embedTexts(const at::Tensor &texts, const at::Tensor &lengths);  // -> [B,E], unit length
    ContrastiveHead &head() { return m_head; }

private:
    std::shared_ptr<TextEncoderImpl> m_text;
    ContrastiveHead m_head{nullptr};
};
TORCH_MODULE(RetrievalModel);

} // namespace tandem::ml
