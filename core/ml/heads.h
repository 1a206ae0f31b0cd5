#pragma once
// Task heads on top of the encoders and fusions: the VQA answer classifier,
// the captioner with soft attention over regions (teacher forcing, greedy and
// beam search, attention of every generated token), and the contrastive dual
// encoder for retrieval.
#include "ml/vision.h"

#include <torch/nn/module.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/embedding.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/rnn.h>
#include <torch/nn/pimpl.h>

#include <cstdint>
#include <vector>

namespace tandem::ml {

// ---- VQA ----------------------------------------------------------------------

struct AnswerHeadOptions {
    int64_t inputDim = 0;       // the fusion's Df
    int64_t hiddenDim = 256;
    int64_t numAnswers = 0;
    double dropout = 0.0;
    bool inputIsScores = false; // late fusion: the input already is [B, numAnswers]; no layers
};

class AnswerHeadImpl : public torch::nn::Module {
public:
    explicit AnswerHeadImpl(const AnswerHeadOptions &options);
    at::Tensor forward(const at::Tensor &fused); // [B, Df] -> logits [B, A]

private:
    AnswerHeadOptions m_options;
    torch::nn::Sequential m_mlp{nullptr};
};
TORCH_MODULE(AnswerHead);

// targets [B] int64 (answer index): cross-entropy. targets [B, A] float (VQA
// soft scores, min(humans/3, 1)): binary cross-entropy per answer, times A, as
// the bottom-up/top-down VQA baselines do.
at::Tensor answerLoss(const at::Tensor &logits, const at::Tensor &targets);

// ---- captioning -----------------------------------------------------------------

struct CaptionerOptions {
    int64_t regionDim = 0;
    int64_t vocabSize = 0;
    int64_t embedDim = 64;
    int64_t hiddenDim = 256;      // LSTM state
    int64_t attentionDim = 128;   // additive attention's inner width
    double dropout = 0.0;
};

struct CaptionerOutput {
    at::Tensor logits;    // [B, T-1, V]: predictions for captions[:, 1:]
    at::Tensor attention; // [B, T-1, R]
};

struct DecodedCaption {
    std::vector<int64_t> tokens;              // word ids, without <bos> and <eos>
    std::vector<std::vector<float>> attention; // one row of R weights per token in `tokens`
    int64_t gridHeight = 0;
    int64_t gridWidth = 0;
    double logProb = 0;                        // sum over the tokens and the final <eos>
    bool finished = false;                     // ended with <eos> (not cut at maxLength)
};

// Captions drawn word by word from the model's own distribution, for
// self-critical training (see selfCriticalLoss()).
struct SampledCaptions {
    at::Tensor tokens;   // [N, L] word ids; <eos> ends a caption, kPad (0) fills after it
    at::Tensor logProbs; // [N, L] log p of each drawn word, 0 after <eos>; carries the gradient
    at::Tensor mask;     // [N, L] 1 for the drawn words (<eos> included), 0 after
};

// Show, Attend and Tell (Xu et al. 2015): an LSTM decoder that, before each
// word, attends over the regions with additive attention, gates the context
// (the paper's beta) and feeds it with the previous word's embedding.
class AttentionCaptionerImpl : public torch::nn::Module {
public:
    explicit AttentionCaptionerImpl(const CaptionerOptions &options);

    // Teacher forcing. regions [B,R,Dv], captions [B,T] (<bos> … <eos> <pad>…) -> logits [B,T-1,V], attention [B,T-1,R]
    CaptionerOutput forward(const at::Tensor &regions, const at::Tensor &captions);

    // Greedy decoding of every image in the batch (features.regions [B,R,Dv]).
    std::vector<DecodedCaption> greedy(const VisionFeatures &features, int64_t maxLength = 20);
    // Beam search per image; beam 1 gives the greedy result. Hypotheses are
    // ranked by logProb / length^lengthPenalty (length counts the <eos>).
    std::vector<DecodedCaption> beamSearch(const VisionFeatures &features, int64_t beam = 3,
                                           int64_t maxLength = 20, double lengthPenalty = 0.0);
    // One caption sampled per row of regions [N,R,Dv] (torch's global generator: seeded runs repeat).
    SampledCaptions sample(const at::Tensor &regions, int64_t maxLength);

private:
    struct State {
        at::Tensor h, c;
    };
    struct Step {
        at::Tensor logits;    // [N, V]
        at::Tensor attention; // [N, R]
        State state;
    };
    State initialState(const at::Tensor &regions);
    // One decoder step for N sequences: previous words [N] -> next-word logits.
    Step step(const at::Tensor &previous, const State &state, const at::Tensor &regions,
              const at::Tensor &projectedRegions);
    DecodedCaption beamSearchOne(const at::Tensor &regions, const VisionFeatures &features, int64_t beam,
                                 int64_t maxLength, double lengthPenalty);

    CaptionerOptions m_options;
    torch::nn::Embedding m_embedding{nullptr};
    torch::nn::Linear m_initH{nullptr}, m_initC{nullptr};
    torch::nn::Linear m_attendRegion{nullptr}, m_attendHidden{nullptr}, m_attendScore{nullptr};
    torch::nn::Linear m_gate{nullptr};
    torch::nn::LSTMCell m_cell{nullptr};
    torch::nn::Linear m_output{nullptr};
};
TORCH_MODULE(AttentionCaptioner);

// Cross-entropy over the real next words (padding ignored), plus the paper's
// "doubly stochastic" term lambda * mean_b sum_r (1 - sum_t alpha_tr)^2 that
// asks every region to be looked at about once over the caption.
// Self-critical sequence training (Rennie et al. 2017) with the mean reward of
// the image's other samples as baseline (Luo 2020): minus the advantage times
// each drawn word's log p, averaged over the drawn words (<eos> included).
// rewards [N]; samples of one image share a baseline group of `perImage` rows.
at::Tensor selfCriticalLoss(const SampledCaptions &samples, const at::Tensor &rewards, int64_t perImage);

at::Tensor captionLoss(const CaptionerOutput &output, const at::Tensor &captions,
                       double attentionRegularization = 0.0);

// ---- retrieval ------------------------------------------------------------------

struct ContrastiveOptions {
    int64_t imageDim = 0;
    int64_t textDim = 0;
    int64_t embedDim = 128;
    double initialTemperature = 0.07; // CLIP's start
    double maxLogitScale = 100.0;     // CLIP clamps exp(log scale) at 100
};

// CLIP-style dual encoder head: linear projections of the pooled image and the
// pooled text into one space, L2-normalised, and a learnable temperature kept
// as log(1 / T).
class ContrastiveHeadImpl : public torch::nn::Module {
public:
    explicit ContrastiveHeadImpl(const ContrastiveOptions &options);
    at::Tensor embedImage(const at::Tensor &image); // [B, Dv] -> [B, E], unit length
    at::Tensor embedText(const at::Tensor &text);   // [B, Dt] -> [B, E], unit length
    at::Tensor logitScale() const;                  // exp(log scale), clamped to [1, maxLogitScale]
    // Symmetric InfoNCE of a batch of matching pairs: [B,Dv],[B,Dt] -> scalar loss
    at::Tensor forward(const at::Tensor &image, const at::Tensor &text);

private:
    ContrastiveOptions m_options;
    torch::nn::Linear m_image{nullptr}, m_text{nullptr};
    at::Tensor m_logScale;
};
TORCH_MODULE(ContrastiveHead);

// (CE(s I Tᵀ, diag) + CE(s T Iᵀ, diag)) / 2 over unit embeddings [B, E].
at::Tensor symmetricInfoNce(const at::Tensor &imageEmbeddings, const at::Tensor &textEmbeddings,
                            const at::Tensor &logitScale);

} // namespace tandem::ml
