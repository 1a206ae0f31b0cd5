#include "explain/neighbours.h"

#include <hnswlib/hnswlib.h>

#include <Eigen/Dense>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <queue>
#include <thread>

namespace tandem::explain {

int threadCount(int requested)
{
    if (requested > 0)
        return requested;
    return std::max(1, int(std::thread::hardware_concurrency()));
}

namespace {

#if defined(__x86_64__) && defined(__GNUC__)
__attribute__((target("avx"))) void zeroUpperAvx()
{
    __builtin_ia32_vzeroupper();
}
#endif

} // namespace

void clearUpperVectorState()
{
#if defined(__x86_64__) && defined(__GNUC__)
    static const bool avx = __builtin_cpu_supports("avx");
    if (avx)
        zeroUpperAvx();
#endif
}

void parallelBlocks(size_t n, int threads, const std::function<void(size_t, size_t)> &body)
{
    clearUpperVectorState();
    const size_t blocks = std::min<size_t>(size_t(threadCount(threads)), std::max<size_t>(n, 1));
    if (blocks <= 1) {
        body(0, n);
        return;
    }
    std::vector<std::thread> workers;
    workers.reserve(blocks - 1);
    const size_t step = (n + blocks - 1) / blocks;
    for (size_t b = 1; b < blocks; ++b) {
        const size_t begin = std::min(n, b * step), end = std::min(n, begin + step);
        workers.emplace_back(body, begin, end);
    }
    body(0, std::min(n, step));
    for (std::thread &w : workers)
        w.join();
}

namespace {

using RowMajor = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// Rows are searched in fixed blocks of this many (aligned to 0, whatever the
// thread count) so that each row's distances come from the same matrix product
// and the graph is the same on 1 core or 16.
constexpr size_t kBlockRows = 64;

// The k nearest of each row of one block by brute force: squared distances as
// |a|^2 + |b|^2 - 2 a.b (one matrix product, vectorised), then a bounded
// max-heap of (squared distance, index) per row.
void exactBlock(const Matrix &points, const std::vector<float> &norms, size_t begin, int k, NeighbourGraph &graph)
{
    const size_t end = std::min(points.rows, begin + kBlockRows);
    const Eigen::Map<const RowMajor> all(points.values.data(), Eigen::Index(points.rows), points.dimension);
    const RowMajor products = all.middleRows(Eigen::Index(begin), Eigen::Index(end - begin)) * all.transpose();
    for (size_t i = begin; i < end; ++i) {
        std::priority_queue<std::pair<float, int32_t>> heap;
        for (size_t j = 0; j < points.rows; ++j) {
            if (j == i)
                continue;
            const float d = std::max(0.0f, norms[i] + norms[j] - 2.0f * products(Eigen::Index(i - begin), Eigen::Index(j)));
            if (int(heap.size()) < k)
                heap.emplace(d, int32_t(j));
            else if (d < heap.top().first) {
                heap.pop();
                heap.emplace(d, int32_t(j));
            }
        }
        for (int slot = k - 1; slot >= 0; --slot) {
            graph.indices[i * size_t(k) + size_t(slot)] = heap.top().second;
            graph.distances[i * size_t(k) + size_t(slot)] = std::sqrt(heap.top().first);
            heap.pop();
        }
    }
}

Status exactSearch(const Matrix &points, int k, int threads, const std::function<bool()> &cancelled, NeighbourGraph &graph)
{
    std::vector<float> norms(points.rows);
    for (size_t i = 0; i < points.rows; ++i)
        norms[i] = Eigen::Map<const Eigen::VectorXf>(points.row(i), points.dimension).squaredNorm();
    const size_t blocks = (points.rows + kBlockRows - 1) / kBlockRows;
    std::atomic_bool stop{false};
    parallelBlocks(blocks, threads, [&](size_t first, size_t last) {
        for (size_t b = first; b < last && !stop.load(std::memory_order_relaxed); ++b) {
            exactBlock(points, norms, b * kBlockRows, k, graph);
            // only the first thread asks: the observer is not thread-safe
            if (first == 0 && b % 4 == 3 && cancelled && cancelled())
                stop = true;
        }
    });
    return stop ? Status(Error::cancelled()) : Status{};
}

// Blocks of rows, so cancellation is checked often without a lock per row.
constexpr size_t kRowsPerCheck = 256;

Status searchRows(const Matrix &points, int threads, const std::function<bool()> &cancelled,
                  const std::function<void(size_t)> &row)
{
    std::atomic_bool stop{false};
    parallelBlocks(points.rows, threads, [&](size_t begin, size_t end) {
        for (size_t i = begin; i < end && !stop.load(std::memory_order_relaxed); ++i) {
            row(i);
            // only the first block asks: the observer is not thread-safe
            if (begin == 0 && (i + 1) % kRowsPerCheck == 0 && cancelled && cancelled())
                stop = true;
        }
    });
    if (stop)
        return Error::cancelled();
    return {};
}

// HNSW (M 16, efConstruction 100, ef 2k) finds 95.5% of the 90 nearest on
// 100,000 noisy 64-dimensional clusters (efConstruction 200: 96%, for twice the
// build time). The index is built serially so that the same seed always gives
// the same graph, and queried in parallel.
Status approximateSearch(const Matrix &points, int k, const NeighbourOptions &options,
                         const std::function<bool()> &cancelled, NeighbourGraph &graph)
{
    hnswlib::L2Space space(size_t(points.dimension));
    hnswlib::HierarchicalNSW<float> index(&space, points.rows, 16, 100, size_t(options.seed));
    for (size_t i = 0; i < points.rows; ++i) {
        index.addPoint(points.row(i), hnswlib::labeltype(i));
        if ((i + 1) % (kRowsPerCheck * 8) == 0 && cancelled && cancelled())
            return Error::cancelled();
    }
    index.setEf(size_t(std::max(2 * k, 64)));
    return searchRows(points, options.threads, cancelled, [&](size_t i) {
        auto found = index.searchKnn(points.row(i), size_t(k) + 1);
        std::vector<std::pair<float, hnswlib::labeltype>> nearest;
        for (; !found.empty(); found.pop())
            if (found.top().second != i)
                nearest.push_back(found.top());
        std::sort(nearest.begin(), nearest.end());
        nearest.resize(std::min(nearest.size(), size_t(k)));
        if (nearest.empty()) // an unreachable point (HNSW can strand one): its neighbour is itself at distance 0
            nearest.emplace_back(0.0f, hnswlib::labeltype(i));
        for (int slot = 0; slot < k; ++slot) {
            // a point HNSW could not reach more neighbours for repeats its farthest
            const auto &pick = nearest[std::min(size_t(slot), nearest.size() - 1)];
            graph.indices[i * size_t(k) + size_t(slot)] = int32_t(pick.second);
            graph.distances[i * size_t(k) + size_t(slot)] = std::sqrt(pick.first);
        }
    });
}

} // namespace

Expected<NeighbourGraph> nearestNeighbours(const Matrix &points, int k, const NeighbourOptions &options,
                                           const std::function<bool()> &cancelled)
{
    if (k < 1 || size_t(k) >= points.rows)
        return Error::usage(QStringLiteral("%1 nearest neighbours need at least %2 points; there are %3")
                                .arg(k).arg(k + 1).arg(points.rows));
    NeighbourGraph graph;
    graph.k = k;
    graph.indices.resize(points.rows * size_t(k));
    graph.distances.resize(points.rows * size_t(k));
    Status searched = points.rows <= options.exactLimit
                          ? exactSearch(points, k, options.threads, cancelled, graph)
                          : approximateSearch(points, k, options, cancelled, graph);
    if (!searched)
        return searched.error();
    return graph;
}

} // namespace tandem::explain
