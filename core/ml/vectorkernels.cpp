#include "ml/vectorkernels.h"

#include <cmath>
#include <limits>

// Hot loops compiled for AVX-512 and AVX2 beside the baseline; the loader picks
// what the CPU has (the build itself targets plain x86-64, so that one binary
// runs everywhere).
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define TANDEM_VECTOR_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define TANDEM_VECTOR_CLONES
#endif

namespace tandem::ml::kernels {

namespace {

constexpr float kNormEps = 1e-5f; // LayerNorm's default

// FiLM's x + relu(gamma * n + beta). These helpers are inlined into each
// clone of their callers.
inline __attribute__((always_inline)) float modulated(float x, float n, float gamma, float beta)
{
    const float pre = gamma * n + beta;
    return x + (pre > 0.f ? pre : 0.f);
}

// A row's mean and 1/std.
inline __attribute__((always_inline)) void rowMoments(const float *__restrict yr, int64_t hidden, float &m, float &s)
{
    float sum = 0.f, squares = 0.f;
    for (int64_t h = 0; h < hidden; ++h)
        sum += yr[h];
    m = sum / float(hidden);
    for (int64_t h = 0; h < hidden; ++h)
        squares += (yr[h] - m) * (yr[h] - m);
    s = 1.f / std::sqrt(squares / float(hidden) + kNormEps);
}

// One row's backward from the gradient gr on its output: n = the normalised y;
// dn = gamma * gr where the relu passed; then the norm's,
// dy = s * (dn - mean(dn) - n * mean(dn * n)).
inline __attribute__((always_inline)) void normBackwardRow(const float *__restrict gr, const float *__restrict yr,
                                                           float m, float s, const float *__restrict gamma,
                                                           const float *__restrict beta, float *__restrict dyr,
                                                           float *__restrict dgamma, float *__restrict dbeta,
                                                           int64_t hidden)
{
    float sumDn = 0.f, sumDnN = 0.f;
    for (int64_t h = 0; h < hidden; ++h) {
        const float n = (yr[h] - m) * s;
        const float pass = gamma[h] * n + beta[h] > 0.f ? gr[h] : 0.f;
        const float dn = gamma[h] * pass;
        dyr[h] = dn;
        dgamma[h] += n * pass;
        dbeta[h] += pass;
        sumDn += dn;
        sumDnN += dn * n;
    }
    const float meanDn = sumDn / float(hidden), meanDnN = sumDnN / float(hidden);
    for (int64_t h = 0; h < hidden; ++h)
        dyr[h] = s * (dyr[h] - meanDn - (yr[h] - m) * s * meanDnN);
}

} // namespace

// One item's [R, H] block.
TANDEM_VECTOR_CLONES
void forwardItem(const float *__restrict x, const float *__restrict y, const float *__restrict gamma,
                 const float *__restrict beta, float *__restrict out, int64_t regions, int64_t hidden)
{
    for (int64_t r = 0; r < regions; ++r) {
        const float *__restrict xr = x + r * hidden, *__restrict yr = y + r * hidden;
        float *__restrict o = out + r * hidden;
        for (int64_t h = 0; h < hidden; ++h)
            o[h] = modulated(xr[h], yr[h], gamma[h], beta[h]);
    }
}

// dy = g * dpre; dgamma += y * dpre; dbeta += dpre, where dpre = grad where the relu passed.
TANDEM_VECTOR_CLONES
void backwardItem(const float *__restrict grad, const float *__restrict y, const float *__restrict gamma,
                  const float *__restrict beta, float *__restrict dy, float *__restrict dgamma, float *__restrict dbeta,
                  int64_t regions, int64_t hidden)
{
    for (int64_t h = 0; h < hidden; ++h)
        dgamma[h] = dbeta[h] = 0.f;
    for (int64_t r = 0; r < regions; ++r) {
        const float *__restrict gr = grad + r * hidden, *__restrict yr = y + r * hidden;
        float *__restrict dyr = dy + r * hidden;
        for (int64_t h = 0; h < hidden; ++h) {
            const float pass = gamma[h] * yr[h] + beta[h] > 0.f ? gr[h] : 0.f;
            dyr[h] = gamma[h] * pass;
            dgamma[h] += yr[h] * pass;
            dbeta[h] += pass;
        }
    }
}

// backwardItem for one item of an image whose x and y it shares with other
// items: adds its d out / dx (grad) and dy into the image's.
TANDEM_VECTOR_CLONES
void backwardGatheredItem(const float *__restrict grad, const float *__restrict y, const float *__restrict gamma,
                          const float *__restrict beta, float *__restrict dx, float *__restrict dy,
                          float *__restrict dgamma, float *__restrict dbeta, int64_t regions, int64_t hidden)
{
    for (int64_t h = 0; h < hidden; ++h)
        dgamma[h] = dbeta[h] = 0.f;
    for (int64_t r = 0; r < regions; ++r) {
        const float *__restrict gr = grad + r * hidden, *__restrict yr = y + r * hidden;
        float *__restrict dxr = dx + r * hidden, *__restrict dyr = dy + r * hidden;
        for (int64_t h = 0; h < hidden; ++h) {
            const float pass = gamma[h] * yr[h] + beta[h] > 0.f ? gr[h] : 0.f;
            dxr[h] += gr[h];
            dyr[h] += gamma[h] * pass;
            dgamma[h] += yr[h] * pass;
            dbeta[h] += pass;
        }
    }
}


TANDEM_VECTOR_CLONES
void normForwardItem(const float *__restrict x, const float *__restrict y, const float *__restrict gamma,
                     const float *__restrict beta, float *__restrict out, float *__restrict mean,
                     float *__restrict rstd, int64_t regions, int64_t hidden)
{
    for (int64_t r = 0; r < regions; ++r) {
        const float *__restrict xr = x + r * hidden, *__restrict yr = y + r * hidden;
        float *__restrict o = out + r * hidden;
        rowMoments(yr, hidden, mean[r], rstd[r]);
        const float m = mean[r], s = rstd[r];
        for (int64_t h = 0; h < hidden; ++h)
            o[h] = modulated(xr[h], (yr[h] - m) * s, gamma[h], beta[h]);
    }
}

TANDEM_VECTOR_CLONES
void normBackwardItem(const float *__restrict grad, const float *__restrict y, const float *__restrict mean,
                      const float *__restrict rstd, const float *__restrict gamma, const float *__restrict beta,
                      float *__restrict dy, float *__restrict dgamma, float *__restrict dbeta, int64_t regions,
                      int64_t hidden)
{
    for (int64_t h = 0; h < hidden; ++h)
        dgamma[h] = dbeta[h] = 0.f;
    for (int64_t r = 0; r < regions; ++r)
        normBackwardRow(grad + r * hidden, y + r * hidden, mean[r], rstd[r], gamma, beta, dy + r * hidden, dgamma,
                        dbeta, hidden);
}

TANDEM_VECTOR_CLONES
void normForwardMaxItem(const float *__restrict x, const float *__restrict y, const float *__restrict gamma,
                        const float *__restrict beta, float *__restrict pooled, int32_t *__restrict argmax,
                        float *__restrict mean, float *__restrict rstd, int64_t regions, int64_t hidden)
{
    for (int64_t h = 0; h < hidden; ++h) {
        pooled[h] = -std::numeric_limits<float>::infinity();
        argmax[h] = 0;
    }
    for (int64_t r = 0; r < regions; ++r) {
        const float *__restrict xr = x + r * hidden, *__restrict yr = y + r * hidden;
        rowMoments(yr, hidden, mean[r], rstd[r]);
        const float m = mean[r], s = rstd[r];
        for (int64_t h = 0; h < hidden; ++h) {
            const float value = modulated(xr[h], (yr[h] - m) * s, gamma[h], beta[h]);
            const bool larger = value > pooled[h]; // the first of equal maxima keeps it, as ATen's max does
            pooled[h] = larger ? value : pooled[h];
            argmax[h] = larger ? int32_t(r) : argmax[h];
        }
    }
}

TANDEM_VECTOR_CLONES
void normBackwardMaxItem(const float *__restrict gradPooled, const int32_t *__restrict argmax,
                         const float *__restrict y, const float *__restrict mean, const float *__restrict rstd,
                         const float *__restrict gamma, const float *__restrict beta, float *__restrict dx,
                         float *__restrict dy, float *__restrict dgamma, float *__restrict dbeta, int64_t regions,
                         int64_t hidden)
{
    for (int64_t h = 0; h < hidden; ++h)
        dgamma[h] = dbeta[h] = 0.f;
    for (int64_t r = 0; r < regions; ++r) {
        float *__restrict dxr = dx + r * hidden; // the output's gradient: the pooled one where r was the max
        for (int64_t h = 0; h < hidden; ++h)
            dxr[h] = argmax[h] == int32_t(r) ? gradPooled[h] : 0.f;
        normBackwardRow(dxr, y + r * hidden, mean[r], rstd[r], gamma, beta, dy + r * hidden, dgamma, dbeta, hidden);
    }
}

TANDEM_VECTOR_CLONES
void reluBackwardInPlace(float *__restrict d, const float *__restrict r, int64_t n)
{
    for (int64_t i = 0; i < n; ++i)
        d[i] = r[i] > 0.f ? d[i] : 0.f;
}

TANDEM_VECTOR_CLONES
void adamwSpan(float *__restrict p, const float *__restrict g, float *__restrict m, float *__restrict v, int64_t n,
               AdamWCoefficients c)
{
    for (int64_t i = 0; i < n; ++i) {
        const float grad = g[i] * c.gradScale;
        const float mean = m[i] * c.beta1 + grad * (1.f - c.beta1);
        const float square = v[i] * c.beta2 + grad * grad * (1.f - c.beta2);
        m[i] = mean;
        v[i] = square;
        p[i] = p[i] * c.decay - c.stepSize * mean / (std::sqrt(square) / c.sqrtCorrection2 + c.eps);
    }
}

TANDEM_VECTOR_CLONES
double sumOfSquares(const float *__restrict v, int64_t n)
{
    float sum = 0.f; // reassociated into vector lanes; a parameter's gradient is at most a few million elements
    for (int64_t i = 0; i < n; ++i)
        sum += v[i] * v[i];
    return sum;
}

} // namespace tandem::ml::kernels
