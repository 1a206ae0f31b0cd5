#include "data/projectstore.h"
#include "data/schema.h"
#include "testsupport.h"

#include <QImage>
#include <QTest>

using namespace tandem;

class TestStore : public QObject {
    Q_OBJECT
private slots:
    void init();
    void createRefusesExistingFile();
    void openRefusesNonProject();
    void refusesNewerSchema();
    void importCountsAndFlags();
    void reimportUpdatesInsteadOfDuplicating();
    void loadDatasetRoundTrip();
    void loadDatasetFilters();
    void searchFindsEveryKind();
    void searchSurvivesBadSyntax();
    void cancelledImportChangesNothing();
    void fullDiskKeepsWhatWasStored();
    void checkImagesUpdatesFlags();

private:
    Dataset sampleDataset();
    ProjectStore createStore();
    QTemporaryDir m_dir;
    QString m_media;
};

void TestStore::init()
{
    QVERIFY(m_dir.isValid());
    m_media = m_dir.filePath(QStringLiteral("media"));
    QDir().mkpath(m_media);
    QImage image(20, 10, QImage::Format_RGB32);
    image.fill(Qt::red);
    QVERIFY(image.save(m_media + QStringLiteral("/good.png")));
    test::writeFile(m_media + QStringLiteral("/empty.jpg"), {});
    const QByteArray png = test::readFile(m_media + QStringLiteral("/good.png"));
    test::writeFile(m_media + QStringLiteral("/cut.png"), png.left(png.size() / 2));
    test::writeFile(m_media + QStringLiteral("/text.jpg"), "this is not an image");
}

Dataset TestStore::sampleDataset()
{
    Dataset d;
    const char *names[] = {"good.png", "missing.jpg", "empty.jpg", "cut.png", "text.jpg", "../outside.jpg"};
    for (const char *name : names) {
        DatasetImage image;
        image.name = name;
        image.split = image.name == "good.png" ? "train" : "val";
        d.images.push_back(image);
    }
    d.images[0].tags = {"red", "tiny"};
    d.images[0].extId = "42";
    d.captions = {{0, "a red rectangle on its own", "1"}, {0, "nothing but red", "2"}, {1, "a missing zebra", ""}};
    DatasetQuestion q;
    q.image = 0;
    q.text = "what color is the rectangle?";
    q.extId = "420";
    q.questionType = "what color is the";
    q.answerType = "other";
    q.multipleChoiceAnswer = "red";
    for (int i = 0; i < 10; ++i)
        q.answers.push_back({i < 9 ? "red" : "crimson", "yes"});
    d.questions.push_back(q);
    return d;
}

ProjectStore TestStore::createStore()
{
    static int n = 0;
    auto store = ProjectStore::create(m_dir.filePath(QStringLiteral("p%1.tandem").arg(++n)));
    if (!store)
        qFatal("%s", qPrintable(store.error().toString()));
    return std::move(store.value());
}

void TestStore::createRefusesExistingFile()
{
    const QString path = m_dir.filePath(QStringLiteral("exists.tandem"));
    test::writeFile(path, "precious");
    auto store = ProjectStore::create(path);
    QVERIFY(!store);
    QCOMPARE(test::readFile(path), QByteArray("precious"));
}

void TestStore::openRefusesNonProject()
{
    const QString path = m_dir.filePath(QStringLiteral("notes.tandem"));
    const QByteArray bytes(4096, 'x');
    test::writeFile(path, bytes);
    auto store = ProjectStore::open(path);
    QVERIFY(!store);
    QVERIFY2(store.error().message.contains(QStringLiteral("not a Tandem project")), qPrintable(store.error().message));
    QCOMPARE(test::readFile(path), bytes);
    QVERIFY(!ProjectStore::open(m_dir.filePath(QStringLiteral("nope.tandem"))));
}

void TestStore::refusesNewerSchema()
{
    const QString path = m_dir.filePath(QStringLiteral("future.tandem"));
    {
        auto store = ProjectStore::create(path);
        QVERIFY(store);
        QVERIFY(store->database().exec("PRAGMA user_version = 99"));
    }
    auto store = ProjectStore::open(path);
    QVERIFY(!store);
    QVERIFY(store.error().message.contains(QStringLiteral("newer Tandem")));
}

void TestStore::importCountsAndFlags()
{
    ProjectStore store = createStore();
    auto report = store.importDataset(sampleDataset(), m_media);
    QVERIFY2(report, qPrintable(report ? QString() : report.error().toString()));
    QCOMPARE(report->imagesAdded, 6);
    QCOMPARE(report->captions, 3);
    QCOMPARE(report->questions, 1);
    QCOMPARE(report->answers, 10);
    auto info = store.info();
    QVERIFY(info);
    QCOMPARE(info->images, 6);
    QCOMPARE(info->tags, 2);
    QCOMPARE(info->splits.value(QStringLiteral("val")), 5);
    QCOMPARE(info->statuses.value(QStringLiteral("unlabeled")), 6);
    QCOMPARE(info->flags.value(QStringLiteral("ok")), 1);
    QCOMPARE(info->flags.value(QStringLiteral("missing")), 1);
    QCOMPARE(info->flags.value(QStringLiteral("empty")), 1);
    QCOMPARE(info->flags.value(QStringLiteral("truncated")), 1);
    QCOMPARE(info->flags.value(QStringLiteral("not-image")), 1);
    QCOMPARE(info->flags.value(QStringLiteral("unsafe-path")), 1);
    QCOMPARE(int(info->flagged.size()), 5);
    auto size = store.database().scalar("SELECT width * 1000 + height FROM images WHERE name = 'good.png'");
    QCOMPARE(*size, 20010); // read from the PNG header
}

void TestStore::reimportUpdatesInsteadOfDuplicating()
{
    ProjectStore store = createStore();
    QVERIFY(store.importDataset(sampleDataset(), m_media));
    auto again = store.importDataset(sampleDataset(), m_media);
    QVERIFY(again);
    QCOMPARE(again->imagesAdded, 0);
    QCOMPARE(again->imagesUpdated, 6);
    QCOMPARE(store.info()->images, 6);
}

void TestStore::loadDatasetRoundTrip()
{
    ProjectStore store = createStore();
    const Dataset original = sampleDataset();
    QVERIFY(store.importDataset(original, m_media));
    auto loaded = store.loadDataset();
    QVERIFY(loaded);
    QCOMPARE(test::captionLines(*loaded), test::captionLines(original));
    QCOMPARE(test::questionLines(*loaded), test::questionLines(original));
    QCOMPARE(loaded->images[0].tags, (std::vector<std::string>{"red", "tiny"}));
    QCOMPARE(loaded->images[0].extId, std::string("42"));
    QCOMPARE(loaded->questions[0].answers[9].confidence, std::string("yes"));
    QVERIFY(loaded->images[0].sourcePath.endsWith(QStringLiteral("/media/good.png")));
}

void TestStore::loadDatasetFilters()
{
    ProjectStore store = createStore();
    QVERIFY(store.importDataset(sampleDataset(), m_media));
    DatasetFilter train;
    train.split = QStringLiteral("train");
    QCOMPARE(int(store.loadDataset(train)->images.size()), 1);
    QCOMPARE(int(store.loadDataset(train)->captions.size()), 2);
    DatasetFilter healthy;
    healthy.skipFlagged = true;
    QCOMPARE(int(store.loadDataset(healthy)->images.size()), 1);
    DatasetFilter verified;
    verified.status = ReviewStatus::Verified;
    QCOMPARE(int(store.loadDataset(verified)->images.size()), 0);
}

void TestStore::searchFindsEveryKind()
{
    ProjectStore store = createStore();
    QVERIFY(store.importDataset(sampleDataset(), m_media));
    auto red = store.search(QStringLiteral("red"));
    QVERIFY(red);
    QCOMPARE(red->total, 11); // 2 captions + 9 answers
    auto color = store.search(QStringLiteral("color"));
    QCOMPARE(color->total, 1);
    QCOMPARE(color->hits[0].kind, QStringLiteral("question"));
    QCOMPARE(color->hits[0].image, QStringLiteral("good.png"));
    QCOMPARE(store.search(QStringLiteral("crimson"))->hits[0].kind, QStringLiteral("answer"));
    QCOMPARE(store.search(QStringLiteral("zeb*"))->total, 1);
    QCOMPARE(store.search(QStringLiteral("\"red rectangle\""))->total, 1);
    QCOMPARE(store.search(QStringLiteral("red"), 3)->hits.size(), size_t(3));
}

void TestStore::searchSurvivesBadSyntax()
{
    ProjectStore store = createStore();
    QVERIFY(store.importDataset(sampleDataset(), m_media));
    auto result = store.search(QStringLiteral("\"red AND ("));
    QVERIFY2(result, qPrintable(result ? QString() : result.error().toString()));
    QVERIFY(!store.search(QStringLiteral("   ")));
}

void TestStore::cancelledImportChangesNothing()
{
    ProjectStore store = createStore();
    QVERIFY(store.importDataset(sampleDataset(), m_media));
    Dataset big;
    for (int i = 0; i < 20000; ++i) {
        big.images.push_back({});
        big.images.back().name = "big/" + std::to_string(i) + ".jpg";
        big.captions.push_back({size_t(i), "caption " + std::to_string(i), ""});
    }
    std::atomic_bool cancel{false};
    int reports = 0;
    Progress progress([&](qint64 done, qint64, const QString &) {
        if (done > 0 && ++reports == 2)
            cancel = true;
    }, &cancel);
    auto report = store.importDataset(big, m_media, progress);
    QVERIFY(!report);
    QCOMPARE(report.error().kind, ErrorKind::Cancelled);
    QCOMPARE(store.info()->images, 6);
    QCOMPARE(store.info()->captions, 3);
}

void TestStore::fullDiskKeepsWhatWasStored()
{
    ProjectStore store = createStore();
    QVERIFY(store.importDataset(sampleDataset(), m_media));
    const qint64 pages = *store.database().scalar("PRAGMA page_count");
    QVERIFY(store.database().exec("PRAGMA max_page_count = " + std::to_string(pages + 2)));
    Dataset big;
    big.images.push_back({});
    big.images[0].name = "big.jpg";
    for (int i = 0; i < 5000; ++i)
        big.captions.push_back({0, std::string(200, char('a' + i % 26)) + std::to_string(i), ""});
    auto report = store.importDataset(big, m_media);
    QVERIFY(!report);
    QCOMPARE(report.error().kind, ErrorKind::Store);
    QVERIFY2(report.error().message.contains(QStringLiteral("full")), qPrintable(report.error().message));
    QCOMPARE(store.info()->captions, 3);
    QCOMPARE(store.info()->images, 6);
}

void TestStore::checkImagesUpdatesFlags()
{
    ProjectStore store = createStore();
    QVERIFY(store.importDataset(sampleDataset(), m_media));
    QImage image(8, 8, QImage::Format_RGB32);
    image.fill(Qt::blue);
    QVERIFY(image.save(m_media + QStringLiteral("/missing.jpg"), "JPEG"));
    auto report = store.checkImages(false);
    QVERIFY(report);
    QCOMPARE(report->checked, 6);
    QCOMPARE(report->flags.value(QStringLiteral("ok")), 2);
    QCOMPARE(report->flags.value(QStringLiteral("unsafe-path")), 1);
    auto decoded = store.checkImages(true);
    QVERIFY(decoded);
    QCOMPARE(decoded->flags.value(QStringLiteral("ok")), 2);
    QCOMPARE(store.info()->flags.value(QStringLiteral("missing")), 0);
}

QTEST_GUILESS_MAIN(TestStore)
#include "test_store.moc"
