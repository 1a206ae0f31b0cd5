// Barnes-Hut t-SNE (van der Maaten 2014), step for step as scikit-learn 1.2's
// TSNE(method="barnes_hut") so that layouts and KL divergences compare:
// perplexity-calibrated affinities on the 3 * perplexity nearest neighbours,
// PCA or Gaussian initialisation at sd 1e-4, early exaggeration, and gradient
// descent with momentum and per-coordinate gains. From kFftRepulsionRows
// points the repulsion is FIt-SNE's FFT interpolation instead (fftrepulsion.h),
// as openTSNE does. Every per-point sum runs on one thread and totals are
// added in index order, so a seed gives the same layout whatever the thread count.
#include "explain/barneshut.h"
#include "explain/fftrepulsion.h"
#include "explain/neighbours.h"
#include "explain/projection.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <random>

namespace tandem::explain {

namespace {

// The symmetric joint probabilities P, one sparse row per point.
struct Affinities {
    std::vector<size_t> rowStart; // n + 1
    std::vector<int32_t> columns;
    std::vector<double> values;
    size_t rows() const { return rowStart.size() - 1; }
};

int neighbourCount(size_t rows, double perplexity)
{
    return int(std::min(double(rows) - 1, std::floor(3 * perplexity + 1)));
}

// One row of conditional probabilities p(j|i): the precision of a Gaussian
// over the squared distances is bisected until the row's entropy is
// log(perplexity), as scikit-learn's _binary_search_perplexity (100 steps,
// tolerance 1e-5). Distances are measured from the nearest neighbour's, which
// leaves p unchanged but keeps exp() from underflowing for far-apart points.
void calibrateRow(const float *distances, int k, double desiredEntropy, double *p)
{
    const double nearest = double(distances[0]) * distances[0];
    const auto shifted = [&](int j) { return double(distances[j]) * distances[j] - nearest; };
    constexpr double infinity = std::numeric_limits<double>::infinity();
    double beta = 1, low = -infinity, high = infinity;
    for (int step = 0; step < 100; ++step) {
        double sum = 0;
        for (int j = 0; j < k; ++j)
            sum += p[j] = std::exp(-shifted(j) * beta);
        double meanDistance = 0;
        for (int j = 0; j < k; ++j)
            meanDistance += shifted(j) * (p[j] /= sum);
        const double excess = std::log(sum) + beta * meanDistance - desiredEntropy;
        if (std::fabs(excess) <= 1e-5)
            break;
        if (excess > 0) {
            low = beta;
            beta = high == infinity ? beta * 2 : (beta + high) / 2;
        } else {
            high = beta;
            beta = low == -infinity ? beta / 2 : (beta + low) / 2;
        }
    }
}

// Conditional probabilities in the graph's layout, each row sorted by column.
Affinities conditionalProbabilities(const NeighbourGraph &graph, size_t n, double perplexity, int threads)
{
    const size_t k = size_t(graph.k);
    Affinities c;
    c.rowStart.resize(n + 1);
    for (size_t i = 0; i <= n; ++i)
        c.rowStart[i] = i * k;
    c.columns.resize(n * k);
    c.values.resize(n * k);
    parallelBlocks(n, threads, [&](size_t begin, size_t end) {
        std::vector<std::pair<int32_t, double>> row(k);
        for (size_t i = begin; i < end; ++i) {
            calibrateRow(&graph.distances[i * k], graph.k, std::log(perplexity), &c.values[i * k]);
            for (size_t j = 0; j < k; ++j)
                row[j] = {graph.indices[i * k + j], c.values[i * k + j]};
            std::sort(row.begin(), row.end());
            for (size_t j = 0; j < k; ++j)
                std::tie(c.columns[i * k + j], c.values[i * k + j]) = row[j];
        }
    });
    return c;
}

// C^T; rows come out sorted by column because they are filled in row order.
Affinities transpose(const Affinities &c)
{
    const size_t n = c.rows();
    Affinities t;
    t.rowStart.assign(n + 1, 0);
    for (int32_t j : c.columns)
        ++t.rowStart[size_t(j) + 1];
    for (size_t i = 0; i < n; ++i)
        t.rowStart[i + 1] += t.rowStart[i];
    t.columns.resize(c.columns.size());
    t.values.resize(c.values.size());
    std::vector<size_t> next(t.rowStart.begin(), t.rowStart.end() - 1);
    for (size_t i = 0; i < n; ++i)
        for (size_t e = c.rowStart[i]; e < c.rowStart[i + 1]; ++e) {
            const size_t slot = next[size_t(c.columns[e])]++;
            t.columns[slot] = int32_t(i);
            t.values[slot] = c.values[e];
        }
    return t;
}

// Row i of a + b, both rows sorted by column, repeated columns summed; writes
// to `columns` and `values` when they are given, and returns the entry count.
size_t mergeRows(const Affinities &a, const Affinities &b, size_t i, int32_t *columns, double *values)
{
    size_t x = a.rowStart[i], y = b.rowStart[i], count = 0;
    const size_t xEnd = a.rowStart[i + 1], yEnd = b.rowStart[i + 1];
    int32_t last = -1;
    while (x < xEnd || y < yEnd) {
        const bool fromA = y == yEnd || (x < xEnd && a.columns[x] <= b.columns[y]);
        const int32_t column = fromA ? a.columns[x] : b.columns[y];
        const double value = fromA ? a.values[x++] : b.values[y++];
        if (column != last) {
            if (columns) {
                columns[count] = column;
                values[count] = 0;
            }
            ++count;
            last = column;
        }
        if (values)
            values[count - 1] += value;
    }
    return count;
}

// P = (C + C^T) / sum, C the conditional probabilities: scikit-learn's
// _joint_probabilities_nn.
Affinities symmetrise(const Affinities &c, int threads)
{
    const Affinities t = transpose(c);
    const size_t n = c.rows();
    Affinities p;
    p.rowStart.assign(n + 1, 0);
    parallelBlocks(n, threads, [&](size_t begin, size_t end) {
        for (size_t i = begin; i < end; ++i)
            p.rowStart[i + 1] = mergeRows(c, t, i, nullptr, nullptr);
    });
    for (size_t i = 0; i < n; ++i)
        p.rowStart[i + 1] += p.rowStart[i];
    p.columns.resize(p.rowStart[n]);
    p.values.resize(p.rowStart[n]);
    parallelBlocks(n, threads, [&](size_t begin, size_t end) {
        for (size_t i = begin; i < end; ++i)
            mergeRows(c, t, i, &p.columns[p.rowStart[i]], &p.values[p.rowStart[i]]);
    });
    double sum = 0;
    for (double v : p.values)
        sum += v;
    sum = std::max(sum, std::numeric_limits<double>::epsilon());
    for (double &v : p.values)
        v /= sum;
    return p;
}

// The 3 * perplexity nearest neighbours that P is calibrated on.
Expected<NeighbourGraph> neighbours(const Matrix &points, double perplexity, int threads, uint64_t seed,
                                    const std::function<bool()> &cancelled)
{
    NeighbourOptions search;
    search.seed = seed;
    search.threads = threads;
    return nearestNeighbours(points, neighbourCount(points.rows, perplexity), search, cancelled);
}

Affinities jointProbabilities(const NeighbourGraph &graph, size_t rows, double perplexity, int threads)
{
    return symmetrise(conditionalProbabilities(graph, rows, perplexity, threads), threads);
}

// sum_j p_ij q_ij Z (y_i - y_j) over point i's neighbours in P.
void attraction(const Affinities &p, const std::vector<double> &y, size_t i, double *out)
{
    double fx = 0, fy = 0;
    for (size_t e = p.rowStart[i]; e < p.rowStart[i + 1]; ++e) {
        const size_t j = size_t(p.columns[e]);
        const double dx = y[2 * i] - y[2 * j], dy = y[2 * i + 1] - y[2 * j + 1];
        const double weight = p.values[e] / (1 + dx * dx + dy * dy);
        fx += weight * dx;
        fy += weight * dy;
    }
    out[0] = fx;
    out[1] = fy;
}

// Each method's state, kept from one iteration to the next.
struct Repellers {
    QuadTree tree;
    FftRepulsion fft;
};

// Fills forces.repulsion and returns Z: by FFT interpolation for large sets
// (unless theta 0 asks for every pair exactly), else by Barnes-Hut.
double repulsion(const std::vector<double> &y, double squaredTheta, int threads, Repellers &repellers, Forces &forces)
{
    if (squaredTheta > 0 && y.size() / 2 >= kFftRepulsionRows)
        return repellers.fft(y, threads, forces.repulsion);
    QuadTree &tree = repellers.tree;
    tree.build(y);
    parallelBlocks(tree.leafCount(), threads, [&](size_t begin, size_t end) {
        InteractionList list;
        for (size_t leaf = begin; leaf < end; ++leaf)
            tree.repelLeaf(leaf, squaredTheta, list, forces);
    });
    double z = 0;
    for (double share : forces.z)
        z += share;
    return z;
}

// The gradient of KL(P || Q) as scikit-learn's Barnes-Hut computes it:
// 4 (exaggeration * attraction - repulsion / Z).
void gradient(const Affinities &p, const std::vector<double> &y, double exaggeration, double squaredTheta,
              int threads, Repellers &repellers, Forces &forces, std::vector<double> &out)
{
    const double z = repulsion(y, squaredTheta, threads, repellers, forces);
    parallelBlocks(p.rows(), threads, [&](size_t begin, size_t end) {
        for (size_t i = begin; i < end; ++i)
            attraction(p, y, i, &forces.attraction[2 * i]);
    });
    for (size_t c = 0; c < out.size(); ++c)
        out[c] = 4 * (exaggeration * forces.attraction[c] - forces.repulsion[c] / z);
}

// scikit-learn's _gradient_descent: momentum, and per-coordinate gains that
// grow by 0.2 where the gradient turns against the last update and shrink by
// a factor 0.8 where it keeps its direction (never below 0.01).
struct Descent {
    explicit Descent(size_t size) { restart(size); }
    void restart(size_t size)
    {
        update.assign(size, 0);
        gains.assign(size, 1);
    }
    void step(std::vector<double> &y, const std::vector<double> &gradient, double momentum, double rate)
    {
        for (size_t c = 0; c < y.size(); ++c) {
            gains[c] = std::max(update[c] * gradient[c] < 0 ? gains[c] + 0.2 : gains[c] * 0.8, 0.01);
            update[c] = momentum * update[c] - rate * gains[c] * gradient[c];
            y[c] += update[c];
        }
    }
    std::vector<double> update, gains;
};

// For large sets the points are renumbered in breadth-first order over P's
// graph, so that each point's neighbours sit near it in memory and the
// attraction's reads of their positions mostly hit the cache (twice as fast at
// 100,000 points). order[r] is the input row that position r holds; empty
// for the identity.
std::vector<int32_t> breadthFirstOrder(const Affinities &p)
{
    const size_t n = p.rows();
    std::vector<int32_t> order;
    order.reserve(n);
    std::vector<bool> seen(n, false);
    for (size_t start = 0; start < n; ++start) {
        if (seen[start])
            continue;
        seen[start] = true;
        order.push_back(int32_t(start));
        for (size_t head = order.size() - 1; head < order.size(); ++head) {
            const size_t i = size_t(order[head]);
            for (size_t e = p.rowStart[i]; e < p.rowStart[i + 1]; ++e)
                if (!seen[size_t(p.columns[e])]) {
                    seen[size_t(p.columns[e])] = true;
                    order.push_back(p.columns[e]);
                }
        }
    }
    return order;
}

// P with row and column order[r] renumbered r, each row still sorted by column.
Affinities renumbered(const Affinities &p, const std::vector<int32_t> &order)
{
    const size_t n = p.rows();
    std::vector<int32_t> position(n);
    for (size_t r = 0; r < n; ++r)
        position[size_t(order[r])] = int32_t(r);
    Affinities q;
    q.rowStart.assign(1, 0);
    std::vector<std::pair<int32_t, double>> row;
    for (size_t r = 0; r < n; ++r) {
        const size_t i = size_t(order[r]);
        row.clear();
        for (size_t e = p.rowStart[i]; e < p.rowStart[i + 1]; ++e)
            row.emplace_back(position[size_t(p.columns[e])], p.values[e]);
        std::sort(row.begin(), row.end());
        for (const auto &[column, value] : row) {
            q.columns.push_back(column);
            q.values.push_back(value);
        }
        q.rowStart.push_back(q.columns.size());
    }
    return q;
}

// The layout y in the input's row order.
Layout toLayout(const std::vector<double> &y, const std::vector<int32_t> &order)
{
    if (order.empty())
        return Layout(y.begin(), y.end());
    Layout layout(y.size());
    for (size_t r = 0; r < order.size(); ++r) {
        layout[2 * size_t(order[r])] = float(y[2 * r]);
        layout[2 * size_t(order[r]) + 1] = float(y[2 * r + 1]);
    }
    return layout;
}

// The input-ordered layout y renumbered by order.
std::vector<double> reordered(const std::vector<double> &y, const std::vector<int32_t> &order)
{
    std::vector<double> out(y.size());
    for (size_t r = 0; r < order.size(); ++r) {
        out[2 * r] = y[2 * size_t(order[r])];
        out[2 * r + 1] = y[2 * size_t(order[r]) + 1];
    }
    return out;
}

// N(0, 1e-4^2) by Box-Muller from the raw 64-bit draws, which (unlike
// std::normal_distribution) are the same on every standard library.
std::vector<double> gaussianLayout(size_t n, uint64_t seed)
{
    std::mt19937_64 random(seed);
    const auto uniform = [&] { return (double(random() >> 11) + 0.5) * 0x1.0p-53; }; // in (0, 1)
    std::vector<double> y(2 * n);
    for (size_t c = 0; c < y.size(); c += 2) {
        const double radius = 1e-4 * std::sqrt(-2 * std::log(uniform()));
        const double angle = 2 * 3.141592653589793 * uniform();
        y[c] = radius * std::cos(angle);
        y[c + 1] = radius * std::sin(angle);
    }
    return y;
}

// The first two principal components, scaled so that the first has sd 1e-4
// (as scikit-learn's init="pca"); a Gaussian for 1-dimensional or constant input.
Expected<std::vector<double>> initialLayout(const Matrix &points, const TsneOptions &options)
{
    if (!options.pcaInit || points.dimension < 2)
        return gaussianLayout(points.rows, options.seed);
    auto components = pcaComponents(points, 2);
    if (!components)
        return components.error();
    double sum = 0, squares = 0;
    for (size_t i = 0; i < points.rows; ++i)
        sum += (*components)[2 * i], squares += double((*components)[2 * i]) * (*components)[2 * i];
    const double mean = sum / double(points.rows);
    const double sd = std::sqrt(std::max(0.0, squares / double(points.rows) - mean * mean));
    if (!(sd > 0))
        return gaussianLayout(points.rows, options.seed);
    std::vector<double> y(components->begin(), components->end());
    for (double &v : y)
        v *= 1e-4 / sd;
    return y;
}

// Calls the observer, if any, with a float copy of the layout so far.
struct Reporter {
    const IterationObserver &observer;
    int iterations;
    std::vector<int32_t> order; // the points' renumbering, if any
    bool operator()(int iteration, const QString &stage, const std::vector<double> *y = nullptr) const
    {
        if (!observer)
            return true;
        if (!y)
            return observer({iteration, iterations, stage, nullptr});
        const Layout layout = toLayout(*y, order);
        return observer({iteration, iterations, stage, &layout});
    }
};

Expected<Layout> descend(const Affinities &p, std::vector<double> y, const TsneOptions &options, const Reporter &report)
{
    const size_t n = p.rows();
    const double rate = options.learningRate > 0 ? options.learningRate
                                                 : std::max(double(n) / options.earlyExaggeration / 4, 50.0);
    Repellers repellers;
    Forces forces(n);
    std::vector<double> step(2 * n);
    Descent descent(2 * n);
    for (int iteration = 0; iteration < options.iterations; ++iteration) {
        const bool early = iteration < options.earlyIterations;
        if (iteration == options.earlyIterations)
            descent.restart(2 * n); // scikit-learn starts the second phase with fresh gains
        gradient(p, y, early ? options.earlyExaggeration : 1.0, options.theta * options.theta, options.threads,
                 repellers, forces, step);
        descent.step(y, step, early ? 0.5 : 0.8, rate);
        const int done = iteration + 1;
        if ((done % options.reportEvery == 0 || done == options.iterations)
            && !report(done, early ? QStringLiteral("early exaggeration") : QStringLiteral("layout"), &y))
            return Error::cancelled();
    }
    return toLayout(y, report.order);
}

Status checkOptions(const TsneOptions &o)
{
    if (!(o.perplexity > 0) || !std::isfinite(o.perplexity))
        return Error::usage(QStringLiteral("t-SNE's perplexity must be a positive number, not %1").arg(o.perplexity));
    if (!(o.earlyExaggeration >= 1) || !std::isfinite(o.earlyExaggeration))
        return Error::usage(QStringLiteral("t-SNE's early exaggeration must be at least 1, not %1").arg(o.earlyExaggeration));
    if (o.iterations < 1 || o.earlyIterations < 0 || o.earlyIterations > o.iterations)
        return Error::usage(QStringLiteral("t-SNE needs at least 1 iteration, and no more early-exaggeration iterations "
                                           "(%1) than iterations in all (%2)").arg(o.earlyIterations).arg(o.iterations));
    if (!(o.learningRate >= 0) || !std::isfinite(o.learningRate))
        return Error::usage(QStringLiteral("t-SNE's learning rate must be positive (or 0 for automatic), not %1").arg(o.learningRate));
    if (!(o.theta >= 0) || !std::isfinite(o.theta))
        return Error::usage(QStringLiteral("t-SNE's theta must be 0 (exact) or more, not %1").arg(o.theta));
    if (o.reportEvery < 1 || o.threads < 0)
        return Error::usage(QStringLiteral("t-SNE reports every %1 iterations on %2 threads: both must be positive")
                                .arg(o.reportEvery).arg(o.threads));
    return {};
}

// Enough rows for 3 * perplexity neighbours each (scikit-learn's choice of k).
Status checkPoints(const Matrix &points, double perplexity)
{
    if (Status valid = validateMatrix(points, 2); !valid)
        return valid;
    const double needed = std::ceil(3 * perplexity + 1);
    if (double(points.rows) < needed)
        return Error::usage(QStringLiteral("t-SNE with perplexity %1 needs at least %2 points; this set has %3; lower --perplexity")
                                .arg(perplexity).arg(needed, 0, 'f', 0).arg(points.rows));
    return {};
}

// Sum over i != j of the Student-t kernel 1 / (1 + |y_i - y_j|^2): Q's normaliser.
double kernelSum(const Layout &layout)
{
    const size_t n = layout.size() / 2;
    std::vector<double> rows(n);
    parallelBlocks(n, 0, [&](size_t begin, size_t end) {
        for (size_t i = begin; i < end; ++i) {
            double sum = 0;
            for (size_t j = 0; j < n; ++j) {
                const double dx = double(layout[2 * i]) - layout[2 * j], dy = double(layout[2 * i + 1]) - layout[2 * j + 1];
                sum += 1 / (1 + dx * dx + dy * dy);
            }
            rows[i] = sum - 1; // j = i
        }
    });
    double z = 0;
    for (double r : rows)
        z += r;
    return z;
}

} // namespace

Expected<Layout> tsne(const Matrix &points, const TsneOptions &options, const IterationObserver &observer)
{
    if (Status valid = checkOptions(options); !valid)
        return valid.error();
    if (Status valid = checkPoints(points, options.perplexity); !valid)
        return valid.error();
    Reporter report{observer, options.iterations, {}};
    if (!report(0, QStringLiteral("neighbours")))
        return Error::cancelled();
    const auto cancelled = [&] { return !report(0, QStringLiteral("neighbours")); };
    const auto graph = neighbours(points, options.perplexity, options.threads, options.seed, cancelled);
    if (!graph)
        return graph.error();
    if (!report(0, QStringLiteral("affinities")))
        return Error::cancelled();
    Affinities p = jointProbabilities(*graph, points.rows, options.perplexity, options.threads);
    auto y = initialLayout(points, options);
    if (!y)
        return y.error();
    if (points.rows < kFftRepulsionRows)
        return descend(p, std::move(*y), options, report);
    report.order = breadthFirstOrder(p);
    p = renumbered(p, report.order);
    return descend(p, reordered(*y, report.order), options, report);
}

// KL(P || Q) with P exactly as tsne() builds it (perplexity-calibrated on the
// 3 * perplexity nearest neighbours, symmetrised, summing to 1; pairs outside
// that graph have p = 0 and add nothing) and Q the layout's Student-t
// affinities normalised exactly over all pairs. scikit-learn's kl_divergence_
// estimates the same sum with a Barnes-Hut Z. NaN for unusable input.
double tsneKlDivergence(const Matrix &points, const Layout &layout, double perplexity)
{
    if (!(perplexity > 0) || !checkPoints(points, perplexity) || layout.size() != 2 * points.rows)
        return std::numeric_limits<double>::quiet_NaN();
    const auto graph = neighbours(points, perplexity, 0, 1, {});
    if (!graph)
        return std::numeric_limits<double>::quiet_NaN();
    const Affinities p = jointProbabilities(*graph, points.rows, perplexity, 0);
    const double z = kernelSum(layout);
    double kl = 0;
    for (size_t i = 0; i < points.rows; ++i)
        for (size_t e = p.rowStart[i]; e < p.rowStart[i + 1]; ++e) {
            const size_t j = size_t(p.columns[e]);
            const double dx = double(layout[2 * i]) - layout[2 * j], dy = double(layout[2 * i + 1]) - layout[2 * j + 1];
            const double q = std::max(1 / (1 + dx * dx + dy * dy) / z, std::numeric_limits<double>::min());
            if (p.values[e] > 0)
                kl += p.values[e] * std::log(p.values[e] / q);
        }
    return kl;
}

} // namespace tandem::explain
