#pragma once
// Where models run. Debian's LibTorch starts with one intra-op thread and
// OpenBLAS keeps its own count: both are set here, once, from the core count.
#include <string>

namespace tandem::ml {

struct DeviceChoice {
    bool cuda = false;
    std::string description; // "cpu (2 threads)", "cuda:0 (NVIDIA H100)"
    std::string error;       // non-empty when the request cannot be met
};

// request: "auto" (CUDA when available), "cpu" or "cuda".
DeviceChoice chooseDevice(const std::string &request);

// Sets torch's intra-op threads and OpenBLAS's to `threads` (0: all cores).
void configureThreads(int threads = 0);

// glibc's malloc hands freed blocks above its thresholds back to the OS and
// the next training step faults them in again (measured 3-5x slower steps in
// these VMs). Keeps them: large mmap threshold, no trimming, a generous top
// pad. Call once at start-up, before the first tensor; false where the C
// library is not glibc or refuses a setting.
bool tuneAllocatorForTraining();

// Mixed precision for what runs while it lives (LibTorch's autocast on the
// device): matrix products and convolutions in bfloat16, which CPUs with
// AVX-512 BF16 or AMX multiply about twice as fast as float32; norms, softmax
// and losses stay float32, and so do the weights and their gradients.
class Bf16Autocast {
public:
    Bf16Autocast(bool enabled, bool cuda);
    ~Bf16Autocast();
    Bf16Autocast(const Bf16Autocast &) = delete;
    Bf16Autocast &operator=(const Bf16Autocast &) = delete;

private:
    bool m_enabled;
    bool m_cuda;
};

std::string torchVersion();
bool cudaAvailable();

} // namespace tandem::ml
