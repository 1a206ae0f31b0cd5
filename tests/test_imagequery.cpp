// The grid's filter and sort: every filter alone, text search over each kind
// of text, bad FTS syntax, and the on-disk thumbnail cache.
#include "data/imageedits.h"
#include "data/imagequery.h"
#include "data/projectstore.h"
#include "data/thumbnailcache.h"
#include "testsupport.h"

#include <QFile>
#include <QImage>
#include <QTest>
#include <memory>

using namespace tandem;

class TestImageQuery : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void filters_data();
    void filters();
    void sortOrders_data();
    void sortOrders();
    void badSearchSyntaxSearchesWords();
    void statusesComeWithIds();
    void thumbnailIsCachedAndRefreshed();
    void thumbnailOfMissingFileIsAnError();

private:
    QStringList names(const ImageQuery &query);

    QTemporaryDir m_dir;
    QString m_path;
    std::optional<ProjectStore> m_store;
};

// a.png: train, verified, caption "a red bus", tag city
// b.png: val, question "is it raining?" answered "yes"
// c.png: train, rejected, missing file
// d.png: no split, caption "a quiet street", tag city
void TestImageQuery::initTestCase()
{
    m_path = m_dir.filePath(QStringLiteral("query.tandem"));
    auto store = ProjectStore::create(m_path);
    QVERIFY(store);
    QImage image(300, 200, QImage::Format_RGB32);
    image.fill(Qt::blue);
    for (const char *name : {"a.png", "b.png", "d.png"})
        QVERIFY(image.save(m_dir.filePath(QLatin1String(name))));
    Dataset d;
    const std::pair<const char *, const char *> images[] = {{"a.png", "train"}, {"b.png", "val"}, {"c.png", "train"}, {"d.png", ""}};
    for (const auto &[name, split] : images) {
        DatasetImage i;
        i.name = name;
        i.split = split;
        d.images.push_back(i);
    }
    d.images[0].status = ReviewStatus::Verified;
    d.images[2].status = ReviewStatus::Rejected;
    d.images[0].tags = d.images[3].tags = {"city"};
    d.captions = {{0, "a red bus", ""}, {3, "a quiet street", ""}};
    d.questions = {{1, "is it raining?", "", "", "yes/no", "yes", {{"yes", "yes"}}}};
    QVERIFY(store->importDataset(d, m_dir.path()));
    m_store.emplace(std::move(store.value()));
}

QStringList TestImageQuery::names(const ImageQuery &query)
{
    auto list = queryImages(*m_store, query);
    if (!list)
        return {QStringLiteral("error: ") + list.error().message};
    QStringList out;
    for (qint64 id : list->ids) {
        auto stmt = m_store->database().prepare("SELECT name FROM images WHERE id = ?1");
        stmt->bind(1, id).step();
        out << stmt->qtext(0).left(1);
    }
    return out;
}

void TestImageQuery::filters_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("expected");
    QTest::newRow("all") << "all" << "abcd";
    QTest::newRow("text in caption") << "bus" << "a";
    QTest::newRow("text in question") << "raining" << "b";
    QTest::newRow("text in answer") << "yes" << "b";
    QTest::newRow("prefix") << "st*" << "d";
    QTest::newRow("split") << "split" << "ac";
    QTest::newRow("no split") << "nosplit" << "d";
    QTest::newRow("status") << "status" << "c";
    QTest::newRow("tag") << "tag" << "ad";
    QTest::newRow("flagged") << "flagged" << "c";
    QTest::newRow("usable") << "usable" << "abd";
    QTest::newRow("has captions") << "captions" << "ad";
    QTest::newRow("no questions") << "noquestions" << "acd";
    QTest::newRow("text and tag") << "street+tag" << "d";
}

void TestImageQuery::filters()
{
    QFETCH(QString, name);
    QFETCH(QString, expected);
    ImageQuery q;
    if (name == QLatin1String("split"))
        q.split = QStringLiteral("train");
    else if (name == QLatin1String("nosplit"))
        q.split = QString();
    else if (name == QLatin1String("status"))
        q.status = ReviewStatus::Rejected;
    else if (name == QLatin1String("tag"))
        q.tag = QStringLiteral("city");
    else if (name == QLatin1String("flagged"))
        q.flags = FlagFilter::Flagged;
    else if (name == QLatin1String("usable"))
        q.flags = FlagFilter::Usable;
    else if (name == QLatin1String("captions"))
        q.content = ContentFilter::HasCaptions;
    else if (name == QLatin1String("noquestions"))
        q.content = ContentFilter::NoQuestions;
    else if (name == QLatin1String("street+tag"))
        q.text = QStringLiteral("street"), q.tag = QStringLiteral("city");
    else if (name != QLatin1String("all"))
        q.text = name;
    QCOMPARE(names(q).join(QString()), expected);
}

void TestImageQuery::sortOrders_data()
{
    QTest::addColumn<int>("sort");
    QTest::addColumn<bool>("descending");
    QTest::addColumn<QString>("expected");
    QTest::newRow("added") << int(ImageSort::Added) << false << "abcd";
    QTest::newRow("added, newest first") << int(ImageSort::Added) << true << "dcba";
    QTest::newRow("name descending") << int(ImageSort::Name) << true << "dcba";
    QTest::newRow("status") << int(ImageSort::Status) << false << "bdac";
    QTest::newRow("split") << int(ImageSort::Split) << false << "dacb";
}

void TestImageQuery::sortOrders()
{
    QFETCH(int, sort);
    QFETCH(bool, descending);
    QFETCH(QString, expected);
    ImageQuery q;
    q.sort = ImageSort(sort);
    q.descending = descending;
    QCOMPARE(names(q).join(QString()), expected);
}

void TestImageQuery::badSearchSyntaxSearchesWords()
{
    ImageQuery q;
    q.text = QStringLiteral("raining?\"");
    QCOMPARE(names(q), QStringList{QStringLiteral("b")});
    q.text = QStringLiteral("AND OR");
    QCOMPARE(names(q), QStringList());
}

void TestImageQuery::statusesComeWithIds()
{
    auto list = queryImages(*m_store, {});
    QVERIFY(list);
    QCOMPARE(list->statuses.size(), list->ids.size());
    QCOMPARE(ReviewStatus(list->statuses[0]), ReviewStatus::Verified);
    QCOMPARE(ReviewStatus(list->statuses[2]), ReviewStatus::Rejected);
    auto counts = statusCounts(*m_store);
    QCOMPARE(counts->total, 4);
    QCOMPARE(counts->byStatus[size_t(ReviewStatus::Unlabeled)], 2);
}

void TestImageQuery::thumbnailIsCachedAndRefreshed()
{
    const QString file = m_dir.filePath(QStringLiteral("a.png"));
    auto cache = ThumbnailCache::open(m_path);
    QVERIFY2(cache, cache ? "" : qPrintable(cache.error().toString()));
    QVERIFY(QFile::exists(ThumbnailCache::pathFor(m_path)));
    auto first = cache->thumbnail(1, file);
    QVERIFY(first);
    QCOMPARE(first->size(), QSize(ThumbnailCache::kEdge, ThumbnailCache::kEdge * 2 / 3));

    // A second connection (another thread would have one) reads the stored JPEG.
    auto other = ThumbnailCache::open(m_path);
    auto cached = other->thumbnail(1, file);
    QVERIFY(cached);
    QCOMPARE(cached->size(), first->size());
    QVERIFY(qBlue(cached->pixel(10, 10)) > 200);

    // A changed file (other size) gets a new thumbnail.
    QImage smaller(40, 80, QImage::Format_RGB32);
    smaller.fill(Qt::red);
    QVERIFY(smaller.save(file));
    auto refreshed = other->thumbnail(1, file);
    QCOMPARE(refreshed->size(), QSize(40, 80));
    QVERIFY(qRed(refreshed->pixel(5, 5)) > 200);
}

void TestImageQuery::thumbnailOfMissingFileIsAnError()
{
    auto cache = ThumbnailCache::open(m_path);
    auto missing = cache->thumbnail(3, m_dir.filePath(QStringLiteral("c.png")));
    QVERIFY(!missing);
    QVERIFY(missing.error().file.endsWith(QStringLiteral("c.png")));
    test::writeFile(m_dir.filePath(QStringLiteral("junk.png")), "not an image");
    QVERIFY(!cache->thumbnail(9, m_dir.filePath(QStringLiteral("junk.png"))));
}

QTEST_GUILESS_MAIN(TestImageQuery)
#include "test_imagequery.moc"
