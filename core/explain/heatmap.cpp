#include "heatmap.h"

#include <QPainter>
#include <algorithm>
#include <cmath>

namespace tandem::explain {

namespace {

// viridis at 0, 1/7, ..., 1.
const QRgb kStops[] = {qRgb(68, 1, 84),    qRgb(70, 50, 127),  qRgb(54, 92, 141),  qRgb(39, 127, 142),
                       qRgb(31, 161, 135), qRgb(74, 194, 109), qRgb(159, 218, 58), qRgb(253, 231, 37)};

int mix(int a, int b, double t)
{
    return int(std::lround(a + (b - a) * t));
}

} // namespace

QRgb rampColor(double weight)
{
    const double w = std::clamp(std::isfinite(weight) ? weight : 0.0, 0.0, 1.0) * 7.0;
    const int i = std::min(6, int(w));
    const double t = w - i;
    const QRgb a = kStops[i], b = kStops[i + 1];
    return qRgb(mix(qRed(a), qRed(b), t), mix(qGreen(a), qGreen(b), t), mix(qBlue(a), qBlue(b), t));
}

double flatness(const std::vector<float> &weights)
{
    if (weights.empty())
        return 0;
    const auto [low, high] = std::minmax_element(weights.begin(), weights.end());
    return *high > 0 ? std::max(0.0, double(*low) / double(*high)) : 0.0;
}

QImage mapImage(const std::vector<float> &weights, int gridHeight, int gridWidth)
{
    QImage map(std::max(1, gridWidth), std::max(1, gridHeight), QImage::Format_RGB32);
    map.fill(rampColor(0));
    const size_t cells = std::min(weights.size(), size_t(std::max(0, gridHeight)) * size_t(std::max(0, gridWidth)));
    if (cells == 0)
        return map;
    const auto [low, high] = std::minmax_element(weights.begin(), weights.begin() + long(cells));
    const double range = double(*high) - double(*low);
    for (size_t i = 0; i < cells; ++i) {
        const double w = range > 0 ? (double(weights[i]) - *low) / range : double(weights[i]);
        map.setPixel(int(i % size_t(gridWidth)), int(i / size_t(gridWidth)), rampColor(w));
    }
    return map;
}

QImage blendMap(const QImage &image, const std::vector<float> &weights, int gridHeight, int gridWidth,
                double opacity)
{
    QImage out = image.convertToFormat(QImage::Format_RGB32);
    if (out.isNull())
        return out;
    const QImage map = mapImage(weights, gridHeight, gridWidth)
                           .scaled(out.size(), Qt::IgnoreAspectRatio, Qt::SmoothTransformation)
                           .convertToFormat(QImage::Format_RGB32);
    const double o = std::clamp(opacity, 0.0, 1.0);
    for (int y = 0; y < out.height(); ++y) {
        auto *row = reinterpret_cast<QRgb *>(out.scanLine(y));
        const auto *over = reinterpret_cast<const QRgb *>(map.constScanLine(y));
        for (int x = 0; x < out.width(); ++x)
            row[x] = qRgb(mix(qRed(row[x]), qRed(over[x]), o), mix(qGreen(row[x]), qGreen(over[x]), o),
                          mix(qBlue(row[x]), qBlue(over[x]), o));
    }
    return out;
}

bool pointingHit(const std::vector<float> &weights, int gridHeight, int gridWidth, QSizeF imageSize, QRectF box)
{
    const size_t cells = size_t(std::max(0, gridHeight)) * size_t(std::max(0, gridWidth));
    if (cells == 0 || weights.size() < cells)
        return false;
    const size_t best = size_t(std::max_element(weights.begin(), weights.begin() + long(cells)) - weights.begin());
    const double cellW = imageSize.width() / gridWidth, cellH = imageSize.height() / gridHeight;
    const QPointF centre((double(best % size_t(gridWidth)) + 0.5) * cellW, (double(best / size_t(gridWidth)) + 0.5) * cellH);
    return box.contains(centre);
}

} // namespace tandem::explain
