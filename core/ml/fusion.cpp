#include "ml/fusion.h"

#include <c10/core/InferenceMode.h>

#include "ml/filmops.h"
#include "ml/vision.h"

#include <ATen/ATen.h>
#include <torch/nn/functional/normalization.h>
#include <torch/nn/modules/activation.h>
#include <torch/nn/modules/dropout.h>

#include <algorithm>
#include <cmath>
#include <tuple>

namespace tandem::ml {
namespace {

namespace nn = torch::nn;

// Linear, ReLU, (dropout,) Linear and, for a hidden representation, a final ReLU.
nn::Sequential twoLayerMlp(int64_t in, int64_t hidden, int64_t out, double dropout, bool finalRelu)
{
    nn::Sequential mlp(nn::Linear(in, hidden), nn::ReLU());
    if (dropout > 0)
        mlp->push_back(nn::Dropout(dropout));
    mlp->push_back(nn::Linear(hidden, out));
    if (finalRelu)
        mlp->push_back(nn::ReLU());
    return mlp;
}

at::Tensor meanPool(const at::Tensor &regions) // [B,R,D] -> [B,D]
{
    return regions.mean(1);
}

} // namespace

// ---- concat ---------------------------------------------------------------

ConcatFusionImpl::ConcatFusionImpl(const FusionOptions &options) : m_options(options)
{
    m_mlp = register_module("mlp", twoLayerMlp(options.regionDim + options.questionDim, options.hiddenDim,
                                               options.outputDim, options.dropout, true));
}

at::Tensor ConcatFusionImpl::forward(const at::Tensor &regions, const at::Tensor &question, const at::Tensor &,
                                     const at::Tensor &, const at::Tensor &imageIndex,
                                     const at::Tensor &) // [B,R,Dv],[B,Dq] -> [B,Df]
{
    return m_mlp->forward(at::cat({perItem(meanPool(regions), imageIndex), question}, 1));
}

// ---- late -----------------------------------------------------------------

LateFusionImpl::LateFusionImpl(const FusionOptions &options) : m_options(options)
{
    TORCH_CHECK(options.numAnswers > 0, "late fusion needs the number of answers");
    m_imageClassifier = register_module(
        "image_classifier", twoLayerMlp(options.regionDim, options.hiddenDim, options.numAnswers, options.dropout, false));
    m_questionClassifier = register_module(
        "question_classifier",
        twoLayerMlp(options.questionDim, options.hiddenDim, options.numAnswers, options.dropout, false));
}

at::Tensor LateFusionImpl::forward(const at::Tensor &regions, const at::Tensor &question, const at::Tensor &,
                                   const at::Tensor &, const at::Tensor &imageIndex,
                                   const at::Tensor &) // [B,R,Dv],[B,Dq] -> scores [B,A]
{
    // Averaging logits averages the log-probabilities up to a per-row constant,
    // so softmax(this) is the normalised product of the two classifiers' votes.
    return 0.5 * (perItem(m_imageClassifier->forward(meanPool(regions)), imageIndex)
                  + m_questionClassifier->forward(question));
}

// ---- gmu ------------------------------------------------------------------

GmuFusionImpl::GmuFusionImpl(const FusionOptions &options) : m_options(options)
{
    m_image = register_module("image", nn::Linear(options.regionDim, options.outputDim));
    m_question = register_module("question", nn::Linear(options.questionDim, options.outputDim));
    m_gate = register_module("gate", nn::Linear(options.regionDim + options.questionDim, options.outputDim));
}

at::Tensor GmuFusionImpl::forward(const at::Tensor &regions, const at::Tensor &question, const at::Tensor &,
                                  const at::Tensor &, const at::Tensor &imageIndex,
                                  const at::Tensor &) // [B,R,Dv],[B,Dq] -> [B,Df]
{
    // h = z * tanh(W_v v) + (1 - z) * tanh(W_q q), z = sigmoid(W_z [v; q]).
    const at::Tensor image = perItem(meanPool(regions), imageIndex);
    const at::Tensor z = at::sigmoid(m_gate->forward(at::cat({image, question}, 1)));
    return z * at::tanh(m_image->forward(image)) + (1 - z) * at::tanh(m_question->forward(question));
}

// ---- film -----------------------------------------------------------------

FilmFusionImpl::FilmFusionImpl(const FusionOptions &options) : m_options(options)
{
    const int64_t h = options.hiddenDim;
    m_input = register_module("input", nn::Linear(options.regionDim, h));
    m_generator = register_module("generator", nn::Linear(options.questionDim, 2 * h * options.filmBlocks));
    m_first = register_module("first", nn::ModuleList());
    m_second = register_module("second", nn::ModuleList());
    const bool context = options.filmContext || options.filmAttention;
    if (context)
        m_context = register_module("context", nn::ModuleList());
    if (options.filmAttention)
        m_attend = register_module("attend", nn::ModuleList());
    if (options.filmGate)
        m_gate = register_module("gate", nn::Linear(options.questionDim, options.regionDim));
    if (options.filmRelative)
        m_relative = register_module("relative", nn::ModuleList());
    for (int64_t i = 0; i < options.filmBlocks; ++i) {
        m_first->push_back(nn::Linear(h, h));
        m_second->push_back(nn::Linear(h, h));
        if (context && i > 0)
            m_context->push_back(nn::Linear(nn::LinearOptions(h, h).bias(false)));
        if (options.filmAttention)
            m_attend->push_back(nn::Linear(h, 1));
        if (options.filmRelative && i > 0)
            m_relative->push_back(nn::Linear(nn::LinearOptions(3, h).bias(false)));
    }
    m_output = register_module("output", nn::Linear(options.filmAttention ? 2 * h : h, options.outputDim));
}

std::pair<at::Tensor, at::Tensor> FilmFusionImpl::attend(int64_t block, const at::Tensor &x) // [B,R,H] -> [B,H], [B,R]
{
    const at::Tensor weights = at::softmax(m_attend[block]->as<nn::Linear>()->forward(x).squeeze(-1), 1); // [B,R]
    m_regionAttention = weights.detach();
    return {at::bmm(weights.unsqueeze(1), x).squeeze(1), weights};
}

at::Tensor offsetsFromAttended(const at::Tensor &centres, const at::Tensor &weights) // [B,R,2], [B,R]
{
    const at::Tensor attendedAt = at::bmm(weights.unsqueeze(1), centres); // [B,1,2]
    const at::Tensor d = centres - attendedAt;                              // [B,R,2]
    return at::cat({d, (d * d).sum(-1, true)}, -1);
}

std::pair<at::Tensor, at::Tensor> FilmFusionImpl::firstBlock(const at::Tensor &regions)
{
    // Gated regions are the question's own: nothing to share between calls.
    const bool inference = c10::InferenceMode::is_enabled() && !m_gate;
    if (inference && m_firstBlock.regions.defined() && m_firstBlock.regions.is_same(regions))
        return {m_firstBlock.input, m_firstBlock.output};
    const at::Tensor x = at::relu(m_input->forward(regions));
    at::Tensor y = m_second[0]->as<nn::Linear>()->forward(at::relu(m_first[0]->as<nn::Linear>()->forward(x)));
    y = nn::functional::layer_norm(y, nn::functional::LayerNormFuncOptions({m_options.hiddenDim}));
    m_firstBlock = inference ? FirstBlockCache{regions, x, y} : FirstBlockCache{};
    return {x, y};
}

at::Tensor FilmFusionImpl::forward(const at::Tensor &regions, const at::Tensor &question, const at::Tensor &,
                                   const at::Tensor &, const at::Tensor &imageIndex,
                                   const at::Tensor &questionIndex) // [B,R,Dv],[B or U,Dq] -> [B,Df]
{
    // Region features are a 1x1 feature map per region, so FiLM's 1x1 and 3x3
    // convolutions become per-region linear layers. gamma is predicted as 1 + delta
    // so that an untrained generator starts from the identity.
    //
    // With filmContext, every block after the first also reads the max over
    // all regions of its input, in place of the 3x3 convolution's view of the
    // neighbours: it can then relate every region to what the question-modulated
    // block before it singled out ("the object closest to the red one"). It
    // costs one [B,H]x[H,H] product per block, where a 3x3 convolution over the
    // grid would cost 9 [B*R,H]x[H,H] ones. The first block's input does not
    // depend on the question yet, so its max would only add scene statistics,
    // which the model learns anyway and was measured to dwell on longer.
    //
    // The first block is the question's only until its FiLM: up to there it
    // runs once per image (x and y are [Bi,R,H]), which halves the work of a
    // two-block model when twenty questions share an image.
    //
    // With filmAttention, each block's output is also pooled by attention
    // (a softmax over the regions of a score read from each region, which the
    // FiLM has made the question's): that is what later blocks read as their
    // context and, beside the max, what the output reads. A soft choice of the
    // region passes gradient to every region, where the max passes it to one,
    // and hands on the chosen object's own features (its position among them).
    //
    // With filmGate, the question first scales every region feature (1 + a
    // linear map of the question: an untrained gate is near the identity).
    // Without it the first layer mixes all of a young encoder's features into
    // every hidden unit, and the max over the regions follows what the answers
    // do not need; with it the named colour's features pass before anything is
    // mixed (docs/performance.md, "Mixed features"). The first block then runs
    // once per question, not once per image.
    //
    // With filmRelative, a block after the first also reads where each region
    // lies from the object the block before attended to (dx, dy, and the
    // squared distance between the region centres the encoder appended and
    // the attention-weighted centre): "closest" and "furthest" are then a
    // score on one feature, where the max or the attended vector alone leave
    // the distance to be built from two positions.
    const int64_t h = m_options.hiddenDim;
    // Each item's own: with object_positions they differ between images.
    const at::Tensor centres = m_relative ? perItem(regions.narrow(2, regions.size(2) - 2, 2), imageIndex) : at::Tensor(); // [B,R,2]
    at::Tensor gatedRegions, firstIndex = imageIndex;
    if (m_gate) {
        const at::Tensor gate = perItem(m_gate->forward(question), questionIndex); // [B,Dv]
        gatedRegions = perItem(regions, imageIndex) * (1 + gate.unsqueeze(1));   // [B,R,Dv]
        firstIndex = at::Tensor();
    }
    auto [x, first] = firstBlock(m_gate ? gatedRegions : regions); // [B or Bi,R,H]
    // Unbound rather than selected: the backward stacks the parts' gradients
    // where a select's would fill a zero tensor of the whole output for each.
    // Generated once per distinct text (with questionIndex), then each item's row.
    const at::Tensor generated = perItem(m_generator->forward(question), questionIndex);
    const auto film = generated.view({-1, m_options.filmBlocks, 2, h}).unbind(1);
    at::Tensor attended, weights; // [B,H] and [B,R], the previous block's
    at::Tensor pooled;            // [B,H], the last block's output max-pooled over the regions
    for (int64_t i = 0; i < m_options.filmBlocks; ++i) {
        const auto scaleShift = film[size_t(i)].unbind(1);
        const at::Tensor gamma = 1 + scaleShift[0].unsqueeze(1); // [B,1,H]
        const at::Tensor beta = scaleShift[1].unsqueeze(1);
        if (i == 0) {
            // x + relu(gamma * first + beta), each question reading its image's rows: [B,R,H] from here on
            x = filmResidualGathered(x, first, firstIndex, gamma, beta);
        } else {
            at::Tensor extra; // what else the block's first layer reads
            if (m_context) {
                const at::Tensor pooledInput = attended.defined() ? attended : std::get<0>(x.max(1));
                extra = m_context[i - 1]->as<nn::Linear>()->forward(pooledInput).unsqueeze(1); // [B,1,H]
            }
            if (m_relative) {
                const at::Tensor offsets =
                    m_relative[i - 1]->as<nn::Linear>()->forward(offsetsFromAttended(centres, weights));
                extra = extra.defined() ? extra + offsets : offsets; // [B,R,H]
            }
            // relu(first(x) + extra), second, normalised without an affine part (FiLM supplies
            // scale and shift), modulated: one operation. The last block's output, when only the
            // max pool reads it, is pooled in the same pass.
            const bool last = i + 1 == m_options.filmBlocks && !m_attend;
            const nn::LinearImpl *layer1 = m_first[i]->as<nn::Linear>(), *layer2 = m_second[i]->as<nn::Linear>();
            const at::Tensor out = filmBlock(x, extra, layer1->weight, layer1->bias, layer2->weight, layer2->bias,
                                             gamma, beta, last);
            (last ? pooled : x) = out;
        }
        if (m_attend)
            std::tie(attended, weights) = attend(i, x);
    }
    if (!pooled.defined())
        pooled = std::get<0>(x.max(1)); // global max pool over regions
    return at::relu(m_output->forward(attended.defined() ? at::cat({pooled, attended}, 1) : pooled));
}

// ---- mfb ------------------------------------------------------------------

MfbFusionImpl::MfbFusionImpl(const FusionOptions &options) : m_options(options)
{
    const int64_t factors = options.outputDim * options.mfbFactor;
    m_attentionImage = register_module("attention_image", nn::Linear(options.regionDim, factors));
    m_attentionQuestion = register_module("attention_question", nn::Linear(options.questionDim, factors));
    m_attentionScore = register_module(
        "attention_score", twoLayerMlp(options.outputDim, options.hiddenDim, 1, 0.0, false));
    m_image = register_module("image", nn::Linear(options.regionDim, factors));
    m_question = register_module("question", nn::Linear(options.questionDim, factors));
}

at::Tensor MfbFusionImpl::factorizedBilinear(const at::Tensor &projectedImage,
                                             const at::Tensor &projectedQuestion) const
{
    at::Tensor z = projectedImage * projectedQuestion; // [..., Df * k]
    if (is_training() && m_options.dropout > 0)
        z = at::dropout(z, m_options.dropout, true);
    auto shape = z.sizes().vec();
    shape.back() = m_options.outputDim;
    shape.push_back(m_options.mfbFactor);
    z = z.view(shape).sum(-1); // sum pooling over each window of k factors
    // Power normalisation sign(z) sqrt(|z|); the epsilon keeps its gradient finite at 0.
    z = at::sign(z) * at::sqrt(at::abs(z) + 1e-8);
    return z / z.norm(2, -1, true).clamp_min(1e-12);
}

at::Tensor MfbFusionImpl::forward(const at::Tensor &regions, const at::Tensor &question, const at::Tensor &,
                                  const at::Tensor &, const at::Tensor &imageIndex,
                                  const at::Tensor &) // [B,R,Dv],[B,Dq] -> [B,Df]
{
    // Question-guided attention: MFB of every region with the question scores
    // the region; the attended image feature goes through a second MFB.
    const at::Tensor perRegion = factorizedBilinear(perItem(m_attentionImage->forward(regions), imageIndex),
                                                    m_attentionQuestion->forward(question).unsqueeze(1));
    const at::Tensor weights = at::softmax(m_attentionScore->forward(perRegion).squeeze(-1), 1); // [B,R]
    m_regionAttention = weights.detach();
    const at::Tensor attended = at::bmm(weights.unsqueeze(1), perItem(regions, imageIndex)).squeeze(1); // [B,Dv]
    return factorizedBilinear(m_image->forward(attended), m_question->forward(question));
}

// ---- cross_attention --------------------------------------------------------

AttentionPoolImpl::AttentionPoolImpl(int64_t queryDim, int64_t keyDim, int64_t hiddenDim, int64_t heads)
    : m_heads(heads)
{
    TORCH_CHECK(hiddenDim % heads == 0, "attention width ", hiddenDim, " is not a multiple of ", heads, " heads");
    m_query = register_module("query", nn::Linear(queryDim, hiddenDim));
    m_key = register_module("key", nn::Linear(keyDim, hiddenDim));
    m_value = register_module("value", nn::Linear(keyDim, hiddenDim));
    m_out = register_module("out", nn::Linear(hiddenDim, hiddenDim));
}

at::Tensor AttentionPoolImpl::forward(const at::Tensor &query, const at::Tensor &keys,
                                      const at::Tensor &mask) // [B,Dq],[B,N,Dk] -> [B,H]
{
    const int64_t b = keys.size(0), n = keys.size(1);
    const int64_t perHead = m_query->options.out_features() / m_heads;
    const at::Tensor q = m_query->forward(query).view({b, m_heads, 1, perHead});
    const at::Tensor k = m_key->forward(keys).view({b, n, m_heads, perHead}).transpose(1, 2);   // [B,h,N,d]
    const at::Tensor v = m_value->forward(keys).view({b, n, m_heads, perHead}).transpose(1, 2);
    at::Tensor scores = at::matmul(q, k.transpose(-1, -2)).squeeze(2) / std::sqrt(double(perHead)); // [B,h,N]
    if (mask.defined())
        scores = scores.masked_fill(mask.logical_not().unsqueeze(1), -1e9);
    const at::Tensor weights = at::softmax(scores, -1);
    m_weights = weights.detach();
    const at::Tensor attended = at::matmul(weights.unsqueeze(2), v).squeeze(2); // [B,h,d]
    return m_out->forward(attended.reshape({b, m_heads * perHead}));
}

CrossAttentionFusionImpl::CrossAttentionFusionImpl(const FusionOptions &options) : m_options(options)
{
    const int64_t h = options.hiddenDim;
    m_questionIn = register_module("question_in", nn::Linear(options.questionDim, h));
    m_overRegions = register_module("over_regions", AttentionPool(options.questionDim, options.regionDim, h, options.heads));
    m_overTokens = register_module("over_tokens", AttentionPool(h, options.questionDim, h, options.heads));
    m_norm1 = register_module("norm1", nn::LayerNorm(nn::LayerNormOptions({h})));
    m_norm2 = register_module("norm2", nn::LayerNorm(nn::LayerNormOptions({h})));
    m_norm3 = register_module("norm3", nn::LayerNorm(nn::LayerNormOptions({h})));
    m_mlp = register_module("mlp", twoLayerMlp(h, 2 * h, h, options.dropout, false));
    m_output = register_module("output", nn::Linear(h, options.outputDim));
}

at::Tensor CrossAttentionFusionImpl::forward(const at::Tensor &regions, const at::Tensor &question,
                                             const at::Tensor &tokens,
                                             const at::Tensor &tokenMask,
                                             const at::Tensor &imageIndex,
                                             const at::Tensor &) // [B,R,Dv],[B,Dq](,[B,T,Dq]) -> [B,Df]
{
    // Alternating co-attention (Lu et al. 2016): the question summary attends
    // over the regions; what it saw then attends over the question's tokens.
    at::Tensor x = m_norm1->forward(m_questionIn->forward(question)
                                    + m_overRegions->forward(question, perItem(regions, imageIndex)));
    m_regionAttention = m_overRegions->weights().mean(1);
    if (tokens.defined()) {
        x = m_norm2->forward(x + m_overTokens->forward(x, tokens, tokenMask));
        m_tokenAttention = m_overTokens->weights().mean(1);
    }
    x = m_norm3->forward(x + m_mlp->forward(x)); // residual MLP
    return at::relu(m_output->forward(x));
}

// ---- relation ---------------------------------------------------------------

RelationFusionImpl::RelationFusionImpl(const FusionOptions &options) : m_options(options)
{
    const int64_t h = options.hiddenDim;
    m_firstI = register_module("g_first_i", nn::Linear(options.regionDim, h));
    m_firstJ = register_module("g_first_j", nn::Linear(nn::LinearOptions(options.regionDim, h).bias(false)));
    m_firstQ = register_module("g_first_q", nn::Linear(nn::LinearOptions(options.questionDim, h).bias(false)));
    m_gRest = register_module("g_rest", nn::Sequential());
    for (int64_t i = 1; i < options.relationLayers; ++i) {
        m_gRest->push_back(nn::Linear(h, h));
        m_gRest->push_back(nn::ReLU());
    }
    m_f = register_module("f", twoLayerMlp(h, h, options.outputDim, options.dropout, true));
}

// The relation network's "attention": each object's share of what g adds up,
// the L1 size of every pair it is in (as o_i or o_j), normalised to sum to 1.
// pairs [N, R*R, H] -> [N, R].
static at::Tensor pairShares(const at::Tensor &pairs, int64_t r)
{
    const at::Tensor size = pairs.abs().sum(2).view({pairs.size(0), r, r});
    const at::Tensor share = size.sum(2) + size.sum(1);
    return share / share.sum(1, true).clamp_min(1e-12);
}

at::Tensor RelationFusionImpl::forward(const at::Tensor &regions, const at::Tensor &question, const at::Tensor &,
                                       const at::Tensor &, const at::Tensor &imageIndex,
                                       const at::Tensor &) // [B,R,Dv],[B,Dq] -> [B,Df]
{
    // RN(O, q) = f( sum_ij g([o_i; o_j; q]) ). g's first layer is linear, so
    // W [o_i; o_j; q] = W_i o_i + W_j o_j + W_q q: each term is computed once per
    // object ([B,R,H]) and the R x R pairs are formed by a broadcast add, never
    // materialising the [B, R², 2Dv + Dq] concatenation nor its R²-times-larger
    // matrix product. Only g's later layers see all R² pairs, so keep R small
    // (a 4x4 to 8x8 grid).
    const int64_t b = question.size(0), r = regions.size(1), h = m_options.hiddenDim;
    const at::Tensor objectI = perItem(m_firstI->forward(regions), imageIndex).unsqueeze(2); // [B,R,1,H]
    const at::Tensor objectJ = perItem(m_firstJ->forward(regions), imageIndex).unsqueeze(1); // [B,1,R,H]
    const at::Tensor query = m_firstQ->forward(question).view({b, 1, 1, h});      // [B,1,1,H]
    // g runs on chunks of questions whose [chunk, R², H] activations stay under
    // ~8 MiB: glibc serves larger blocks with mmap and faults every page in
    // again on each step (measured: most of a step's time), smaller ones come
    // from the heap and are reused.
    const int64_t perQuestion = r * r * h * int64_t(sizeof(float));
    const int64_t chunk = std::max<int64_t>(1, (int64_t(8) << 20) / perQuestion);
    std::vector<at::Tensor> summaries, shares;
    for (int64_t start = 0; start < b; start += chunk) {
        const int64_t end = std::min(b, start + chunk), n = end - start;
        const at::Tensor first = objectI.slice(0, start, end) + objectJ.slice(0, start, end)
                                 + query.slice(0, start, end);
        at::Tensor pairs = at::relu(first).view({n, r * r, h});
        if (!m_gRest->is_empty())
            pairs = m_gRest->forward(pairs);
        // The mean is the paper's sum scaled by 1/R², which keeps activations
        // the same size whatever the grid.
        summaries.push_back(pairs.mean(1));
        if (!is_training())
            shares.push_back(pairShares(pairs.detach(), r));
    }
    m_regionAttention = shares.empty() ? at::Tensor() : shares.size() == 1 ? shares.front() : at::cat(shares, 0);
    return m_f->forward(summaries.size() == 1 ? summaries.front() : at::cat(summaries, 0));
}

// ---- factory ----------------------------------------------------------------

const std::vector<std::string> &fusionNames()
{
    static const std::vector<std::string> names = {"concat", "late",           "gmu",     "film",
                                                   "mfb",    "cross_attention", "relation"};
    return names;
}

std::shared_ptr<FusionImpl> makeFusion(const std::string &name, const FusionOptions &options)
{
    if (name == "concat")
        return std::make_shared<ConcatFusionImpl>(options);
    if (name == "late")
        return std::make_shared<LateFusionImpl>(options);
    if (name == "gmu")
        return std::make_shared<GmuFusionImpl>(options);
    if (name == "film")
        return std::make_shared<FilmFusionImpl>(options);
    if (name == "mfb")
        return std::make_shared<MfbFusionImpl>(options);
    if (name == "cross_attention")
        return std::make_shared<CrossAttentionFusionImpl>(options);
    if (name == "relation")
        return std::make_shared<RelationFusionImpl>(options);
    return nullptr;
}

} // namespace tandem::ml
