#pragma once
// Text encoders over word ids [B, T] (padding id 0) and their lengths [B]:
// a pooled vector [B, D] for the whole text and per-token states [B, T, D].
#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/embedding.h>
#include <torch/nn/modules/normalization.h>
#include <torch/nn/modules/rnn.h>
#include <torch/nn/pimpl.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace tandem::ml {

struct TextOptions {
    std::string kind = "gru";     // "gru" or "transformer"
    int64_t vocabSize = 0;
    int64_t embedDim = 64;        // GRU only; the Transformer embeds straight into hiddenDim
    int64_t hiddenDim = 128;      // D of the outputs
    int64_t layers = 1;
    int64_t heads = 4;            // Transformer
    int64_t maxLength = 32;       // Transformer: learned positions
    std::string pooling = "mean"; // "max" over real tokens; Transformer also "mean" or "cls", GRU otherwise its last state
    double dropout = 0.0;
};

struct TextEncoding {
    at::Tensor pooled; // [B, D]
    at::Tensor tokens; // [B, T, D], zeros at padding
    at::Tensor mask;   // [B, T] bool, true at real tokens
};

// Id sequences padded with 0 into one batch.
struct TokenBatch {
    at::Tensor ids;     // [B, T] int64
    at::Tensor lengths; // [B] int64, at least 1
};
// maxLength > 0 cuts longer sequences (keeping their first maxLength ids).
TokenBatch padBatch(const std::vector<std::vector<int64_t>> &sequences, int64_t maxLength = 0);

class TextEncoderImpl : public torch::nn::Module {
public:
    // lengths may be undefined: then every non-zero id counts.
    virtual TextEncoding forward(const at::Tensor &ids, const at::Tensor &lengths) = 0;
    virtual int64_t outputDim() const = 0;
};

// Embedding + GRU over packed sequences: pooled = the last layer's final hidden
// state, which a packed GRU takes at each text's own last token.
class GruTextEncoderImpl : public TextEncoderImpl {
public:
    explicit GruTextEncoderImpl(const TextOptions &options);
    TextEncoding forward(const at::Tensor &ids, const at::Tensor &lengths) override; // [B,T] -> [B,D], [B,T,D]
    int64_t outputDim() const override { return m_options.hiddenDim; }

private:
    TextOptions m_options;
    torch::nn::Embedding m_embedding{nullptr};
    torch::nn::GRU m_gru{nullptr};
};
TORCH_MODULE(GruTextEncoder);

// Token embedding + learned positions, post-norm Transformer encoder layers
// with a key padding mask, then a final LayerNorm; pooled by a masked mean or
// by a learned [CLS] token put in front.
class TransformerTextEncoderImpl : public TextEncoderImpl {
public:
    explicit TransformerTextEncoderImpl(const TextOptions &options);
    TextEncoding forward(const at::Tensor &ids, const at::Tensor &lengths) override; // [B,T] -> [B,D], [B,T,D]
    int64_t outputDim() const override { return m_options.hiddenDim; }

private:
    bool usesCls() const { return m_options.pooling == "cls"; }

    TextOptions m_options;
    torch::nn::Embedding m_embedding{nullptr};
    at::Tensor m_positions; // [maxLength (+1 with CLS), D]
    at::Tensor m_cls;       // [D]; defined with "cls" pooling
    torch::nn::ModuleList m_layers{nullptr};
    torch::nn::LayerNorm m_norm{nullptr};
};
TORCH_MODULE(TransformerTextEncoder);

// nullptr for an unknown kind.
std::shared_ptr<TextEncoderImpl> makeTextEncoder(const TextOptions &options);

// A batch's distinct texts and, for each text, its row among them, so that a
// text asked of many images (Sort-of-CLEVR has 36 questions, a batch of 160
// asks each about four times) is encoded once; the rows' gradients add up in
// the index's backward, as they would in the encoder's. index is undefined
// where every text is distinct: then ids and lengths are the batch's own.
struct DistinctTexts {
    at::Tensor ids;     // [U, T]
    at::Tensor lengths; // [U], undefined where the batch's were
    at::Tensor index;   // [B] rows of ids
};
DistinctTexts distinctTexts(const at::Tensor &ids, const at::Tensor &lengths); // [B,T], [B]
// An encoding of the distinct texts spread back to the batch's rows.
TextEncoding spreadTexts(const TextEncoding &distinct, const at::Tensor &index);

// True at the first lengths[b] positions of each row: [B] -> [B, T] bool.
at::Tensor lengthMask(const at::Tensor &lengths, int64_t maxLength);
// The largest and the mean of x [B, T, D] over the positions where mask [B, T] is true -> [B, D].
at::Tensor maskedMax(const at::Tensor &x, const at::Tensor &mask); // [B,T,D], [B,T] -> [B,D]
at::Tensor maskedMean(const at::Tensor &x, const at::Tensor &mask);

} // namespace tandem::ml
