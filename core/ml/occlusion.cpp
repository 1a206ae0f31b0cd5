#include "ml/occlusion.h"

#include "ml/gradcam.h"

#include <algorithm>
#include <cmath>

namespace tandem::ml {

std::pair<int, int> OcclusionGrid::span(int p) const
{
    const int from = p - (window - 1);
    return {std::max(from, 0), std::min(from + window, grid)};
}

at::Tensor borderColour(const at::Tensor &image)
{
    const at::Tensor frame = at::cat({image.select(1, 0), image.select(1, -1), image.select(2, 0), image.select(2, -1)}, 1);
    return frame.mean(1).view({-1, 1, 1});
}

at::Tensor coveredImages(const at::Tensor &image, const OcclusionGrid &g)
{
    const int64_t size = image.size(3), n = g.placements();
    const double cell = double(size) / g.grid;
    const auto pixel = [&](int c) { return std::clamp<int64_t>(std::lround(double(c) * cell), 0, size); };
    const at::Tensor fill = borderColour(image[0]);
    at::Tensor batch = image.repeat({n * n, 1, 1, 1});
    for (int64_t i = 0; i < n * n; ++i) {
        const auto [y0, y1] = g.span(int(i / n));
        const auto [x0, x1] = g.span(int(i % n));
        const int64_t top = pixel(y0), bottom = pixel(y1), left = pixel(x0), right = pixel(x1);
        batch[i].slice(1, top, bottom).slice(2, left, right).copy_(fill.expand({image.size(1), bottom - top, right - left}));
    }
    return batch;
}

std::vector<float> occlusionMap(const at::Tensor &changes, const OcclusionGrid &g)
{
    const at::Tensor values = changes.to(at::kCPU, at::kFloat).contiguous();
    const float *change = values.data_ptr<float>();
    const int n = g.placements();
    at::Tensor map = at::zeros({int64_t(g.grid) * g.grid});
    float *cells = map.data_ptr<float>();
    for (int64_t i = 0; i < int64_t(n) * n; ++i) {
        const auto [y0, y1] = g.span(int(i / n));
        const auto [x0, x1] = g.span(int(i % n));
        for (int y = y0; y < y1; ++y)
            for (int x = x0; x < x1; ++x)
                cells[y * g.grid + x] += change[i];
    }
    return scaledToMax(map);
}

std::vector<float> occlusionMap(const at::Tensor &image, const OcclusionGrid &g,
                                const std::function<at::Tensor(const at::Tensor &)> &change, int64_t batch)
{
    const at::Tensor covered = coveredImages(image, g);
    std::vector<at::Tensor> changes;
    for (int64_t from = 0; from < covered.size(0); from += batch)
        changes.push_back(change(covered.slice(0, from, std::min(from + batch, covered.size(0)))));
    return occlusionMap(at::cat(changes), g);
}

} // namespace tandem::ml
