#include "formattests.h"

#include <QTest>

using namespace tandem;

namespace {

const QString kFixture = QStringLiteral("llava/conversations.json");

QByteArray record(const QByteArray &turns)
{
    return R"([{"id": "r1", "image": "a.jpg", "conversations": [)" + turns + "]}]";
}

} // namespace

class TestFormatLlava : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void readsFixture();
    void descriptionPrompts_data();
    void descriptionPrompts();
    void schemaErrors_data();
    void schemaErrors();
    void warnsAndSkips();
    void roundTrip();
    void sniff_data();
    void sniff();
    void garbageNeverCrashes();
    void cancels();

private:
    QString file(const QString &name, const QByteArray &bytes) { return test::fileWith(m_dir, name, bytes); }
    DatasetFormat *m_llava = nullptr;
    QTemporaryDir m_dir;
};

void TestFormatLlava::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_llava = test::formatOrFail(QStringLiteral("llava"));
}

void TestFormatLlava::readsFixture()
{
    auto read = test::readFiles(m_llava, {test::dataPath(kFixture)});
    QVERIFY2(read, why(read));
    const Dataset &d = *read;
    QCOMPARE(int(d.images.size()), 2); // the bus's two records merge; the text-only one is skipped
    QCOMPARE(d.images[0].name, std::string("coco/train2017/000000033471.jpg"));
    QCOMPARE(d.images[0].extId, std::string("000000033471"));
    QCOMPARE(d.images[1].extId, std::string("000000052846"));
    QCOMPARE(int(d.questions.size()), 2);
    QCOMPARE(d.questions[0].text, std::string("What are the colors of the bus in the image?")); // <image> removed
    QCOMPARE(int(d.questions[0].answers.size()), 1);
    QCOMPARE(d.questions[0].answers[0].text, std::string("The bus in the image is white and red."));
    QCOMPARE(d.questions[1].image, size_t(0));
    QCOMPARE(int(d.captions.size()), 2);
    QCOMPARE(d.captions[0].image, size_t(1));
    QCOMPARE(d.captions[0].text, std::string("A cat sits on a wooden bench in a sunny garden."));
    QCOMPARE(d.captions[1].image, size_t(0));
    QCOMPARE(d.warnings.size(), 1);
    QVERIFY2(d.warnings[0].contains(QStringLiteral("[3]: no \"image\"; skipped")), qPrintable(d.warnings[0]));
}

void TestFormatLlava::descriptionPrompts_data()
{
    QTest::addColumn<QString>("prompt");
    QTest::addColumn<bool>("isDescription");
    QTest::newRow("llava brief") << "Describe the image concisely." << true;
    QTest::newRow("llava summary") << "Summarize the visual content of the image." << true;
    QTest::newRow("llava detail") << "What is happening in the scene?" << true;
    QTest::newRow("writer's own") << "Describe the image." << true;
    QTest::newRow("caption request") << "Write a CAPTION for this photo" << true;
    QTest::newRow("colour question") << "What colour is the bus?" << false;
    QTest::newRow("count question") << "How many people are there?" << false;
}

void TestFormatLlava::descriptionPrompts()
{
    QFETCH(QString, prompt);
    QFETCH(bool, isDescription);
    const QByteArray turns = R"({"from": "human", "value": "<image>\n)" + prompt.toUtf8()
                             + R"("}, {"from": "gpt", "value": "A red bus."})";
    auto read = test::readFiles(m_llava, {file(QStringLiteral("prompt.json"), record(turns))});
    QVERIFY2(read, why(read));
    QCOMPARE(int(read->captions.size()), isDescription ? 1 : 0);
    QCOMPARE(int(read->questions.size()), isDescription ? 0 : 1);
}

void TestFormatLlava::schemaErrors_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("expected");
    QTest::newRow("empty file") << QByteArray(" \n") << "the file is empty";
    QTest::newRow("not a list") << QByteArray(R"({"image": "a.jpg"})") << "expected an array, found an object";
    QTest::newRow("no conversations") << QByteArray(R"([{"image": "a.jpg"}])") << "[0]: missing \"conversations\"";
    QTest::newRow("unknown speaker")
        << record(R"({"from": "robot", "value": "hi"})") << "[0].conversations[0].from: expected \"human\" or \"gpt\", found \"robot\"";
    QTest::newRow("model first")
        << record(R"({"from": "gpt", "value": "hi"})") << "[0].conversations[0].from: expected \"human\"";
    QTest::newRow("two human turns")
        << record(R"({"from": "human", "value": "<image>\nA?"}, {"from": "human", "value": "B?"})")
        << "[0].conversations[1].from: expected \"gpt\"";
    QTest::newRow("value a number")
        << record(R"({"from": "human", "value": 3})") << "[0].conversations[0].value: expected a string, found a number";
    QTest::newRow("empty image") << QByteArray(R"([{"image": "", "conversations": []}])") << "[0].image: expected a file name";
}

void TestFormatLlava::schemaErrors()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, expected);
    auto read = test::readFiles(m_llava, {file(QStringLiteral("bad.json"), json)});
    QVERIFY(!read);
    QCOMPARE(read.error().kind, ErrorKind::Input);
    QVERIFY2(read.error().message.contains(expected), qPrintable(read.error().toString()));
    QVERIFY2(read.error().toString().contains(QStringLiteral("bad.json")), qPrintable(read.error().toString()));
}

void TestFormatLlava::warnsAndSkips()
{
    auto read = test::readFiles(m_llava, {file(QStringLiteral("odd.json"), record(R"({"from": "user", "value": "Is it big?"},
        {"from": "assistant", "value": "Yes."}, {"from": "human", "value": "And red?"})"))});
    QVERIFY2(read, why(read));
    QCOMPARE(int(read->questions.size()), 1); // user / assistant are read as human / gpt
    QCOMPARE(read->questions[0].answers[0].text, std::string("Yes."));
    const QString warnings = read->warnings.join(QLatin1Char('\n'));
    QVERIFY2(warnings.contains(QStringLiteral("last human turn has no reply")), qPrintable(warnings));
    QVERIFY2(warnings.contains(QStringLiteral("no human turn carries <image>")), qPrintable(warnings));
}

void TestFormatLlava::roundTrip()
{
    Dataset d;
    d.images.resize(3);
    d.images[0].name = "photos/a.jpg";
    d.images[0].extId = "a-1";
    d.images[1].name = "photos/b \"quoted\".jpg"; // no id: the name stands in
    d.images[2].name = "photos/unlabelled.jpg";   // nothing to say: left out
    d.captions.push_back({0, "Two dogs run on a beach.", {}});
    d.captions.push_back({1, "A line\nbreak and \xE2\x9C\x93 unicode.", {}});
    DatasetQuestion q;
    q.image = 0;
    q.text = "How many dogs are there?";
    q.answers = {{"2", "yes"}, {"two", "maybe"}};
    q.multipleChoiceAnswer = "2";
    d.questions.push_back(q);
    q.image = 1;
    q.text = "Is it raining?";
    q.answers = {{"no", ""}};
    q.multipleChoiceAnswer.clear();
    d.questions.push_back(q);

    const QString path = m_dir.filePath(QStringLiteral("round.json"));
    QVERIFY(test::writeTo(m_llava, d, path).ok());
    QCOMPARE(FormatRegistry::instance().detect(path).value(), QStringLiteral("llava"));
    auto again = test::readFiles(m_llava, {path});
    QVERIFY2(again, why(again));
    QVERIFY2(again->warnings.isEmpty(), qPrintable(again->warnings.join('\n')));
    QCOMPARE(int(again->images.size()), 2);
    QCOMPARE(again->images[0].extId, std::string("a-1"));
    QCOMPARE(again->images[1].name, d.images[1].name);
    QCOMPARE(test::captionLines(*again), test::captionLines(d));
    QCOMPARE(int(again->questions.size()), 2);
    QCOMPARE(again->questions[0].text, d.questions[0].text);
    QCOMPARE(again->questions[0].answers[0].text, std::string("2")); // the consensus answer
    QCOMPARE(again->questions[1].answers[0].text, std::string("no"));
    QCOMPARE(again->questions[1].image, size_t(1));
}

void TestFormatLlava::sniff_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<bool>("isLlava");
    QTest::newRow("llava") << test::dataPath(kFixture) << true;
    QTest::newRow("coco") << test::dataPath(QStringLiteral("coco/captions_val2017.json")) << false;
    QTest::newRow("vqa questions") << test::dataPath(QStringLiteral("vqa/v2_OpenEnded_mscoco_val2014_questions.json")) << false;
    QTest::newRow("jsonl") << test::dataPath(QStringLiteral("jsonl/dataset.jsonl")) << false;
}

void TestFormatLlava::sniff()
{
    QFETCH(QString, path);
    QFETCH(bool, isLlava);
    const int score = m_llava->sniff(path);
    if (isLlava) {
        QVERIFY2(score >= 50, qPrintable(QString::number(score)));
        QCOMPARE(FormatRegistry::instance().detect(path).value(), QStringLiteral("llava"));
    } else {
        QCOMPARE(score, 0);
    }
}

void TestFormatLlava::garbageNeverCrashes()
{
    // Each input starts with '[' so that it is never empty (an empty file is an
    // error of the whole file, without a position: see schemaErrors).
    int round = 0;
    test::checkGarbageNeverCrashes(R"([]{}:,"" imagefromvaluehumangptconversations<>\)", [&](const QByteArray &bytes) {
        return test::readFiles(m_llava, {file(QStringLiteral("garbage%1.json").arg(round++), "[" + bytes)});
    });
}

void TestFormatLlava::cancels()
{
    QByteArray many = "[";
    for (int i = 0; i < 3000; ++i)
        many += (i ? "," : "") + QByteArray(R"({"image": "i)") + QByteArray::number(i)
                + R"(.jpg", "conversations": [{"from": "human", "value": "<image>\nWhat?"}, {"from": "gpt", "value": "A."}]})";
    many += "]";
    test::checkCancelsBeforeStart(m_llava, {file(QStringLiteral("many.json"), many)}, m_dir.filePath(QStringLiteral("many-out.json")));
}

QTEST_GUILESS_MAIN(TestFormatLlava)
#include "test_format_llava.moc"
