#include "ml/filmops.h"

#include "ml/vectorkernels.h"

#include <ATen/Parallel.h>
#include <torch/autograd.h>

#include <algorithm>
#include <cmath>
#include <tuple>
#include <vector>

namespace tandem::ml {

namespace {

bool floatOnCpu(std::initializer_list<const at::Tensor *> tensors)
{
    return std::all_of(tensors.begin(), tensors.end(),
                       [](const at::Tensor *t) { return t->device().is_cpu() && t->scalar_type() == at::kFloat; });
}

// x and y [N, R, H]; gamma and beta [items, 1, H].
bool modulationShapes(int64_t items, const at::Tensor &x, const at::Tensor &y, const at::Tensor &gamma,
                      const at::Tensor &beta)
{
    return x.dim() == 3 && y.sizes() == x.sizes() && gamma.dim() == 3 && gamma.size(0) == items
        && gamma.size(1) == 1 && gamma.size(2) == x.size(2) && beta.sizes() == gamma.sizes();
}

bool fusable(const at::Tensor &x, const at::Tensor &y, const at::Tensor &gamma, const at::Tensor &beta)
{
    return floatOnCpu({&x, &y, &gamma, &beta}) && x.dim() == 3 && modulationShapes(x.size(0), x, y, gamma, beta);
}

bool gatherable(const at::Tensor &x, const at::Tensor &y, const at::Tensor &index, const at::Tensor &gamma,
                const at::Tensor &beta)
{
    if (!floatOnCpu({&x, &y, &gamma, &beta}) || !index.device().is_cpu() || index.scalar_type() != at::kLong
        || index.dim() != 1 || !modulationShapes(index.size(0), x, y, gamma, beta))
        return false;
    const at::Tensor images = index.contiguous();
    const int64_t *p = images.data_ptr<int64_t>();
    return std::all_of(p, p + images.numel(), [&](int64_t i) { return i >= 0 && i < x.size(0); });
}

// out[i] = x[j] + relu(gamma[i] * y[j] + beta[i]), j = index[i] (i itself without an index).
at::Tensor fusedForward(const at::Tensor &x, const at::Tensor &y, const at::Tensor &gamma, const at::Tensor &beta,
                        const int64_t *index = nullptr)
{
    const int64_t items = gamma.size(0), regions = x.size(1), hidden = x.size(2);
    at::Tensor out = at::empty({items, regions, hidden}, x.options());
    const float *px = x.data_ptr<float>(), *py = y.data_ptr<float>(), *pg = gamma.data_ptr<float>(),
                *pb = beta.data_ptr<float>();
    float *po = out.data_ptr<float>();
    const int64_t block = regions * hidden;
    at::parallel_for(0, items, 1, [&](int64_t begin, int64_t end) {
        for (int64_t i = begin; i < end; ++i) {
            const int64_t j = index ? index[i] : i;
            kernels::forwardItem(px + j * block, py + j * block, pg + i * hidden, pb + i * hidden, po + i * block,
                                 regions, hidden);
        }
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
                kernels::backwardItem(pgrad + i * block, py + i * block, pg + i * hidden, pb + i * hidden,
                                      pdy + i * block, pdg + i * hidden, pdb + i * hidden, regions, hidden);
        });
        return {grad, dy, dgamma, dbeta}; // d out / d x is the identity
    }
};

class FilmResidualGathered : public torch::autograd::Function<FilmResidualGathered> {
public:
    static at::Tensor forward(torch::autograd::AutogradContext *context, const at::Tensor &x, const at::Tensor &y,
                              const at::Tensor &index, const at::Tensor &gamma, const at::Tensor &beta)
    {
        context->save_for_backward({y, index, gamma, beta});
        return fusedForward(x, y, gamma, beta, index.data_ptr<int64_t>());
    }

    // Each image's gradients are the sums over its items: one thread per image, no races.
    static torch::autograd::tensor_list backward(torch::autograd::AutogradContext *context,
                                                 torch::autograd::tensor_list outputs)
    {
        const auto saved = context->get_saved_variables();
        const at::Tensor &y = saved[0], &index = saved[1], &gamma = saved[2], &beta = saved[3];
        const at::Tensor grad = outputs[0].contiguous();
        const int64_t images = y.size(0), regions = y.size(1), hidden = y.size(2), block = regions * hidden;
        std::vector<std::vector<int64_t>> itemsOf(static_cast<size_t>(images));
        for (int64_t i = 0; i < index.size(0); ++i)
            itemsOf[size_t(index.data_ptr<int64_t>()[i])].push_back(i);
        at::Tensor dx = at::zeros_like(y), dy = at::zeros_like(y), dgamma = at::empty_like(gamma),
                   dbeta = at::empty_like(beta);
        const float *pgrad = grad.data_ptr<float>(), *py = y.data_ptr<float>(), *pg = gamma.data_ptr<float>(),
                    *pb = beta.data_ptr<float>();
        float *pdx = dx.data_ptr<float>(), *pdy = dy.data_ptr<float>(), *pdg = dgamma.data_ptr<float>(),
              *pdb = dbeta.data_ptr<float>();
        at::parallel_for(0, images, 1, [&](int64_t begin, int64_t end) {
            for (int64_t j = begin; j < end; ++j)
                for (const int64_t i : itemsOf[size_t(j)])
                    kernels::backwardGatheredItem(pgrad + i * block, py + j * block, pg + i * hidden, pb + i * hidden,
                                         pdx + j * block, pdy + j * block, pdg + i * hidden, pdb + i * hidden,
                                         regions, hidden);
        });
        return {dx, dy, at::Tensor(), dgamma, dbeta};
    }
};

// The norm's mean and 1/std, [B, R], and the output.
std::tuple<at::Tensor, at::Tensor, at::Tensor> normForward(const at::Tensor &x, const at::Tensor &y,
                                                           const at::Tensor &gamma, const at::Tensor &beta)
{
    const int64_t items = x.size(0), regions = x.size(1), hidden = x.size(2), block = regions * hidden;
    at::Tensor out = at::empty_like(x, at::MemoryFormat::Contiguous), mean = at::empty({items, regions}, x.options()),
               rstd = at::empty({items, regions}, x.options());
    const float *px = x.data_ptr<float>(), *py = y.data_ptr<float>(), *pg = gamma.data_ptr<float>(),
                *pb = beta.data_ptr<float>();
    float *po = out.data_ptr<float>(), *pm = mean.data_ptr<float>(), *ps = rstd.data_ptr<float>();
    at::parallel_for(0, items, 1, [&](int64_t begin, int64_t end) {
        for (int64_t i = begin; i < end; ++i)
            kernels::normForwardItem(px + i * block, py + i * block, pg + i * hidden, pb + i * hidden, po + i * block,
                            pm + i * regions, ps + i * regions, regions, hidden);
    });
    return {out, mean, rstd};
}

class FilmNormResidual : public torch::autograd::Function<FilmNormResidual> {
public:
    static at::Tensor forward(torch::autograd::AutogradContext *context, const at::Tensor &x, const at::Tensor &y,
                              const at::Tensor &gamma, const at::Tensor &beta)
    {
        auto [out, mean, rstd] = normForward(x, y, gamma, beta);
        context->save_for_backward({y, gamma, beta, mean, rstd});
        return out;
    }

    static torch::autograd::tensor_list backward(torch::autograd::AutogradContext *context,
                                                 torch::autograd::tensor_list outputs)
    {
        const auto saved = context->get_saved_variables();
        const at::Tensor &y = saved[0], &gamma = saved[1], &beta = saved[2], &mean = saved[3], &rstd = saved[4];
        const at::Tensor grad = outputs[0].contiguous();
        const int64_t items = y.size(0), regions = y.size(1), hidden = y.size(2), block = regions * hidden;
        at::Tensor dy = at::empty_like(y), dgamma = at::empty_like(gamma), dbeta = at::empty_like(beta);
        const float *pgrad = grad.data_ptr<float>(), *py = y.data_ptr<float>(), *pg = gamma.data_ptr<float>(),
                    *pb = beta.data_ptr<float>(), *pm = mean.data_ptr<float>(), *ps = rstd.data_ptr<float>();
        float *pdy = dy.data_ptr<float>(), *pdg = dgamma.data_ptr<float>(), *pdb = dbeta.data_ptr<float>();
        at::parallel_for(0, items, 1, [&](int64_t begin, int64_t end) {
            for (int64_t i = begin; i < end; ++i)
                kernels::normBackwardItem(pgrad + i * block, py + i * block, pm + i * regions, ps + i * regions,
                                 pg + i * hidden, pb + i * hidden, pdy + i * block, pdg + i * hidden,
                                 pdb + i * hidden, regions, hidden);
        });
        return {grad, dy, dgamma, dbeta};
    }
};

// The pooled output [B, H], each maximum's row [B, H] (int32), the norm's mean and 1/std [B, R].
std::tuple<at::Tensor, at::Tensor, at::Tensor, at::Tensor> normMaxForward(const at::Tensor &x, const at::Tensor &y,
                                                                          const at::Tensor &gamma,
                                                                          const at::Tensor &beta)
{
    const int64_t items = x.size(0), regions = x.size(1), hidden = x.size(2), block = regions * hidden;
    at::Tensor pooled = at::empty({items, hidden}, x.options()), argmax = at::empty({items, hidden}, at::kInt),
               mean = at::empty({items, regions}, x.options()), rstd = at::empty({items, regions}, x.options());
    const float *px = x.data_ptr<float>(), *py = y.data_ptr<float>(), *pg = gamma.data_ptr<float>(),
                *pb = beta.data_ptr<float>();
    float *pp = pooled.data_ptr<float>(), *pm = mean.data_ptr<float>(), *ps = rstd.data_ptr<float>();
    int32_t *pa = argmax.data_ptr<int32_t>();
    at::parallel_for(0, items, 1, [&](int64_t begin, int64_t end) {
        for (int64_t i = begin; i < end; ++i)
            kernels::normForwardMaxItem(px + i * block, py + i * block, pg + i * hidden, pb + i * hidden,
                                        pp + i * hidden, pa + i * hidden, pm + i * regions, ps + i * regions,
                                        regions, hidden);
    });
    return {pooled, argmax, mean, rstd};
}

class FilmNormResidualMax : public torch::autograd::Function<FilmNormResidualMax> {
public:
    static at::Tensor forward(torch::autograd::AutogradContext *context, const at::Tensor &x, const at::Tensor &y,
                              const at::Tensor &gamma, const at::Tensor &beta)
    {
        auto [pooled, argmax, mean, rstd] = normMaxForward(x, y, gamma, beta);
        context->save_for_backward({y, gamma, beta, argmax, mean, rstd});
        return pooled;
    }

    static torch::autograd::tensor_list backward(torch::autograd::AutogradContext *context,
                                                 torch::autograd::tensor_list outputs)
    {
        const auto saved = context->get_saved_variables();
        const at::Tensor &y = saved[0], &gamma = saved[1], &beta = saved[2], &argmax = saved[3], &mean = saved[4],
                         &rstd = saved[5];
        const at::Tensor grad = outputs[0].contiguous();
        const int64_t items = y.size(0), regions = y.size(1), hidden = y.size(2), block = regions * hidden;
        at::Tensor dx = at::empty_like(y), dy = at::empty_like(y), dgamma = at::empty_like(gamma),
                   dbeta = at::empty_like(beta);
        const float *pgrad = grad.data_ptr<float>(), *py = y.data_ptr<float>(), *pg = gamma.data_ptr<float>(),
                    *pb = beta.data_ptr<float>(), *pm = mean.data_ptr<float>(), *ps = rstd.data_ptr<float>();
        const int32_t *pa = argmax.data_ptr<int32_t>();
        float *pdx = dx.data_ptr<float>(), *pdy = dy.data_ptr<float>(), *pdg = dgamma.data_ptr<float>(),
              *pdb = dbeta.data_ptr<float>();
        at::parallel_for(0, items, 1, [&](int64_t begin, int64_t end) {
            for (int64_t i = begin; i < end; ++i)
                kernels::normBackwardMaxItem(pgrad + i * hidden, pa + i * hidden, py + i * block, pm + i * regions,
                                             ps + i * regions, pg + i * hidden, pb + i * hidden, pdx + i * block,
                                             pdy + i * block, pdg + i * hidden, pdb + i * hidden, regions, hidden);
        });
        return {dx, dy, dgamma, dbeta};
    }
};

bool needsGrad(std::initializer_list<const at::Tensor *> inputs)
{
    return at::GradMode::is_enabled()
        && std::any_of(inputs.begin(), inputs.end(), [](const at::Tensor *t) { return t->requires_grad(); });
}

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
    if (!needsGrad({&x, &y, &gamma, &beta}))
        return fusedForward(cx, cy, cg, cb);
    return FilmResidual::apply(cx, cy, cg, cb);
}

at::Tensor filmResidualGathered(const at::Tensor &x, const at::Tensor &y, const at::Tensor &index,
                                const at::Tensor &gamma, const at::Tensor &beta)
{
    if (!index.defined())
        return filmResidual(x, y, gamma, beta);
    if (!gatherable(x, y, index, gamma, beta)) {
        const at::Tensor rows = index.to(x.device());
        return filmResidual(x.index_select(0, rows), y.index_select(0, rows), gamma, beta);
    }
    const at::Tensor cx = x.contiguous(), cy = y.contiguous(), ci = index.contiguous(), cg = gamma.contiguous(),
                     cb = beta.contiguous();
    if (!needsGrad({&x, &y, &gamma, &beta}))
        return fusedForward(cx, cy, cg, cb, ci.data_ptr<int64_t>());
    return FilmResidualGathered::apply(cx, cy, ci, cg, cb);
}

at::Tensor filmNormResidualReference(const at::Tensor &x, const at::Tensor &y, const at::Tensor &gamma,
                                     const at::Tensor &beta)
{
    return filmResidualReference(x, at::layer_norm(y, {y.size(-1)}), gamma, beta);
}

at::Tensor filmNormResidual(const at::Tensor &x, const at::Tensor &y, const at::Tensor &gamma, const at::Tensor &beta)
{
    if (!fusable(x, y, gamma, beta))
        return filmResidual(x, at::layer_norm(y, {y.size(-1)}), gamma, beta);
    const at::Tensor cx = x.contiguous(), cy = y.contiguous(), cg = gamma.contiguous(), cb = beta.contiguous();
    if (!needsGrad({&x, &y, &gamma, &beta}))
        return std::get<0>(normForward(cx, cy, cg, cb));
    return FilmNormResidual::apply(cx, cy, cg, cb);
}

at::Tensor filmNormResidualMaxReference(const at::Tensor &x, const at::Tensor &y, const at::Tensor &gamma,
                                        const at::Tensor &beta)
{
    return std::get<0>(filmNormResidualReference(x, y, gamma, beta).max(1));
}

at::Tensor filmNormResidualMax(const at::Tensor &x, const at::Tensor &y, const at::Tensor &gamma,
                               const at::Tensor &beta)
{
    if (!fusable(x, y, gamma, beta) || x.size(1) == 0)
        return std::get<0>(filmNormResidual(x, y, gamma, beta).max(1));
    const at::Tensor cx = x.contiguous(), cy = y.contiguous(), cg = gamma.contiguous(), cb = beta.contiguous();
    if (!needsGrad({&x, &y, &gamma, &beta}))
        return std::get<0>(normMaxForward(cx, cy, cg, cb));
    return FilmNormResidualMax::apply(cx, cy, cg, cb);
}

} // namespace tandem::ml
