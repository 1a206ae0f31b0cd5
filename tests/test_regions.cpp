// Regions: the demo generator records one box per object, exactly where the
// object is drawn; the import writes them in its transaction (all or nothing);
// loadRegions reads them back.
#include "data/projectstore.h"
#include "data/regions.h"
#include "demo/sortofclevr.h"
#include "testsupport.h"

#include <QImage>
#include <QTest>
#include <atomic>

using namespace tandem;

class TestRegions : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void demoWritesOneRegionPerObject();
    void regionBoxesHoldTheirObjectsPixels();
    void importStoresRegions();
    void unknownImageHasNoRegions();
    void cancelledImportStoresNoRegions();
    void regionOfMissingImageIsRefused();

private:
    ProjectStore createStore();

    QTemporaryDir m_dir;
    QString m_media;
    DemoOptions m_options;
    Dataset m_dataset;
};

void TestRegions::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_media = m_dir.filePath(QStringLiteral("media"));
    m_options.images = 6;
    m_options.imageSize = 64;
    m_options.questionsPerImage = 4;
    m_options.seed = 3;
    auto dataset = generateDemo(m_options, m_media);
    QVERIFY2(dataset, qPrintable(dataset ? QString() : dataset.error().toString()));
    m_dataset = std::move(dataset).value();
}

ProjectStore TestRegions::createStore()
{
    static int n = 0;
    auto store = ProjectStore::create(m_dir.filePath(QStringLiteral("p%1.tandem").arg(++n)));
    if (!store)
        qFatal("%s", qPrintable(store.error().toString()));
    return std::move(store.value());
}

void TestRegions::demoWritesOneRegionPerObject()
{
    QCOMPARE(int(m_dataset.regions.size()), m_options.images * kDemoColors);
    for (int i = 0; i < m_options.images; ++i) {
        const DemoScene scene = generateDemoSample(m_options, i).scene;
        for (const DemoObject &o : scene.objects) {
            const DatasetRegion &r = m_dataset.regions[size_t(i * kDemoColors + o.color)];
            QCOMPARE(r.image, size_t(i));
            QCOMPARE(r.label, std::string(demoColorName(o.color)) + ' ' + demoShapeName(o.shape));
            // objectSize pixels across, centred on the object's centre pixel.
            QCOMPARE(r.width, double(scene.objectSize));
            QCOMPARE(r.height, double(scene.objectSize));
            QCOMPARE(r.x + r.width / 2, o.x + 0.5);
            QCOMPARE(r.y + r.height / 2, o.y + 0.5);
        }
    }
}

// Every pixel of exactly an object's colour lies in its box, and the box is no
// bigger than the drawn object (its exact-colour pixels reach two opposite sides).
void TestRegions::regionBoxesHoldTheirObjectsPixels()
{
    for (int i = 0; i < m_options.images; ++i) {
        const QImage image(m_media + QLatin1Char('/') + demoImageName(i));
        QVERIFY(!image.isNull());
        for (int c = 0; c < kDemoColors; ++c) {
            const DatasetRegion &r = m_dataset.regions[size_t(i * kDemoColors + c)];
            const auto rgb = demoColorRgb(c);
            const QRgb color = qRgb(rgb[0], rgb[1], rgb[2]);
            const QRectF box(r.x, r.y, r.width, r.height);
            QRectF covered;
            for (int y = 0; y < image.height(); ++y)
                for (int x = 0; x < image.width(); ++x)
                    if ((image.pixel(x, y) & 0xffffff) == (color & 0xffffff)) {
                        QVERIFY2(box.contains(QPointF(x + 0.5, y + 0.5)), qPrintable(QStringLiteral("image %1 colour %2").arg(i).arg(c)));
                        covered |= QRectF(x, y, 1, 1);
                    }
            QVERIFY(covered.width() >= r.width - 2 && covered.height() >= r.height - 2);
        }
    }
}

void TestRegions::importStoresRegions()
{
    ProjectStore store = createStore();
    QVERIFY(store.importDataset(m_dataset, m_media));
    auto ids = store.database().prepare("SELECT id FROM images ORDER BY id");
    QVERIFY(ids);
    size_t image = 0;
    while (ids->step()) {
        const qint64 id = ids->int64(0);
        auto regions = loadRegions(store, id);
        QVERIFY2(regions, qPrintable(regions ? QString() : regions.error().toString()));
        QCOMPARE(int(regions->size()), kDemoColors);
        for (int c = 0; c < kDemoColors; ++c) {
            const DatasetRegion &expected = m_dataset.regions[image * kDemoColors + size_t(c)];
            const RegionRecord &got = (*regions)[size_t(c)];
            QVERIFY(got.id > 0);
            QCOMPARE(got.box, QRectF(expected.x, expected.y, expected.width, expected.height));
            QCOMPARE(got.label, QString::fromStdString(expected.label));
        }
        auto frame = regionFrame(store, id);
        QVERIFY(frame);
        QCOMPARE(*frame, QSize(m_options.imageSize, m_options.imageSize));
        ++image;
    }
    QCOMPARE(int(image), m_options.images);
}

void TestRegions::unknownImageHasNoRegions()
{
    ProjectStore store = createStore();
    auto regions = loadRegions(store, 12345);
    QVERIFY(regions);
    QVERIFY(regions->empty());
    auto frame = regionFrame(store, 12345);
    QVERIFY(!frame);
    QCOMPARE(frame.error().kind, ErrorKind::Usage);
}

// Cancelled while the regions are written (they come last): the import
// rolls back, regions and images alike.
void TestRegions::cancelledImportStoresNoRegions()
{
    ProjectStore store = createStore();
    Dataset many = m_dataset;
    for (int i = 0; i < 20000; ++i)
        many.regions.push_back({size_t(i % m_options.images), 1, 2, 3, 4, "extra"});
    const qint64 beforeRegions = qint64(m_dataset.images.size() + m_dataset.captions.size() + m_dataset.questions.size());
    std::atomic_bool cancel{false};
    Progress progress([&](qint64 done, qint64, const QString &) {
        if (done > beforeRegions + 4096)
            cancel = true;
    }, &cancel);
    auto report = store.importDataset(many, m_media, progress);
    QVERIFY(!report);
    QCOMPARE(report.error().kind, ErrorKind::Cancelled);
    QCOMPARE(*store.database().scalar("SELECT count(*) FROM regions"), 0);
    QCOMPARE(*store.database().scalar("SELECT count(*) FROM images"), 0);
}

void TestRegions::regionOfMissingImageIsRefused()
{
    ProjectStore store = createStore();
    Dataset bad = m_dataset;
    bad.regions.push_back({bad.images.size(), 0, 0, 1, 1, "nowhere"});
    auto report = store.importDataset(bad, m_media);
    QVERIFY(!report);
    QCOMPARE(*store.database().scalar("SELECT count(*) FROM regions"), 0);
    QCOMPARE(*store.database().scalar("SELECT count(*) FROM images"), 0);
}

QTEST_GUILESS_MAIN(TestRegions)
#include "test_regions.moc"
