#pragma once
// Fusion modules: image regions and a question (or any text) -> one fused
// vector. All share FusionImpl's interface and are picked by name with
// makeFusion(), so they can be compared side by side:
//
//   concat           early fusion: mean-pooled regions ‖ question -> MLP
//   late             an image-only and a question-only answer classifier, scores averaged
//   gmu              gated multimodal unit (Arevalo et al. 2017)
//   film             question-conditioned per-channel scale and shift of the regions (Perez et al. 2018)
//   mfb              multimodal factorized bilinear pooling with question-guided attention (Yu et al. 2017)
//   cross_attention  the question attends over regions, the result attends over the tokens (co-attention)
//   relation         relation network over all region pairs (Santoro et al. 2017)
#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/normalization.h>
#include <torch/nn/pimpl.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace tandem::ml {

struct FusionOptions {
    int64_t regionDim = 0;      // Dv, coordinates included when appended
    int64_t questionDim = 0;    // Dq, also the per-token states' D
    int64_t hiddenDim = 256;
    int64_t outputDim = 256;    // Df
    int64_t heads = 4;          // cross_attention
    int64_t mfbFactor = 5;      // mfb: k, the sum-pooling window
    int64_t relationLayers = 1; // relation: layers of g, the first one included
    int64_t filmBlocks = 2;     // film: FiLM-ed residual blocks
    bool filmContext = false;   // film: blocks after the first also read the max-pooled map (see FilmFusionImpl)
    bool filmAttention = false; // film: every block attends over the regions; the output reads the attended one too
    bool filmGate = false;      // film: the question scales every region feature before the first layer
    // film (with filmAttention and appended coordinates): blocks after the first
    // read each region's offset from the previous block's attended position
    bool filmRelative = false;
    int64_t numAnswers = 0;     // late: its classifiers' output size
    double dropout = 0.0;
};

class FusionImpl : public torch::nn::Module {
public:
    // question [B, Dq]; tokens [B, T, Dq] with tokenMask [B, T] (true at real
    // tokens) where the fusion can use them -> [B, Df]. regions are [B, R, Dv],
    // one set per question, or, with imageIndex [B] (each question's image),
    // [Bi, R, Dv], one set per image: a fusion then runs what does not depend on
    // the question once per image, however many questions share it. A fusion
    // whose takesDistinctQuestions() is true may be handed question [U, Dq],
    // one row per distinct text, with questionIndex [B] (each item's row), and
    // runs what depends on the text alone once per text; no other is handed one.
    virtual at::Tensor forward(const at::Tensor &regions, const at::Tensor &question,
                               const at::Tensor &tokens = {}, const at::Tensor &tokenMask = {},
                               const at::Tensor &imageIndex = {}, const at::Tensor &questionIndex = {}) = 0;
    virtual bool takesDistinctQuestions() const { return false; }
    virtual int64_t outputDim() const = 0;
    // Late fusion's output already is the averaged answer scores [B, numAnswers]:
    // a VQA head puts no classifier on top of it.
    virtual bool outputsAnswerScores() const { return false; }
    // Attention over the regions in the last forward, [B, R] (averaged over
    // heads), for fusions that attend (mfb, cross_attention, film with
    // filmAttention: its last block), and each
    // object's share of the relation network's pairs in eval mode; undefined otherwise.
    const at::Tensor &regionAttention() const { return m_regionAttention; }
    // Attention over the question's tokens in the last forward, [B, T]; undefined
    // for fusions that read only the pooled question.
    const at::Tensor &tokenAttention() const { return m_tokenAttention; }

protected:
    at::Tensor m_regionAttention;
    at::Tensor m_tokenAttention;
};

class ConcatFusionImpl : public FusionImpl {
public:
    explicit ConcatFusionImpl(const FusionOptions &options);
    at::Tensor forward(const at::Tensor &regions, const at::Tensor &question, const at::Tensor &tokens = {},
                       const at::Tensor &tokenMask = {}, const at::Tensor &imageIndex = {},
                       const at::Tensor &questionIndex = {}) override; // [B,R,Dv],[B,Dq] -> [B,Df]
    int64_t outputDim() const override { return m_options.outputDim; }

private:
    FusionOptions m_options;
    torch::nn::Sequential m_mlp{nullptr};
};
TORCH_MODULE(ConcatFusion);

class LateFusionImpl : public FusionImpl {
public:
    explicit LateFusionImpl(const FusionOptions &options);
    at::Tensor forward(const at::Tensor &regions, const at::Tensor &question, const at::Tensor &tokens = {},
                       const at::Tensor &tokenMask = {}, const at::Tensor &imageIndex = {},
                       const at::Tensor &questionIndex = {}) override; // [B,R,Dv],[B,Dq] -> scores [B,A]
    int64_t outputDim() const override { return m_options.numAnswers; }
    bool outputsAnswerScores() const override { return true; }

private:
    FusionOptions m_options;
    torch::nn::Sequential m_imageClassifier{nullptr}, m_questionClassifier{nullptr};
};
TORCH_MODULE(LateFusion);

class GmuFusionImpl : public FusionImpl {
public:
    explicit GmuFusionImpl(const FusionOptions &options);
    at::Tensor forward(const at::Tensor &regions, const at::Tensor &question, const at::Tensor &tokens = {},
                       const at::Tensor &tokenMask = {}, const at::Tensor &imageIndex = {},
                       const at::Tensor &questionIndex = {}) override; // [B,R,Dv],[B,Dq] -> [B,Df]
    int64_t outputDim() const override { return m_options.outputDim; }

private:
    FusionOptions m_options;
    torch::nn::Linear m_image{nullptr}, m_question{nullptr}, m_gate{nullptr};
};
TORCH_MODULE(GmuFusion);

// film_relative's input: each item's region positions [B,R,2] and attention weights [B,R] ->
// [B,R,3], each region's dx, dy and squared distance from the attended
// (weight-averaged) centre.
at::Tensor offsetsFromAttended(const at::Tensor &centres, const at::Tensor &weights);

class FilmFusionImpl : public FusionImpl {
public:
    explicit FilmFusionImpl(const FusionOptions &options);
    at::Tensor forward(const at::Tensor &regions, const at::Tensor &question, const at::Tensor &tokens = {},
                       const at::Tensor &tokenMask = {}, const at::Tensor &imageIndex = {},
                       const at::Tensor &questionIndex = {}) override; // [B,R,Dv],[B,Dq] -> [B,Df]
    bool takesDistinctQuestions() const override { return true; } // it reads the pooled question only
    int64_t outputDim() const override { return m_options.outputDim; }

private:
    // The first block up to its FiLM: [Bi,R,H] input and [Bi,R,H] normalised output.
    std::pair<at::Tensor, at::Tensor> firstBlock(const at::Tensor &regions);
    // [B,R,H] -> the attention-pooled [B,H] and its weights [B,R]
    std::pair<at::Tensor, at::Tensor> attend(int64_t block, const at::Tensor &x);

    FusionOptions m_options;
    torch::nn::Linear m_input{nullptr}, m_generator{nullptr}, m_output{nullptr};
    torch::nn::ModuleList m_first{nullptr}, m_second{nullptr}; // per block: 1x1 "convolutions"
    torch::nn::ModuleList m_context{nullptr};                   // per block but the first: pooled map -> first layer
    torch::nn::ModuleList m_attend{nullptr};                    // filmAttention, per block: region -> score
    torch::nn::Linear m_gate{nullptr};                          // filmGate: question -> a scale per region feature
    torch::nn::ModuleList m_relative{nullptr};                  // filmRelative, per block but the first: offset -> first layer
    // In inference mode, the first block's question-free work for the last
    // regions tensor seen: questions typed about one image (the ask box, whose
    // session keeps the encoded image) reuse it. Holding `regions` keeps that
    // tensor alive, so a new tensor can never be mistaken for it.
    struct FirstBlockCache {
        at::Tensor regions, input, output;
    } m_firstBlock;
};
TORCH_MODULE(FilmFusion);

class MfbFusionImpl : public FusionImpl {
public:
    explicit MfbFusionImpl(const FusionOptions &options);
    at::Tensor forward(const at::Tensor &regions, const at::Tensor &question, const at::Tensor &tokens = {},
                       const at::Tensor &tokenMask = {}, const at::Tensor &imageIndex = {},
                       const at::Tensor &questionIndex = {}) override; // [B,R,Dv],[B,Dq] -> [B,Df]
    int64_t outputDim() const override { return m_options.outputDim; }

private:
    // z = L2(power(SumPool_k(U x ∘ V y))): [..., Ux], [..., Vy] -> [..., Df]
    at::Tensor factorizedBilinear(const at::Tensor &projectedImage, const at::Tensor &projectedQuestion) const;

    FusionOptions m_options;
    torch::nn::Linear m_attentionImage{nullptr}, m_attentionQuestion{nullptr};
    torch::nn::Sequential m_attentionScore{nullptr};
    torch::nn::Linear m_image{nullptr}, m_question{nullptr};
};
TORCH_MODULE(MfbFusion);

// One query attends over a set of keys with several heads: query [B, Dq],
// keys [B, N, Dk], mask [B, N] (true: attend) -> [B, H]; weights [B, heads, N].
class AttentionPoolImpl : public torch::nn::Module {
public:
    AttentionPoolImpl(int64_t queryDim, int64_t keyDim, int64_t hiddenDim, int64_t heads);
    at::Tensor forward(const at::Tensor &query, const at::Tensor &keys, const at::Tensor &mask = {});
    const at::Tensor &weights() const { return m_weights; }

private:
    int64_t m_heads;
    torch::nn::Linear m_query{nullptr}, m_key{nullptr}, m_value{nullptr}, m_out{nullptr};
    at::Tensor m_weights;
};
TORCH_MODULE(AttentionPool);

class CrossAttentionFusionImpl : public FusionImpl {
public:
    explicit CrossAttentionFusionImpl(const FusionOptions &options);
    at::Tensor forward(const at::Tensor &regions, const at::Tensor &question, const at::Tensor &tokens = {},
                       const at::Tensor &tokenMask = {}, const at::Tensor &imageIndex = {},
                       const at::Tensor &questionIndex = {}) override; // [B,R,Dv],[B,Dq](,[B,T,Dq]) -> [B,Df]
    int64_t outputDim() const override { return m_options.outputDim; }

private:
    FusionOptions m_options;
    torch::nn::Linear m_questionIn{nullptr};
    AttentionPool m_overRegions{nullptr}, m_overTokens{nullptr};
    torch::nn::LayerNorm m_norm1{nullptr}, m_norm2{nullptr}, m_norm3{nullptr};
    torch::nn::Sequential m_mlp{nullptr};
    torch::nn::Linear m_output{nullptr};
};
TORCH_MODULE(CrossAttentionFusion);

class RelationFusionImpl : public FusionImpl {
public:
    explicit RelationFusionImpl(const FusionOptions &options);
    at::Tensor forward(const at::Tensor &regions, const at::Tensor &question, const at::Tensor &tokens = {},
                       const at::Tensor &tokenMask = {}, const at::Tensor &imageIndex = {},
                       const at::Tensor &questionIndex = {}) override; // [B,R,Dv],[B,Dq] -> [B,Df]
    int64_t outputDim() const override { return m_options.outputDim; }

private:
    FusionOptions m_options;
    // g's first layer, split by what it reads: W[o_i; o_j; q] = W_i o_i + W_j o_j + W_q q.
    torch::nn::Linear m_firstI{nullptr}, m_firstJ{nullptr}, m_firstQ{nullptr};
    torch::nn::Sequential m_gRest{nullptr}, m_f{nullptr};
};
TORCH_MODULE(RelationFusion);

// "concat", "late", "gmu", "film", "mfb", "cross_attention", "relation".
const std::vector<std::string> &fusionNames();
// nullptr for an unknown name (fusionNames() lists the known ones).
std::shared_ptr<FusionImpl> makeFusion(const std::string &name, const FusionOptions &options);

} // namespace tandem::ml
