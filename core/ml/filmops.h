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

// filmResidual with x and y once per image, [Bi, R, H], and each item's image
// in index [B]: the items' copies of them are never made (forward), nor their
// gradients gathered back (backward). An undefined index: one image each.
at::Tensor filmResidualGathered(const at::Tensor &x, const at::Tensor &y, const at::Tensor &index,
                                const at::Tensor &gamma, const at::Tensor &beta);

// x + relu(gamma * layerNorm(y) + beta), the norm over H without an affine
// part (eps 1e-5): a FiLM block's end in one pass each way, where the norm
// alone took two more over [B, R, H].
at::Tensor filmNormResidual(const at::Tensor &x, const at::Tensor &y, const at::Tensor &gamma,
                            const at::Tensor &beta);
at::Tensor filmNormResidualReference(const at::Tensor &x, const at::Tensor &y, const at::Tensor &gamma,
                                     const at::Tensor &beta);

// filmNormResidual's output max-pooled over the regions, [B, H], for a last
// block whose output only the pool reads: the [B, R, H] output is never
// written, nor a zero-filled gradient of its size scattered into.
at::Tensor filmNormResidualMax(const at::Tensor &x, const at::Tensor &y, const at::Tensor &gamma,
                               const at::Tensor &beta);
at::Tensor filmNormResidualMaxReference(const at::Tensor &x, const at::Tensor &y, const at::Tensor &gamma,
                                        const at::Tensor &beta);

} // namespace tandem::ml
