#include "ml/filmops.h"

#include <ATen/Parallel.h>
#include <torch/autograd.h>

namespace tandem::ml {

namespace {

// One item's [R, H] block. Compiled for AVX-512 and AVX2 beside the baseline;
// the loader picks what the CPU has (the build itself targets plain x86-64).
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define TANDEM_VECTOR_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define TANDEM_VECTOR_CLONES
#endif

TANDEM_VECTOR_CLONES
void forwardItem(const float *__restrict x, const float *__restrict y, const float *__restrict gamma,
                 const float *__restrict beta, float *__restrict out, int64_t regions, int64_t hidden)
{
    for (int64_t r = 0; r < regions; ++r) {
        const float *__restrict xr = x + r * hidden, *__restrict yr = y + r * hidden;
        float *__restrict o = out + r * hidden;
        for (int64_t h = 0; h < hidden; ++h) {
            const float pre = gamma[h] * yr[h] + beta[h];
            o[h] = xr[h] + (pre > 0.f ? pre : 0.f);
        }
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

bool fusable(const at::Tensor &x, const at::Tensor &y, const at::Tensor &gamma, const at::Tensor &beta)
{
    for (const at::Tensor *t : {&x, &y, &gamma, &beta})
        if (!t->device().is_cpu() || t->scalar_type() != at::kFloat)
            return false;
    return x.dim() == 3 && y.sizes() == x.sizes() && gamma.dim() == 3 && gamma.size(0) == x.size(0)
        && gamma.size(1) == 1 && gamma.size(2) == x.size(2) && beta.sizes() == gamma.sizes();
}

at::Tensor fusedForward(const at::Tensor &x, const at::Tensor &y, const at::Tensor &gamma, const at::Tensor &beta)
{
    const int64_t items = x.size(0), regions = x.size(1), hidden = x.size(2);
    at::Tensor out = at::empty_like(x, at::MemoryFormat::Contiguous);
    const float *px = x.data_ptr<float>(), *py = y.data_ptr<float>(), *pg = gamma.data_ptr<float>(),
                *pb = beta.data_ptr<float>();
    float *po = out.data_ptr<float>();
    const int64_t block = regions * hidden;
    at::parallel_for(0, items, 1, [&](int64_t begin, int64_t end) {
        for (int64_t i = begin; i < end; ++i)
            forwardItem(px + i * block, py + i * block, pg + i * hidden, pb + i * hidden, po + i * block, regions, hidden);
    });
    return out;
}

class FilmResidual : public torch::autograd::Function<FilmResidual> {
public:
    static at::Tensor forward(torch::autograd::AutogradContext *context, const at::Tensor &x, const at::Tensor &y,
                              const at::Tensor &gamma, const at::Tensor &beta)
    {
        context->save_for_backward({y, gamma, beta});
        return fusedForward(x, y, gamma, beta);
    }

    static torch::autograd::tensor_list backward(torch::autograd::AutogradContext *context,
                                                 torch::autograd::tensor_list outputs)
    {
        const auto saved = context->get_saved_variables();
        const at::Tensor &y = saved[0], &gamma = saved[1], &beta = saved[2];
        const at::Tensor grad = outputs[0].contiguous();
        const int64_t items = y.size(0), regions = y.size(1), hidden = y.size(2), block = regions * hidden;
        at::Tensor dy = at::empty_like(y), dgamma = at::empty_like(gamma), dbeta = at::empty_like(beta);
        const float *pgrad = grad.data_ptr<float>(), *py = y.data_ptr<float>(), *pg = gamma.data_ptr<float>(),
                    *pb = beta.data_ptr<float>();
        float *pdy = dy.data_ptr<float>(), *pdg = dgamma.data_ptr<float>(), *pdb = dbeta.data_ptr<float>();
        at::parallel_for(0, items, 1, [&](int64_t begin, int64_t end) {
            for (int64_t i = begin; i < end; ++i)
                backwardItem(pgrad + i * block, py + i * block, pg + i * hidden, pb + i * hidden, pdy + i * block,
                             pdg + i * hidden, pdb + i * hidden, regions, hidden);
        });
        return {grad, dy, dgamma, dbeta}; // d out / d x is the identity
    }
};

} // namespace

at::Tensor filmResidualReference(const at::Tensor &x, const at::Tensor &y, const at::Tensor &gamma,
                                 const at::Tensor &beta)
{
    return x + at::relu(gamma * y + beta);
}

at::Tensor filmResidual(const at::Tensor &x, const at::Tensor &y, const at::Tensor &gamma, const at::Tensor &beta)
{
    if (!fusable(x, y, gamma, beta))
        return filmResidualReference(x, y, gamma, beta);
    const at::Tensor cx = x.contiguous(), cy = y.contiguous(), cg = gamma.contiguous(), cb = beta.contiguous();
    const bool needsGrad = at::GradMode::is_enabled()
        && (x.requires_grad() || y.requires_grad() || gamma.requires_grad() || beta.requires_grad());
    if (!needsGrad)
        return fusedForward(cx, cy, cg, cb);
    return FilmResidual::apply(cx, cy, cg, cb);
}

} // namespace tandem::ml
