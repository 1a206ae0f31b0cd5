#pragma once
// Grad-CAM (Selvaraju et al. 2017) over a grid of region features: each
// channel is weighted by the mean gradient of the explained score over the
// regions, and the map is the ReLU of the weighted sum, scaled to a maximum of 1.
#include <ATen/ATen.h>

#include <cstdint>
#include <vector>

namespace tandem::ml {

// regions and gradient [R, D]; only the first `channels` columns are feature
// channels (the vision encoder may append x, y coordinates after them).
// -> R weights in [0, 1] (all 0 when no channel raises the score).
std::vector<float> gradCam(const at::Tensor &regions, const at::Tensor &gradient, int64_t channels);

// HiResCAM (Draelos & Carin 2020): each region's activations times its own
// gradient, summed over the channels, ReLU, scaled to a maximum of 1. Grad-CAM
// averages the gradient over all regions first, which spreads a score that
// flows through one region (attention, max-pooling) onto every region with
// similar features; this keeps it where it flowed. Same arguments as gradCam().
std::vector<float> hiResCam(const at::Tensor &regions, const at::Tensor &gradient, int64_t channels);

// Gradient saliency (Simonyan et al. 2014) on a grid finer than the model's:
// the magnitude of a score's gradient with respect to the image's pixels,
// gradient [3, H, W], summed over the colour channels and averaged over square
// cells of H / grid pixels -> grid x grid weights in [0, 1], row-major.
std::vector<float> pixelSaliency(const at::Tensor &gradient, int64_t grid);

// Weights scaled so that the largest is 1 (unchanged when all are <= 0).
std::vector<float> scaledToMax(const at::Tensor &weights);

} // namespace tandem::ml
