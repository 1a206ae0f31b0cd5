// Barnes-Hut t-SNE (explain/projection.h): well-separated clusters stay apart
// in the layout, a seed gives the same layout on any thread count, the KL
// divergence falls as the layout forms and comes near the exact gradient's, bad
// options are refused, and the observer sees each stage and can cancel. The FFT
// repulsion used for large sets (explain/fftrepulsion.h) agrees with the exact
// sums and does not depend on the thread count.
#include "explain/fftrepulsion.h"
#include "explain/projection.h"

#include <QTest>
#include <cmath>
#include <random>

using namespace tandem;

namespace {

struct Clusters {
    explain::Matrix points;
    std::vector<int> labels;
};

// `count` Gaussian clusters (sd 1) of `size` points each, centres drawn with sd 10.
Clusters clusters(int count, int size, int dimension, uint64_t seed)
{
    std::mt19937_64 random(seed);
    std::normal_distribution<float> normal;
    Clusters c{{size_t(count * size), dimension, {}}, {}};
    std::vector<float> centre(static_cast<size_t>(dimension));
    for (int label = 0; label < count; ++label) {
        for (float &v : centre)
            v = 10 * normal(random);
        for (int i = 0; i < size; ++i) {
            for (float v : centre)
                c.points.values.push_back(v + normal(random));
            c.labels.push_back(label);
        }
    }
    return c;
}

// The exact repulsion sum_j (y_i - y_j) / (1 + d^2)^2 and Z, every pair.
double exactRepulsion(const std::vector<double> &y, std::vector<double> &repulsion)
{
    const size_t n = y.size() / 2;
    repulsion.assign(y.size(), 0);
    double z = 0;
    for (size_t i = 0; i < n; ++i)
        for (size_t j = 0; j < n; ++j) {
            const double dx = y[2 * i] - y[2 * j], dy = y[2 * i + 1] - y[2 * j + 1];
            const double q = i == j ? 0 : 1 / (1 + dx * dx + dy * dy);
            z += q;
            repulsion[2 * i] += q * q * dx;
            repulsion[2 * i + 1] += q * q * dy;
        }
    return z;
}

double relativeError(const std::vector<double> &approximate, const std::vector<double> &exact)
{
    double error = 0, norm = 0;
    for (size_t c = 0; c < exact.size(); ++c) {
        error += (approximate[c] - exact[c]) * (approximate[c] - exact[c]);
        norm += exact[c] * exact[c];
    }
    return std::sqrt(error / norm);
}

explain::TsneOptions quickOptions()
{
    explain::TsneOptions options;
    options.iterations = 500;
    return options;
}

} // namespace

class TestTsne : public QObject {
    Q_OBJECT
private slots:
    void keepsClustersApart();
    void sameSeedSameLayoutOnAnyThreadCount();
    void divergenceFallsAndMatchesExact();
    void refusesBadOptions();
    void observerSeesStagesAndCancels();
    void fftRepulsionAgreesWithExact();
};

void TestTsne::keepsClustersApart()
{
    const Clusters data = clusters(5, 200, 20, 7);
    const auto layout = explain::tsne(data.points, quickOptions());
    QVERIFY(layout.ok());
    QCOMPARE(layout->size(), 2 * data.points.rows);
    QVERIFY(explain::knnAccuracy(*layout, data.labels, 10) >= 0.95);
}

void TestTsne::sameSeedSameLayoutOnAnyThreadCount()
{
    const Clusters data = clusters(4, 100, 10, 3);
    explain::TsneOptions options = quickOptions();
    options.pcaInit = false; // the seeded Gaussian start
    options.threads = 1;
    const auto one = explain::tsne(data.points, options);
    options.threads = 3;
    const auto three = explain::tsne(data.points, options);
    QVERIFY(one.ok() && three.ok());
    QVERIFY(*one == *three);
    options.seed = 2;
    QVERIFY(*explain::tsne(data.points, options) != *one);
}

void TestTsne::divergenceFallsAndMatchesExact()
{
    const Clusters data = clusters(3, 100, 8, 11);
    explain::TsneOptions options = quickOptions();
    const auto barnesHut = explain::tsne(data.points, options);
    options.theta = 0; // every pair exactly
    const auto exact = explain::tsne(data.points, options);
    QVERIFY(barnesHut.ok() && exact.ok());
    std::mt19937_64 random(1);
    std::normal_distribution<float> normal;
    explain::Layout scattered(barnesHut->size());
    for (float &v : scattered)
        v = normal(random);
    const double start = explain::tsneKlDivergence(data.points, scattered, options.perplexity);
    const double approximate = explain::tsneKlDivergence(data.points, *barnesHut, options.perplexity);
    const double reference = explain::tsneKlDivergence(data.points, *exact, options.perplexity);
    QVERIFY(approximate > 0 && approximate < start / 2);
    QVERIFY(std::abs(approximate - reference) < 0.1 * reference); // different local minima, similar quality
    QVERIFY(std::isnan(explain::tsneKlDivergence(data.points, {1.f, 2.f}, options.perplexity)));
}

void TestTsne::refusesBadOptions()
{
    const Clusters data = clusters(2, 25, 4, 5);
    const auto fails = [&](const explain::TsneOptions &options) {
        const auto layout = explain::tsne(data.points, options);
        return layout.ok() ? std::optional<Error>() : layout.error();
    };
    explain::TsneOptions options;
    const auto tooFew = fails(options); // perplexity 30 needs 91 points; there are 50
    QVERIFY(tooFew && tooFew->kind == ErrorKind::Usage);
    QVERIFY(tooFew->message.contains(QStringLiteral("91")) && tooFew->message.contains(QStringLiteral("perplexity")));
    options.perplexity = 10;
    QVERIFY(!fails(options));
    for (auto spoil : {+[](explain::TsneOptions &o) { o.perplexity = 0; },
                       +[](explain::TsneOptions &o) { o.earlyIterations = o.iterations + 1; },
                       +[](explain::TsneOptions &o) { o.theta = -1; },
                       +[](explain::TsneOptions &o) { o.reportEvery = 0; }}) {
        explain::TsneOptions bad = options;
        spoil(bad);
        const auto error = fails(bad);
        QVERIFY(error && error->kind == ErrorKind::Usage);
    }
    explain::Matrix broken = data.points;
    broken.values[3] = std::nanf("");
    QCOMPARE(explain::tsne(broken, options).error().kind, ErrorKind::Input);
}

void TestTsne::observerSeesStagesAndCancels()
{
    const Clusters data = clusters(2, 50, 4, 9);
    explain::TsneOptions options;
    options.perplexity = 10;
    options.iterations = 100;
    options.earlyIterations = 50;
    QStringList stages;
    int last = 0;
    bool layoutsOnlyWhileIterating = true;
    const auto layout = explain::tsne(data.points, options, [&](const explain::IterationUpdate &update) {
        if (stages.isEmpty() || stages.back() != update.stage)
            stages << update.stage;
        layoutsOnlyWhileIterating &= (update.layout != nullptr) == (update.iteration > 0);
        last = update.iteration;
        return true;
    });
    QVERIFY(layout.ok());
    QCOMPARE(stages, QStringList({"neighbours", "affinities", "early exaggeration", "layout"}));
    QCOMPARE(last, options.iterations);
    QVERIFY(layoutsOnlyWhileIterating);
    const auto cancelled = explain::tsne(data.points, options, [](const explain::IterationUpdate &update) {
        return update.stage != QStringLiteral("early exaggeration");
    });
    QCOMPARE(cancelled.error().kind, ErrorKind::Cancelled);
}

void TestTsne::fftRepulsionAgreesWithExact()
{
    // Three clusters, as a layout looks midway: spread over about 60 units, so
    // the grid has more than the minimum 50 boxes.
    std::mt19937_64 random(4);
    std::normal_distribution<double> normal;
    std::vector<double> y(2 * 1500);
    for (size_t c = 0; c < y.size(); ++c)
        y[c] = 20.0 * double(c / 2 % 3) + 5 * normal(random);
    std::vector<double> exact, one, three;
    const double z = exactRepulsion(y, exact);
    explain::FftRepulsion onOne, onThree;
    const double zOne = onOne(y, 1, one);
    QVERIFY(std::abs(zOne - z) < 0.01 * z);
    QVERIFY(relativeError(one, exact) < 0.05);
    QVERIFY(onThree(y, 3, three) == zOne && three == one);
    // a layout still near its start (sd 1e-4): 50 boxes over a tiny square
    for (double &v : y)
        v *= 1e-5;
    exactRepulsion(y, exact);
    onOne(y, 2, one);
    QVERIFY(relativeError(one, exact) < 1e-3);
}

QTEST_GUILESS_MAIN(TestTsne)
#include "test_tsne.moc"
