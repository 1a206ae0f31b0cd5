#pragma once
// AdamW with each parameter's update in one pass over its four arrays.
// LibTorch's AdamW runs about eight ATen operations per parameter (the decay,
// two moments, the square root, the division, ...), each a dispatch and a sweep
// over memory; for Tandem's small models that was 5-7% of a training step
// (docs/performance.md). The arithmetic and the state are LibTorch's own
// (AdamWParamState under the same keys), so checkpoints load into either.
// Parameters that are not contiguous float32 CPU tensors (CUDA, AMSGrad) take
// the same ATen operations LibTorch's step does.
#include <torch/optim/adamw.h>

namespace tandem::ml {

class FusedAdamW : public torch::optim::AdamW {
public:
    using torch::optim::AdamW::AdamW;
    torch::Tensor step(LossClosure closure = nullptr) override;
    // Drops the gradients instead of zeroing them: the next backward assigns
    // them with no fill. A parameter left without a gradient is not updated.
    void clearGradients();
    // Gradient clipping as torch::nn::utils::clip_grad_norm_ does it (the
    // global L2 norm scaled down to maxNorm where it is larger), except that
    // the gradients are scaled by the next step() in its own pass rather than
    // by a pass of their own. Returns the norm before clipping.
    double clipGradientNorm(double maxNorm);

private:
    torch::optim::AdamWParamState &stateOf(const at::Tensor &parameter, bool amsgrad);

    float m_gradScale = 1.f; // clipping's, for the next step
};

} // namespace tandem::ml
