#include "gradcam.h"

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

} // namespace tandem::ml
