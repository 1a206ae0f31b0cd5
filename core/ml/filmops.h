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

// A FiLM block after the first as one operation:
//   r = relu(x W1^T + b1 + extra), y = r W2^T + b2,
//   out = x + relu(gamma * layerNorm(y) + beta), or its max over the regions when pooled.
// extra is what else the first layer reads ([B, 1, H] or [B, R, H]; may be
// undefined). Its backward runs the products itself, so x's gradient is the
// residual's with the first layer's added inside the product (no zero-filled
// output, no separate sum) and the relu's mask is applied in place. Float CPU
// tensors outside autocast take that path, anything else the ATen layers with
// filmNormResidual(Max).
at::Tensor filmBlock(const at::Tensor &x, const at::Tensor &extra, const at::Tensor &w1, const at::Tensor &b1,
                     const at::Tensor &w2, const at::Tensor &b2, const at::Tensor &gamma, const at::Tensor &beta,
                     bool pooled);

} // namespace tandem::ml
