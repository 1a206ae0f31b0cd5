#include "ml/adamw.h"

#include "ml/vectorkernels.h"

#include <ATen/Parallel.h>

#include <cmath>

namespace tandem::ml {

namespace {

bool fusable(const at::Tensor &p, const at::Tensor &g, const torch::optim::AdamWParamState &state, bool amsgrad)
{
    for (const at::Tensor *t : {&p, &g, &state.exp_avg(), &state.exp_avg_sq()})
        if (!t->device().is_cpu() || t->scalar_type() != at::kFloat || !t->is_contiguous() || t->is_sparse()
            || t->sizes() != p.sizes())
            return false;
    return !amsgrad;
}

// LibTorch's AdamW step for one parameter, as ATen operations.
void atenUpdate(at::Tensor &p, const at::Tensor &g, torch::optim::AdamWParamState &state, bool amsgrad,
                kernels::AdamWCoefficients c)
{
    p.mul_(c.decay);
    state.exp_avg().mul_(c.beta1).add_(g, 1 - c.beta1);
    state.exp_avg_sq().mul_(c.beta2).addcmul_(g, g, 1 - c.beta2);
    if (amsgrad)
        state.max_exp_avg_sq(at::max(state.max_exp_avg_sq(), state.exp_avg_sq()));
    const at::Tensor &second = amsgrad ? state.max_exp_avg_sq() : state.exp_avg_sq();
    p.addcdiv_(state.exp_avg(), (second.sqrt() / c.sqrtCorrection2).add_(c.eps), -c.stepSize);
}

} // namespace

torch::optim::AdamWParamState &FusedAdamW::stateOf(const at::Tensor &parameter, bool amsgrad)
{
    auto &slot = state_[c10::guts::to_string(parameter.unsafeGetTensorImpl())];
    if (!slot) {
        auto fresh = std::make_unique<torch::optim::AdamWParamState>();
        fresh->step(0);
        fresh->exp_avg(at::zeros_like(parameter, at::MemoryFormat::Preserve));
        fresh->exp_avg_sq(at::zeros_like(parameter, at::MemoryFormat::Preserve));
        if (amsgrad)
            fresh->max_exp_avg_sq(at::zeros_like(parameter, at::MemoryFormat::Preserve));
        slot = std::move(fresh);
    }
    return static_cast<torch::optim::AdamWParamState &>(*slot);
}

torch::Tensor FusedAdamW::step(LossClosure closure)
{
    torch::Tensor loss;
    if (closure) {
        at::AutoGradMode enableGrad(true);
        loss = closure();
    }
    at::NoGradGuard noGrad;
    for (auto &group : param_groups_) {
        const auto &options = static_cast<const torch::optim::AdamWOptions &>(group.options());
        const auto [beta1, beta2] = options.betas();
        for (auto &p : group.params()) {
            const at::Tensor &grad = p.grad();
            if (!grad.defined())
                continue;
            auto &state = stateOf(p, options.amsgrad());
            state.step(state.step() + 1);
            const double correction1 = 1 - std::pow(beta1, state.step());
            const double correction2 = 1 - std::pow(beta2, state.step());
            const kernels::AdamWCoefficients c{float(1 - options.lr() * options.weight_decay()),
                                               float(beta1),
                                               float(beta2),
                                               float(options.lr() / correction1),
                                               float(std::sqrt(correction2)),
                                               float(options.eps()),
                                               m_gradScale};
            if (!fusable(p, grad, state, options.amsgrad())) {
                atenUpdate(p, m_gradScale == 1.f ? grad : grad * m_gradScale, state, options.amsgrad(), c);
                continue;
            }
            float *pp = p.data_ptr<float>(), *pm = state.exp_avg().data_ptr<float>(),
                  *pv = state.exp_avg_sq().data_ptr<float>();
            const float *pg = grad.data_ptr<float>();
            at::parallel_for(0, p.numel(), 16384, [&](int64_t begin, int64_t end) {
                kernels::adamwSpan(pp + begin, pg + begin, pm + begin, pv + begin, end - begin, c);
            });
        }
    }
    m_gradScale = 1.f;
    return loss;
}

double FusedAdamW::clipGradientNorm(double maxNorm)
{
    at::NoGradGuard noGrad;
    double squares = 0;
    at::Tensor elsewhere; // the other gradients' squares, summed where they are and read once
    for (const auto &group : param_groups_)
        for (const auto &p : group.params()) {
            const at::Tensor &g = p.grad();
            if (!g.defined())
                continue;
            if (g.device().is_cpu() && g.scalar_type() == at::kFloat && g.is_contiguous() && !g.is_sparse()) {
                squares += kernels::sumOfSquares(g.data_ptr<float>(), g.numel());
                continue;
            }
            const at::Tensor sum = g.to(at::kDouble).pow(2).sum();
            elsewhere = elsewhere.defined() ? elsewhere + sum.to(elsewhere.device()) : sum;
        }
    if (elsewhere.defined())
        squares += elsewhere.item<double>();
    const double norm = std::sqrt(squares);
    const double scale = maxNorm / (norm + 1e-6); // clip_grad_norm_'s
    m_gradScale = scale < 1 ? float(scale) : 1.f;
    return norm;
}

void FusedAdamW::clearGradients()
{
    for (auto &group : param_groups_)
        for (auto &p : group.params())
            p.mutable_grad() = at::Tensor();
}

} // namespace tandem::ml
