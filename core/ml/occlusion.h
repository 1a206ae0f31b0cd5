#pragma once
// Sliding occlusion (Zeiler & Fergus 2014): a square window of a few cells of a
// grid slides over the image one cell at a time, starting and ending half
// outside it, so that every cell lies under the same number of placements; each
// placement is covered with the background colour, and a cell's weight is the
// sum of the changes the placements over it cause. Summed over windows larger
// than an object, the map peaks where every window touches it — its middle —
// and no single placement decides it.
#include <ATen/ATen.h>

#include <cstdint>
#include <functional>
#include <utility>
#include <vector>

namespace tandem::ml {

struct OcclusionGrid {
    int grid = 0;   // cells per side
    int window = 1; // window side, in cells
    int placements() const { return grid + window - 1; } // per axis
    // The cells [first, last) one axis of placement p covers.
    std::pair<int, int> span(int p) const;
};

// The image's background colour, per channel: the mean of its outermost pixels.
at::Tensor borderColour(const at::Tensor &image); // [C,H,W] -> [C,1,1]

// One copy of image [1,C,S,S] per placement, row-major, with the window filled
// with the border colour -> [placements², C, S, S].
at::Tensor coveredImages(const at::Tensor &image, const OcclusionGrid &g);

// changes: one per placement, in coveredImages()'s order -> grid x grid weights
// in [0, 1], row-major.
std::vector<float> occlusionMap(const at::Tensor &changes, const OcclusionGrid &g);

// The whole method: `change` maps a batch of covered images [N,C,S,S] to how
// much each changes what is explained [N]; called on batches of at most `batch`.
std::vector<float> occlusionMap(const at::Tensor &image, const OcclusionGrid &g,
                                const std::function<at::Tensor(const at::Tensor &)> &change, int64_t batch = 64);

} // namespace tandem::ml
