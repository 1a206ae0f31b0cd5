#include "memory.h"

#include <cstdint>
#ifdef __linux__
#include <sys/mman.h>
#endif

namespace tandem::memory {

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

} // namespace tandem::memory
