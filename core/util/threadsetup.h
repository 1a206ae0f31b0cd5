#pragma once
// The process's threading and math-library settings, fixed before any library
// reads them. libgomp and OpenBLAS read their environment once, when they are
// loaded (OpenCV loads libgomp before main()), so the process sets what it
// needs and starts itself again, once.
#include <string>
#include <utility>
#include <vector>

namespace tandem::threads {

// What the CPU can run, as OpenBLAS's kernels need it.
struct CpuFeatures {
    bool avx2Fma = false; // AVX2 and FMA: OpenBLAS's Haswell kernels
    bool avx512 = false;  // AVX-512 F, CD, BW, DQ and VL: its SkylakeX kernels
};
CpuFeatures cpuFeatures();

// The OPENBLAS_CORETYPE to ask for when OpenBLAS chose `current` on a CPU with
// these features, or "" to leave its choice. OpenBLAS 0.3.21 does not know some
// virtual machines' CPUs and falls back to its SSE3 (Prescott) kernels on
// AVX-512 hardware: matrix products then run at a third of their speed.
std::string betterOpenBlasCore(const std::string &current, const CpuFeatures &features);

// The OpenBLAS this process would load: where it lives and the kernel set it
// picked for this CPU (both "" without OpenBLAS).
struct OpenBlas {
    std::string path;
    std::string core;
};
OpenBlas openBlas();

// The folder of Debian's OpenMP build of OpenBLAS when `path` is its pthreads
// build and the OpenMP one is installed beside it, else "".
std::string openMpOpenBlasFolder(const std::string &path);

// First thing in main(), with main()'s argv. One pool of threads does the
// work: LibTorch's OpenMP threads, and OpenBLAS's matrix products in that same
// pool (Debian's OpenMP build of OpenBLAS, put first on LD_LIBRARY_PATH) rather
// than in a second pool of its own, whose threads spun against LibTorch's
// (a third of training's CPU time in the kernel, 268,000 sched_yield calls in 6 s).
// OpenMP threads spin briefly before they sleep (GOMP_SPINCOUNT; the default
// spins too long, PASSIVE not at all: a futex wake for each of the many small
// parallel regions of a training step). Where OpenBLAS runs narrower kernels
// than the CPU has, OPENBLAS_CORETYPE (TANDEM_OPENBLAS_CORETYPE pins one). The
// user's OMP_WAIT_POLICY and GOMP_SPINCOUNT are kept. libgomp and OpenBLAS
// read these once, when they are loaded (OpenCV loads libgomp before main()),
// so the process then starts itself again, once.
void prepareProcess(char **argv);

// The environment prepareProcess sets before it starts the process again, as
// (name, value) pairs: `tandem-cli version --json` shows it, and the
// benchmarks hand it to the Python twin so that both run the same set-up.
std::vector<std::pair<std::string, std::string>> modelEnvironment();

} // namespace tandem::threads
