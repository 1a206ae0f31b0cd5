#include "threadsetup.h"

#include <cstdlib>
#include <dlfcn.h>
#include <link.h>
#include <unistd.h>

namespace tandem::threads {

CpuFeatures cpuFeatures()
{
    CpuFeatures features;
#if defined(__x86_64__) && defined(__GNUC__)
    __builtin_cpu_init();
    features.avx2Fma = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    features.avx512 = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512cd")
        && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512dq")
        && __builtin_cpu_supports("avx512vl");
#endif
    return features;
}

namespace {

// How wide OpenBLAS's kernel set is: 2 AVX-512, 1 AVX2, 0 narrower or unknown.
int kernelWidth(const std::string &core)
{
    for (const char *name : {"SkylakeX", "Cooperlake", "SapphireRapids"})
        if (core == name)
            return 2;
    for (const char *name : {"Haswell", "Zen"})
        if (core == name)
            return 1;
    return 0;
}

} // namespace

std::string betterOpenBlasCore(const std::string &current, const CpuFeatures &features)
{
    if (current.empty())
        return {};
    const int possible = features.avx512 ? 2 : features.avx2Fma ? 1 : 0;
    if (kernelWidth(current) >= possible)
        return {};
    return possible == 2 ? "SkylakeX" : possible == 1 ? "Haswell" : "";
}

OpenBlas openBlas()
{
    OpenBlas blas;
    void *library = dlopen("libopenblas.so.0", RTLD_LAZY | RTLD_LOCAL);
    if (!library)
        return blas;
    link_map *map = nullptr;
    if (dlinfo(library, RTLD_DI_LINKMAP, &map) == 0 && map && map->l_name) {
        // Debian reaches it through /etc/alternatives: the real file tells which build it is
        char *real = realpath(map->l_name, nullptr);
        blas.path = real ? real : map->l_name;
        std::free(real);
    }
    using CoreName = char *(*)();
    if (auto name = reinterpret_cast<CoreName>(dlsym(library, "openblas_get_corename")))
        blas.core = name();
    dlclose(library);
    return blas;
}

std::string openMpOpenBlasFolder(const std::string &path)
{
    const std::string pthreads = "/openblas-pthread/";
    const size_t at = path.rfind(pthreads);
    if (at == std::string::npos)
        return {};
    const std::string folder = path.substr(0, at) + "/openblas-openmp";
    return access((folder + "/libopenblas.so.0").c_str(), R_OK) == 0 ? folder : std::string();
}

std::vector<std::pair<std::string, std::string>> modelEnvironment()
{
    std::vector<std::pair<std::string, std::string>> settings;
    const auto unset = [](const char *name) { return !std::getenv(name); };
    const OpenBlas blas = openBlas();
    const std::string openMpBlas = openMpOpenBlasFolder(blas.path);
    // Spinning pays only when nothing else spins: with OpenBLAS's own pool
    // beside OpenMP's (no OpenMP build installed) the threads must sleep at once.
    const bool onePool = blas.path.empty() || !openMpBlas.empty() || blas.path.find("openblas-openmp") != std::string::npos;
    if (unset("OMP_WAIT_POLICY") && unset("GOMP_SPINCOUNT")) {
        if (onePool)
            settings.emplace_back("GOMP_SPINCOUNT", "100000"); // about 5 ms on this CPU, where a pause is ~140 cycles
        else
            settings.emplace_back("OMP_WAIT_POLICY", "PASSIVE");
    }
    // OpenBLAS reports the kernels it runs, chosen by itself or by an
    // OPENBLAS_CORETYPE already set: narrower ones than the CPU runs are widened
    // either way (some machines set Haswell for every CPU they have; on AVX-512
    // ones the products then run at 55-70% of their speed).
    if (const char *pinned = std::getenv("TANDEM_OPENBLAS_CORETYPE"); pinned && *pinned)
        settings.emplace_back("OPENBLAS_CORETYPE", pinned);
    else if (const std::string better = betterOpenBlasCore(blas.core, cpuFeatures()); !better.empty())
        settings.emplace_back("OPENBLAS_CORETYPE", better);
    if (!openMpBlas.empty()) {
        const char *paths = std::getenv("LD_LIBRARY_PATH");
        settings.emplace_back("LD_LIBRARY_PATH", paths && *paths ? openMpBlas + ":" + paths : openMpBlas);
    }
    return settings;
}

void prepareProcess(char **argv)
{
    constexpr const char *kPrepared = "TANDEM_PROCESS_PREPARED";
    if (std::getenv(kPrepared))
        return;
    setenv(kPrepared, "1", 1);
    for (const auto &[name, value] : modelEnvironment())
        setenv(name.c_str(), value.c_str(), 1);
    execv("/proc/self/exe", argv); // returns only on failure: then run on with the defaults
}

} // namespace tandem::threads
