// UMAP (explain/projection.h): well-separated clusters stay apart in the
// layout, one seed gives one layout whatever the thread count, the observer
// sees each stage and can cancel, and bad input or options give errors.
#include "explain/projection.h"

#include <QTest>

#include <algorithm>
#include <cmath>
#include <random>

using namespace tandem;
using namespace tandem::explain;

namespace {

// `clusters` Gaussian blobs of `each` points in `dimension` dimensions, centres far apart.
Matrix blobs(int clusters, int each, int dimension, std::vector<int> *labels = nullptr)
{
    std::mt19937 random(7);
    std::normal_distribution<float> normal;
    std::vector<std::vector<float>> centres(size_t(clusters), std::vector<float>(size_t(dimension), 0.0f));
    for (auto &centre : centres)
        for (float &x : centre)
            x = 10 * normal(random);
    Matrix points{size_t(clusters * each), dimension, {}};
    for (int i = 0; i < clusters * each; ++i) {
        for (float x : centres[size_t(i % clusters)])
            points.values.push_back(x + normal(random));
        if (labels)
            labels->push_back(i % clusters);
    }
    return points;
}

UmapOptions quick(int threads = 1)
{
    UmapOptions options;
    options.epochs = 200;
    options.threads = threads;
    return options;
}

} // namespace

class TestUmap : public QObject {
    Q_OBJECT
private slots:
    void separatesClusters();
    void spectralInitSeparatesClusters();
    void sameSeedSameLayout();
    void observerSeesStagesAndCancels();
    void degenerateInputStaysFinite();
    void tooFewPointsIsAnError();
    void badOptionsAreErrors();
};

void TestUmap::separatesClusters()
{
    std::vector<int> labels;
    const Matrix points = blobs(5, 200, 20, &labels);
    const auto layout = umap(points, quick());
    QVERIFY2(layout.ok(), qPrintable(layout.ok() ? QString() : layout.error().message));
    QCOMPARE(layout->size(), points.rows * 2);
    QVERIFY(std::all_of(layout->begin(), layout->end(), [](float x) { return std::isfinite(x); }));
    QVERIFY(knnAccuracy(*layout, labels, 10) >= 0.95);
}

void TestUmap::spectralInitSeparatesClusters()
{
    std::vector<int> labels;
    const Matrix points = blobs(3, 100, 10, &labels);
    UmapOptions options = quick();
    options.spectralInit = true;
    const auto layout = umap(points, options);
    QVERIFY(layout.ok());
    QVERIFY(knnAccuracy(*layout, labels, 10) >= 0.95);
}

void TestUmap::sameSeedSameLayout()
{
    const Matrix points = blobs(3, 100, 10);
    UmapOptions options = quick();
    options.epochs = 50;
    const auto first = umap(points, options);
    const auto again = umap(points, options);
    QVERIFY(first.ok() && again.ok());
    QVERIFY(*first == *again);
    // Each point moves only in its own thread, so the thread count changes nothing.
    options.threads = 3;
    QVERIFY(*umap(points, options) == *first);
    options.seed = 2;
    QVERIFY(*umap(points, options) != *first);
}

void TestUmap::observerSeesStagesAndCancels()
{
    const Matrix points = blobs(2, 30, 5);
    UmapOptions options = quick();
    options.epochs = 30;
    QStringList stages;
    int lastEpoch = -1;
    const auto layout = umap(points, options, [&](const IterationUpdate &update) {
        if (!stages.contains(update.stage))
            stages << update.stage;
        if (update.layout)
            lastEpoch = update.iteration;
        return true;
    });
    QVERIFY(layout.ok());
    QVERIFY(stages.contains("affinities"));
    QCOMPARE(stages.last(), QStringLiteral("layout"));
    QCOMPARE(lastEpoch, 30);
    const auto cancelled = umap(points, options, [](const IterationUpdate &update) { return update.iteration < 10; });
    QVERIFY(!cancelled.ok());
    QCOMPARE(cancelled.error().kind, ErrorKind::Cancelled);
}

void TestUmap::degenerateInputStaysFinite()
{
    const auto finite = [](const Expected<Layout> &layout) {
        return layout.ok() && std::all_of(layout->begin(), layout->end(), [](float x) { return std::isfinite(x); });
    };
    UmapOptions options = quick();
    options.epochs = 50;
    QVERIFY(finite(umap(Matrix{40, 3, std::vector<float>(120, 1.5f)}, options)));  // all the same point
    QVERIFY(finite(umap(blobs(2, 20, 1), options)));                                 // one dimension
    options.neighbours = 39;
    QVERIFY(finite(umap(blobs(2, 20, 4), options)));                                 // every other point a neighbour
}

void TestUmap::tooFewPointsIsAnError()
{
    const auto few = umap(blobs(1, 9, 4), UmapOptions{});
    QVERIFY(!few.ok());
    QCOMPARE(few.error().kind, ErrorKind::Usage);
    QVERIFY(few.error().message.contains("16 points"));
    QVERIFY(!umap(Matrix{}, UmapOptions{}).ok());
    Matrix broken = blobs(2, 20, 4);
    broken.values[5] = std::nanf("");
    QVERIFY(!umap(broken, quick()).ok());
}

void TestUmap::badOptionsAreErrors()
{
    const Matrix points = blobs(2, 20, 4);
    const auto rejects = [&](auto change) {
        UmapOptions options = quick();
        change(options);
        const auto layout = umap(points, options);
        return !layout.ok() && layout.error().kind == ErrorKind::Usage;
    };
    QVERIFY(rejects([](UmapOptions &o) { o.neighbours = 1; }));
    QVERIFY(rejects([](UmapOptions &o) { o.minDistance = -0.1; }));
    QVERIFY(rejects([](UmapOptions &o) { o.minDistance = 2; }));
    QVERIFY(rejects([](UmapOptions &o) { o.spread = 0; }));
    QVERIFY(rejects([](UmapOptions &o) { o.epochs = -1; }));
    QVERIFY(rejects([](UmapOptions &o) { o.learningRate = 0; }));
    QVERIFY(rejects([](UmapOptions &o) { o.negativeSamples = -1; }));
}

QTEST_GUILESS_MAIN(TestUmap)
#include "test_umap.moc"
