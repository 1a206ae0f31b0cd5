#include "data/projectstore.h"
#include "data/schema.h"
#include "data/searchbuild.h"
#include "testsupport.h"

#include <QImage>
#include <QTest>
#include <tuple>

using namespace tandem;

namespace {

// Progress that asks to cancel once the writing has reported twice.
struct CancelOnSecondReport {
    std::atomic_bool cancel{false};
    int reports = 0;
    Progress progress()
    {
        return Progress([this](qint64 done, qint64, const QString &) {
            if (done > 0 && ++reports == 2)
                cancel = true;
        }, &cancel);
    }
};

} // namespace

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
    void firstImportIndexesOnSecondThread();
    void secondThreadOnlyForAnEmptyIndex();
    void cancelledFirstImportChangesNothing();
    void fullDiskKeepsWhatWasStored();
    void checkImagesUpdatesFlags();

private:
    Dataset sampleDataset();
    static Dataset wordyDataset(int images);
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
    CancelOnSecondReport cancel;
    auto report = store.importDataset(big, m_media, cancel.progress());
    QVERIFY(!report);
    QCOMPARE(report.error().kind, ErrorKind::Cancelled);
    QCOMPARE(store.info()->images, 6);
    QCOMPARE(store.info()->captions, 3);
}

// Captions, questions and answers from a small vocabulary, with one unique
// word each ("w<kind><n>"): enough texts for the second-thread index.
Dataset TestStore::wordyDataset(int images)
{
    static const char *const colours[] = {"red", "green", "blue", "grey", "cyan", "yellow"};
    static const char *const shapes[] = {"square", "circle", "triangle"};
    Dataset d;
    for (int i = 0; i < images; ++i) {
        d.images.push_back({});
        d.images.back().name = "wordy/" + std::to_string(i) + ".jpg";
        // Captions out of image order, as COCO lists them: the import sorts them.
        const size_t image = size_t((i * 7919) % images);
        d.captions.push_back({image, std::string("a ") + colours[i % 6] + " " + shapes[i % 3] + " wc" + std::to_string(i), ""});
        d.captions.push_back({image, std::string(shapes[(i + 1) % 3]) + " beside it wd" + std::to_string(i), ""});
        if (i % 10 == 0) {
            DatasetQuestion q;
            q.image = size_t(i);
            q.text = std::string("what colour is the ") + shapes[i % 3] + " wq" + std::to_string(i);
            q.answers = {{colours[i % 6], ""}, {std::string("wa") + std::to_string(i), ""}};
            d.questions.push_back(q);
        }
    }
    return d;
}

// A first import of many texts builds the search index on a second thread and
// copies it in: every query finds what the texts hold, under the right row.
void TestStore::firstImportIndexesOnSecondThread()
{
    const Dataset d = wordyDataset(12000); // 24,000 captions, 1,200 questions, 2,400 answers
    ProjectStore fresh = createStore();
    QVERIFY(fresh.importDataset(d, m_media));
    ProjectStore inPlace = createStore(); // an index with documents: indexed in place
    QVERIFY(inPlace.importDataset(sampleDataset(), m_media));
    QVERIFY(inPlace.importDataset(d, m_media));
    // Queries answered by scanning the texts: the words, one after the other.
    const auto count = [](const Dataset &data, const std::string &phrase) {
        const auto holds = [&](const std::string &text) { return (" " + text + " ").find(" " + phrase + " ") != std::string::npos; };
        qint64 n = 0;
        for (const DatasetCaption &c : data.captions)
            n += holds(c.text);
        for (const DatasetQuestion &q : data.questions) {
            n += holds(q.text);
            for (const DatasetAnswer &a : q.answers)
                n += holds(a.text);
        }
        return n;
    };
    const Dataset sample = sampleDataset();
    for (const char *phrase : {"square", "blue triangle", "colour", "beside", "cyan", "red", "wc777", "wq11990"}) {
        const QString query = QLatin1Char('"') + QString::fromLatin1(phrase) + QLatin1Char('"');
        QVERIFY(count(d, phrase) > 0);
        QCOMPARE(fresh.search(query)->total, count(d, phrase));
        QCOMPARE(inPlace.search(query)->total, count(d, phrase) + count(sample, phrase));
    }
    for (const auto &[word, kind, text] : {std::tuple{"wc777", "caption", "a grey square wc777"},
                                            std::tuple{"wd11999", "caption", "square beside it wd11999"},
                                            std::tuple{"wq11990", "question", "what colour is the triangle wq11990"},
                                            std::tuple{"wa50", "answer", "wa50"}}) {
        auto hit = fresh.search(QString::fromLatin1(word));
        QVERIFY(hit);
        QCOMPARE(hit->total, qint64(1));
        QCOMPARE(hit->hits[0].kind, QString::fromLatin1(kind));
        QCOMPARE(hit->hits[0].text, QString::fromLatin1(text));
    }
    QVERIFY(fresh.database().exec("INSERT INTO search(search) VALUES ('integrity-check')"));
    // The triggers are back: an edited caption is found by its new words only.
    QVERIFY(fresh.database().exec("UPDATE captions SET text = 'a purple star' WHERE text = 'a grey square wc777'"));
    QCOMPARE(fresh.search(QStringLiteral("wc777"))->total, qint64(0));
    QCOMPARE(fresh.search(QStringLiteral("purple"))->total, qint64(1));
    QVERIFY(fresh.database().exec("INSERT INTO search(search) VALUES ('integrity-check')"));
}

void TestStore::secondThreadOnlyForAnEmptyIndex()
{
    std::vector<schema::SearchText> texts;
    for (int i = 0; i < int(schema::ParallelSearchIndex::kMinTexts); ++i)
        texts.push_back({schema::searchRowId(i + 1, schema::SearchKind::Caption), "some words"});
    const std::vector<schema::NewIds> ids = {{"captions", 1, qint64(texts.size())}};
    ProjectStore fresh = createStore();
    QVERIFY(schema::ParallelSearchIndex::start(fresh.database(), texts, ids) != nullptr);
    QVERIFY(schema::ParallelSearchIndex::start(fresh.database(), {texts.begin(), texts.begin() + 100}, ids) == nullptr);
    ProjectStore used = createStore();
    QVERIFY(used.importDataset(sampleDataset(), m_media));
    QVERIFY(schema::ParallelSearchIndex::start(used.database(), texts, ids) == nullptr);
    // Rows that did not get the ids the thread used: the copy is refused, nothing changes.
    auto build = schema::ParallelSearchIndex::start(fresh.database(), texts, ids);
    QVERIFY(build);
    auto copied = build->copyInto();
    QVERIFY(copied);
    QVERIFY(!*copied);
    QCOMPARE(*fresh.database().scalar("SELECT count(*) FROM search_docsize"), qint64(0));
}

void TestStore::cancelledFirstImportChangesNothing()
{
    ProjectStore store = createStore();
    CancelOnSecondReport cancel;
    auto report = store.importDataset(wordyDataset(12000), m_media, cancel.progress());
    QVERIFY(!report);
    QCOMPARE(report.error().kind, ErrorKind::Cancelled);
    QCOMPARE(store.info()->images, 0);
    QCOMPARE(*store.database().scalar("SELECT count(*) FROM search_docsize"), qint64(0));
    QVERIFY(store.importDataset(wordyDataset(12000), m_media)); // the second thread's database was let go
    QCOMPARE(store.search(QStringLiteral("beside"))->total, qint64(12000));
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
