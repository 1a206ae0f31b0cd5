#include "stepprofiler.h"

#include <torch/csrc/autograd/profiler_legacy.h>

#include <cstdlib>

namespace tandem::backend {

StepProfiler::StepProfiler()
{
    if (const char *path = std::getenv("TANDEM_PROFILE_TRACE"))
        m_path = path;
    if (const char *steps = std::getenv("TANDEM_PROFILE_STEPS"))
        m_steps = std::max<int64_t>(1, std::atoll(steps));
}

StepProfiler::~StepProfiler() = default; // an unfinished recording is written as it stands

void StepProfiler::beforeStep(int64_t step)
{
    if (m_path.empty())
        return;
    if (step == m_first && !m_profile)
        m_profile = std::make_unique<torch::autograd::profiler::RecordProfile>(m_path);
    else if (step == m_first + m_steps)
        m_profile.reset(); // writes the trace
}

} // namespace tandem::backend
