#pragma once
// FiLM's residual modulation, out = x + relu(gamma * y + beta), as one fused
// operation. Written as ATen ops it is four passes over the [B, R, H] region
// features forward and about six backward (mul, add, relu, add; the relu mask,
// two products, two sums over the regions): element-wise work that took more of
// a training step than FiLM's matrix products (docs/performance.md). Fused, it
// is one pass each way. Float CPU tensors take the fused path; anything else
// (CUDA, half precision) the ATen expression, with the same result.
#include <ATen/ATen.h>

namespace tandem::ml {

// x, y: [B, R, H]; gamma, beta: [B, 1, H] (the question's scale and shift).
at::Tensor filmResidual(const at::Tensor &x, const at::Tensor &y, const at::Tensor &gamma, const at::Tensor &beta);

// The same as ATen ops (the reference, and the path off the CPU).
at::Tensor filmResidualReference(const at::Tensor &x, const at::Tensor &y, const at::Tensor &gamma,
                                 const at::Tensor &beta);

} // namespace tandem::ml
