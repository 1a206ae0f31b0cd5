#include "memory.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <malloc.h>
#ifdef __linux__
#include <sys/mman.h>
#include <unistd.h>
#endif

namespace tandem::memory {

void tuneAllocator()
{
    if (std::getenv("TANDEM_DEFAULT_MALLOC"))
        return;
    // Blocks up to 256 MiB come from the heap, not fresh mmaps; up to 512 MiB of
    // free heap is kept rather than trimmed; the heap grows 64 MiB at a time.
    mallopt(M_MMAP_THRESHOLD, 256 << 20);
    mallopt(M_TRIM_THRESHOLD, 512 << 20);
    mallopt(M_TOP_PAD, 64 << 20);
}

void preferHugePages(const void *data, size_t bytes)
{
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    constexpr uintptr_t kHugePage = uintptr_t(2) << 20;
    const auto start = (reinterpret_cast<uintptr_t>(data) + kHugePage - 1) & ~(kHugePage - 1);
    const auto end = (reinterpret_cast<uintptr_t>(data) + bytes) & ~(kHugePage - 1);
    if (end > start)
        madvise(reinterpret_cast<void *>(start), end - start, MADV_HUGEPAGE); // a hint: failure is harmless
#else
    (void)data;
    (void)bytes;
#endif
}

size_t residentBytes()
{
    std::FILE *file = std::fopen("/proc/self/statm", "r");
    if (!file)
        return 0;
    unsigned long long pages = 0, resident = 0;
    const bool read = std::fscanf(file, "%llu %llu", &pages, &resident) == 2;
    std::fclose(file);
    const long pageSize = sysconf(_SC_PAGESIZE);
    return read && pageSize > 0 ? size_t(resident) * size_t(pageSize) : 0;
}

} // namespace tandem::memory
