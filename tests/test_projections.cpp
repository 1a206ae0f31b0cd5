// The embedding explorer's core: PCA against Eigen's SVD; the checks every
// projection makes (NaN, infinite, too few points); vectors read from CSV and
// .npy files; the nearest-neighbour graph, exact and HNSW; layouts stored with
// an embed run (and nothing stored on an error or a cancel); "more like this"
// and near-duplicate pairs.
#include "data/embeddingstore.h"
#include "data/projectstore.h"
#include "explain/neighbours.h"
#include "formats/vectorfile.h"
#include "jobs/projectionjobs.h"
#include "jobs/similarityjobs.h"
#include "testsupport.h"

#include <Eigen/Dense>
#include <QTest>
#include <cmath>
#include <random>

using namespace tandem;
using namespace tandem::test;
using explain::Matrix;

class TestProjections : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void pcaEqualsSvd();
    void badVectorsAreRefused();
    void vectorFilesReadCsvAndNpy();
    void approximateNeighboursAgreeWithExact();
    void layoutIsStoredWithTheRun();
    void errorsAndCancelStoreNothing();
    void similarImagesAndDuplicates();

private:
    qint64 storeClusters(int perCluster, bool duplicate);

    QTemporaryDir m_dir;
    QString m_project;
};

namespace {

// `clusters` Gaussian blobs of `per` points in `dimension` dimensions, seeded.
Matrix blobs(int clusters, int per, int dimension, float spread, std::vector<int> *labels = nullptr)
{
    std::mt19937 rng(3);
    std::normal_distribution<float> noise(0.0f, spread);
    Matrix m{size_t(clusters * per), dimension, {}};
    for (int c = 0; c < clusters; ++c)
        for (int i = 0; i < per; ++i) {
            for (int d = 0; d < dimension; ++d)
                m.values.push_back((d % clusters == c ? 4.0f : 0.0f) + noise(rng));
            if (labels)
                labels->push_back(c);
        }
    return m;
}

void normalise(std::vector<float> &values, int dimension)
{
    for (size_t row = 0; row < values.size(); row += size_t(dimension)) {
        float norm = 0;
        for (int d = 0; d < dimension; ++d)
            norm += values[row + size_t(d)] * values[row + size_t(d)];
        for (int d = 0; d < dimension; ++d)
            values[row + size_t(d)] /= std::sqrt(norm);
    }
}

} // namespace

void TestProjections::initTestCase()
{
    m_project = m_dir.filePath(QStringLiteral("p.tandem"));
    QCOMPARE(runCli({QStringLiteral("demo"), m_project, QStringLiteral("--images"), QStringLiteral("40"), QStringLiteral("--size"),
                     QStringLiteral("32"), QStringLiteral("-q")}).exitCode, 0);
}

// The project's images as an embed run: `perCluster` in each of 4 blobs (the rest
// left out); with `duplicate`, the second image's vector equals the first's.
qint64 TestProjections::storeClusters(int perCluster, bool duplicate)
{
    auto store = ProjectStore::open(m_project);
    SplitEmbeddings vectors;
    Matrix m = blobs(4, perCluster, 8, 0.3f);
    normalise(m.values, 8);
    if (duplicate)
        std::copy(m.row(0), m.row(0) + 8, m.values.begin() + 8);
    vectors.images.dimension = 8;
    vectors.images.values = m.values;
    for (size_t i = 0; i < m.rows; ++i)
        vectors.images.ids.push_back(qint64(i + 1));
    const QJsonObject config{{QStringLiteral("task"), QStringLiteral("retrieval")},
                             {QStringLiteral("checkpoint"), m_dir.filePath(QStringLiteral("x.ckpt"))}, {QStringLiteral("split"), QString()}};
    auto run = embeddings::saveRun(*store, QStringLiteral("blobs"), config, {}, vectors);
    return run ? *run : 0;
}

void TestProjections::pcaEqualsSvd()
{
    const Matrix m = blobs(3, 40, 6, 1.0f);
    auto layout = explain::pca(m);
    QVERIFY(layout);
    Eigen::MatrixXd x = Eigen::Map<const Eigen::Matrix<float, -1, -1, Eigen::RowMajor>>(m.values.data(), 120, 6).cast<double>();
    x.rowwise() -= x.colwise().mean();
    Eigen::JacobiSVD<Eigen::MatrixXd> svd(x, Eigen::ComputeThinU | Eigen::ComputeThinV);
    const Eigen::MatrixXd scores = svd.matrixU().leftCols(2) * svd.singularValues().head(2).asDiagonal();
    for (int c = 0; c < 2; ++c) {
        const double sign = scores(0, c) * (*layout)[size_t(c)] < 0 ? -1.0 : 1.0; // an SVD's signs are arbitrary
        for (int i = 0; i < 120; ++i)
            QVERIFY2(std::abs(sign * scores(i, c) - (*layout)[size_t(2 * i + c)]) < 1e-5 * std::max(1.0, std::abs(scores(i, c))),
                     qPrintable(QStringLiteral("row %1, component %2").arg(i).arg(c)));
    }
}

void TestProjections::badVectorsAreRefused()
{
    Matrix m = blobs(2, 10, 4, 1.0f);
    m.values[13] = std::nanf("");
    auto nan = explain::pca(m);
    QVERIFY(!nan);
    QVERIFY(nan.error().message.contains(QStringLiteral("vector 4 has a NaN value (column 2)")));
    m.values[13] = INFINITY;
    QVERIFY(explain::pca(m).error().message.contains(QStringLiteral("infinite")));
    const Matrix few = blobs(2, 10, 4, 1.0f); // 20 points
    auto tsne = explain::tsne(few, explain::TsneOptions{});
    QVERIFY(!tsne);
    QVERIFY2(tsne.error().message.contains(QStringLiteral("perplexity")), qPrintable(tsne.error().message));
    explain::UmapOptions umapOptions;
    umapOptions.neighbours = 30;
    auto umap = explain::umap(few, umapOptions);
    QVERIFY(!umap);
    QVERIFY2(umap.error().message.contains(QStringLiteral("neighbours")), qPrintable(umap.error().message));
}

void TestProjections::vectorFilesReadCsvAndNpy()
{
    const QString csv = m_dir.filePath(QStringLiteral("v.csv"));
    writeFile(csv, "name,a,b\ncat,1,2\n\"dog, big\",3,4.5\n");
    auto read = readVectorFile(csv);
    QVERIFY(read);
    QCOMPARE(read->vectors.rows, size_t(2));
    QCOMPARE(read->vectors.values, (std::vector<float>{1, 2, 3, 4.5f}));
    QCOMPARE(read->names, (QStringList{QStringLiteral("cat"), QStringLiteral("dog, big")}));

    writeFile(csv, "1,2,3\n4,5\n");
    auto mixed = readVectorFile(csv);
    QVERIFY(!mixed);
    QCOMPARE(mixed.error().line, 2);
    QVERIFY(mixed.error().message.contains(QStringLiteral("2 values; the rows before have 3")));
    writeFile(csv, "1,2\n3,x\n");
    QCOMPARE(readVectorFile(csv).error().line, 2);

    // A float64 .npy of 2 x 3, as numpy.save writes it (version 1.0, header padded to 64 bytes).
    QByteArray header = "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }";
    header = header.leftJustified(64 - 10 - 1, ' ') + '\n';
    QByteArray npy = QByteArray("\x93NUMPY\x01\x00", 8);
    npy.append(char(header.size() & 0xff)).append(char(header.size() >> 8)).append(header);
    for (double v : {1.0, 2.0, 3.0, 4.0, 5.0, 6.5})
        npy.append(reinterpret_cast<const char *>(&v), 8);
    const QString npyPath = m_dir.filePath(QStringLiteral("v.npy"));
    writeFile(npyPath, npy);
    auto array = readVectorFile(npyPath);
    QVERIFY2(array, array ? "" : qPrintable(array.error().message));
    QCOMPARE(array->vectors.dimension, 3);
    QCOMPARE(array->vectors.values, (std::vector<float>{1, 2, 3, 4, 5, 6.5f}));
    writeFile(npyPath, npy.left(npy.size() - 8));
    QVERIFY(readVectorFile(npyPath).error().message.contains(QStringLiteral("ends before")));
}

void TestProjections::approximateNeighboursAgreeWithExact()
{
    const Matrix m = blobs(5, 400, 16, 1.0f);
    auto exact = explain::nearestNeighbours(m, 10);
    explain::NeighbourOptions hnsw;
    hnsw.exactLimit = 100;
    auto approximate = explain::nearestNeighbours(m, 10, hnsw);
    QVERIFY(exact && approximate);
    size_t found = 0;
    for (size_t i = 0; i < m.rows; ++i)
        for (int j = 0; j < 10; ++j)
            for (int k = 0; k < 10; ++k)
                found += exact->indices[i * 10 + size_t(j)] == approximate->indices[i * 10 + size_t(k)];
    QVERIFY2(double(found) / double(m.rows * 10) >= 0.95, qPrintable(QString::number(double(found) / double(m.rows * 10))));
    QCOMPARE(exact->indices[0] == 0, false); // never the point itself
}

void TestProjections::layoutIsStoredWithTheRun()
{
    const qint64 run = storeClusters(10, false);
    QVERIFY(run > 0);
    ProjectionRequest request{m_project, run, EmbeddedItems::Images, {}};
    auto projection = projectRun(request);
    QVERIFY2(projection, projection ? "" : qPrintable(projection.error().message));
    QCOMPARE(projection->imageIds.size(), size_t(40));
    auto opened = openProjection(m_project, run, QStringLiteral("pca"));
    QVERIFY(opened && *opened);
    QCOMPARE((*opened)->projection.layout, projection->layout);
    QCOMPARE((*opened)->items.size(), size_t(40));
    QCOMPARE((*opened)->items.front().imageId, qint64(1));
    QCOMPARE(projectionCsv(projection.value()).count(QLatin1Char('\n')), 41);
    QVERIFY(!openProjection(m_project, run, QStringLiteral("umap")).value().has_value());
}

void TestProjections::errorsAndCancelStoreNothing()
{
    const qint64 run = storeClusters(10, false);
    // Not an embed run.
    auto store = ProjectStore::open(m_project);
    auto train = runs::create(*store, RunKind::Train, QStringLiteral("t"), {{QStringLiteral("task"), QStringLiteral("vqa")}});
    auto notEmbed = projectRun({m_project, *train, EmbeddedItems::Both, {}});
    QVERIFY(!notEmbed);
    QVERIFY(notEmbed.error().message.contains(QStringLiteral("not an embed run")));
    // No captions in this run.
    QVERIFY(projectRun({m_project, run, EmbeddedItems::Captions, {}}).error().message.contains(QStringLiteral("no captions")));
    // Cancelled at the first report: nothing stored.
    ProjectionSettings tsne;
    tsne.method = explain::ProjectionMethod::Tsne;
    tsne.tsne.perplexity = 5;
    auto cancelled = projectRun({m_project, run, EmbeddedItems::Images, tsne}, [](const explain::IterationUpdate &) { return false; });
    QVERIFY(!cancelled);
    QCOMPARE(cancelled.error().kind, ErrorKind::Cancelled);
    QVERIFY(!openProjection(m_project, run, QStringLiteral("tsne")).value().has_value());
}

void TestProjections::similarImagesAndDuplicates()
{
    const qint64 run = storeClusters(10, true);
    auto pairs = nearDuplicates(m_project, run, 0.999, 10);
    QVERIFY(pairs);
    QCOMPARE(pairs->size(), size_t(1));
    QCOMPARE(pairs->front().first.imageId, qint64(1));
    QCOMPARE(pairs->front().second.imageId, qint64(2));
    auto similar = similarImages(m_project, run, QStringLiteral("1"), 5);
    QVERIFY(similar);
    QCOMPARE(similar->size(), size_t(5));
    QCOMPARE(similar->front().imageId, qint64(2)); // its duplicate
    for (const SimilarImage &image : *similar)
        QVERIFY(image.imageId <= 10); // all from its own cluster (images 1-10)
    QVERIFY(!similarImages(m_project, run, QStringLiteral("no-such-image"), 5));
}

QTEST_GUILESS_MAIN(TestProjections)
#include "test_projections.moc"
