#pragma once
// The compact form of a caption's attention maps in predictions.attention
// (layout in schema.cpp): a grid of weights per generated word, as float16.
#include <QByteArray>
#include <optional>
#include <vector>

namespace tandem {

struct AttentionMaps {
    int gridHeight = 0;
    int gridWidth = 0;
    std::vector<std::vector<float>> words; // one row of gridHeight x gridWidth weights per word
};

// Rows that do not have gridHeight x gridWidth weights are padded or cut.
QByteArray encodeAttention(const AttentionMaps &maps);
// nullopt when the blob's size does not match its header.
std::optional<AttentionMaps> decodeAttention(const QByteArray &blob);

// IEEE 754 binary16 with round-to-nearest-even; out-of-range values saturate to infinity.
quint16 floatToHalf(float value);
float halfToFloat(quint16 half);

} // namespace tandem
