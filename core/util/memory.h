#pragma once
// Memory set-up and hints. On the VMs we measured, first touching a 4 KB page
// costs 12-18 us, and glibc gives freed blocks back to the OS only to fault
// them in again: bulk imports and training steps spent much of their time there.
#include <cstddef>

namespace tandem::memory {

// Keeps freed memory in the process instead of trimming it back to the OS.
// Call once, first thing in main(). TANDEM_DEFAULT_MALLOC=1 skips it (for
// benchmarks that show its effect).
void tuneAllocator();

// Asks the kernel for transparent huge pages over [data, data + bytes) (a 90 MB
// annotation file, the parser's tape, a dataset's caption array); call before
// the memory is first written. Only whole 2 MB pages inside the range are
// affected; small ranges and other systems: does nothing. Faster here than
// populating the pages up front with MADV_POPULATE_WRITE: filling a reserved
// 68 MB caption array took ~150 ms with this hint, ~550 ms populated, ~1.7 s
// with neither. Used by formats::reserveLarge and formats::readTextFile.
void preferHugePages(const void *data, size_t bytes);

// The process's resident memory in bytes (/proc/self/statm); 0 where unknown.
size_t residentBytes();

} // namespace tandem::memory
