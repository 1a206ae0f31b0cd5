#include "gradcam.h"

#include <algorithm>

namespace tandem::ml {

std::vector<float> scaledToMax(const at::Tensor &weights)
{
    at::Tensor w = weights.detach().to(at::kCPU, at::kFloat).reshape({-1}).contiguous();
    const float top = w.numel() > 0 ? w.max().item<float>() : 0.0f;
    if (top > 0)
        w = w / top;
    return std::vector<float>(w.data_ptr<float>(), w.data_ptr<float>() + w.numel());
}

std::vector<float> gradCam(const at::Tensor &regions, const at::Tensor &gradient, int64_t channels)
{
    const at::Tensor a = regions.detach().narrow(1, 0, channels).to(at::kFloat);
    const at::Tensor alpha = gradient.detach().narrow(1, 0, channels).to(at::kFloat).mean(0); // [C]
    return scaledToMax(at::relu(at::matmul(a, alpha)));                                      // [R]
}

std::vector<float> hiResCam(const at::Tensor &regions, const at::Tensor &gradient, int64_t channels)
{
    const at::Tensor a = regions.detach().narrow(1, 0, channels).to(at::kFloat);
    const at::Tensor g = gradient.detach().narrow(1, 0, channels).to(at::kFloat);
    return scaledToMax(at::relu((a * g).sum(1))); // [R]
}

std::vector<float> pixelSaliency(const at::Tensor &gradient, int64_t grid)
{
    const at::Tensor magnitude = gradient.detach().to(at::kCPU, at::kFloat).abs().sum(0, true); // [1, H, W]
    const int64_t cells = std::max<int64_t>(1, std::min<int64_t>(grid, magnitude.size(1)));
    return scaledToMax(at::adaptive_avg_pool2d(magnitude.unsqueeze(0), {cells, cells}));
}

} // namespace tandem::ml
