#include "attentionblob.h"

#include <QtEndian>
#include <cmath>
#include <cstring>

namespace tandem {

quint16 floatToHalf(float value)
{
    quint32 bits;
    std::memcpy(&bits, &value, 4);
    const quint16 sign = quint16((bits >> 16) & 0x8000u);
    const quint32 magnitude = bits & 0x7fffffffu;
    if (magnitude >= 0x7f800000u) // inf or NaN
        return quint16(sign | 0x7c00u | (magnitude > 0x7f800000u ? 0x200u : 0u));
    if (magnitude >= 0x477ff000u) // rounds to >= 65520: too large for half
        return quint16(sign | 0x7c00u);
    if (magnitude < 0x38800000u) { // subnormal half (or zero): scale by 2^24 and round
        const float scaled = std::fabs(value) * 16777216.0f;
        return quint16(sign | quint16(std::nearbyint(scaled)));
    }
    // Normal: rebias the exponent and round the 13 dropped mantissa bits to nearest even.
    const quint32 rebased = magnitude - 0x38000000u;
    const quint32 rounded = rebased + 0x0fffu + ((rebased >> 13) & 1u);
    return quint16(sign | quint16(rounded >> 13));
}

float halfToFloat(quint16 half)
{
    const quint32 sign = quint32(half & 0x8000u) << 16;
    const quint32 exponent = (half >> 10) & 0x1fu;
    const quint32 mantissa = half & 0x3ffu;
    float value;
    if (exponent == 0)
        value = std::ldexp(float(mantissa), -24);
    else if (exponent == 31)
        value = mantissa ? NAN : INFINITY;
    else
        value = std::ldexp(float(mantissa | 0x400u), int(exponent) - 25);
    quint32 bits;
    std::memcpy(&bits, &value, 4);
    bits |= sign;
    std::memcpy(&value, &bits, 4);
    return value;
}

QByteArray encodeAttention(const AttentionMaps &maps)
{
    const size_t cells = size_t(maps.gridHeight) * size_t(maps.gridWidth);
    QByteArray blob(int(6 + 2 * cells * maps.words.size()), Qt::Uninitialized);
    auto *out = reinterpret_cast<uchar *>(blob.data());
    qToLittleEndian<quint16>(quint16(maps.words.size()), out);
    qToLittleEndian<quint16>(quint16(maps.gridHeight), out + 2);
    qToLittleEndian<quint16>(quint16(maps.gridWidth), out + 4);
    out += 6;
    for (const auto &row : maps.words)
        for (size_t i = 0; i < cells; ++i, out += 2)
            qToLittleEndian<quint16>(floatToHalf(i < row.size() ? row[i] : 0.0f), out);
    return blob;
}

std::optional<AttentionMaps> decodeAttention(const QByteArray &blob)
{
    if (blob.size() < 6)
        return std::nullopt;
    const auto *in = reinterpret_cast<const uchar *>(blob.constData());
    const size_t words = qFromLittleEndian<quint16>(in);
    AttentionMaps maps;
    maps.gridHeight = qFromLittleEndian<quint16>(in + 2);
    maps.gridWidth = qFromLittleEndian<quint16>(in + 4);
    const size_t cells = size_t(maps.gridHeight) * size_t(maps.gridWidth);
    if (size_t(blob.size()) != 6 + 2 * cells * words)
        return std::nullopt;
    in += 6;
    maps.words.assign(words, std::vector<float>(cells));
    for (auto &row : maps.words)
        for (float &weight : row) {
            weight = halfToFloat(qFromLittleEndian<quint16>(in));
            in += 2;
        }
    return maps;
}

} // namespace tandem
