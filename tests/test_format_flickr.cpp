// The "flickr" format: Flickr8k/Flickr30k token files.
#include "formattests.h"

#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QTest>

using namespace tandem;

namespace {

DatasetFormat *flickr()
{
    return FormatRegistry::instance().format(QStringLiteral("flickr"));
}

Expected<Dataset> readFiles(const QStringList &files, const Progress &progress = {})
{
    ImportOptions options;
    options.files = files;
    return flickr()->read(options, progress);
}

// Writes `bytes` to a file in `dir` and reads it as a Flickr token file.
Expected<Dataset> readBytes(const QTemporaryDir &dir, const QByteArray &bytes)
{
    const QString path = dir.filePath(QStringLiteral("captions.token"));
    test::writeFile(path, bytes);
    return readFiles({path});
}

QString str(const std::string &s) { return QString::fromStdString(s); }

} // namespace

class TestFormatFlickr : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void readsFlickr8k();
    void readsLemmaAndFlickr30k();
    void roundTrip();
    void writerNumbersCaptionsFromZero();
    void malformed_data();
    void malformed();
    void lineEnds_data();
    void lineEnds();
    void bomAndLatin1();
    void duplicatesAndEmptyCaptions();
    void unsafeNamesKept();
    void forcedSplit();
    void sniff_data();
    void sniff();
    void cancels();
    void garbageNeverCrashes();
    void largeFileIsFast();

private:
    QTemporaryDir m_dir;
};

void TestFormatFlickr::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QVERIFY2(flickr(), "the flickr plugin did not load; is TANDEM_PLUGIN_PATH set?");
}

void TestFormatFlickr::readsFlickr8k()
{
    auto dataset = readFiles({test::dataPath(QStringLiteral("flickr/Flickr8k.token.txt"))});
    QVERIFY2(dataset, why(dataset));
    QCOMPARE(int(dataset->images.size()), 3);
    QCOMPARE(int(dataset->captions.size()), 15);
    QCOMPARE(str(dataset->images[0].name), QStringLiteral("1000268201_693b08cb0e.jpg"));
    QCOMPARE(str(dataset->images[2].name), QStringLiteral("1002674143_1b742ab4b8.jpg"));
    const DatasetCaption &first = dataset->captions[0];
    QCOMPARE(first.image, size_t(0));
    QCOMPARE(str(first.text), QStringLiteral("A child in a pink dress is climbing up a set of stairs in an entry way ."));
    QCOMPARE(str(dataset->captions[9].extId), QStringLiteral("4"));
    QCOMPARE(dataset->captions[9].image, size_t(1));
    QVERIFY(dataset->warnings.isEmpty());
}

void TestFormatFlickr::readsLemmaAndFlickr30k()
{
    auto lemma = readFiles({test::dataPath(QStringLiteral("flickr/Flickr8k.lemma.token.txt"))});
    QVERIFY2(lemma, why(lemma));
    QCOMPARE(int(lemma->images.size()), 2);
    QCOMPARE(str(lemma->captions[3].text), QStringLiteral("A black dog and a spot dog be fight"));

    auto f30k = readFiles({test::dataPath(QStringLiteral("flickr/results_20130124.token"))});
    QVERIFY2(f30k, why(f30k));
    QCOMPARE(int(f30k->images.size()), 2);
    QCOMPARE(int(f30k->captions.size()), 10);
    QCOMPARE(str(f30k->images[1].name), QStringLiteral("10002456.jpg"));
}

void TestFormatFlickr::roundTrip()
{
    auto original = readFiles({test::dataPath(QStringLiteral("flickr/Flickr8k.token.txt"))});
    QVERIFY(original);
    ExportOptions out;
    out.output = m_dir.filePath(QStringLiteral("roundtrip.token"));
    const Status written = flickr()->write(*original, out, {});
    QVERIFY2(written, why(written));
    auto again = readFiles({out.output});
    QVERIFY2(again, why(again));
    QCOMPARE(test::captionLines(*again), test::captionLines(*original));
    // The same layout as the original, byte for byte.
    QCOMPARE(test::readFile(out.output), test::readFile(test::dataPath(QStringLiteral("flickr/Flickr8k.token.txt"))));
}

void TestFormatFlickr::writerNumbersCaptionsFromZero()
{
    Dataset dataset;
    dataset.images = {DatasetImage{}, DatasetImage{}};
    dataset.images[0].name = "b.jpg";
    dataset.images[1].name = "a.jpg";
    dataset.captions = {{1, "first of a", "7"}, {0, "only b", "3"}, {1, "second\tof a\nwith breaks", "9"}, {1, "  ", "1"}};
    ExportOptions out;
    out.output = m_dir.filePath(QStringLiteral("numbered.token"));
    QVERIFY(flickr()->write(dataset, out, {}));
    QCOMPARE(test::readFile(out.output),
             QByteArray("b.jpg#0\tonly b\na.jpg#0\tfirst of a\na.jpg#1\tsecond of a with breaks\n"));
}

void TestFormatFlickr::malformed_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<int>("line");
    QTest::addColumn<int>("column");
    QTest::addColumn<QString>("detail");
    const QByteArray good = "a.jpg#0\tA caption .\n";
    QTest::newRow("no tab") << good + "b.jpg#0 A caption with spaces" << 2 << 8 << "TAB";
    QTest::newRow("no hash") << good + good + "b.jpg\tA caption" << 3 << 6 << "'#'";
    QTest::newRow("letters for number") << QByteArray("b.jpg#x\tcaption") << 1 << 7 << "digits";
    QTest::newRow("no name") << good + "#0\tcaption" << 2 << 1 << "image name";
    QTest::newRow("junk after number") << QByteArray("b.jpg#12a\tcaption") << 1 << 9 << "TAB";
    QTest::newRow("column counts characters") << QByteArray("\xC3\xA9t\xC3\xA9.jpg#0 caption") << 1 << 10 << "TAB";
    QTest::newRow("plain sentence") << QByteArray("Just some text") << 1 << 15 << "'#'";
}

void TestFormatFlickr::malformed()
{
    QFETCH(QByteArray, bytes);
    QFETCH(int, line);
    QFETCH(int, column);
    QFETCH(QString, detail);
    auto dataset = readBytes(m_dir, bytes);
    QVERIFY(!dataset);
    const Error &error = dataset.error();
    QCOMPARE(error.kind, ErrorKind::Input);
    QVERIFY(error.file.endsWith(QLatin1String("captions.token")));
    QCOMPARE(error.line, line);
    QCOMPARE(error.column, column);
    QVERIFY2(error.message.contains(QLatin1String("expected '<image>#<n><TAB><caption>'")), qPrintable(error.message));
    QVERIFY2(error.message.contains(detail), qPrintable(error.message));
}

void TestFormatFlickr::lineEnds_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::newRow("unix") << QByteArray("a.jpg#0\tone\na.jpg#1\ttwo\n\nb.jpg#0\tthree\n");
    QTest::newRow("windows") << QByteArray("a.jpg#0\tone\r\na.jpg#1\ttwo\r\n\r\nb.jpg#0\tthree\r\n");
    QTest::newRow("old mac") << QByteArray("a.jpg#0\tone\ra.jpg#1\ttwo\r\rb.jpg#0\tthree");
}

void TestFormatFlickr::lineEnds()
{
    QFETCH(QByteArray, bytes);
    auto dataset = readBytes(m_dir, bytes);
    QVERIFY2(dataset, why(dataset));
    QCOMPARE(test::captionLines(*dataset), QStringList({"a.jpg|one", "a.jpg|two", "b.jpg|three"}));
    // Line numbers in errors follow the same line ends.
    auto broken = readBytes(m_dir, bytes + (bytes.endsWith('e') ? "\r" : "") + "c.jpg");
    QVERIFY(!broken);
    QCOMPARE(broken.error().line, 5);
}

void TestFormatFlickr::bomAndLatin1()
{
    auto bom = readBytes(m_dir, "\xEF\xBB\xBF" "a.jpg#0\tA caf\xC3\xA9 .\n");
    QVERIFY2(bom, why(bom));
    QCOMPARE(str(bom->images[0].name), QStringLiteral("a.jpg"));
    QCOMPARE(str(bom->captions[0].text), QString::fromUtf8("A café ."));
    QVERIFY(bom->warnings.isEmpty());

    auto latin1 = readBytes(m_dir, "a.jpg#0\tA caf\xE9 with a \x93quote\x94 .\n");
    QVERIFY2(latin1, why(latin1));
    QCOMPARE(str(latin1->captions[0].text), QString::fromUtf8("A café with a “quote” ."));
    QCOMPARE(latin1->warnings.size(), 1);
    QVERIFY(latin1->warnings[0].contains(QLatin1String("Windows-1252")));
}

void TestFormatFlickr::duplicatesAndEmptyCaptions()
{
    auto dataset = readBytes(m_dir, "a.jpg#0\tfirst\na.jpg#0\tagain\na.jpg#1\t   \nb.jpg#0\t\n");
    QVERIFY2(dataset, why(dataset));
    QCOMPARE(test::captionLines(*dataset), QStringList({"a.jpg|again", "a.jpg|first"}));
    QCOMPARE(int(dataset->images.size()), 2); // b.jpg is kept, without a caption
    QCOMPARE(dataset->warnings.size(), 3);
    QVERIFY(dataset->warnings[0].contains(QLatin1String(":2: a.jpg#0 appears more than once")));
    QVERIFY(dataset->warnings[1].contains(QLatin1String(":3: empty caption")));
    QVERIFY(dataset->warnings[2].contains(QLatin1String(":4: empty caption")));
}

void TestFormatFlickr::unsafeNamesKept()
{
    auto dataset = readBytes(m_dir, "../../etc/x.jpg#0\tup\n/abs/y.jpg#0\tabsolute\nsub\\.\\z.jpg#0\tbackslash\nh#1.jpg#0\thash\n");
    QVERIFY2(dataset, why(dataset));
    QCOMPARE(test::captionLines(*dataset),
             QStringList({"../../etc/x.jpg|up", "/abs/y.jpg|absolute", "h#1.jpg|hash", "sub/z.jpg|backslash"}));
}

void TestFormatFlickr::forcedSplit()
{
    ImportOptions options;
    options.files = {test::dataPath(QStringLiteral("flickr/Flickr8k.token.txt"))};
    options.split = QStringLiteral("validation");
    auto dataset = flickr()->read(options, {});
    QVERIFY(dataset);
    for (const DatasetImage &image : dataset->images)
        QCOMPARE(str(image.split), QStringLiteral("val"));
}

void TestFormatFlickr::sniff_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<bool>("isFlickr");
    QTest::newRow("flickr8k") << test::dataPath(QStringLiteral("flickr/Flickr8k.token.txt")) << true;
    QTest::newRow("lemma") << test::dataPath(QStringLiteral("flickr/Flickr8k.lemma.token.txt")) << true;
    QTest::newRow("flickr30k") << test::dataPath(QStringLiteral("flickr/results_20130124.token")) << true;
    QTest::newRow("kaggle csv") << test::dataPath(QStringLiteral("csv/results.csv")) << false;
    QTest::newRow("quoted csv") << test::dataPath(QStringLiteral("csv/captions.csv")) << false;
    QTest::newRow("a folder") << test::dataPath(QStringLiteral("flickr")) << false;
    QTest::newRow("missing") << test::dataPath(QStringLiteral("flickr/nothing-here.token")) << false;
}

void TestFormatFlickr::sniff()
{
    QFETCH(QString, path);
    QFETCH(bool, isFlickr);
    const int score = flickr()->sniff(path);
    QCOMPARE(score > 50, isFlickr);
    if (!isFlickr)
        QCOMPARE(score, 0);
    if (isFlickr)
        QCOMPARE(FormatRegistry::instance().detect(path).value(), QStringLiteral("flickr"));
}

void TestFormatFlickr::cancels()
{
    const QString output = m_dir.filePath(QStringLiteral("cancelled.token"));
    test::checkCancelsBeforeStart(flickr(), {test::dataPath(QStringLiteral("flickr/Flickr8k.token.txt"))}, output);
    QVERIFY(!QFile::exists(output));
}

// See test::checkGarbageNeverCrashes.
void TestFormatFlickr::garbageNeverCrashes()
{
    static const char alphabet[] = "\"#\t\r\n0123 ab.jpg\xC3\xA9\xFF\0";
    test::checkGarbageNeverCrashes(alphabet, [this](const QByteArray &bytes) { return readBytes(m_dir, bytes); });
}

// Flickr30k's token file has 158,915 lines; reading it must not be a wait.
void TestFormatFlickr::largeFileIsFast()
{
    QByteArray bytes;
    const int images = 32000;
    for (int i = 0; i < images; ++i)
        for (int n = 0; n < 5; ++n)
            bytes += QByteArray::number(1000000 + i) + ".jpg#" + QByteArray::number(n)
                     + "\tA man in a blue shirt is standing on a ladder cleaning windows .\n";
    const QString path = m_dir.filePath(QStringLiteral("large.token"));
    test::writeFile(path, bytes);
    int reports = 0;
    const Progress counting([&reports](qint64, qint64, const QString &) { ++reports; });
    QElapsedTimer timer;
    timer.start();
    auto dataset = readFiles({path}, counting);
    const qint64 ms = timer.elapsed();
    QVERIFY(dataset);
    QCOMPARE(int(dataset->images.size()), images);
    QCOMPARE(int(dataset->captions.size()), images * 5);
    QVERIFY2(reports > 10 && reports < 400, qPrintable(QString::number(reports)));
    qInfo("read %d lines in %lld ms", images * 5, ms);
    QVERIFY2(ms < 3000, "far slower than expected: is the reader quadratic?");
}

QTEST_GUILESS_MAIN(TestFormatFlickr)
#include "test_format_flickr.moc"
