#pragma once
// Explanation maps as pictures: a grid of weights in [0, 1] (one per image
// region, row-major) coloured with a perceptual ramp, drawn over the image it
// explains; and the pointing game that scores a map against an object's box.
#include <QColor>
#include <QImage>
#include <QRectF>
#include <vector>

namespace tandem::explain {

// The colour of a weight (clamped to [0, 1]): dark blue through green to yellow
// (the viridis ramp, linearly between eight of its stops).
QRgb rampColor(double weight);

// A gridWidth x gridHeight opaque image, one pixel per region. The colours
// span the map's own range (its lowest weight dark, its highest yellow): an
// attention map that is nearly flat still shows where it is highest, so say
// how flat it is beside it (flatness()).
QImage mapImage(const std::vector<float> &weights, int gridHeight, int gridWidth);

// The lowest weight as a share of the highest, 0..1 (1: a flat map); 0 for no weights.
double flatness(const std::vector<float> &weights);

// `image` with the map drawn over it: the map is scaled to the image's size
// (bilinear, as the view shows it) and mixed in with `opacity` in [0, 1]:
// pixel = (1 - opacity) * image + opacity * ramp.
QImage blendMap(const QImage &image, const std::vector<float> &weights, int gridHeight, int gridWidth,
                double opacity);

// Pointing game (Zhang et al., ECCV 2016): a hit when the centre of the
// region with the largest weight lies inside `box` (image pixels, imageSize
// wide and high); ties go to the first region.
bool pointingHit(const std::vector<float> &weights, int gridHeight, int gridWidth, QSizeF imageSize, QRectF box);

} // namespace tandem::explain
