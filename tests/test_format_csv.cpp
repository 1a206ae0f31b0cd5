// The "csv" format and the RFC 4180 reader under it.
#include "formats/csvreader.h"
#include "formattests.h"

#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QTest>

using namespace tandem;

namespace {

DatasetFormat *csv()
{
    return FormatRegistry::instance().format(QStringLiteral("csv"));
}

Expected<Dataset> readFile(const QString &path, const Progress &progress = {})
{
    ImportOptions options;
    options.files = {path};
    return csv()->read(options, progress);
}

Expected<Dataset> readBytes(const QTemporaryDir &dir, const QByteArray &bytes)
{
    const QString path = dir.filePath(QStringLiteral("captions.csv"));
    test::writeFile(path, bytes);
    return readFile(path);
}

QString str(std::string_view s) { return QString::fromUtf8(s.data(), qsizetype(s.size())); }

// All records of a CSV text, cells joined by '|' for easy comparison.
QStringList records(const QByteArray &bytes, char delimiter)
{
    CsvReader reader({bytes.constData(), size_t(bytes.size())}, delimiter);
    QStringList rows;
    while (reader.next()) {
        QStringList cells;
        for (const CsvCell &cell : reader.cells())
            cells << str(cell.text);
        rows << cells.join(QLatin1Char('|'));
    }
    if (reader.problem())
        rows << QStringLiteral("ERROR");
    return rows;
}

} // namespace

class TestFormatCsv : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void readerRecords_data();
    void readerRecords();
    void sniffsDelimiter_data();
    void sniffsDelimiter();
    void readsKaggleFlickr30k();
    void readsQuotedFields();
    void delimiters_data();
    void delimiters();
    void malformed_data();
    void malformed();
    void encodingAndLineEnds_data();
    void encodingAndLineEnds();
    void latin1Warns();
    void unsafeNamesKept();
    void emptyCaptionsKeepImage();
    void roundTrip();
    void roundTripAwkwardText();
    void sniff_data();
    void sniff();
    void cancels();
    void garbageNeverCrashes();
    void largeFileIsFast();

private:
    QTemporaryDir m_dir;
};

void TestFormatCsv::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QVERIFY2(csv(), "the csv plugin did not load; is TANDEM_PLUGIN_PATH set?");
}

void TestFormatCsv::readerRecords_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QStringList>("expected");
    QTest::newRow("plain") << QByteArray("a,b\nc,d") << QStringList({"a|b", "c|d"});
    QTest::newRow("empty cells") << QByteArray(",x,\n") << QStringList({"|x|"});
    QTest::newRow("quoted delimiter") << QByteArray("\"a,b\",c\n") << QStringList({"a,b|c"});
    QTest::newRow("doubled quotes") << QByteArray("\"say \"\"hi\"\"\",x") << QStringList({"say \"hi\"|x"});
    QTest::newRow("embedded newline") << QByteArray("\"two\nlines\",x\ny,z") << QStringList({"two\nlines|x", "y|z"});
    QTest::newRow("embedded crlf") << QByteArray("\"two\r\nlines\",x\r\ny,z\r\n") << QStringList({"two\nlines|x", "y|z"});
    QTest::newRow("lone cr records") << QByteArray("a,b\rc,d\r") << QStringList({"a|b", "c|d"});
    QTest::newRow("blank line") << QByteArray("a\n\nb\n") << QStringList({"a", "", "b"});
    QTest::newRow("quote inside plain text") << QByteArray("say \"hi\",x") << QStringList({"say \"hi\"|x"});
    QTest::newRow("empty quoted") << QByteArray("\"\",x") << QStringList({"|x"});
    QTest::newRow("space after closing quote") << QByteArray("\"a\" ,b") << QStringList({"a|b"});
    QTest::newRow("unterminated") << QByteArray("a,b\n\"open,c\n") << QStringList({"a|b", "ERROR"});
}

void TestFormatCsv::readerRecords()
{
    QFETCH(QByteArray, bytes);
    QFETCH(QStringList, expected);
    QCOMPARE(records(bytes, ','), expected);
}

void TestFormatCsv::sniffsDelimiter_data()
{
    QTest::addColumn<QByteArray>("header");
    QTest::addColumn<char>("delimiter");
    QTest::newRow("comma") << QByteArray("image,caption\na;b;c;d") << ',';
    QTest::newRow("tab") << QByteArray("image\tcaption,with comma") << ',';
    QTest::newRow("tabs win") << QByteArray("image\tcaption\tsplit,x") << '\t';
    QTest::newRow("semicolon") << QByteArray("image;caption;split") << ';';
    QTest::newRow("pipe") << QByteArray("image_name| comment_number| comment") << '|';
    QTest::newRow("quoted commas ignored") << QByteArray("\"a,b,c\";caption") << ';';
    QTest::newRow("none") << QByteArray("image") << ',';
}

void TestFormatCsv::sniffsDelimiter()
{
    QFETCH(QByteArray, header);
    QFETCH(char, delimiter);
    QCOMPARE(CsvReader::sniffDelimiter({header.constData(), size_t(header.size())}), delimiter);
}

void TestFormatCsv::readsKaggleFlickr30k()
{
    auto dataset = readFile(test::dataPath(QStringLiteral("csv/results.csv")));
    QVERIFY2(dataset, why(dataset));
    QCOMPARE(int(dataset->images.size()), 2);
    QCOMPARE(int(dataset->captions.size()), 10);
    QCOMPARE(str(dataset->images[0].name), QStringLiteral("1000092795.jpg"));
    QCOMPARE(str(dataset->captions[0].text),
             QStringLiteral("Two young guys with shaggy hair look at their hands while hanging out in the yard ."));
    QCOMPARE(str(dataset->captions[1].text), QStringLiteral("Two young , White males are outside near many bushes ."));
    QCOMPARE(str(dataset->captions[6].extId), QStringLiteral("1"));
    QCOMPARE(dataset->captions[6].image, size_t(1));
    QVERIFY(dataset->warnings.isEmpty());
}

void TestFormatCsv::readsQuotedFields()
{
    auto dataset = readFile(test::dataPath(QStringLiteral("csv/captions.csv")));
    QVERIFY2(dataset, why(dataset));
    QCOMPARE(int(dataset->images.size()), 3);
    QCOMPARE(test::captionLines(*dataset), QStringList({"images/cat.jpg|A cat, sitting on a mat.",
                                                       "images/cat.jpg|She said \"hello\" to the cat.",
                                                       "images/dog.png|A dog\nrunning on two lines.",
                                                       "images/odd, name.jpg|A plain caption"}));
    const DatasetImage &cat = dataset->images[0];
    QCOMPARE(str(cat.split), QStringLiteral("train"));
    QCOMPARE(int(cat.tags.size()), 2);
    QCOMPARE(str(cat.tags[1]), QStringLiteral("indoor"));
    const DatasetImage &dog = dataset->images[1];
    QCOMPARE(str(dog.split), QStringLiteral("val")); // "validation"
    QCOMPARE(str(dog.tags[0]), QStringLiteral("animal"));
    QCOMPARE(str(dog.tags[1]), QStringLiteral("outdoor"));
    QCOMPARE(str(dataset->images[2].split), QStringLiteral("test"));
    QVERIFY(dataset->images[2].tags.empty());
}

void TestFormatCsv::delimiters_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::newRow("comma") << QByteArray("file_name,text\na.jpg,a dog\n");
    QTest::newRow("tab") << QByteArray("path\tdescription\na.jpg\ta dog\n");
    QTest::newRow("semicolon") << QByteArray(" FILENAME ; Comment \na.jpg;a dog\n");
    QTest::newRow("pipe with spaces") << QByteArray("image_name| comment_number| comment\na.jpg| 0|  a dog \n");
    QTest::newRow("quoted header") << QByteArray("\"image\",\"caption\"\n\"a.jpg\",\"a dog\"\n");
}

void TestFormatCsv::delimiters()
{
    QFETCH(QByteArray, bytes);
    auto dataset = readBytes(m_dir, bytes);
    QVERIFY2(dataset, why(dataset));
    QCOMPARE(test::captionLines(*dataset), QStringList({"a.jpg|a dog"}));
}

void TestFormatCsv::malformed_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<int>("line");
    QTest::addColumn<int>("column");
    QTest::addColumn<QString>("detail");
    QTest::newRow("unterminated quote") << QByteArray("image,caption\na.jpg,fine\nb.jpg,\"never closed\nc.jpg,x\n")
                                        << 3 << 7 << "unterminated quoted field";
    QTest::newRow("text after closing quote") << QByteArray("image,caption\na.jpg,\"quoted\"tail\n") << 2 << 15
                                              << "after the closing quote";
    QTest::newRow("too many cells") << QByteArray("image,caption\na.jpg,one\nb.jpg,two,three\n") << 3 << 11
                                    << "expected 2 cells as in the header, found 3";
    QTest::newRow("too few cells") << QByteArray("image,caption,split\r\na.jpg,one\r\n") << 2 << 10
                                   << "expected 3 cells as in the header, found 2";
    QTest::newRow("after a multi-line field") << QByteArray("image,caption\na.jpg,\"two\nlines\"\nb.jpg\n") << 4 << 6
                                              << "found 1";
    QTest::newRow("no image column") << QByteArray("picture,caption\na.jpg,x\n") << 1 << 1
                                     << "expected one of image, image_name, filename, file_name, file, path";
    QTest::newRow("no caption column") << QByteArray("\n\nimage,words\na.jpg,x\n") << 3 << 1
                                       << "expected one of caption, comment, text, description";
    QTest::newRow("empty file") << QByteArray("") << 1 << 1 << "empty file";
    QTest::newRow("blank file") << QByteArray(" \r\n\r\n") << 1 << 1 << "empty file";
    QTest::newRow("only delimiters") << QByteArray(",,\n") << 1 << 1 << "empty file";
}

void TestFormatCsv::malformed()
{
    QFETCH(QByteArray, bytes);
    QFETCH(int, line);
    QFETCH(int, column);
    QFETCH(QString, detail);
    auto dataset = readBytes(m_dir, bytes);
    QVERIFY(!dataset);
    const Error &error = dataset.error();
    QCOMPARE(error.kind, ErrorKind::Input);
    QVERIFY(error.file.endsWith(QLatin1String("captions.csv")));
    QVERIFY2(error.message.contains(detail), qPrintable(error.message));
    QCOMPARE(error.line, line);
    QCOMPARE(error.column, column);
}

void TestFormatCsv::encodingAndLineEnds_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::newRow("utf-8 bom") << QByteArray("\xEF\xBB\xBFimage,caption\na.jpg,caf\xC3\xA9\n");
    QTest::newRow("crlf") << QByteArray("image,caption\r\na.jpg,caf\xC3\xA9\r\n");
    QTest::newRow("old mac") << QByteArray("image,caption\ra.jpg,caf\xC3\xA9\r");
    QTest::newRow("utf-16le bom") << QByteArray("\xFF\xFEi\0m\0a\0g\0e\0,\0c\0a\0p\0t\0i\0o\0n\0\n\0a\0.\0j\0p\0g\0,\0c\0a\0f\0\xE9\0", 50);
}

void TestFormatCsv::encodingAndLineEnds()
{
    QFETCH(QByteArray, bytes);
    auto dataset = readBytes(m_dir, bytes);
    QVERIFY2(dataset, why(dataset));
    QCOMPARE(test::captionLines(*dataset), QStringList({QString::fromUtf8("a.jpg|café")}));
    QVERIFY(dataset->warnings.isEmpty());
}

void TestFormatCsv::latin1Warns()
{
    auto dataset = readBytes(m_dir, "image,caption\na.jpg,caf\xE9 au lait\n");
    QVERIFY2(dataset, why(dataset));
    QCOMPARE(test::captionLines(*dataset), QStringList({QString::fromUtf8("a.jpg|café au lait")}));
    QCOMPARE(dataset->warnings.size(), 1);
    QVERIFY(dataset->warnings[0].contains(QLatin1String("not valid UTF-8")));
}

void TestFormatCsv::unsafeNamesKept()
{
    auto dataset = readBytes(m_dir, "image,caption\n../../etc/passwd,up\n/abs/x.jpg,absolute\n.\\win\\y.jpg,backslash\n");
    QVERIFY2(dataset, why(dataset));
    QCOMPARE(test::captionLines(*dataset),
             QStringList({"../../etc/passwd|up", "/abs/x.jpg|absolute", "win/y.jpg|backslash"}));
}

void TestFormatCsv::emptyCaptionsKeepImage()
{
    auto dataset = readBytes(m_dir, "image,caption,split\na.jpg,,train\nb.jpg,  ,val\nb.jpg,a dog,\n,orphan caption,\n");
    QVERIFY2(dataset, why(dataset));
    QCOMPARE(int(dataset->images.size()), 2);
    QCOMPARE(str(dataset->images[0].split), QStringLiteral("train"));
    QCOMPARE(test::captionLines(*dataset), QStringList({"b.jpg|a dog"}));
    QCOMPARE(dataset->warnings.size(), 2);
    QVERIFY2(dataset->warnings[0].contains(QLatin1String(":5: row without an image name")), qPrintable(dataset->warnings[0]));
    QVERIFY(dataset->warnings[1].contains(QLatin1String("2 rows have an empty caption")));
}

void TestFormatCsv::roundTrip()
{
    auto original = readFile(test::dataPath(QStringLiteral("csv/captions.csv")));
    QVERIFY(original);
    ExportOptions out;
    out.output = m_dir.filePath(QStringLiteral("roundtrip.csv"));
    const Status written = csv()->write(*original, out, {});
    QVERIFY2(written, why(written));
    QVERIFY(test::readFile(out.output).startsWith("image,caption,split,tags\r\n"));
    auto again = readFile(out.output);
    QVERIFY2(again, why(again));
    QCOMPARE(test::captionLines(*again), test::captionLines(*original));
    QCOMPARE(int(again->images.size()), int(original->images.size()));
    for (size_t i = 0; i < again->images.size(); ++i) {
        QCOMPARE(again->images[i].split, original->images[i].split);
        QCOMPARE(again->images[i].tags, original->images[i].tags);
    }
}

void TestFormatCsv::roundTripAwkwardText()
{
    Dataset dataset;
    dataset.images.resize(3);
    dataset.images[0].name = "a, b.jpg";
    dataset.images[1].name = "quote\".jpg";
    dataset.images[2].name = "no-captions.jpg";
    dataset.images[2].split = "test";
    dataset.captions = {{0, "commas, and \"quotes\"", ""}, {1, "line one\r\nline two", ""}, {1, "plain", ""}};
    ExportOptions out;
    out.output = m_dir.filePath(QStringLiteral("awkward.csv"));
    QVERIFY(csv()->write(dataset, out, {}));
    QCOMPARE(test::readFile(out.output),
             QByteArray("image,caption,split\r\n"
                        "\"a, b.jpg\",\"commas, and \"\"quotes\"\"\",\r\n"
                        "\"quote\"\".jpg\",\"line one\r\nline two\",\r\n"
                        "\"quote\"\".jpg\",plain,\r\n"
                        "no-captions.jpg,,test\r\n"));
    auto again = readFile(out.output);
    QVERIFY2(again, why(again));
    QCOMPARE(test::captionLines(*again), QStringList({"a, b.jpg|commas, and \"quotes\"", "quote\".jpg|line one\nline two",
                                                      "quote\".jpg|plain"}));
    QCOMPARE(str(again->images[2].split), QStringLiteral("test"));
}

void TestFormatCsv::sniff_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<bool>("isCsv");
    QTest::newRow("kaggle") << test::dataPath(QStringLiteral("csv/results.csv")) << true;
    QTest::newRow("quoted") << test::dataPath(QStringLiteral("csv/captions.csv")) << true;
    QTest::newRow("flickr8k") << test::dataPath(QStringLiteral("flickr/Flickr8k.token.txt")) << false;
    QTest::newRow("flickr30k") << test::dataPath(QStringLiteral("flickr/results_20130124.token")) << false;
    QTest::newRow("a folder") << test::dataPath(QStringLiteral("csv")) << false;
}

void TestFormatCsv::sniff()
{
    QFETCH(QString, path);
    QFETCH(bool, isCsv);
    const int score = csv()->sniff(path);
    QCOMPARE(score, isCsv ? 90 : 0);
    if (isCsv)
        QCOMPARE(FormatRegistry::instance().detect(path).value(), QStringLiteral("csv"));
}

void TestFormatCsv::cancels()
{
    const QString output = m_dir.filePath(QStringLiteral("cancelled.csv"));
    test::checkCancelsBeforeStart(csv(), {test::dataPath(QStringLiteral("csv/results.csv"))}, output);
    QVERIFY(!QFile::exists(output));
}

// See test::checkGarbageNeverCrashes.
void TestFormatCsv::garbageNeverCrashes()
{
    static const char alphabet[] = "\",;|\t\r\n#0123 ab.jpg\xC3\xA9\xFF";
    test::checkGarbageNeverCrashes(alphabet, [this](const QByteArray &bytes) { return readBytes(m_dir, bytes); });
}

// Big CSV exports (half a million rows) must read in well under a second.
void TestFormatCsv::largeFileIsFast()
{
    const int rows = 200000;
    QByteArray bytes = "image_name| comment_number| comment\n";
    bytes.reserve(rows * 80);
    for (int i = 0; i < rows; ++i)
        bytes += QByteArray::number(1000000 + i / 5) + ".jpg| " + QByteArray::number(i % 5)
                 + "| A man in a blue shirt is standing on a ladder cleaning windows .\n";
    const QString path = m_dir.filePath(QStringLiteral("large.csv"));
    test::writeFile(path, bytes);
    int reports = 0;
    const Progress counting([&reports](qint64, qint64, const QString &) { ++reports; });
    QElapsedTimer timer;
    timer.start();
    auto dataset = readFile(path, counting);
    const qint64 ms = timer.elapsed();
    QVERIFY2(dataset, why(dataset));
    QCOMPARE(int(dataset->images.size()), rows / 5);
    QCOMPARE(int(dataset->captions.size()), rows);
    QVERIFY2(reports > 10 && reports < 400, qPrintable(QString::number(reports)));
    qInfo("read %d rows in %lld ms", rows, ms);
    QVERIFY2(ms < 3000, "far slower than expected: is the reader quadratic?");
}

QTEST_GUILESS_MAIN(TestFormatCsv)
#include "test_format_csv.moc"
