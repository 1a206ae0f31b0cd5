#pragma once
// The demo generator's random numbers. SplitMix64 is fully specified, unlike
// std::uniform_int_distribution, so a seed gives the same data on every
// compiler and standard library. Each image gets its own stream derived from
// (seed, index): results never depend on which thread drew what, or when.
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace tandem {

class DemoRng {
public:
    explicit DemoRng(std::uint64_t seed) : m_state(seed) {}
    DemoRng(std::uint64_t seed, std::uint64_t stream) : m_state(mix(seed ^ mix(stream + 0x632BE59BD9B4E019ULL))) {}

    std::uint64_t next()
    {
        m_state += 0x9E3779B97F4A7C15ULL;
        return mix(m_state);
    }
    // Uniform in [0, n); the modulo bias (n / 2^64) is far below anything visible.
    int below(int n) { return n <= 0 ? 0 : int(next() % std::uint64_t(n)); }
    bool coin() { return (next() >> 63) != 0; }
    // Uniform in [lo, hi], both inclusive.
    int between(int lo, int hi) { return lo + below(hi - lo + 1); }

    // Fisher–Yates with our own draws (std::shuffle differs between libraries).
    template <typename T>
    void shuffle(std::vector<T> &items)
    {
        for (std::size_t i = items.size(); i > 1; --i)
            std::swap(items[i - 1], items[std::size_t(below(int(i)))]);
    }

private:
    static std::uint64_t mix(std::uint64_t z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        return z ^ (z >> 31);
    }

    std::uint64_t m_state;
};

} // namespace tandem
