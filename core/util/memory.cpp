#include "memory.h"

#include <cstdlib>
#include <malloc.h>

namespace tandem {

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

} // namespace tandem
