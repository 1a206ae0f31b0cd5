#include "ml/filmops.h"

#include "ml/vectorkernels.h"

#include <ATen/Parallel.h>
#include <ATen/autocast_mode.h>
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

// The gradients of x + relu(gamma * layerNorm(y) + beta) (dx undefined where it is the output's own) or of its max.
struct NormGrads {
    at::Tensor dx, dy, dgamma, dbeta;
};

NormGrads normBackward(const at::Tensor &grad, const at::Tensor &y, const at::Tensor &gamma, const at::Tensor &beta,
                       const at::Tensor &mean, const at::Tensor &rstd)
{
    const int64_t items = y.size(0), regions = y.size(1), hidden = y.size(2), block = regions * hidden;
    NormGrads g{at::Tensor(), at::empty_like(y), at::empty_like(gamma), at::empty_like(beta)};
    const float *pgrad = grad.data_ptr<float>(), *py = y.data_ptr<float>(), *pg = gamma.data_ptr<float>(),
                *pb = beta.data_ptr<float>(), *pm = mean.data_ptr<float>(), *ps = rstd.data_ptr<float>();
    float *pdy = g.dy.data_ptr<float>(), *pdg = g.dgamma.data_ptr<float>(), *pdb = g.dbeta.data_ptr<float>();
    at::parallel_for(0, items, 1, [&](int64_t begin, int64_t end) {
        for (int64_t i = begin; i < end; ++i)
            kernels::normBackwardItem(pgrad + i * block, py + i * block, pm + i * regions, ps + i * regions,
                                      pg + i * hidden, pb + i * hidden, pdy + i * block, pdg + i * hidden,
                                      pdb + i * hidden, regions, hidden);
    });
    return g;
}

NormGrads normMaxBackward(const at::Tensor &gradPooled, const at::Tensor &argmax, const at::Tensor &y,
                          const at::Tensor &gamma, const at::Tensor &beta, const at::Tensor &mean,
                          const at::Tensor &rstd)
{
    const int64_t items = y.size(0), regions = y.size(1), hidden = y.size(2), block = regions * hidden;
    NormGrads g{at::empty_like(y), at::empty_like(y), at::empty_like(gamma), at::empty_like(beta)};
    const float *pgrad = gradPooled.data_ptr<float>(), *py = y.data_ptr<float>(), *pg = gamma.data_ptr<float>(),
                *pb = beta.data_ptr<float>(), *pm = mean.data_ptr<float>(), *ps = rstd.data_ptr<float>();
    const int32_t *pa = argmax.data_ptr<int32_t>();
    float *pdx = g.dx.data_ptr<float>(), *pdy = g.dy.data_ptr<float>(), *pdg = g.dgamma.data_ptr<float>(),
          *pdb = g.dbeta.data_ptr<float>();
    at::parallel_for(0, items, 1, [&](int64_t begin, int64_t end) {
        for (int64_t i = begin; i < end; ++i)
            kernels::normBackwardMaxItem(pgrad + i * hidden, pa + i * hidden, py + i * block, pm + i * regions,
                                         ps + i * regions, pg + i * hidden, pb + i * hidden, pdx + i * block,
                                         pdy + i * block, pdg + i * hidden, pdb + i * hidden, regions, hidden);
    });
    return g;
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
        const at::Tensor grad = outputs[0].contiguous();
        NormGrads g = normBackward(grad, saved[0], saved[1], saved[2], saved[3], saved[4]);
        const at::Tensor &dy = g.dy, &dgamma = g.dgamma, &dbeta = g.dbeta;
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
        const NormGrads g = normMaxBackward(outputs[0].contiguous(), saved[3], saved[0], saved[1], saved[2], saved[4],
                                            saved[5]);
        const at::Tensor &dx = g.dx, &dy = g.dy, &dgamma = g.dgamma, &dbeta = g.dbeta;
        return {dx, dy, dgamma, dbeta};
    }
};

// filmBlock's saved tensors, in save_for_backward's order.
enum BlockSaved { kX, kR, kY, kW1, kW2, kGamma, kBeta, kMean, kRstd, kArgmax };

class FilmBlock : public torch::autograd::Function<FilmBlock> {
public:
    static at::Tensor forward(torch::autograd::AutogradContext *context, const at::Tensor &x, const at::Tensor &extra,
                              const at::Tensor &w1, const at::Tensor &b1, const at::Tensor &w2, const at::Tensor &b2,
                              const at::Tensor &gamma, const at::Tensor &beta, bool pooled)
    {
        const int64_t items = x.size(0), regions = x.size(1), hidden = x.size(2);
        at::Tensor r = at::addmm(b1, x.view({items * regions, hidden}), w1.t());
        if (extra.numel() > 0)
            r.view({items, regions, hidden}).add_(extra);
        r.relu_();
        const at::Tensor y = at::addmm(b2, r, w2.t()).view({items, regions, hidden});
        context->saved_data["pooled"] = pooled;
        context->saved_data["extra"] = extra.numel() > 0 ? (extra.size(1) == 1 ? 1 : 2) : 0; // none, [B,1,H], [B,R,H]
        if (!pooled) {
            auto [out, mean, rstd] = normForward(x, y, gamma, beta);
            context->save_for_backward({x, r, y, w1, w2, gamma, beta, mean, rstd});
            return out;
        }
        auto [out, argmax, mean, rstd] = normMaxForward(x, y, gamma, beta);
        context->save_for_backward({x, r, y, w1, w2, gamma, beta, mean, rstd, argmax});
        return out;
    }

    static torch::autograd::tensor_list backward(torch::autograd::AutogradContext *context,
                                                 torch::autograd::tensor_list outputs)
    {
        const auto s = context->get_saved_variables();
        const bool pooled = context->saved_data["pooled"].toBool();
        const at::Tensor grad = outputs[0].contiguous();
        const NormGrads g = pooled ? normMaxBackward(grad, s[kArgmax], s[kY], s[kGamma], s[kBeta], s[kMean], s[kRstd])
                                   : normBackward(grad, s[kY], s[kGamma], s[kBeta], s[kMean], s[kRstd]);
        const int64_t items = s[kX].size(0), regions = s[kX].size(1), hidden = s[kX].size(2);
        const int64_t rows = items * regions;
        const at::Tensor dy = g.dy.view({rows, hidden}), &r = s[kR];
        const at::Tensor dw2 = dy.t().mm(r), db2 = dy.sum(0);
        at::Tensor dr = dy.mm(s[kW2]);
        float *pdr = dr.data_ptr<float>();
        const float *pr = r.data_ptr<float>();
        at::parallel_for(0, dr.numel(), 32768, [&](int64_t begin, int64_t end) {
            kernels::reluBackwardInPlace(pdr + begin, pr + begin, end - begin);
        });
        const at::Tensor dw1 = dr.t().mm(s[kX].view({rows, hidden})), db1 = dr.sum(0);
        at::Tensor dx = pooled ? g.dx : grad.clone(); // the residual's, then the first layer's added in the product
        dx.view({rows, hidden}).addmm_(dr, s[kW1]);
        const int64_t extra = context->saved_data["extra"].toInt();
        const at::Tensor perRegion = dr.view({items, regions, hidden});
        const at::Tensor dextra = extra == 0 ? at::Tensor() : extra == 1 ? perRegion.sum(1, true) : perRegion;
        return {dx, dextra, dw1, db1, dw2, db2, g.dgamma, g.dbeta, at::Tensor()};
    }
};

bool needsGrad(std::initializer_list<const at::Tensor *> inputs)
{
    return at::GradMode::is_enabled()
        && std::any_of(inputs.begin(), inputs.end(),
                       [](const at::Tensor *t) { return t->defined() && t->requires_grad(); });
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

at::Tensor filmBlock(const at::Tensor &x, const at::Tensor &extra, const at::Tensor &w1, const at::Tensor &b1,
                     const at::Tensor &w2, const at::Tensor &b2, const at::Tensor &gamma, const at::Tensor &beta,
                     bool pooled)
{
    const int64_t hidden = x.size(-1);
    const bool shapes = x.dim() == 3 && x.is_contiguous() && w1.sizes() == at::IntArrayRef{hidden, hidden}
        && w2.sizes() == w1.sizes() && b1.dim() == 1 && b2.dim() == 1 && b1.size(0) == hidden
        && b2.size(0) == hidden && (!extra.defined() || (extra.dim() == 3 && extra.size(0) == x.size(0)));
    const bool fast = shapes && !at::autocast::is_cpu_enabled() && floatOnCpu({&x, &w1, &b1, &w2, &b2})
        && (!extra.defined() || floatOnCpu({&extra})) && fusable(x, x, gamma, beta)
        && needsGrad({&x, &extra, &w1, &b1, &w2, &b2, &gamma, &beta});
    if (!fast) {
        at::Tensor r = at::linear(x, w1, b1);
        if (extra.defined())
            r = r + extra;
        const at::Tensor y = at::linear(at::relu(r), w2, b2);
        return pooled ? filmNormResidualMax(x, y, gamma, beta) : filmNormResidual(x, y, gamma, beta);
    }
    // LibTorch 1.13's custom functions take no undefined inputs: no extra is an empty tensor.
    return FilmBlock::apply(x, extra.defined() ? extra.contiguous() : x.new_empty({0}), w1.contiguous(), b1,
                            w2.contiguous(), b2, gamma.contiguous(), beta.contiguous(), pooled);
}

} // namespace tandem::ml
