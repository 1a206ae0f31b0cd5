#include "ml/text.h"

#include <ATen/ATen.h>
#include <torch/nn/modules/transformerlayer.h>
#include <torch/nn/utils/rnn.h>

#include <algorithm>
#include <cmath>
#include <map>

namespace tandem::ml {
namespace {

namespace nn = torch::nn;
namespace rnn = torch::nn::utils::rnn;

at::Tensor lengthsOrCount(const at::Tensor &ids, const at::Tensor &lengths)
{
    const at::Tensor counted = lengths.defined() ? lengths : ids.ne(0).sum(1);
    // A packed sequence cannot hold an empty text: it keeps its one <pad>.
    return counted.to(at::kLong).clamp_min(1).clamp_max(ids.size(1));
}

} // namespace

TokenBatch padBatch(const std::vector<std::vector<int64_t>> &sequences, int64_t maxLength)
{
    int64_t longest = 1;
    for (const auto &sequence : sequences)
        longest = std::max(longest, int64_t(sequence.size()));
    if (maxLength > 0)
        longest = std::min(longest, maxLength);
    TokenBatch batch;
    batch.ids = at::zeros({int64_t(sequences.size()), longest}, at::kLong);
    batch.lengths = at::ones({int64_t(sequences.size())}, at::kLong);
    auto ids = batch.ids.accessor<int64_t, 2>();
    auto lengths = batch.lengths.accessor<int64_t, 1>();
    for (size_t b = 0; b < sequences.size(); ++b) {
        const int64_t n = std::min(longest, int64_t(sequences[b].size()));
        for (int64_t t = 0; t < n; ++t)
            ids[int64_t(b)][t] = sequences[b][size_t(t)];
        lengths[int64_t(b)] = std::max<int64_t>(1, n);
    }
    return batch;
}

DistinctTexts distinctTexts(const at::Tensor &ids, const at::Tensor &lengths)
{
    // A few hundred short rows: an ordered map on the CPU beats a sort on any device.
    const at::Tensor rows = ids.to(at::kCPU, at::kLong).contiguous();
    const at::Tensor counts = lengthsOrCount(ids, lengths).to(at::kCPU, at::kLong).contiguous();
    const int64_t batch = rows.size(0), steps = rows.size(1);
    std::map<std::vector<int64_t>, int64_t> rowOf;
    std::vector<int64_t> firsts, index(static_cast<size_t>(batch));
    for (int64_t b = 0; b < batch; ++b) {
        const int64_t *row = rows.data_ptr<int64_t>() + b * steps;
        std::vector<int64_t> key(row, row + steps);
        key.push_back(counts.data_ptr<int64_t>()[b]);
        const auto [at, fresh] = rowOf.emplace(std::move(key), int64_t(firsts.size()));
        if (fresh)
            firsts.push_back(b);
        index[size_t(b)] = at->second;
    }
    if (int64_t(firsts.size()) == batch)
        return {ids, lengths, at::Tensor()};
    const at::Tensor first = at::tensor(firsts, at::kLong).to(ids.device());
    const at::Tensor distinctLengths =
        lengths.defined() ? lengths.index_select(0, first.to(lengths.device())) : lengths;
    return {ids.index_select(0, first), distinctLengths, at::tensor(index, at::kLong).to(ids.device())};
}

TextEncoding spreadTexts(const TextEncoding &distinct, const at::Tensor &index)
{
    if (!index.defined())
        return distinct;
    return {distinct.pooled.index_select(0, index), distinct.tokens.index_select(0, index),
            distinct.mask.index_select(0, index)};
}

at::Tensor lengthMask(const at::Tensor &lengths, int64_t maxLength)
{
    return at::arange(maxLength, lengths.options().dtype(at::kLong)).unsqueeze(0) < lengths.unsqueeze(1);
}

at::Tensor maskedMean(const at::Tensor &x, const at::Tensor &mask)
{
    const at::Tensor weights = mask.to(x.scalar_type()).unsqueeze(-1);
    return (x * weights).sum(1) / weights.sum(1).clamp_min(1.0);
}

at::Tensor maskedMax(const at::Tensor &x, const at::Tensor &mask)
{
    return std::get<0>(x.masked_fill(mask.logical_not().unsqueeze(-1), -1e9).max(1));
}

GruTextEncoderImpl::GruTextEncoderImpl(const TextOptions &options) : m_options(options)
{
    m_embedding = register_module(
        "embedding", nn::Embedding(nn::EmbeddingOptions(options.vocabSize, options.embedDim).padding_idx(0)));
    m_gru = register_module("gru", nn::GRU(nn::GRUOptions(options.embedDim, options.hiddenDim)
                                               .num_layers(options.layers)
                                               .batch_first(true)
                                               .dropout(options.layers > 1 ? options.dropout : 0.0)));
}

TextEncoding GruTextEncoderImpl::forward(const at::Tensor &ids, const at::Tensor &lengths)
{
    const int64_t steps = ids.size(1);
    const at::Tensor counts = lengthsOrCount(ids, lengths);
    // Packing wants the lengths on the CPU, whatever device the ids are on.
    const auto packed = rnn::pack_padded_sequence(m_embedding->forward(ids), counts.cpu(), true, false);
    const auto [output, hidden] = m_gru->forward_with_packed_input(packed);
    TextEncoding encoding;
    encoding.tokens = std::get<0>(rnn::pad_packed_sequence(output, true, 0.0, steps));
    encoding.mask = lengthMask(counts.to(ids.device()), steps);
    // "max": each feature's largest value over the words, which keeps a word
    // from the middle of the question (its colour) as present as the last one.
    // Otherwise the last layer's state, each text at its own length.
    encoding.pooled = m_options.pooling == "max" ? maskedMax(encoding.tokens, encoding.mask) : hidden[-1];
    return encoding;
}

TransformerTextEncoderImpl::TransformerTextEncoderImpl(const TextOptions &options) : m_options(options)
{
    const int64_t d = options.hiddenDim;
    m_embedding = register_module("embedding",
                                  nn::Embedding(nn::EmbeddingOptions(options.vocabSize, d).padding_idx(0)));
    const int64_t positions = options.maxLength + (usesCls() ? 1 : 0);
    m_positions = register_parameter("positions", at::randn({positions, d}) * 0.02);
    if (usesCls())
        m_cls = register_parameter("cls", at::randn({d}) * 0.02);
    m_layers = nn::ModuleList();
    for (int64_t i = 0; i < options.layers; ++i)
        m_layers->push_back(nn::TransformerEncoderLayer(
            nn::TransformerEncoderLayerOptions(d, options.heads).dim_feedforward(2 * d).dropout(options.dropout)));
    register_module("layers", m_layers);
    m_norm = register_module("norm", nn::LayerNorm(nn::LayerNormOptions({d})));
}

TextEncoding TransformerTextEncoderImpl::forward(const at::Tensor &ids, const at::Tensor &lengths)
{
    const int64_t batch = ids.size(0), steps = ids.size(1), d = m_options.hiddenDim;
    TORCH_CHECK(steps <= m_options.maxLength, "text of ", steps, " tokens is longer than the encoder's maxLength ",
                m_options.maxLength);
    const at::Tensor mask = lengthMask(lengthsOrCount(ids, lengths).to(ids.device()), steps);
    at::Tensor x = m_embedding->forward(ids) * std::sqrt(double(d));
    at::Tensor keep = mask;
    if (usesCls()) {
        x = at::cat({m_cls.view({1, 1, d}).expand({batch, 1, d}), x}, 1);
        keep = at::cat({at::ones({batch, 1}, mask.options()), mask}, 1);
    }
    x = x + m_positions.slice(0, 0, x.size(1)).unsqueeze(0);
    // The C++ layers take [T, B, D] and a key padding mask that is true at padding.
    x = x.transpose(0, 1);
    const at::Tensor padding = keep.logical_not();
    for (const auto &layer : *m_layers)
        x = layer->as<nn::TransformerEncoderLayer>()->forward(x, {}, padding);
    x = m_norm->forward(x.transpose(0, 1)); // [B, T(+1), D]

    TextEncoding encoding;
    encoding.mask = mask;
    encoding.tokens = (usesCls() ? x.slice(1, 1) : x) * mask.unsqueeze(-1).to(x.scalar_type());
    encoding.pooled = usesCls()                  ? x.select(1, 0)
                      : m_options.pooling == "max" ? maskedMax(encoding.tokens, mask)
                                                   : maskedMean(encoding.tokens, mask);
    return encoding;
}

std::shared_ptr<TextEncoderImpl> makeTextEncoder(const TextOptions &options)
{
    if (options.kind == "gru")
        return std::make_shared<GruTextEncoderImpl>(options);
    if (options.kind == "transformer")
        return std::make_shared<TransformerTextEncoderImpl>(options);
    return nullptr;
}

} // namespace tandem::ml
