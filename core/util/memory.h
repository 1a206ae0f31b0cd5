#pragma once
// Memory hints for the few very large buffers (a 90 MB annotation file, the
// parser's tape, a dataset's caption array). On the VMs we measured, first
// touching a 4 KB page costs 12-18 us: reading COCO train's captions faulted
// in 93k pages, over a second. 2 MB pages cut that to a few thousand faults.
#include <cstddef>

namespace tandem::memory {

// Asks the kernel for transparent huge pages over [data, data + bytes); call
// before the memory is first written. Only whole 2 MB pages inside the range
// are affected; small ranges and other systems: does nothing.
void preferHugePages(const void *data, size_t bytes);

} // namespace tandem::memory
