// UMAP as umap-learn 0.5 computes it: a fuzzy k-nearest-neighbour graph
// (smooth_knn_dist, fuzzy union), a layout initialised from PCA (or the
// graph's spectrum), then stochastic gradient descent with negative sampling
// (optimize_layout_euclidean). The one deliberate difference is the SGD's
// parallel scheme, which is deterministic here (see optimiseEpoch).
#include "explain/neighbours.h"
#include "explain/projection.h"

#include <Eigen/Dense>
#include <Eigen/Sparse>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace tandem::explain {

namespace {

// umap-learn's constants for smooth_knn_dist.
constexpr int kSigmaSearchSteps = 64;
constexpr double kSigmaTolerance = 1e-5;
constexpr double kMinDistanceScale = 1e-3;
constexpr float kGradientClip = 4.0f;
constexpr float kInitialExtent = 10.0f;  // the initial layout spans [-10, 10] on each axis
constexpr double kInitialNoise = 1e-4;   // breaks ties between duplicate points
constexpr double kTwoPi = 6.283185307179586;

// A symmetric sparse graph: row i's edges are columns[rowStart[i] .. rowStart[i + 1]), sorted.
struct Graph {
    std::vector<size_t> rowStart{0};
    std::vector<int32_t> columns;
    std::vector<float> weights;
    size_t rows() const { return rowStart.size() - 1; }
};

// A directed edge of the kNN graph, before symmetrisation.
struct Arc {
    int32_t to;
    float weight;
};

uint64_t splitmix64(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

// A counter-based stream: draws depend only on (seed, key), never on which
// thread asks or in what order, which keeps the parallel layout reproducible.
class RandomStream {
public:
    RandomStream(uint64_t seed, uint64_t key) : m_state(splitmix64(splitmix64(seed) ^ key)) {}
    uint64_t next() { return splitmix64(m_state++); }
    // In [0, n) for n < 2^32: a multiply instead of a division.
    size_t below(size_t n) { return size_t(((next() >> 32) * n) >> 32); }
    double uniform() { return double(next() >> 11) * 0x1.0p-53; }

private:
    uint64_t m_state;
};

Status checkOptions(const UmapOptions &options)
{
    if (options.neighbours < 2)
        return Error::usage(QStringLiteral("UMAP needs at least 2 neighbours; got %1").arg(options.neighbours));
    if (!(options.spread > 0) || !std::isfinite(options.spread))
        return Error::usage(QStringLiteral("UMAP's spread must be positive; got %1").arg(options.spread));
    if (!(options.minDistance >= 0 && options.minDistance <= options.spread))
        return Error::usage(QStringLiteral("UMAP's minimum distance must lie between 0 and the spread (%1); got %2")
                                .arg(options.spread).arg(options.minDistance));
    if (options.epochs < 0)
        return Error::usage(QStringLiteral("UMAP's epochs must be 0 (automatic) or more; got %1").arg(options.epochs));
    if (!(options.learningRate > 0) || !std::isfinite(options.learningRate))
        return Error::usage(QStringLiteral("UMAP's learning rate must be positive; got %1").arg(options.learningRate));
    if (options.negativeSamples < 0)
        return Error::usage(QStringLiteral("UMAP's negative samples must be 0 or more; got %1").arg(options.negativeSamples));
    return {};
}

// As umap-learn: 500 epochs up to 10,000 points, 200 above.
int defaultEpochs(size_t rows)
{
    return rows <= 10000 ? 500 : 200;
}

// smooth_knn_dist for one point: rho is the nearest non-zero distance, sigma
// the bandwidth at which the k memberships sum to log2(k); then the memberships.
// umap-learn's rows include the point itself at distance 0, hence the k + 1 in the means.
void fuzzyRow(const float *distances, int k, double target, double meanDistance, float *memberships)
{
    const auto nonZero = std::find_if(distances, distances + k, [](float d) { return d > 0; });
    const double rho = nonZero == distances + k ? 0.0 : double(*nonZero);
    double low = 0, high = std::numeric_limits<double>::infinity(), sigma = 1;
    for (int step = 0; step < kSigmaSearchSteps; ++step) {
        double sum = 0;
        for (int j = 0; j < k; ++j) {
            const double d = distances[j] - rho;
            sum += d > 0 ? std::exp(-d / sigma) : 1.0;
        }
        if (std::abs(sum - target) < kSigmaTolerance)
            break;
        if (sum > target)
            high = sigma;
        else
            low = sigma;
        sigma = std::isinf(high) ? sigma * 2 : (low + high) / 2;
    }
    const double rowMean = std::accumulate(distances, distances + k, 0.0) / (k + 1);
    sigma = std::max(sigma, kMinDistanceScale * (rho > 0 ? rowMean : meanDistance));
    for (int j = 0; j < k; ++j) {
        const double d = distances[j] - rho;
        memberships[j] = d <= 0 ? 1.0f : float(std::exp(-d / sigma));
    }
}

std::vector<float> memberships(const NeighbourGraph &knn, size_t rows, int threads)
{
    const int k = knn.k;
    const double meanDistance =
        std::accumulate(knn.distances.begin(), knn.distances.end(), 0.0) / double(rows * size_t(k + 1));
    // umap-learn's n_neighbors counts the point itself, so the target is log2(k + 1).
    const double target = std::log2(double(k + 1));
    std::vector<float> out(knn.distances.size());
    parallelBlocks(rows, threads, [&](size_t begin, size_t end) {
        for (size_t i = begin; i < end; ++i)
            fuzzyRow(knn.distances.data() + i * size_t(k), k, target, meanDistance, out.data() + i * size_t(k));
    });
    return out;
}

// Each row's arcs sorted by target; a repeated neighbour (HNSW pads short rows) counts once.
std::vector<std::vector<Arc>> sortedArcs(const NeighbourGraph &knn, const std::vector<float> &weights, size_t rows)
{
    std::vector<std::vector<Arc>> arcs(rows);
    for (size_t i = 0; i < rows; ++i) {
        auto &row = arcs[i];
        for (size_t j = i * size_t(knn.k); j < (i + 1) * size_t(knn.k); ++j)
            row.push_back({knn.indices[j], weights[j]});
        std::sort(row.begin(), row.end(), [](const Arc &x, const Arc &y) { return x.to < y.to; });
        row.erase(std::unique(row.begin(), row.end(), [](const Arc &x, const Arc &y) { return x.to == y.to; }), row.end());
    }
    return arcs;
}

// Row i of A + Aᵀ - A∘Aᵀ from row i of A (`out`) and column i (`in`), both sorted.
void mergeRow(const std::vector<Arc> &out, const std::vector<Arc> &in, Graph &graph)
{
    size_t a = 0, b = 0;
    while (a < out.size() || b < in.size()) {
        const int32_t to = std::min(a < out.size() ? out[a].to : INT32_MAX, b < in.size() ? in[b].to : INT32_MAX);
        const float x = a < out.size() && out[a].to == to ? out[a++].weight : 0.0f;
        const float y = b < in.size() && in[b].to == to ? in[b++].weight : 0.0f;
        const float w = x + y - x * y;
        if (w > 0) {
            graph.columns.push_back(to);
            graph.weights.push_back(w);
        }
    }
    graph.rowStart.push_back(graph.columns.size());
}

// The fuzzy union (set_op_mix_ratio 1): symmetric, so each edge appears in both directions.
Graph fuzzyUnion(const std::vector<std::vector<Arc>> &out)
{
    std::vector<std::vector<Arc>> in(out.size());
    for (size_t i = 0; i < out.size(); ++i)
        for (const Arc &arc : out[i])
            in[size_t(arc.to)].push_back({int32_t(i), arc.weight});
    Graph graph;
    for (size_t i = 0; i < out.size(); ++i)
        mergeRow(out[i], in[i], graph);
    return graph;
}

// Edges too weak to be sampled even once in `epochs` go, as in umap-learn.
Graph pruned(const Graph &graph, int epochs)
{
    const float strongest = graph.weights.empty() ? 0.0f : *std::max_element(graph.weights.begin(), graph.weights.end());
    const float threshold = strongest / float(epochs);
    Graph kept;
    for (size_t i = 0; i < graph.rows(); ++i) {
        for (size_t e = graph.rowStart[i]; e < graph.rowStart[i + 1]; ++e)
            if (graph.weights[e] >= threshold) {
                kept.columns.push_back(graph.columns[e]);
                kept.weights.push_back(graph.weights[e]);
            }
        kept.rowStart.push_back(kept.columns.size());
    }
    return kept;
}

// The edge j -> i for every edge i -> j (the graph is symmetric).
std::vector<size_t> reverseEdges(const Graph &graph)
{
    std::vector<size_t> reverse(graph.columns.size());
    for (size_t i = 0; i < graph.rows(); ++i)
        for (size_t e = graph.rowStart[i]; e < graph.rowStart[i + 1]; ++e) {
            const size_t j = size_t(graph.columns[e]);
            const auto first = graph.columns.begin() + long(graph.rowStart[j]);
            const auto last = graph.columns.begin() + long(graph.rowStart[j + 1]);
            reverse[e] = size_t(std::lower_bound(first, last, int32_t(i)) - graph.columns.begin());
        }
    return reverse;
}

// The kNN graph: umap-learn's n_neighbors counts each point as its own
// nearest, so the search (which excludes it) asks for neighbours - 1.
Expected<Graph> fuzzyGraph(const Matrix &points, const UmapOptions &options, const IterationObserver &observer)
{
    const auto cancelled = [&] {
        return observer && !observer({0, 0, QStringLiteral("neighbours"), nullptr});
    };
    NeighbourOptions search;
    search.seed = options.seed;
    search.threads = options.threads;
    auto knn = nearestNeighbours(points, options.neighbours - 1, search, cancelled);
    if (!knn)
        return knn.error();
    if (observer && !observer({0, 0, QStringLiteral("affinities"), nullptr}))
        return Error::cancelled();
    const std::vector<float> weights = memberships(*knn, points.rows, options.threads);
    return fuzzyUnion(sortedArcs(*knn, weights, points.rows));
}

// find_ab_params: least-squares fit (Levenberg–Marquardt from a = b = 1, as
// scipy's curve_fit) of 1 / (1 + a x^2b) to 1 below minDistance and
// exp(-(x - minDistance) / spread) beyond, on 300 points of [0, 3 spread].
struct Curve {
    float a = 1, b = 1;
};

double curveResiduals(const std::vector<double> &x, const std::vector<double> &y, double a, double b,
                      Eigen::Matrix2d *jtj = nullptr, Eigen::Vector2d *jtr = nullptr)
{
    double cost = 0;
    for (size_t i = 0; i < x.size(); ++i) {
        const double power = x[i] > 0 ? std::pow(x[i], 2 * b) : 0.0;
        const double denominator = 1 + a * power;
        const double residual = 1 / denominator - y[i];
        cost += residual * residual;
        if (jtj) {
            const double logX = x[i] > 0 ? std::log(x[i]) : 0.0;
            const Eigen::Vector2d gradient(-power / (denominator * denominator),
                                           -2 * a * power * logX / (denominator * denominator));
            *jtj += gradient * gradient.transpose();
            *jtr += gradient * residual;
        }
    }
    return cost;
}

Curve fitCurve(double minDistance, double spread)
{
    constexpr int samples = 300;
    std::vector<double> x(samples), y(samples);
    for (int i = 0; i < samples; ++i) {
        x[i] = 3 * spread * i / (samples - 1);
        y[i] = x[i] < minDistance ? 1.0 : std::exp(-(x[i] - minDistance) / spread);
    }
    double a = 1, b = 1, damping = 1e-3;
    double cost = curveResiduals(x, y, a, b);
    for (int iteration = 0; iteration < 100 && damping < 1e10; ++iteration) {
        Eigen::Matrix2d jtj = Eigen::Matrix2d::Zero();
        Eigen::Vector2d jtr = Eigen::Vector2d::Zero();
        curveResiduals(x, y, a, b, &jtj, &jtr);
        Eigen::Matrix2d damped = jtj;
        damped.diagonal() *= 1 + damping;
        const Eigen::Vector2d step = damped.ldlt().solve(-jtr);
        const double trial = curveResiduals(x, y, a + step(0), b + step(1));
        if (trial < cost) {
            const bool converged = cost - trial < 1e-15 * std::max(1.0, cost);
            a += step(0), b += step(1), cost = trial, damping /= 10;
            if (converged)
                break;
        } else {
            damping *= 10;
        }
    }
    return {float(a), float(b)};
}

// The two smallest non-trivial eigenvectors of the normalised Laplacian
// I - D^-1/2 W D^-1/2 are the second and third largest of N = D^-1/2 W D^-1/2.
// A dense eigensolver costs O(n^3); instead, block power iteration on (I + N) / 2
// (same eigenvectors, eigenvalues in [0, 1]) with the trivial D^1/2 1 projected
// out, then Rayleigh–Ritz: O(iterations x edges). Separate components each
// collapse towards a point (umap-learn lays them out one by one); the SGD then spreads them.
Layout spectralLayout(const Graph &graph, uint64_t seed)
{
    constexpr int block = 6, iterations = 300;
    const Eigen::Index n = Eigen::Index(graph.rows());
    Eigen::VectorXd scale(n), trivial(n);
    for (Eigen::Index i = 0; i < n; ++i) {
        const auto first = graph.weights.begin() + long(graph.rowStart[size_t(i)]);
        const double degree = std::accumulate(first, graph.weights.begin() + long(graph.rowStart[size_t(i) + 1]), 0.0);
        scale(i) = degree > 0 ? 1 / std::sqrt(degree) : 0.0;
        trivial(i) = std::sqrt(degree);
    }
    trivial.normalize();
    std::vector<Eigen::Triplet<double>> entries;
    for (Eigen::Index i = 0; i < n; ++i)
        for (size_t e = graph.rowStart[size_t(i)]; e < graph.rowStart[size_t(i) + 1]; ++e)
            entries.emplace_back(i, graph.columns[e], 0.5 * graph.weights[e] * scale(i) * scale(graph.columns[e]));
    Eigen::SparseMatrix<double, Eigen::RowMajor> halfNormalised(n, n);
    halfNormalised.setFromTriplets(entries.begin(), entries.end());
    const auto apply = [&](const Eigen::MatrixXd &v) { return Eigen::MatrixXd(v / 2 + halfNormalised * v); };
    const auto orthonormal = [&](Eigen::MatrixXd v) {
        v -= trivial * (trivial.transpose() * v);
        return Eigen::MatrixXd(Eigen::HouseholderQR<Eigen::MatrixXd>(v).householderQ() * Eigen::MatrixXd::Identity(n, block));
    };
    RandomStream random(seed, 0x5eed);
    Eigen::MatrixXd basis = Eigen::MatrixXd::NullaryExpr(n, block, [&] { return random.uniform() - 0.5; });
    for (int iteration = 0; iteration < iterations; ++iteration)
        basis = orthonormal(apply(basis));
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> ritz(basis.transpose() * apply(basis));
    const Eigen::MatrixXd vectors = basis * ritz.eigenvectors().rightCols(2).rowwise().reverse();
    Layout layout(size_t(2 * n));
    Eigen::Map<Eigen::Matrix<float, Eigen::Dynamic, 2, Eigen::RowMajor>>(layout.data(), n, 2) = vectors.cast<float>();
    return layout;
}

// PCA's first two components (one-dimensional input gets a flat second axis).
Expected<Layout> pcaLayout(const Matrix &points)
{
    const int components = std::min(2, points.dimension);
    auto projected = pcaComponents(points, components);
    if (!projected)
        return projected.error();
    Layout layout(points.rows * 2, 0.0f);
    for (size_t i = 0; i < points.rows; ++i)
        std::copy_n(projected->begin() + long(i) * components, components, layout.begin() + long(2 * i));
    return layout;
}

// Each axis scaled so its largest magnitude is kInitialExtent, plus seeded noise.
void scaleAndJitter(Layout &layout, uint64_t seed)
{
    for (int axis = 0; axis < 2; ++axis) {
        float largest = 0;
        for (size_t i = size_t(axis); i < layout.size(); i += 2)
            largest = std::max(largest, std::abs(layout[i]));
        const float factor = largest > 0 ? kInitialExtent / largest : 1.0f;
        RandomStream random(seed, 0x1a1700 + uint64_t(axis));
        for (size_t i = size_t(axis); i < layout.size(); i += 2) {
            // Box–Muller: a normal draw from two uniform ones
            const double u = 1 - random.uniform(), v = random.uniform();
            const double noise = std::sqrt(-2 * std::log(u)) * std::cos(kTwoPi * v);
            layout[i] = layout[i] * factor + float(kInitialNoise * noise);
        }
    }
}

// make_epochs_per_sample and the SGD's per-edge schedule.
struct Schedule {
    std::vector<double> perSample, perNegative, nextSample, nextNegative;
    std::vector<uint8_t> sampled;  // whether the edge was sampled this epoch

    Schedule(const std::vector<float> &weights, int epochs, int negativeSamples)
    {
        const double strongest = weights.empty() ? 1.0 : *std::max_element(weights.begin(), weights.end());
        for (float w : weights) {
            const double samples = epochs * (w / strongest);
            perSample.push_back(epochs / samples);
            perNegative.push_back(negativeSamples > 0 ? perSample.back() / negativeSamples : 0.0);
        }
        nextSample = perSample;
        nextNegative = perNegative;
        sampled.assign(weights.size(), 0);
    }
};

float clipped(float gradient)
{
    return std::clamp(gradient, -kGradientClip, kGradientClip);
}

// One attractive step of `point` towards `other`.
void attract(float *point, const float *other, const Curve &curve, float alpha)
{
    const float dx = point[0] - other[0], dy = point[1] - other[1];
    const float d2 = dx * dx + dy * dy;
    if (d2 <= 0)
        return;
    const float d2b = std::pow(d2, curve.b);
    const float coefficient = -2 * curve.a * curve.b * (d2b / d2) / (curve.a * d2b + 1);
    point[0] += clipped(coefficient * dx) * alpha;
    point[1] += clipped(coefficient * dy) * alpha;
}

// One repulsive step of `point` away from a negative sample.
void repel(float *point, const float *other, const Curve &curve, float alpha)
{
    const float dx = point[0] - other[0], dy = point[1] - other[1];
    const float d2 = dx * dx + dy * dy;
    if (d2 <= 0)
        return;
    const float coefficient = 2 * curve.b / ((0.001f + d2) * (curve.a * std::pow(d2, curve.b) + 1));
    point[0] += clipped(coefficient * dx) * alpha;
    point[1] += clipped(coefficient * dy) * alpha;
}

struct Optimiser {
    const Graph &graph;
    const std::vector<size_t> &reverse;
    Schedule schedule;
    Curve curve;
    uint64_t seed;
    int threads;
    Layout &layout;
    Layout before;  // the layout as it was when the current pass began

    // Point v as the head of its edges due this epoch: pulled towards each
    // tail, pushed from negative samples drawn from the edge's own stream.
    void moveHead(size_t v, int epoch, float alpha)
    {
        float *point = layout.data() + 2 * v;
        for (size_t e = graph.rowStart[v]; e < graph.rowStart[v + 1]; ++e) {
            schedule.sampled[e] = schedule.nextSample[e] <= epoch;
            if (!schedule.sampled[e])
                continue;
            attract(point, before.data() + 2 * size_t(graph.columns[e]), curve, alpha);
            schedule.nextSample[e] += schedule.perSample[e];
            if (schedule.perNegative[e] <= 0)
                continue;
            const int negatives = int((epoch - schedule.nextNegative[e]) / schedule.perNegative[e]);
            RandomStream random(seed, (uint64_t(epoch) << 40) ^ e);
            for (int s = 0; s < negatives; ++s) {
                const size_t other = random.below(graph.rows());
                if (other != v)
                    repel(point, before.data() + 2 * other, curve, alpha);
            }
            schedule.nextNegative[e] += negatives * schedule.perNegative[e];
        }
    }

    // umap-learn's move_other: point v as the tail of the edges sampled this epoch.
    void moveTail(size_t v, float alpha)
    {
        float *point = layout.data() + 2 * v;
        for (size_t e = graph.rowStart[v]; e < graph.rowStart[v + 1]; ++e)
            if (schedule.sampled[reverse[e]])
                attract(point, before.data() + 2 * size_t(graph.columns[e]), curve, alpha);
    }

    // umap-learn updates points in place from many threads at once (Hogwild),
    // so its runs differ. Here every point moves only in its own thread and
    // reads the others as they were when the pass began; the tails' move_other
    // steps come in a second pass, after the heads', each recomputed from the
    // tail's current position (adding up the heads' stale pulls at once would
    // overshoot). The result depends only on the seed, not on the thread count
    // or scheduling, and both passes run in parallel.
    void optimiseEpoch(int epoch, int epochs, float initialAlpha)
    {
        const float alpha = initialAlpha * (1.0f - float(epoch) / float(epochs));
        const auto pass = [&](const std::function<void(size_t)> &move) {
            before = layout;
            parallelBlocks(graph.rows(), threads, [&](size_t begin, size_t end) {
                for (size_t v = begin; v < end; ++v)
                    move(v);
            });
        };
        pass([&](size_t v) { moveHead(v, epoch, alpha); });
        pass([&](size_t v) { moveTail(v, alpha); });
    }
};

bool report(const IterationObserver &observer, int epoch, int epochs, const Layout &layout)
{
    return !observer || observer({epoch, epochs, QStringLiteral("layout"), &layout});
}

Status optimise(Layout &layout, const Graph &graph, int epochs, const UmapOptions &options,
                const IterationObserver &observer)
{
    const std::vector<size_t> reverse = reverseEdges(graph);
    Optimiser optimiser{graph, reverse, Schedule(graph.weights, epochs, options.negativeSamples),
                        fitCurve(options.minDistance, options.spread), options.seed, options.threads, layout, {}};
    if (!report(observer, 0, epochs, layout))
        return Error::cancelled();
    for (int epoch = 0; epoch < epochs; ++epoch) {
        optimiser.optimiseEpoch(epoch, epochs, float(options.learningRate));
        const bool due = epoch + 1 == epochs || (options.reportEvery > 0 && (epoch + 1) % options.reportEvery == 0);
        if (due && !report(observer, epoch + 1, epochs, layout))
            return Error::cancelled();
    }
    return {};
}

} // namespace

Expected<Layout> umap(const Matrix &points, const UmapOptions &options, const IterationObserver &observer)
{
    if (Status valid = checkOptions(options); !valid)
        return valid.error();
    if (Status valid = validateMatrix(points, 1); !valid)
        return valid.error();
    if (points.rows < size_t(options.neighbours) + 1)
        return Error::usage(QStringLiteral("UMAP with %1 neighbours needs at least %2 points; this set has %3 — lower --neighbours")
                                .arg(options.neighbours).arg(options.neighbours + 1).arg(points.rows));
    auto fuzzy = fuzzyGraph(points, options, observer);
    if (!fuzzy)
        return fuzzy.error();
    const int epochs = options.epochs > 0 ? options.epochs : defaultEpochs(points.rows);
    // umap-learn prunes by the default epoch count when asked for very few.
    const Graph graph = pruned(*fuzzy, epochs > 10 ? epochs : defaultEpochs(points.rows));
    auto layout = options.spectralInit ? Expected<Layout>(spectralLayout(graph, options.seed)) : pcaLayout(points);
    if (!layout)
        return layout.error();
    scaleAndJitter(*layout, options.seed);
    if (Status done = optimise(*layout, graph, epochs, options, observer); !done)
        return done.error();
    return std::move(*layout);
}

} // namespace tandem::explain
