#pragma once

namespace tandem {

// glibc hands freed blocks back to the OS and faults them in again on the
// next allocation (~12 µs a page in these VMs): bulk imports and training
// steps spent most of their time there. Keeps freed memory in the process
// instead. Call once, first thing in main(). TANDEM_DEFAULT_MALLOC=1 skips it
// (for benchmarks that show its effect).
void tuneAllocator();

} // namespace tandem
