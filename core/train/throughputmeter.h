#pragma once
// A training session's throughput, counted as the benchmarks' Python twin
// counts its own: the session's first steps (oneDNN choosing and building its
// kernels, the loader's first batch, the allocator growing) are left out once
// there are enough steps after them to measure.
#include <cstdint>

namespace tandem {

class ThroughputMeter {
public:
    static constexpr int64_t kWarmupSteps = 10;

    void add(double seconds, int64_t samples)
    {
        m_all.add(seconds, samples);
        if (++m_steps > kWarmupSteps)
            m_steady.add(seconds, samples);
    }
    // Samples a second: from step kWarmupSteps + 1 on, or over every step of a
    // session shorter than twice the warm-up.
    double rate() const { return (m_steps >= 2 * kWarmupSteps ? m_steady : m_all).rate(); }

private:
    struct Sum {
        double seconds = 0;
        int64_t samples = 0;
        void add(double s, int64_t n) { seconds += s, samples += n; }
        double rate() const { return seconds > 0 ? double(samples) / seconds : 0.0; }
    };
    Sum m_all, m_steady;
    int64_t m_steps = 0;
};

} // namespace tandem
