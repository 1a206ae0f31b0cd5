#pragma once
// A developer's view of where a training step's time goes: with
// TANDEM_PROFILE_TRACE=FILE set, LibTorch's profiler records steps 20 to
// 20 + TANDEM_PROFILE_STEPS (default 50) of the run and writes them to FILE as
// a Chrome trace; bench/profile_summary.py sums it per operator. Unset: nothing.
#include <cstdint>
#include <memory>
#include <string>

namespace torch::autograd::profiler {
struct RecordProfile;
}

namespace tandem::backend {

class StepProfiler {
public:
    StepProfiler();
    ~StepProfiler();
    // Call before each step with the run's step count; starts and stops the recording.
    void beforeStep(int64_t step);

private:
    std::string m_path;
    int64_t m_first = 20;
    int64_t m_steps = 50;
    std::unique_ptr<torch::autograd::profiler::RecordProfile> m_profile;
};

} // namespace tandem::backend
