#pragma once
// The loops behind Tandem's fused CPU operations (filmops.h, adamw.h): plain
// C++ over float arrays, no LibTorch, each compiled for AVX-512, AVX2 and the
// baseline. Their file is built with reassociation allowed and no errno, so
// that GCC vectorises the sums over a row and the square root (CMakeLists.txt).
#include <cstdint>

namespace tandem::ml::kernels {

// FiLM's residual modulation on one item's [R, H] rows, gamma and beta [H]:
// out = x + relu(gamma * y + beta).
void forwardItem(const float *x, const float *y, const float *gamma, const float *beta, float *out,
                 int64_t regions, int64_t hidden);
// Its backward (d out / dx is grad itself): dy, and dgamma, dbeta summed over the rows.
void backwardItem(const float *grad, const float *y, const float *gamma, const float *beta, float *dy,
                  float *dgamma, float *dbeta, int64_t regions, int64_t hidden);
// The same for an item whose x and y are its image's: adds into the image's dx and dy.
void backwardGatheredItem(const float *grad, const float *y, const float *gamma, const float *beta, float *dx,
                          float *dy, float *dgamma, float *dbeta, int64_t regions, int64_t hidden);

// out = x + relu(gamma * layerNorm(y) + beta), keeping each row's mean and 1/std [R].
void normForwardItem(const float *x, const float *y, const float *gamma, const float *beta, float *out, float *mean,
                     float *rstd, int64_t regions, int64_t hidden);
void normBackwardItem(const float *grad, const float *y, const float *mean, const float *rstd, const float *gamma,
                      const float *beta, float *dy, float *dgamma, float *dbeta, int64_t regions, int64_t hidden);
// The same followed by the max over the rows: pooled [H] and the row of each maximum, argmax [H].
void normForwardMaxItem(const float *x, const float *y, const float *gamma, const float *beta, float *pooled,
                        int32_t *argmax, float *mean, float *rstd, int64_t regions, int64_t hidden);
// Its backward from the pooled gradient [H]: dx (the pooled gradient at each maximum, 0 elsewhere), dy, dgamma, dbeta.
void normBackwardMaxItem(const float *gradPooled, const int32_t *argmax, const float *y, const float *mean,
                         const float *rstd, const float *gamma, const float *beta, float *dx, float *dy,
                         float *dgamma, float *dbeta, int64_t regions, int64_t hidden);

// A relu's backward in place: d = 0 where the relu's output r is not positive.
void reluBackwardInPlace(float *d, const float *r, int64_t n);

struct AdamWCoefficients {
    float decay, beta1, beta2, stepSize, sqrtCorrection2, eps;
    float gradScale = 1.f; // gradient clipping's factor
};
// AdamW on n elements in LibTorch's order of operations, for g = gradScale *
// the gradient: p *= 1 - lr * wd; m = beta1 m + (1 - beta1) g;
// v = beta2 v + (1 - beta2) g^2; p -= stepSize * m / (sqrt(v) / sqrt(bc2) + eps).
void adamwSpan(float *p, const float *g, float *m, float *v, int64_t n, AdamWCoefficients c);
// The sum of the squares of n elements.
double sumOfSquares(const float *v, int64_t n);

} // namespace tandem::ml::kernels
