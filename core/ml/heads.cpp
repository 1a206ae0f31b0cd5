#include "ml/heads.h"

#include "ml/vocabulary.h"

#include <ATen/ATen.h>
#include <torch/nn/modules/activation.h>
#include <torch/nn/modules/dropout.h>

#include <algorithm>
#include <cmath>

namespace tandem::ml {
namespace {

namespace nn = torch::nn;

std::vector<float> toFloats(const at::Tensor &row)
{
    const at::Tensor cpu = row.detach().to(at::kCPU, at::kFloat).contiguous();
    return std::vector<float>(cpu.data_ptr<float>(), cpu.data_ptr<float>() + cpu.numel());
}

} // namespace

// ---- VQA ----------------------------------------------------------------------

AnswerHeadImpl::AnswerHeadImpl(const AnswerHeadOptions &options) : m_options(options)
{
    if (options.inputIsScores)
        return;
    m_mlp = nn::Sequential(nn::Linear(options.inputDim, options.hiddenDim), nn::ReLU());
    if (options.dropout > 0)
        m_mlp->push_back(nn::Dropout(options.dropout));
    m_mlp->push_back(nn::Linear(options.hiddenDim, options.numAnswers));
    register_module("mlp", m_mlp);
}

at::Tensor AnswerHeadImpl::forward(const at::Tensor &fused) // [B,Df] -> [B,A]
{
    return m_options.inputIsScores ? fused : m_mlp->forward(fused);
}

at::Tensor answerLoss(const at::Tensor &logits, const at::Tensor &targets)
{
    const at::Tensor scores = logits.to(at::kFloat); // bfloat16 under autocast; the loss is float32's
    if (targets.dim() == 1)
        return at::cross_entropy_loss(scores, targets);
    return at::binary_cross_entropy_with_logits(scores, targets) * double(scores.size(1));
}

// ---- captioning -----------------------------------------------------------------

AttentionCaptionerImpl::AttentionCaptionerImpl(const CaptionerOptions &options) : m_options(options)
{
    const int64_t dv = options.regionDim, h = options.hiddenDim, a = options.attentionDim;
    m_embedding = register_module(
        "embedding", nn::Embedding(nn::EmbeddingOptions(options.vocabSize, options.embedDim).padding_idx(0)));
    m_initH = register_module("init_h", nn::Linear(dv, h));
    m_initC = register_module("init_c", nn::Linear(dv, h));
    m_attendRegion = register_module("attend_region", nn::Linear(dv, a));
    m_attendHidden = register_module("attend_hidden", nn::Linear(nn::LinearOptions(h, a).bias(false)));
    m_attendScore = register_module("attend_score", nn::Linear(a, 1));
    m_gate = register_module("gate", nn::Linear(h, dv));
    m_cell = register_module("cell", nn::LSTMCell(options.embedDim + dv, h));
    m_output = register_module("output", nn::Linear(h, options.vocabSize));
}

AttentionCaptionerImpl::State AttentionCaptionerImpl::initialState(const at::Tensor &regions)
{
    const at::Tensor mean = regions.mean(1);
    return {at::tanh(m_initH->forward(mean)), at::tanh(m_initC->forward(mean))};
}

AttentionCaptionerImpl::Step AttentionCaptionerImpl::step(const at::Tensor &previous, const State &state,
                                                          const at::Tensor &regions,
                                                          const at::Tensor &projectedRegions)
{
    // Additive attention: e_r = w · tanh(W_r region_r + W_h h).
    const at::Tensor energy = at::tanh(projectedRegions + m_attendHidden->forward(state.h).unsqueeze(1));
    const at::Tensor alpha = at::softmax(m_attendScore->forward(energy).squeeze(-1), 1); // [N,R]
    const at::Tensor context = at::sigmoid(m_gate->forward(state.h)) * (alpha.unsqueeze(-1) * regions).sum(1);
    const at::Tensor input = at::cat({m_embedding->forward(previous), context}, 1);
    const auto [h, c] = m_cell->forward(input, std::make_tuple(state.h, state.c));
    at::Tensor out = h;
    if (is_training() && m_options.dropout > 0)
        out = at::dropout(out, m_options.dropout, true);
    return {m_output->forward(out), alpha, {h, c}};
}

CaptionerOutput AttentionCaptionerImpl::forward(const at::Tensor &regions,
                                                const at::Tensor &captions) // [B,R,Dv],[B,T] -> [B,T-1,V],[B,T-1,R]
{
    // W_r region_r does not change over the caption: computed once, not per word.
    const at::Tensor projected = m_attendRegion->forward(regions);
    State state = initialState(regions);
    std::vector<at::Tensor> logits, attention;
    for (int64_t t = 0; t + 1 < captions.size(1); ++t) {
        Step next = step(captions.select(1, t), state, regions, projected);
        logits.push_back(next.logits);
        attention.push_back(next.attention);
        state = next.state;
    }
    return {at::stack(logits, 1), at::stack(attention, 1)};
}

std::vector<DecodedCaption> AttentionCaptionerImpl::greedy(const VisionFeatures &features, int64_t maxLength)
{
    const at::Tensor &regions = features.regions;
    const int64_t batch = regions.size(0);
    const at::Tensor projected = m_attendRegion->forward(regions);
    State state = initialState(regions);
    at::Tensor previous = at::full({batch}, Vocabulary::kBos, regions.options().dtype(at::kLong));
    std::vector<DecodedCaption> captions(static_cast<size_t>(batch));
    for (auto &caption : captions) {
        caption.gridHeight = features.gridHeight;
        caption.gridWidth = features.gridWidth;
    }
    for (int64_t t = 0; t < maxLength; ++t) {
        Step next = step(previous, state, regions, projected);
        const at::Tensor logProbs = at::log_softmax(next.logits, 1);
        previous = logProbs.argmax(1);
        const at::Tensor chosen = logProbs.gather(1, previous.unsqueeze(1)).squeeze(1).cpu();
        const at::Tensor words = previous.cpu();
        bool allFinished = true;
        for (int64_t b = 0; b < batch; ++b) {
            DecodedCaption &caption = captions[size_t(b)];
            if (caption.finished)
                continue;
            const int64_t word = words[b].item<int64_t>();
            caption.logProb += chosen[b].item<double>();
            if (word == Vocabulary::kEos) {
                caption.finished = true;
                continue;
            }
            caption.tokens.push_back(word);
            caption.attention.push_back(toFloats(next.attention[b]));
            allFinished = false;
        }
        if (allFinished)
            break;
        state = next.state;
    }
    return captions;
}

std::vector<DecodedCaption> AttentionCaptionerImpl::beamSearch(const VisionFeatures &features, int64_t beam,
                                                               int64_t maxLength, double lengthPenalty)
{
    std::vector<DecodedCaption> captions;
    for (int64_t b = 0; b < features.regions.size(0); ++b)
        captions.push_back(beamSearchOne(features.regions.slice(0, b, b + 1), features, std::max<int64_t>(1, beam),
                                         maxLength, lengthPenalty));
    return captions;
}

DecodedCaption AttentionCaptionerImpl::beamSearchOne(const at::Tensor &regions, const VisionFeatures &features,
                                                     int64_t beam, int64_t maxLength, double lengthPenalty)
{
    struct Hypothesis {
        DecodedCaption caption;
        double rank = 0;
    };
    const auto rankOf = [&](const DecodedCaption &c) {
        const double length = double(c.tokens.size() + (c.finished ? 1 : 0));
        return c.logProb / std::pow(std::max(1.0, length), lengthPenalty);
    };
    DecodedCaption start;
    start.gridHeight = features.gridHeight;
    start.gridWidth = features.gridWidth;
    std::vector<DecodedCaption> alive = {start};
    std::vector<Hypothesis> finished;

    const at::Tensor projectedOne = m_attendRegion->forward(regions);
    State state = initialState(regions);
    at::Tensor previous = at::full({1}, Vocabulary::kBos, regions.options().dtype(at::kLong));
    for (int64_t t = 0; t < maxLength && !alive.empty() && int64_t(finished.size()) < beam; ++t) {
        const int64_t n = int64_t(alive.size());
        Step next = step(previous, state, regions.expand({n, -1, -1}), projectedOne.expand({n, -1, -1}));
        const at::Tensor logProbs = at::log_softmax(next.logits, 1).cpu();
        std::vector<double> scores;
        for (const auto &hypothesis : alive)
            scores.push_back(hypothesis.logProb);
        const at::Tensor total = logProbs + at::tensor(scores, at::kDouble).to(at::kFloat).unsqueeze(1);
        // 2 x beam candidates: even if half of them end here, beam stay alive.
        const int64_t vocab = total.size(1);
        const auto [topScores, topIndices] = total.view(-1).topk(std::min(2 * beam, total.numel()));
        std::vector<DecodedCaption> nextAlive;
        std::vector<int64_t> parents, words;
        for (int64_t k = 0; k < topIndices.numel() && int64_t(nextAlive.size()) < beam; ++k) {
            const int64_t flat = topIndices[k].item<int64_t>();
            const int64_t parent = flat / vocab, word = flat % vocab;
            DecodedCaption extended = alive[size_t(parent)];
            extended.logProb += logProbs[parent][word].item<double>();
            if (word == Vocabulary::kEos) {
                extended.finished = true;
                finished.push_back({extended, rankOf(extended)});
                continue;
            }
            extended.tokens.push_back(word);
            extended.attention.push_back(toFloats(next.attention[parent]));
            nextAlive.push_back(std::move(extended));
            parents.push_back(parent);
            words.push_back(word);
        }
        alive = std::move(nextAlive);
        if (alive.empty())
            break;
        const at::Tensor parentIndex = at::tensor(parents, at::kLong).to(regions.device());
        state = {next.state.h.index_select(0, parentIndex), next.state.c.index_select(0, parentIndex)};
        previous = at::tensor(words, at::kLong).to(regions.device());
    }
    // Cut at maxLength: unfinished hypotheses compete only when none finished.
    if (finished.empty())
        for (const auto &caption : alive)
            finished.push_back({caption, rankOf(caption)});
    const auto best = std::max_element(finished.begin(), finished.end(),
                                       [](const Hypothesis &a, const Hypothesis &b) { return a.rank < b.rank; });
    return best->caption;
}

SampledCaptions AttentionCaptionerImpl::sample(const at::Tensor &regions, int64_t maxLength) // [N,R,Dv]
{
    const int64_t n = regions.size(0);
    const at::Tensor projected = m_attendRegion->forward(regions);
    State state = initialState(regions);
    at::Tensor previous = at::full({n}, Vocabulary::kBos, regions.options().dtype(at::kLong));
    at::Tensor alive = at::ones({n}, regions.options().dtype(at::kBool));
    std::vector<at::Tensor> tokens, logProbs, drawn;
    for (int64_t t = 0; t < maxLength; ++t) {
        Step next = step(previous, state, regions, projected);
        const at::Tensor logP = at::log_softmax(next.logits, 1);
        const at::Tensor word = at::multinomial(logP.detach().exp(), 1).squeeze(1).masked_fill(alive.logical_not(),
                                                                                               Vocabulary::kPad);
        tokens.push_back(word);
        drawn.push_back(alive.to(logP.scalar_type()));
        logProbs.push_back(logP.gather(1, word.unsqueeze(1)).squeeze(1) * drawn.back());
        alive = alive.logical_and(word.ne(Vocabulary::kEos));
        if (!alive.any().item<bool>())
            break;
        previous = word;
        state = next.state;
    }
    return {at::stack(tokens, 1), at::stack(logProbs, 1), at::stack(drawn, 1)};
}

at::Tensor selfCriticalLoss(const SampledCaptions &samples, const at::Tensor &rewards, int64_t perImage)
{
    TORCH_CHECK(perImage >= 2 && rewards.size(0) % perImage == 0, "self-critical training needs >= 2 samples per image");
    const at::Tensor grouped = rewards.view({-1, perImage});
    // Each sample's baseline: the mean of the other samples of its image.
    const at::Tensor baseline = (grouped.sum(1, true) - grouped) / double(perImage - 1);
    const at::Tensor advantage = (grouped - baseline).reshape({-1, 1}).to(samples.logProbs.scalar_type());
    return -(advantage * samples.logProbs).sum() / samples.mask.sum().clamp_min(1);
}

at::Tensor captionLoss(const CaptionerOutput &output, const at::Tensor &captions, double attentionRegularization)
{
    const at::Tensor targets = captions.slice(1, 1);
    const int64_t vocab = output.logits.size(2);
    at::Tensor loss = at::cross_entropy_loss(output.logits.to(at::kFloat).reshape({-1, vocab}), targets.reshape({-1}), {},
                                             at::Reduction::Mean, Vocabulary::kPad);
    if (attentionRegularization > 0) {
        // Only steps that predict a real word count towards each region's total.
        const at::Tensor real = targets.ne(Vocabulary::kPad).to(output.attention.scalar_type()).unsqueeze(-1);
        const at::Tensor coverage = (output.attention * real).sum(1); // [B,R]
        loss = loss + attentionRegularization * (1 - coverage).pow(2).sum(1).mean();
    }
    return loss;
}

// ---- retrieval ------------------------------------------------------------------

ContrastiveHeadImpl::ContrastiveHeadImpl(const ContrastiveOptions &options) : m_options(options)
{
    m_image = register_module("image", nn::Linear(options.imageDim, options.embedDim));
    m_text = register_module("text", nn::Linear(options.textDim, options.embedDim));
    m_logScale = register_parameter("log_scale", at::full({}, std::log(1.0 / options.initialTemperature)));
}

at::Tensor ContrastiveHeadImpl::embedImage(const at::Tensor &image) // [B,Dv] -> [B,E]
{
    const at::Tensor e = m_image->forward(image);
    return e / e.norm(2, -1, true).clamp_min(1e-12);
}

at::Tensor ContrastiveHeadImpl::embedText(const at::Tensor &text) // [B,Dt] -> [B,E]
{
    const at::Tensor e = m_text->forward(text);
    return e / e.norm(2, -1, true).clamp_min(1e-12);
}

at::Tensor ContrastiveHeadImpl::logitScale() const
{
    return m_logScale.clamp(0.0, std::log(m_options.maxLogitScale)).exp();
}

at::Tensor ContrastiveHeadImpl::forward(const at::Tensor &image, const at::Tensor &text) // [B,Dv],[B,Dt] -> []
{
    return symmetricInfoNce(embedImage(image), embedText(text), logitScale());
}

at::Tensor symmetricInfoNce(const at::Tensor &imageEmbeddings, const at::Tensor &textEmbeddings,
                            const at::Tensor &logitScale)
{
    const at::Tensor logits = logitScale * at::matmul(imageEmbeddings, textEmbeddings.t()).to(at::kFloat); // [B,B]
    const at::Tensor targets = at::arange(logits.size(0), logits.options().dtype(at::kLong));
    return 0.5 * (at::cross_entropy_loss(logits, targets) + at::cross_entropy_loss(logits.t(), targets));
}

} // namespace tandem::ml
