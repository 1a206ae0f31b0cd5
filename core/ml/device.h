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

std::string torchVersion();
bool cudaAvailable();

} // namespace tandem::ml
