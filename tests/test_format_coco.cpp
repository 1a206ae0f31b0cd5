#include "formattests.h"
#include "util/text.h"

#include <QElapsedTimer>
#include <QTest>

using namespace tandem;

namespace {

// '@' marks where an error should point; returns the text without it.
QByteArray withoutMark(const QByteArray &marked, int *line, int *column)
{
    const qsizetype at = marked.indexOf('@');
    const text::Position pos = text::positionOf({marked.constData(), size_t(marked.size())}, size_t(at));
    *line = pos.line;
    *column = pos.column;
    QByteArray text = marked;
    return text.remove(at, 1);
}

// A COCO captions file with `images` images of `perImage` captions each.
QByteArray generatedCoco(int images, int perImage)
{
    QByteArray json = R"({"info": {"year": 2017}, "licenses": [], "images": [)";
    for (int i = 0; i < images; ++i)
        json += (i ? ",\n" : "\n") + QStringLiteral(R"({"id": %1, "file_name": "%2.jpg", "width": 640, "height": 480})")
                                         .arg(i + 1).arg(i + 1, 12, 10, QLatin1Char('0')).toUtf8();
    json += "],\n\"annotations\": [";
    for (int i = 0; i < images * perImage; ++i)
        json += (i ? ",\n" : "\n") + QStringLiteral(R"({"id": %1, "image_id": %2, "caption": "A photo of thing number %1."})")
                                         .arg(i + 1).arg(i / perImage + 1).toUtf8();
    return json + "]}\n";
}

const QByteArray kSmall = R"({"images": [{"id": 1, "file_name": "a.jpg"}], "annotations": [{"id": 9, "image_id": 1, "caption": "caf\u00e9"}]})";

} // namespace

class TestFormatCoco : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void readsFixture();
    void splitFromNameOrOption_data();
    void splitFromNameOrOption();
    void roundTrip();
    void writerAssignsUniqueIds();
    void escapesText();
    void syntaxErrors_data();
    void syntaxErrors();
    void truncatedFixture_data();
    void truncatedFixture();
    void schemaErrors_data();
    void schemaErrors();
    void sameIdSameNameMerges();
    void sameIdOtherNameIsRefused();
    void sameNameTwoIdsIsOneImage();
    void repeatedWarningsAreSummarised();
    void encodings_data();
    void encodings();
    void keepsUnsafeNames_data();
    void keepsUnsafeNames();
    void sniff_data();
    void sniff();
    void sniffSeesCaptionsAtTheEnd();
    void cancels();
    void reportsProgressSparingly();
    void parsesQuickly();

private:
    DatasetFormat *m_coco = nullptr;
    QTemporaryDir m_dir;
};

void TestFormatCoco::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_coco = test::formatOrFail(QStringLiteral("coco"));
}

void TestFormatCoco::readsFixture()
{
    auto read = test::readFiles(m_coco, {test::dataPath(QStringLiteral("coco/captions_val2017.json"))});
    QVERIFY2(read.ok(), qPrintable(read.ok() ? QString() : read.error().toString()));
    const Dataset &d = *read;
    QCOMPARE(int(d.images.size()), 5);
    QCOMPARE(int(d.captions.size()), 9);
    QVERIFY(d.warnings.isEmpty());
    QCOMPARE(d.images[0].name, std::string("000000397133.jpg"));
    QCOMPARE(d.images[0].extId, std::string("397133"));
    QCOMPARE(d.images[0].width, 640);
    QCOMPARE(d.images[0].height, 427);
    QCOMPARE(d.images[0].split, std::string("val"));
    QCOMPARE(d.captions[0].extId, std::string("370"));
    QCOMPARE(d.captions[0].image, size_t(0));
    QCOMPARE(d.captions[6].text, std::string("A person doing a trick on a skateboard at a \"skate park\"."));
    QCOMPARE(d.captions[7].text, std::string("A caf\xC3\xA9 bicycle parked next to a pole on a snowy sidewalk."));
    QCOMPARE(d.captions[8].text, std::string("A bike is locked to a sign post in the snow.\n"));
    QCOMPARE(d.captions[8].image, size_t(4));
}

void TestFormatCoco::splitFromNameOrOption_data()
{
    QTest::addColumn<QString>("fileName");
    QTest::addColumn<QString>("forced");
    QTest::addColumn<QString>("split");
    QTest::newRow("train") << "captions_train2017.json" << "" << "train";
    QTest::newRow("val") << "captions_val2014.json" << "" << "val";
    QTest::newRow("test") << "image_info_test-dev2015.json" << "" << "test";
    QTest::newRow("none") << "my_captions.json" << "" << "";
    QTest::newRow("latest is not test") << "latest.json" << "" << "";
    QTest::newRow("forced") << "captions_train2017.json" << "val" << "val";
}

void TestFormatCoco::splitFromNameOrOption()
{
    QFETCH(QString, fileName);
    QFETCH(QString, forced);
    QFETCH(QString, split);
    const QString path = test::fileWith(m_dir, fileName, kSmall);
    auto read = test::readFiles(m_coco, {path}, forced);
    QVERIFY(read.ok());
    QCOMPARE(QString::fromStdString(read->images[0].split), split);
}

void TestFormatCoco::roundTrip()
{
    auto original = test::readFiles(m_coco, {test::dataPath(QStringLiteral("coco/captions_val2017.json"))});
    QVERIFY(original.ok());
    QTemporaryDir out;
    const QString path = out.filePath(QStringLiteral("captions_val2017.json"));
    const Status written = test::writeTo(m_coco, *original, path);
    QVERIFY2(written.ok(), qPrintable(written.ok() ? QString() : written.error().toString()));
    QCOMPARE(test::entries(out.path()), QStringList{QStringLiteral("captions_val2017.json")});
    auto again = test::readFiles(m_coco, {path});
    QVERIFY2(again.ok(), qPrintable(again.ok() ? QString() : again.error().toString()));
    QCOMPARE(test::captionLines(*again), test::captionLines(*original));
    QCOMPARE(again->images.size(), original->images.size());
    for (size_t i = 0; i < original->images.size(); ++i) {
        QCOMPARE(again->images[i].extId, original->images[i].extId);
        QCOMPARE(again->images[i].width, original->images[i].width);
        QCOMPARE(again->images[i].height, original->images[i].height);
    }
    for (size_t i = 0; i < original->captions.size(); ++i)
        QCOMPARE(again->captions[i].extId, original->captions[i].extId);
}

void TestFormatCoco::writerAssignsUniqueIds()
{
    Dataset d;
    const char *ids[] = {"12", "12", "abc", "", "007", "5"};
    for (int i = 0; i < 6; ++i) {
        DatasetImage image;
        image.name = std::string(1, char('a' + i)) + ".jpg";
        image.extId = ids[i];
        d.images.push_back(image);
        d.captions.push_back({size_t(i), "caption " + std::to_string(i), i % 2 ? "3" : std::to_string(100 + i)});
    }
    const QString path = m_dir.filePath(QStringLiteral("ids.json"));
    QVERIFY(test::writeTo(m_coco, d, path).ok());
    auto read = test::readFiles(m_coco, {path});
    QVERIFY2(read.ok(), qPrintable(read.ok() ? QString() : read.error().toString()));
    QCOMPARE(int(read->images.size()), 6); // duplicate ids would have merged or failed
    QCOMPARE(read->images[5].extId, std::string("5"));
    QCOMPARE(read->captions[0].extId, std::string("100"));
    QCOMPARE(test::captionLines(*read), test::captionLines(d));
    QSet<QString> captionIds;
    for (const DatasetCaption &c : read->captions)
        captionIds.insert(QString::fromStdString(c.extId));
    QCOMPARE(captionIds.size(), 6);
}

void TestFormatCoco::escapesText()
{
    Dataset d;
    d.images.push_back({});
    d.images[0].name = "dir/it's \"quoted\".jpg";
    const std::string texts[] = {"tab\there", "line\nbreak\r\n", "quote \" and backslash \\", std::string("nul \0 and \x01\x1f", 12),
                                 "unicode \xC3\xA9 \xE6\x97\xA5\xE6\x9C\xAC \xF0\x9F\x98\x80", "slash / stays"};
    for (const std::string &t : texts)
        d.captions.push_back({0, t, {}});
    const QString path = m_dir.filePath(QStringLiteral("escapes.json"));
    QVERIFY(test::writeTo(m_coco, d, path).ok());
    const QByteArray raw = test::readFile(path);
    QVERIFY(raw.contains("\\u0000 and \\u0001\\u001f"));
    QVERIFY(raw.contains("unicode \xC3\xA9")); // UTF-8 as is, not \u00e9
    auto read = test::readFiles(m_coco, {path});
    QVERIFY(read.ok());
    QCOMPARE(read->images[0].name, d.images[0].name);
    for (size_t i = 0; i < std::size(texts); ++i)
        QCOMPARE(read->captions[i].text, texts[i]);
}

void TestFormatCoco::syntaxErrors_data()
{
    QTest::addColumn<QByteArray>("marked");
    QTest::addColumn<QString>("message");
    QTest::newRow("truncated in a string")
        << QByteArray("{\"images\": [{\"id\": 1, \"file_name\": \"a.jpg\"}],\n\"annotations\": [{\"image_id\": 1, \"caption\": \"A dog@")
        << "unexpected end of file (truncated?): expected '\"'; the string that starts at line 2, column 44";
    QTest::newRow("truncated after a comma") << QByteArray("{\"images\": [\n  {\"id\": 1,@\n\n")
                                             << "unexpected end of file (truncated?): expected a quoted key";
    QTest::newRow("truncated after a bracket")
        << QByteArray("{\"images\": [@") << "expected a value; the array that starts at line 1, column 12 is not closed";
    QTest::newRow("missing comma") << QByteArray("{\"images\": [\n  {\"id\": 1 @\"file_name\": \"a.jpg\"}\n]}")
                                   << "expected ',' or '}', found '\"'";
    QTest::newRow("bad literal") << QByteArray("{\"images\": @tru}") << "expected a value";
    QTest::newRow("trailing comma") << QByteArray("{\"images\": [1, 2,@]}") << "found ']'";
    QTest::newRow("bad escape") << QByteArray("{\"a\": \"x@\\q\"}") << "expected an escape";
    QTest::newRow("line break in a string") << QByteArray("{\"a\": \"x@\ny\"}") << "found a line break";
    QTest::newRow("garbage after") << QByteArray("{\"images\": []}\n@x") << "expected nothing more";
    QTest::newRow("single quotes") << QByteArray("{@'images': []}") << "expected a quoted key or '}', found '''";
}

void TestFormatCoco::syntaxErrors()
{
    QFETCH(QByteArray, marked);
    QFETCH(QString, message);
    int line = 0, column = 0;
    const QString path = test::fileWith(m_dir, QStringLiteral("bad.json"), withoutMark(marked, &line, &column));
    auto read = test::readFiles(m_coco, {path});
    QVERIFY(!read.ok());
    QCOMPARE(read.error().kind, ErrorKind::Input);
    QVERIFY2(read.error().message.contains(message), qPrintable(read.error().message));
    QCOMPARE(read.error().file, path);
    QCOMPARE(read.error().line, line);
    QCOMPARE(read.error().column, column);
}

void TestFormatCoco::truncatedFixture_data()
{
    QTest::addColumn<double>("fraction");
    QTest::newRow("10%") << 0.1;
    QTest::newRow("50%") << 0.5;
    QTest::newRow("99%") << 0.99;
}

void TestFormatCoco::truncatedFixture()
{
    QFETCH(double, fraction);
    const QByteArray whole = test::readFile(test::dataPath(QStringLiteral("coco/captions_val2017.json")));
    const QByteArray cut = whole.left(qsizetype(whole.size() * fraction));
    const QString path = test::fileWith(m_dir, QStringLiteral("cut.json"), cut);
    auto read = test::readFiles(m_coco, {path});
    QVERIFY(!read.ok());
    QVERIFY2(read.error().message.startsWith(QStringLiteral("unexpected end of file (truncated?)")),
             qPrintable(read.error().message));
    const std::string_view text = text::trimmed({cut.constData(), size_t(cut.size())});
    const text::Position end = text::positionOf(text, text.size());
    QCOMPARE(read.error().line, end.line);
    QCOMPARE(read.error().column, end.column);
}

void TestFormatCoco::schemaErrors_data()
{
    QTest::addColumn<QByteArray>("marked");
    QTest::addColumn<QString>("message");
    QTest::newRow("top level array") << QByteArray("@[]") << "expected an object, found an array";
    QTest::newRow("no annotations") << QByteArray("@{\"images\": []}") << "missing \"annotations\" (expected an array)";
    QTest::newRow("images is an object") << QByteArray("{\"images\": @{}, \"annotations\": []}")
                                         << "images: expected an array, found an object";
    QTest::newRow("caption is a number")
        << QByteArray("{\"images\": [{\"id\": 1, \"file_name\": \"a.jpg\"}],\n"
                      " \"annotations\": [{\"id\": 5, \"image_id\": 1, \"caption\": \"ok\"},\n"
                      "   {\"id\": 6, \"image_id\": 1, \"caption\": @42}]}")
        << "annotations[1].caption: expected a string, found a number";
    QTest::newRow("unknown image")
        << QByteArray("{\"images\": [{\"id\": 1, \"file_name\": \"a.jpg\"}],\n"
                      " \"annotations\": [{\"id\": 5, \"image_id\": @7, \"caption\": \"x\"}]}")
        << "annotations[0].image_id: no image has id 7";
    QTest::newRow("fractional id") << QByteArray("{\"images\": [{\"id\": @1.5, \"file_name\": \"a.jpg\"}], \"annotations\": []}")
                                   << "images[0].id: expected an id (an integer or a string), found a decimal number";
    QTest::newRow("no file name") << QByteArray("{\"images\": [@{\"id\": 1}], \"annotations\": []}")
                                  << "images[0]: missing \"file_name\" (expected a string)";
    QTest::newRow("empty file name") << QByteArray("{\"images\": [{\"id\": 1, \"file_name\": @\"\"}], \"annotations\": []}")
                                     << "images[0].file_name: expected a file name, found an empty string";
    QTest::newRow("negative width")
        << QByteArray("{\"images\": [{\"id\": 1, \"file_name\": \"a.jpg\", \"width\": @-5}], \"annotations\": []}")
        << "images[0].width: -5 is out of range";
    QTest::newRow("annotation is a string")
        << QByteArray("{\"images\": [], \"annotations\": [\n@\"x\"]}") << "annotations[0]: expected an object, found a string";
    QTest::newRow("caption is null")
        << QByteArray("{\"images\": [{\"id\": 1, \"file_name\": \"a.jpg\"}], \"annotations\": [{\"image_id\": 1, \"caption\": @null}]}")
        << "annotations[0].caption: expected a string, found null";
}

void TestFormatCoco::schemaErrors()
{
    QFETCH(QByteArray, marked);
    QFETCH(QString, message);
    int line = 0, column = 0;
    const QString path = test::fileWith(m_dir, QStringLiteral("schema.json"), withoutMark(marked, &line, &column));
    auto read = test::readFiles(m_coco, {path});
    QVERIFY(!read.ok());
    QCOMPARE(read.error().kind, ErrorKind::Input);
    QVERIFY2(read.error().message.contains(message), qPrintable(read.error().message));
    QCOMPARE(read.error().file, path);
    QCOMPARE(read.error().line, line);
    QCOMPARE(read.error().column, column);
}

void TestFormatCoco::sameIdSameNameMerges()
{
    const QString path = test::fileWith(m_dir, QStringLiteral("dup.json"),
        R"({"images": [{"id": 1, "file_name": "a.jpg"}, {"id": 1, "file_name": "a.jpg"}],
            "annotations": [{"id": 1, "image_id": 1, "caption": "x"}]})");
    auto read = test::readFiles(m_coco, {path});
    QVERIFY(read.ok());
    QCOMPARE(int(read->images.size()), 1);
    QCOMPARE(read->warnings.size(), 1);
    QVERIFY2(read->warnings[0].contains(QStringLiteral("images[1]: image id 1 (\"a.jpg\") is listed twice")),
             qPrintable(read->warnings[0]));
}

void TestFormatCoco::sameIdOtherNameIsRefused()
{
    int line = 0, column = 0;
    const QString path = test::fileWith(m_dir, QStringLiteral("dup.json"), withoutMark(
        "{\"images\": [{\"id\": 397133, \"file_name\": \"a.jpg\"},\n {\"id\": @397133, \"file_name\": \"b.jpg\"}],\n"
        " \"annotations\": []}", &line, &column));
    auto read = test::readFiles(m_coco, {path});
    QVERIFY(!read.ok());
    QCOMPARE(read.error().message, QStringLiteral("images[1].id: image id 397133 is used for both \"a.jpg\" and \"b.jpg\""));
    QCOMPARE(read.error().line, line);
    QCOMPARE(read.error().column, column);
}

void TestFormatCoco::sameNameTwoIdsIsOneImage()
{
    const QString path = test::fileWith(m_dir, QStringLiteral("dup.json"),
        R"({"images": [{"id": 1, "file_name": "a.jpg"}, {"id": 2, "file_name": "./a.jpg"}],
            "annotations": [{"id": 1, "image_id": 1, "caption": "one"}, {"id": 2, "image_id": 2, "caption": "two"}]})");
    auto read = test::readFiles(m_coco, {path});
    QVERIFY(read.ok());
    QCOMPARE(int(read->images.size()), 1);
    QCOMPARE(test::captionLines(*read), QStringList({QStringLiteral("a.jpg|one"), QStringLiteral("a.jpg|two")}));
    QCOMPARE(read->warnings.size(), 1);
    QVERIFY2(read->warnings[0].contains(QStringLiteral("\"a.jpg\" is listed under ids 1 and 2")), qPrintable(read->warnings[0]));
}

void TestFormatCoco::repeatedWarningsAreSummarised()
{
    QByteArray json = R"({"images": [)";
    for (int i = 0; i < 20; ++i)
        json += QByteArray(i ? "," : "") + R"({"id": 1, "file_name": "a.jpg"})";
    json += R"(], "annotations": []})";
    auto read = test::readFiles(m_coco, {test::fileWith(m_dir, QStringLiteral("many.json"), json)});
    QVERIFY(read.ok());
    QCOMPARE(read->warnings.size(), 6); // five in full, then one line for the other fourteen
    QVERIFY2(read->warnings.last().contains(QStringLiteral("14 more")), qPrintable(read->warnings.last()));
}

void TestFormatCoco::encodings_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<bool>("warns");
    const QByteArray utf8 = "{\"images\": [{\"id\": 1, \"file_name\": \"caf\xC3\xA9.jpg\"}],\r\n"
                            "\"annotations\": [{\"image_id\": 1, \"caption\": \"caf\xC3\xA9\"}]}\r\n";
    QTest::newRow("UTF-8 with CRLF") << utf8 << false;
    QTest::newRow("UTF-8 BOM") << "\xEF\xBB\xBF" + utf8 << false;
    const QString text = QString::fromUtf8(utf8);
    QTest::newRow("UTF-16LE BOM") << QByteArray("\xFF\xFE") + QByteArray(reinterpret_cast<const char *>(text.utf16()), text.size() * 2)
                                  << false;
    QTest::newRow("Latin-1") << QByteArray(utf8).replace("\xC3\xA9", "\xE9") << true;
}

void TestFormatCoco::encodings()
{
    QFETCH(QByteArray, bytes);
    QFETCH(bool, warns);
    auto read = test::readFiles(m_coco, {test::fileWith(m_dir, QStringLiteral("enc.json"), bytes)});
    QVERIFY2(read.ok(), qPrintable(read.ok() ? QString() : read.error().toString()));
    QCOMPARE(read->images[0].name, std::string("caf\xC3\xA9.jpg"));
    QCOMPARE(read->captions[0].text, std::string("caf\xC3\xA9"));
    QCOMPARE(read->warnings.size(), warns ? 1 : 0);
    if (warns)
        QVERIFY2(read->warnings[0].startsWith(QStringLiteral("enc.json: ")) && read->warnings[0].contains(QStringLiteral("Windows-1252")),
                 qPrintable(read->warnings[0]));
}

void TestFormatCoco::keepsUnsafeNames_data()
{
    QTest::addColumn<QByteArray>("fileName");
    QTest::addColumn<QString>("name");
    QTest::newRow("parent") << QByteArray("../secret.jpg") << "../secret.jpg";
    QTest::newRow("inner parent") << QByteArray("a/../../b.jpg") << "a/../../b.jpg";
    QTest::newRow("absolute") << QByteArray("/etc/passwd") << "/etc/passwd";
    QTest::newRow("drive") << QByteArray("C:\\\\Users\\\\x.jpg") << "C:/Users/x.jpg";
    QTest::newRow("dot and double slash") << QByteArray("./images//a.jpg") << "images/a.jpg";
}

void TestFormatCoco::keepsUnsafeNames()
{
    QFETCH(QByteArray, fileName);
    QFETCH(QString, name);
    const QByteArray json = R"({"images": [{"id": 1, "file_name": ")" + fileName
                            + R"("}], "annotations": [{"id": 2, "image_id": 1, "caption": "x"}]})";
    auto read = test::readFiles(m_coco, {test::fileWith(m_dir, QStringLiteral("unsafe.json"), json)});
    QVERIFY(read.ok());
    QCOMPARE(QString::fromStdString(read->images[0].name), name);
    QTemporaryDir out; // the name is text in the file: nothing is written next to it
    const QString path = out.filePath(QStringLiteral("out.json"));
    QVERIFY(test::writeTo(m_coco, *read, path).ok());
    QCOMPARE(test::entries(out.path()), QStringList{QStringLiteral("out.json")});
    auto again = test::readFiles(m_coco, {path});
    QVERIFY(again.ok());
    QCOMPARE(QString::fromStdString(again->images[0].name), name);
}

void TestFormatCoco::sniff_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<bool>("isCoco");
    QTest::newRow("coco") << "coco/captions_val2017.json" << true;
    QTest::newRow("vqa questions") << "vqa/v2_OpenEnded_mscoco_val2014_questions.json" << false;
    QTest::newRow("vqa annotations") << "vqa/v2_mscoco_val2014_annotations.json" << false;
    QTest::newRow("jsonl") << "jsonl/dataset.jsonl" << false;
}

void TestFormatCoco::sniff()
{
    QFETCH(QString, file);
    QFETCH(bool, isCoco);
    const int score = m_coco->sniff(test::dataPath(file));
    if (isCoco) {
        QVERIFY2(score >= 50, qPrintable(QString::number(score)));
        QCOMPARE(FormatRegistry::instance().detect(test::dataPath(file)).value(), QStringLiteral("coco"));
    } else {
        QCOMPARE(score, 0);
    }
}

void TestFormatCoco::sniffSeesCaptionsAtTheEnd()
{
    const QByteArray json = generatedCoco(300, 1); // real COCO: "annotations" far after the first KB
    QVERIFY(json.indexOf("\"caption\"") > 8192);
    QCOMPARE(m_coco->sniff(test::fileWith(m_dir, QStringLiteral("big.json"), json)), 90);
}

void TestFormatCoco::cancels()
{
    const QString path = test::fileWith(m_dir, QStringLiteral("cancel.json"), generatedCoco(1000, 5));
    ImportOptions options;
    options.files = {path};
    test::ProgressProbe midway;
    midway.cancelAfter = 3;
    auto read = m_coco->read(options, midway.progress());
    QVERIFY(!read.ok());
    QCOMPARE(read.error().kind, ErrorKind::Cancelled);

    auto full = test::readFiles(m_coco, {path});
    QVERIFY(full.ok());
    test::ProgressProbe before;
    before.cancel = true;
    ExportOptions out;
    out.output = m_dir.filePath(QStringLiteral("cancelled-out.json"));
    const Status written = m_coco->write(*full, out, before.progress());
    QVERIFY(!written.ok());
    QCOMPARE(written.error().kind, ErrorKind::Cancelled);
    QVERIFY(!QFile::exists(out.output)); // no half-written file
}

void TestFormatCoco::reportsProgressSparingly()
{
    const QString path = test::fileWith(m_dir, QStringLiteral("progress.json"), generatedCoco(3000, 5));
    ImportOptions options;
    options.files = {path};
    test::ProgressProbe probe;
    QVERIFY(m_coco->read(options, probe.progress()).ok());
    QVERIFY2(probe.reports > 10 && probe.reports <= 300, qPrintable(QString::number(probe.reports)));
}

// The real captions_train2017.json (590k captions, 90 MB) must read in well
// under a second; a tenth of it must take well under a tenth of that budget.
void TestFormatCoco::parsesQuickly()
{
    const QString path = test::fileWith(m_dir, QStringLiteral("quick.json"), generatedCoco(12000, 5));
    QElapsedTimer timer;
    timer.start();
    auto read = test::readFiles(m_coco, {path});
    const qint64 ms = timer.elapsed();
    QVERIFY(read.ok());
    QCOMPARE(int(read->captions.size()), 60000);
    qInfo("read 12k images / 60k captions in %lld ms", ms);
    QVERIFY2(ms < 500, qPrintable(QString::number(ms)));
}

QTEST_GUILESS_MAIN(TestFormatCoco)
#include "test_format_coco.moc"
