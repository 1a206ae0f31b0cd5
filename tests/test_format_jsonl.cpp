#include "formattests.h"
#include "util/text.h"

#include <QTest>
#include <algorithm>

using namespace tandem;

namespace {

const QString kFixture = QStringLiteral("jsonl/dataset.jsonl");

QByteArray withoutMark(const QByteArray &marked, int *line, int *column)
{
    const qsizetype at = marked.indexOf('@');
    const text::Position pos = text::positionOf({marked.constData(), size_t(marked.size())}, size_t(at));
    *line = pos.line;
    *column = pos.column;
    QByteArray text = marked;
    return text.remove(at, 1);
}

QByteArray generatedLines(int count)
{
    QByteArray out;
    for (int i = 0; i < count; ++i)
        out += R"({"image": "img)" + QByteArray::number(i) + R"(.jpg", "captions": ["A thing.", "Another thing."]})" + "\n";
    return out;
}

} // namespace

class TestFormatJsonl : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void readsFixture();
    void lineEnds_data();
    void lineEnds();
    void syntaxErrors_data();
    void syntaxErrors();
    void schemaErrors_data();
    void schemaErrors();
    void disagreeingLinesWarn();
    void keepsTenAnswers();
    void roundTrip();
    void roundTripKeepsIdsAndConfidences();
    void roundTripKeepsRegions();
    void encodings_data();
    void encodings();
    void keepsUnsafeNames_data();
    void keepsUnsafeNames();
    void sniff_data();
    void sniff();
    void cancels();
    void reportsProgressSparingly();

private:
    QString file(const QString &name, const QByteArray &bytes) { return test::fileWith(m_dir, name, bytes); }
    DatasetFormat *m_jsonl = nullptr;
    QTemporaryDir m_dir;
};

void TestFormatJsonl::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_jsonl = test::formatOrFail(QStringLiteral("jsonl"));
}

void TestFormatJsonl::readsFixture()
{
    auto read = test::readFiles(m_jsonl, {test::dataPath(kFixture)});
    QVERIFY2(read.ok(), qPrintable(read.ok() ? QString() : read.error().toString()));
    const Dataset &d = *read;
    QVERIFY2(d.warnings.isEmpty(), qPrintable(d.warnings.join('\n')));
    QCOMPARE(int(d.images.size()), 4); // the two kitchen lines merge
    const DatasetImage &kitchen = d.images[0];
    QCOMPARE(kitchen.name, std::string("kitchen/000001.jpg"));
    QCOMPARE(kitchen.extId, std::string("k1"));
    QCOMPARE(kitchen.split, std::string("train"));
    QCOMPARE(kitchen.width, 640);
    QCOMPARE(kitchen.height, 480);
    QCOMPARE(kitchen.tags, std::vector<std::string>({"indoor", "kitchen"}));
    QCOMPARE(int(d.captions.size()), 4);
    QCOMPARE(d.captions[2].text, std::string("Pots hang above a stove in a tidy kitchen."));
    QCOMPARE(d.captions[2].image, size_t(0));
    QCOMPARE(d.images[1].name, std::string("street/000042.jpg")); // from "file_name"
    QCOMPARE(d.images[2].name, std::string("park/skate.jpg"));     // from "file"
    QCOMPARE(int(d.questions.size()), 4);
    const DatasetQuestion &color = d.questions[0];
    QCOMPARE(color.image, size_t(1));
    QCOMPARE(int(color.answers.size()), 4);
    QCOMPARE(color.answers[2].text, std::string("orange"));
    QCOMPARE(color.questionType, std::string("what color is the"));
    QCOMPARE(color.multipleChoiceAnswer, std::string("red"));
    QCOMPARE(color.extId, std::string("42001"));
    QCOMPARE(d.questions[1].answers[0].text, std::string("3")); // a single "answer"
    QCOMPARE(d.questions[2].answers[1].confidence, std::string("maybe"));
    const DatasetQuestion &bench = d.questions[3]; // a top-level question
    QCOMPARE(bench.image, size_t(3));
    QCOMPARE(bench.extId, std::string("7"));
    QCOMPARE(bench.answers[0].text, std::string("a dog"));
    QCOMPARE(d.images[3].split, std::string("test"));
    QVERIFY(d.images[3].extId.empty()); // "question_id" is not the image's id
}

void TestFormatJsonl::lineEnds_data()
{
    QTest::addColumn<QByteArray>("newline");
    QTest::newRow("CRLF") << QByteArray("\r\n");
    QTest::newRow("CR") << QByteArray("\r");
    QTest::newRow("LF, blank lines") << QByteArray("\n \t\n");
}

void TestFormatJsonl::lineEnds()
{
    QFETCH(QByteArray, newline);
    const QByteArray lf = test::readFile(test::dataPath(kFixture));
    auto expected = test::readFiles(m_jsonl, {test::dataPath(kFixture)});
    auto read = test::readFiles(m_jsonl, {file(QStringLiteral("ends.jsonl"), QByteArray(lf).replace("\n", newline))});
    QVERIFY2(read.ok(), qPrintable(read.ok() ? QString() : read.error().toString()));
    QCOMPARE(test::captionLines(*read), test::captionLines(*expected));
    QCOMPARE(test::questionLines(*read), test::questionLines(*expected));
}

void TestFormatJsonl::syntaxErrors_data()
{
    QTest::addColumn<QByteArray>("marked");
    QTest::addColumn<QString>("message");
    QTest::newRow("missing colon") << QByteArray("{\"image\": \"a.jpg\", \"caption\": \"x\"}\r\n\r\n{\"image\" @\"b.jpg\"}\r\n")
                                   << "expected ':' after the key, found '\"'";
    QTest::newRow("truncated last line") << QByteArray("{\"image\": \"a.jpg\"}\n{\"image\": \"b.jpg\", \"captions\": [\"x\", \"y\"@")
                                         << "unexpected end of line (truncated?): expected ',' or ']'; "
                                            "the array that starts at line 2, column 32 is not closed";
    QTest::newRow("two objects on a line") << QByteArray("{\"image\": \"a.jpg\"} @{\"image\": \"b.jpg\"}")
                                           << "expected nothing more after the top-level value, found '{'";
    QTest::newRow("object across lines") << QByteArray("{\"image\": \"a.jpg\",@\n \"caption\": \"x\"}")
                                         << "unexpected end of line (truncated?): expected a quoted key";
}

void TestFormatJsonl::syntaxErrors()
{
    QFETCH(QByteArray, marked);
    QFETCH(QString, message);
    int line = 0, column = 0;
    const QString path = file(QStringLiteral("bad.jsonl"), withoutMark(marked, &line, &column));
    auto read = test::readFiles(m_jsonl, {path});
    QVERIFY(!read.ok());
    QCOMPARE(read.error().kind, ErrorKind::Input);
    QVERIFY2(read.error().message.contains(message), qPrintable(read.error().message));
    QCOMPARE(read.error().file, path);
    QCOMPARE(read.error().line, line);
    QCOMPARE(read.error().column, column);
}

void TestFormatJsonl::schemaErrors_data()
{
    QTest::addColumn<QByteArray>("marked");
    QTest::addColumn<QString>("message");
    QTest::newRow("not an object") << QByteArray("{\"image\": \"a.jpg\"}\n@[1, 2]") << "expected an object, found an array";
    QTest::newRow("no image") << QByteArray("@{\"caption\": \"x\"}") << "missing \"image\" (or \"file_name\", \"file\")";
    QTest::newRow("caption is a number") << QByteArray("{\"image\": \"a.jpg\", \"captions\": [\"ok\", @5]}")
                                         << "captions[1]: expected a string, found a number";
    QTest::newRow("answer object without answer")
        << QByteArray("{\"image\": \"a.jpg\", \"qa\": [{\"question\": \"q\", \"answers\": [\"a\", @{\"x\": 1}]}]}")
        << "qa[0].answers[1]: missing \"answer\" (expected a string)";
    QTest::newRow("qa without question") << QByteArray("{\"image\": \"a.jpg\", \"qa\": [@{\"answer\": \"x\"}]}")
                                         << "qa[0]: missing \"question\" (expected a string)";
    QTest::newRow("tags is a string") << QByteArray("{\"image\": \"a.jpg\", \"tags\": @\"indoor\"}")
                                      << "tags: expected an array, found a string";
    QTest::newRow("width is text") << QByteArray("\n\n{\"image\": \"a.jpg\", \"width\": @\"640\"}")
                                   << "width: expected a whole number, found a string";
    QTest::newRow("image is empty") << QByteArray("{\"file\": @\"\"}") << "file: expected a file name, found an empty string";
    QTest::newRow("region box of three") << QByteArray("{\"image\": \"a.jpg\", \"regions\": [{\"box\": @[1, 2, 3]}]}")
                                         << "regions[0].box: expected [x, y, width, height]";
    QTest::newRow("region box with text") << QByteArray("{\"image\": \"a.jpg\", \"regions\": [{\"box\": [1, 2, @\"3\", 4]}]}")
                                          << "regions[0].box[2]: expected a number";
    QTest::newRow("region without box") << QByteArray("{\"image\": \"a.jpg\", \"regions\": [@{\"label\": \"cat\"}]}")
                                        << "regions[0]: missing \"box\"";
}

void TestFormatJsonl::schemaErrors()
{
    QFETCH(QByteArray, marked);
    QFETCH(QString, message);
    int line = 0, column = 0;
    const QString path = file(QStringLiteral("schema.jsonl"), withoutMark(marked, &line, &column));
    auto read = test::readFiles(m_jsonl, {path});
    QVERIFY(!read.ok());
    QVERIFY2(read.error().message.contains(message), qPrintable(read.error().message));
    QCOMPARE(read.error().line, line);
    QCOMPARE(read.error().column, column);
}

void TestFormatJsonl::disagreeingLinesWarn()
{
    auto read = test::readFiles(m_jsonl, {file(QStringLiteral("split.jsonl"),
        "{\"image\": \"a.jpg\", \"split\": \"train\"}\n{\"image\": \"./a.jpg\", \"split\": \"val\", \"caption\": \"x\"}\n")});
    QVERIFY(read.ok());
    QCOMPARE(int(read->images.size()), 1);
    QCOMPARE(read->images[0].split, std::string("train"));
    QCOMPARE(read->warnings.size(), 1);
    QVERIFY2(read->warnings[0].contains(QStringLiteral("line 2: split \"val\" for a.jpg differs from \"train\"")),
             qPrintable(read->warnings[0]));
}

void TestFormatJsonl::keepsTenAnswers()
{
    auto read = test::readFiles(m_jsonl, {file(QStringLiteral("answers.jsonl"),
        R"({"image": "a.jpg", "qa": [{"question": "q", "answers": ["1","2","3","4","5","6","7","8","9","10"], "answer": "11"}]})")});
    QVERIFY(read.ok());
    QCOMPARE(int(read->questions[0].answers.size()), 10);
    QCOMPARE(read->warnings.size(), 1);
    QVERIFY2(read->warnings[0].contains(QStringLiteral("line 1: qa[0]: 11 answers; kept the first 10")), qPrintable(read->warnings[0]));
}

void TestFormatJsonl::roundTrip()
{
    auto original = test::readFiles(m_jsonl, {test::dataPath(kFixture)});
    QVERIFY(original.ok());
    QTemporaryDir out;
    const QString path = out.filePath(QStringLiteral("out.jsonl"));
    QVERIFY(test::writeTo(m_jsonl, *original, path).ok());
    QCOMPARE(test::entries(out.path()), QStringList{QStringLiteral("out.jsonl")});
    QCOMPARE(test::readFile(path).count('\n'), 4); // one line per image
    auto again = test::readFiles(m_jsonl, {path});
    QVERIFY2(again.ok(), qPrintable(again.ok() ? QString() : again.error().toString()));
    QCOMPARE(test::captionLines(*again), test::captionLines(*original));
    QCOMPARE(test::questionLines(*again), test::questionLines(*original));
    for (size_t i = 0; i < original->images.size(); ++i) {
        const DatasetImage &a = original->images[i], &b = again->images[i];
        QCOMPARE(b.name, a.name);
        QCOMPARE(b.extId, a.extId);
        QCOMPARE(b.split, a.split);
        QCOMPARE(b.tags, a.tags);
        QCOMPARE(b.width, a.width);
        QCOMPARE(b.height, a.height);
    }
}

void TestFormatJsonl::roundTripKeepsIdsAndConfidences()
{
    Dataset d;
    d.images.push_back({});
    d.images[0].name = "a.jpg";
    d.captions.push_back({0, "with id \"quoted\"\n", "c9"});
    d.captions.push_back({0, "without id \xE2\x9C\x93", {}});
    DatasetQuestion q;
    q.text = "tab\there?";
    q.extId = "q1";
    q.answers = {{"yes", "maybe"}, {"no", ""}};
    d.questions.push_back(q);
    const QString path = m_dir.filePath(QStringLiteral("ids.jsonl"));
    QVERIFY(test::writeTo(m_jsonl, d, path).ok());
    auto read = test::readFiles(m_jsonl, {path});
    QVERIFY2(read.ok(), qPrintable(read.ok() ? QString() : read.error().toString()));
    QCOMPARE(read->captions[0].text, d.captions[0].text);
    QCOMPARE(read->captions[0].extId, std::string("c9"));
    QCOMPARE(read->captions[1].text, d.captions[1].text);
    QCOMPARE(read->questions[0].text, q.text);
    QCOMPARE(read->questions[0].extId, std::string("q1"));
    QCOMPARE(read->questions[0].answers[0].confidence, std::string("maybe"));
    QCOMPARE(read->questions[0].answers[1].confidence, std::string());
}

void TestFormatJsonl::roundTripKeepsRegions()
{
    Dataset d;
    d.images.resize(2);
    d.images[0].name = "a.png";
    d.images[1].name = "b.png";
    d.regions = {{0, 3.5, 4, 9, 9, "red square"}, {1, 0, 0, 0.125, 1e-3, "a \"quoted\" cat"}, {0, 10, 11, 12, 13, ""}};
    const QString path = m_dir.filePath(QStringLiteral("regions.jsonl"));
    QVERIFY(test::writeTo(m_jsonl, d, path).ok());
    QVERIFY(test::readFile(path).contains("\"regions\":[{\"box\":[3.5,4,9,9],\"label\":\"red square\"}"));
    auto read = test::readFiles(m_jsonl, {path});
    QVERIFY2(read.ok(), qPrintable(read.ok() ? QString() : read.error().toString()));
    QCOMPARE(int(read->regions.size()), 3);
    for (const DatasetRegion &r : read->regions) { // grouped by image on the way: match by label
        const auto same = std::find_if(d.regions.begin(), d.regions.end(), [&](const DatasetRegion &o) { return o.label == r.label; });
        QVERIFY(same != d.regions.end());
        QCOMPARE(read->images[r.image].name, d.images[same->image].name);
        QCOMPARE(r.x, same->x);
        QCOMPARE(r.y, same->y);
        QCOMPARE(r.width, same->width);
        QCOMPARE(r.height, same->height);
    }
}

void TestFormatJsonl::encodings_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<bool>("warns");
    const QByteArray utf8 = "{\"image\": \"caf\xC3\xA9.jpg\", \"caption\": \"caf\xC3\xA9\"}\r\n";
    QTest::newRow("UTF-8") << utf8 << false;
    QTest::newRow("BOM") << "\xEF\xBB\xBF" + utf8 << false;
    const QString text = QString::fromUtf8(utf8);
    QTest::newRow("UTF-16LE BOM") << QByteArray("\xFF\xFE") + QByteArray(reinterpret_cast<const char *>(text.utf16()), text.size() * 2)
                                  << false;
    QTest::newRow("Latin-1") << QByteArray(utf8).replace("\xC3\xA9", "\xE9") << true;
}

void TestFormatJsonl::encodings()
{
    QFETCH(QByteArray, bytes);
    QFETCH(bool, warns);
    auto read = test::readFiles(m_jsonl, {file(QStringLiteral("enc.jsonl"), bytes)});
    QVERIFY2(read.ok(), qPrintable(read.ok() ? QString() : read.error().toString()));
    QCOMPARE(read->images[0].name, std::string("caf\xC3\xA9.jpg"));
    QCOMPARE(read->captions[0].text, std::string("caf\xC3\xA9"));
    QCOMPARE(read->warnings.size(), warns ? 1 : 0);
}

void TestFormatJsonl::keepsUnsafeNames_data()
{
    QTest::addColumn<QByteArray>("image");
    QTest::addColumn<QString>("name");
    QTest::newRow("parent") << QByteArray("../x.jpg") << "../x.jpg";
    QTest::newRow("absolute") << QByteArray("/abs/y.jpg") << "/abs/y.jpg";
    QTest::newRow("drive") << QByteArray("C:\\\\pics\\\\z.jpg") << "C:/pics/z.jpg";
    QTest::newRow("dots") << QByteArray("./a//b.jpg") << "a/b.jpg";
}

void TestFormatJsonl::keepsUnsafeNames()
{
    QFETCH(QByteArray, image);
    QFETCH(QString, name);
    auto read = test::readFiles(m_jsonl, {file(QStringLiteral("unsafe.jsonl"), "{\"image\": \"" + image + "\", \"caption\": \"x\"}\n")});
    QVERIFY(read.ok());
    QCOMPARE(QString::fromStdString(read->images[0].name), name);
    QTemporaryDir out;
    const QString path = out.filePath(QStringLiteral("out.jsonl"));
    QVERIFY(test::writeTo(m_jsonl, *read, path).ok());
    QCOMPARE(test::entries(out.path()), QStringList{QStringLiteral("out.jsonl")});
    auto again = test::readFiles(m_jsonl, {path});
    QVERIFY(again.ok());
    QCOMPARE(QString::fromStdString(again->images[0].name), name);
}

void TestFormatJsonl::sniff_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<bool>("isJsonl");
    QTest::newRow("jsonl") << test::dataPath(kFixture) << true;
    QTest::newRow("coco") << test::dataPath(QStringLiteral("coco/captions_val2017.json")) << false;
    QTest::newRow("vqa questions") << test::dataPath(QStringLiteral("vqa/v2_OpenEnded_mscoco_val2014_questions.json")) << false;
    QTest::newRow("vqa annotations") << test::dataPath(QStringLiteral("vqa/v2_mscoco_val2014_annotations.json")) << false;
}

void TestFormatJsonl::sniff()
{
    QFETCH(QString, path);
    QFETCH(bool, isJsonl);
    const int score = m_jsonl->sniff(path);
    if (isJsonl) {
        QVERIFY2(score >= 50, qPrintable(QString::number(score)));
        QCOMPARE(FormatRegistry::instance().detect(path).value(), QStringLiteral("jsonl"));
        // JSON Lines saved as .json: still ours, and not COCO's or VQA's.
        const QString renamed = file(QStringLiteral("lines.json"), test::readFile(path));
        QVERIFY(m_jsonl->sniff(renamed) >= 50);
        QCOMPARE(FormatRegistry::instance().detect(renamed).value(), QStringLiteral("jsonl"));
    } else {
        QCOMPARE(score, 0);
    }
}

void TestFormatJsonl::cancels()
{
    ImportOptions options;
    options.files = {file(QStringLiteral("many.jsonl"), generatedLines(5000))};
    test::ProgressProbe probe;
    probe.cancelAfter = 2;
    auto read = m_jsonl->read(options, probe.progress());
    QVERIFY(!read.ok());
    QCOMPARE(read.error().kind, ErrorKind::Cancelled);

    auto full = m_jsonl->read(options, Progress());
    QVERIFY(full.ok());
    test::ProgressProbe before;
    before.cancel = true;
    ExportOptions out;
    out.output = m_dir.filePath(QStringLiteral("cancelled.jsonl"));
    QCOMPARE(m_jsonl->write(*full, out, before.progress()).error().kind, ErrorKind::Cancelled);
    QVERIFY(!QFile::exists(out.output));
}

void TestFormatJsonl::reportsProgressSparingly()
{
    ImportOptions options;
    options.files = {file(QStringLiteral("many.jsonl"), generatedLines(20000))};
    test::ProgressProbe probe;
    auto read = m_jsonl->read(options, probe.progress());
    QVERIFY(read.ok());
    QCOMPARE(int(read->captions.size()), 40000);
    QVERIFY2(probe.reports > 10 && probe.reports <= 300, qPrintable(QString::number(probe.reports)));
}

QTEST_GUILESS_MAIN(TestFormatJsonl)
#include "test_format_jsonl.moc"
