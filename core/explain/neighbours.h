#pragma once
// The k nearest neighbours of every row of a matrix (Euclidean), as t-SNE and
// UMAP need them: exact (multithreaded brute force) for small sets, an HNSW
// index (hnswlib) above `exactLimit` rows, where the exact search's n^2 cost
// dominates the whole layout.
#include "explain/projection.h"

namespace tandem::explain {

struct NeighbourGraph {
    int k = 0;
    std::vector<int32_t> indices;  // n x k, row-major, nearest first, never the point itself
    std::vector<float> distances;  // n x k, Euclidean (not squared)
};

struct NeighbourOptions {
    size_t exactLimit = 20000;     // rows up to which the search is exact
    uint64_t seed = 1;             // the HNSW index's level draws
    int threads = 0;               // 0 = every core
};

// Fails with Error::cancelled() when `cancelled` returns true (checked between blocks of rows).
Expected<NeighbourGraph> nearestNeighbours(const Matrix &points, int k, const NeighbourOptions &options = {},
                                           const std::function<bool()> &cancelled = {});

// Runs body(begin, end) over [0, n) split into one contiguous block per thread
// (threads 0 = every core); returns when all are done.
void parallelBlocks(size_t n, int threads, const std::function<void(size_t, size_t)> &body);
int threadCount(int requested);

// Clears the upper halves of the AVX registers (vzeroupper) where the CPU has
// them. Code run earlier on a thread (in tandem-cli, before a layout starts) can
// leave them dirty, and then every SSE instruction of the plain x86-64 build
// pays a transition penalty: UMAP ran 4x slower in tandem-cli than in a bare
// program with the same instruction count. parallelBlocks() calls it first.
void clearUpperVectorState();

} // namespace tandem::explain
