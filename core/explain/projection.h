#pragma once
// Two-dimensional layouts of high-dimensional vectors (embeddings): PCA, t-SNE
// and UMAP. Plain C++ with Eigen; no widgets, no LibTorch. Each method takes a
// row-major matrix, checks it (one length, finite values, enough points) and
// returns n x 2 coordinates; t-SNE and UMAP call `observer` as they iterate so
// a view can redraw the layout and a user can cancel.
#include "util/expected.h"

#include <QString>
#include <cstdint>
#include <functional>
#include <vector>

namespace tandem::explain {

// n rows of `dimension` floats, row-major.
struct Matrix {
    size_t rows = 0;
    int dimension = 0;
    std::vector<float> values;
    const float *row(size_t i) const { return values.data() + i * size_t(dimension); }
};

// n x 2, row-major: x0 y0 x1 y1 ...
using Layout = std::vector<float>;

// Called every few iterations with the layout so far; return false to cancel
// (the method then returns Error::cancelled()). `stage` names the phase
// ("neighbours", "affinities", "early exaggeration", "layout").
struct IterationUpdate {
    int iteration = 0;
    int iterations = 0;
    QString stage;
    const Layout *layout = nullptr; // null before the first layout exists
};
using IterationObserver = std::function<bool(const IterationUpdate &)>;

enum class ProjectionMethod { Pca, Tsne, Umap };
QString projectionMethodName(ProjectionMethod method); // "pca", "tsne", "umap"
std::optional<ProjectionMethod> parseProjectionMethod(const QString &name);

struct PcaOptions {
    bool center = true;
};

struct TsneOptions {
    double perplexity = 30.0;
    double earlyExaggeration = 12.0;
    int earlyIterations = 250;   // of `iterations`, with exaggeration and momentum 0.5
    int iterations = 1000;       // in all
    double learningRate = 0;     // 0 = auto: max(n / earlyExaggeration / 4, 50), as scikit-learn
    double theta = 0.5;          // Barnes-Hut accuracy (0 = exact)
    bool pcaInit = true;         // else a seeded Gaussian with sd 1e-4
    uint64_t seed = 1;
    int threads = 0;             // 0 = every core
    int reportEvery = 25;        // iterations between observer calls
};

struct UmapOptions {
    int neighbours = 15;
    double minDistance = 0.1;
    double spread = 1.0;
    int epochs = 0;              // 0 = auto: 500 below 10,000 points, else 200 (as umap-learn)
    double learningRate = 1.0;
    int negativeSamples = 5;
    bool spectralInit = false;   // else PCA initialisation, scaled to [-10, 10]
    uint64_t seed = 1;
    int threads = 0;             // 0 = every core
    int reportEvery = 10;        // epochs between observer calls
};

// The checks every method makes: a clear message for mixed lengths, NaN or
// infinite values, too few points.
Status validateMatrix(const Matrix &points, size_t minimumRows);

// The first two principal components: the projections onto the top right
// singular vectors of the (centred) matrix, signs fixed so each component's
// largest-magnitude loading is positive (so runs compare exactly).
Expected<Layout> pca(const Matrix &points, const PcaOptions &options = {});
// Top `components` principal components, n x components row-major; used to
// initialise t-SNE and UMAP, and to reduce dimensions before the kNN search.
Expected<std::vector<float>> pcaComponents(const Matrix &points, int components, bool center = true);

Expected<Layout> tsne(const Matrix &points, const TsneOptions &options, const IterationObserver &observer = {});
// The KL divergence of the layout's Student-t affinities from the input's
// perplexity-calibrated ones (exact, O(n^2): for benchmarks and tests).
double tsneKlDivergence(const Matrix &points, const Layout &layout, double perplexity);

Expected<Layout> umap(const Matrix &points, const UmapOptions &options, const IterationObserver &observer = {});

// Fraction of each point's k nearest neighbours in the layout (Euclidean,
// brute force) that share its label: how well a layout keeps classes apart.
double knnAccuracy(const Layout &layout, const std::vector<int> &labels, int k);

} // namespace tandem::explain
