#include "ml/device.h"

#include <ATen/Parallel.h>
#include <ATen/autocast_mode.h>
#include <torch/version.h>
#include <c10/core/DeviceType.h>
#include <torch/cuda.h>

#include <cstdlib>
#if defined(__GLIBC__)
#include <malloc.h>
#endif
#include <string>
#include <thread>

namespace tandem::ml {

bool cudaAvailable()
{
    return torch::cuda::is_available();
}

std::string torchVersion()
{
    return std::to_string(TORCH_VERSION_MAJOR) + "." + std::to_string(TORCH_VERSION_MINOR) + "."
           + std::to_string(TORCH_VERSION_PATCH);
}

namespace {

// LibTorch 2.4 named the per-device switches anew (the old names are deprecated there).
void setAutocast(bool cuda, bool on)
{
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4)
    const c10::DeviceType device = cuda ? c10::DeviceType::CUDA : c10::DeviceType::CPU;
    at::autocast::set_autocast_dtype(device, at::kBFloat16);
    at::autocast::set_autocast_enabled(device, on);
#else
    if (cuda) {
        at::autocast::set_autocast_gpu_dtype(at::kBFloat16);
        at::autocast::set_enabled(on);
    } else {
        at::autocast::set_autocast_cpu_dtype(at::kBFloat16);
        at::autocast::set_cpu_enabled(on);
    }
#endif
}

} // namespace

Bf16Autocast::Bf16Autocast(bool enabled, bool cuda) : m_enabled(enabled), m_cuda(cuda)
{
    if (m_enabled)
        setAutocast(m_cuda, true);
}

Bf16Autocast::~Bf16Autocast()
{
    if (!m_enabled)
        return;
    setAutocast(m_cuda, false);
    at::autocast::clear_cache();
}

bool tuneAllocatorForTraining()
{
#if defined(__GLIBC__)
    // 32 MiB is the largest mmap threshold glibc accepts on 64-bit systems;
    // smaller blocks now come from the heap and stay there between steps.
    const bool mmap = mallopt(M_MMAP_THRESHOLD, 32 << 20) == 1;
    const bool trim = mallopt(M_TRIM_THRESHOLD, 1 << 30) == 1;
    const bool pad = mallopt(M_TOP_PAD, 64 << 20) == 1;
    return mmap && trim && pad;
#else
    return false;
#endif
}

void configureThreads(int threads)
{
    if (threads <= 0)
        threads = int(std::max(1u, std::thread::hardware_concurrency()));
    at::set_num_threads(threads);
    // OpenBLAS reads this when its first call starts its pool; setting it
    // before any matrix product is enough.
    setenv("OPENBLAS_NUM_THREADS", std::to_string(threads).c_str(), 0);
}

DeviceChoice chooseDevice(const std::string &request)
{
    DeviceChoice choice;
    const bool haveCuda = cudaAvailable();
    if (request == "cuda" && !haveCuda) {
        choice.error = "CUDA was requested but this LibTorch build sees no CUDA device; use --device cpu";
        return choice;
    }
    if (request != "auto" && request != "cpu" && request != "cuda") {
        choice.error = "unknown device '" + request + "': use auto, cpu or cuda";
        return choice;
    }
    choice.cuda = request == "cuda" || (request == "auto" && haveCuda);
    choice.description = choice.cuda ? "cuda:0"
                                     : "cpu (" + std::to_string(at::get_num_threads()) + " threads)";
    return choice;
}

} // namespace tandem::ml
