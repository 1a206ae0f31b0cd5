#include "formattests.h"
#include "util/text.h"

#include <QTest>

using namespace tandem;

namespace {

const QString kQuestions = QStringLiteral("vqa/v2_OpenEnded_mscoco_val2014_questions.json");
const QString kAnnotations = QStringLiteral("vqa/v2_mscoco_val2014_annotations.json");

QByteArray withoutMark(const QByteArray &marked, int *line, int *column)
{
    const qsizetype at = marked.indexOf('@');
    const text::Position pos = text::positionOf({marked.constData(), size_t(marked.size())}, size_t(at));
    *line = pos.line;
    *column = pos.column;
    QByteArray text = marked;
    return text.remove(at, 1);
}

QByteArray questionsJson(const QByteArray &questions, const QByteArray &subtype = "val2014")
{
    return R"({"info": {}, "task_type": "Open-Ended", "data_type": "mscoco", "license": {}, "data_subtype": ")" + subtype
           + R"(", "questions": [)" + questions + "]}";
}

QByteArray annotationsJson(const QByteArray &annotations)
{
    return R"({"info": {}, "license": {}, "data_subtype": "val2014", "annotations": [)" + annotations
           + R"(], "data_type": "mscoco"})";
}

QByteArray answers(int count)
{
    QByteArray out;
    for (int i = 1; i <= count; ++i)
        out += (i > 1 ? "," : "") + QByteArray(R"({"answer": "a)") + QByteArray::number(i)
               + R"(", "answer_confidence": "yes", "answer_id": )" + QByteArray::number(i) + "}";
    return out;
}

QByteArray generatedQuestions(int count)
{
    QByteArray questions;
    for (int i = 0; i < count; ++i)
        questions += (i ? ",\n" : "\n") + QByteArray(R"({"image_id": )") + QByteArray::number(i / 3 + 1)
                     + R"(, "question": "What is thing )" + QByteArray::number(i) + R"(?", "question_id": )"
                     + QByteArray::number(i + 1) + "}";
    return questionsJson(questions);
}

} // namespace

class TestFormatVqa : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void readsBothFiles_data();
    void readsBothFiles();
    void readsQuestionsAlone();
    void imagePatterns_data();
    void imagePatterns();
    void badPatterns_data();
    void badPatterns();
    void forcedSplit();
    void keepsTenAnswers();
    void skipsAnswersWithoutQuestion();
    void refusesDuplicateQuestionId();
    void schemaErrors_data();
    void schemaErrors();
    void syntaxErrors_data();
    void syntaxErrors();
    void wrongFileSets_data();
    void wrongFileSets();
    void roundTrip();
    void writerNumbersOtherIds();
    void writerWantsFolder();
    void encodings_data();
    void encodings();
    void sniff_data();
    void sniff();
    void cancels();
    void reportsProgressSparingly();

private:
    QString file(const QString &name, const QByteArray &bytes) { return test::fileWith(m_dir, name, bytes); }
    DatasetFormat *m_vqa = nullptr;
    QTemporaryDir m_dir;
};

void TestFormatVqa::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_vqa = test::formatOrFail(QStringLiteral("vqa"));
}

void TestFormatVqa::readsBothFiles_data()
{
    QTest::addColumn<bool>("questionsFirst");
    QTest::newRow("questions first") << true;
    QTest::newRow("annotations first") << false;
}

void TestFormatVqa::readsBothFiles()
{
    QFETCH(bool, questionsFirst);
    QStringList files{test::dataPath(kQuestions), test::dataPath(kAnnotations)};
    if (!questionsFirst)
        std::swap(files[0], files[1]);
    auto read = test::readFiles(m_vqa, files);
    QVERIFY2(read.ok(), qPrintable(read.ok() ? QString() : read.error().toString()));
    const Dataset &d = *read;
    QVERIFY2(d.warnings.isEmpty(), qPrintable(d.warnings.join('\n')));
    QCOMPARE(int(d.images.size()), 3);
    QCOMPARE(int(d.questions.size()), 6);
    QCOMPARE(d.images[0].name, std::string("COCO_val2014_000000262148.jpg"));
    QCOMPARE(d.images[0].extId, std::string("262148"));
    QCOMPARE(d.images[0].split, std::string("val"));
    const DatasetQuestion &q = d.questions[0];
    QCOMPARE(q.text, std::string("Where is he looking?"));
    QCOMPARE(q.extId, std::string("262148000"));
    QCOMPARE(q.questionType, std::string("none of the above"));
    QCOMPARE(q.answerType, std::string("other"));
    QCOMPARE(q.multipleChoiceAnswer, std::string("down"));
    QCOMPARE(int(q.answers.size()), 10);
    QCOMPARE(q.answers[2].text, std::string("at table"));
    QCOMPARE(q.answers[2].confidence, std::string("maybe"));
    QCOMPARE(d.questions[5].answerType, std::string("number"));
    QCOMPARE(d.questions[5].image, size_t(2));
}

void TestFormatVqa::readsQuestionsAlone()
{
    auto read = test::readFiles(m_vqa, {test::dataPath(kQuestions)});
    QVERIFY(read.ok());
    QCOMPARE(int(read->questions.size()), 6);
    for (const DatasetQuestion &q : read->questions)
        QVERIFY(q.answers.empty() && q.multipleChoiceAnswer.empty());
}

void TestFormatVqa::imagePatterns_data()
{
    QTest::addColumn<QString>("pattern");
    QTest::addColumn<QString>("name");
    QTest::newRow("default") << "" << "COCO_val2014_000000262148.jpg";
    QTest::newRow("plain id") << "{id}.jpg" << "262148.jpg";
    QTest::newRow("padded") << "{id:012}.jpg" << "000000262148.jpg";
    QTest::newRow("folders") << "images/{subtype}/{id:08}.png" << "images/val2014/00262148.png";
    QTest::newRow("unsafe kept") << "../{id}.jpg" << "../262148.jpg";
    QTest::newRow("absolute kept") << "/data/{id}.jpg" << "/data/262148.jpg";
}

void TestFormatVqa::imagePatterns()
{
    QFETCH(QString, pattern);
    QFETCH(QString, name);
    auto read = test::readFiles(m_vqa, {test::dataPath(kQuestions)}, {}, pattern);
    QVERIFY2(read.ok(), qPrintable(read.ok() ? QString() : read.error().toString()));
    QCOMPARE(QString::fromStdString(read->images[0].name), name);
}

void TestFormatVqa::badPatterns_data()
{
    QTest::addColumn<QString>("pattern");
    QTest::addColumn<QString>("message");
    QTest::newRow("unknown placeholder") << "{name}.jpg" << "unknown placeholder {name}";
    QTest::newRow("no id") << "{subtype}.jpg" << "no {id}";
    QTest::newRow("unclosed") << "{id.jpg" << "'{' without '}'";
    QTest::newRow("bad width") << "{id:x}.jpg" << "unknown placeholder {id:x}";
}

void TestFormatVqa::badPatterns()
{
    QFETCH(QString, pattern);
    QFETCH(QString, message);
    auto read = test::readFiles(m_vqa, {test::dataPath(kQuestions)}, {}, pattern);
    QVERIFY(!read.ok());
    QCOMPARE(read.error().kind, ErrorKind::Usage);
    QVERIFY2(read.error().message.contains(message), qPrintable(read.error().message));
}

void TestFormatVqa::forcedSplit()
{
    auto read = test::readFiles(m_vqa, {test::dataPath(kQuestions)}, QStringLiteral("train"));
    QVERIFY(read.ok());
    for (const DatasetImage &image : read->images)
        QCOMPARE(image.split, std::string("train"));
}

void TestFormatVqa::keepsTenAnswers()
{
    const QString questions = file(QStringLiteral("q.json"), questionsJson(R"({"image_id": 1, "question": "Why?", "question_id": 5})"));
    const QString annotations = file(QStringLiteral("a.json"), annotationsJson(
        R"({"question_type": "why", "multiple_choice_answer": "a1", "answers": [)" + answers(12)
        + R"(], "image_id": 1, "answer_type": "other", "question_id": 5})"));
    auto read = test::readFiles(m_vqa, {questions, annotations});
    QVERIFY(read.ok());
    QCOMPARE(int(read->questions[0].answers.size()), 10);
    QCOMPARE(read->questions[0].answers[9].text, std::string("a10"));
    QCOMPARE(read->warnings.size(), 1);
    QVERIFY2(read->warnings[0].contains(QStringLiteral("annotations[0].answers: 12 answers; kept the first 10")),
             qPrintable(read->warnings[0]));
}

void TestFormatVqa::skipsAnswersWithoutQuestion()
{
    const QString questions = file(QStringLiteral("q.json"), questionsJson(R"({"image_id": 1, "question": "Why?", "question_id": 5})"));
    const QString annotations = file(QStringLiteral("a.json"), annotationsJson(
        R"({"answers": [)" + answers(10) + R"(], "image_id": 1, "question_id": 6},
           {"answers": [)" + answers(10) + R"(], "image_id": 1, "question_id": "5"})"));
    auto read = test::readFiles(m_vqa, {questions, annotations});
    QVERIFY(read.ok());
    QCOMPARE(int(read->questions.size()), 1);
    QCOMPARE(int(read->questions[0].answers.size()), 10); // "5" and 5 are the same id
    QCOMPARE(read->warnings.size(), 1);
    QVERIFY2(read->warnings[0].contains(QStringLiteral("annotations[0]: question id 6 is not in the questions file; skipped")),
             qPrintable(read->warnings[0]));
}

void TestFormatVqa::refusesDuplicateQuestionId()
{
    int line = 0, column = 0;
    const QString questions = file(QStringLiteral("q.json"), withoutMark(questionsJson(
        "\n{\"image_id\": 1, \"question\": \"Why?\", \"question_id\": 5},\n"
        "{\"image_id\": 2, \"question\": \"How?\", \"question_id\": @5}"), &line, &column));
    auto read = test::readFiles(m_vqa, {questions});
    QVERIFY(!read.ok());
    QCOMPARE(read.error().message, QStringLiteral("questions[1].question_id: question id 5 is used twice (first by questions[0])"));
    QCOMPARE(read.error().file, questions);
    QCOMPARE(read.error().line, line);
    QCOMPARE(read.error().column, column);
}

void TestFormatVqa::schemaErrors_data()
{
    QTest::addColumn<QByteArray>("questions");
    QTest::addColumn<QByteArray>("annotations");
    QTest::addColumn<QString>("message");
    const QByteArray okQuestion = R"({"image_id": 1, "question": "Why?", "question_id": 5})";
    QTest::newRow("question is a number") << questionsJson("\n" + okQuestion + ",\n{\"image_id\": 1, \"question\": @7, \"question_id\": 6}")
                                          << QByteArray() << "questions[1].question: expected a string, found a number";
    QTest::newRow("no image id") << questionsJson("\n@{\"question\": \"Why?\", \"question_id\": 5}") << QByteArray()
                                 << "questions[0]: missing \"image_id\" (expected an id (an integer or a string))";
    QTest::newRow("questions is an object") << QByteArray("{\"data_subtype\": \"val2014\", \"questions\": @{}}") << QByteArray()
                                            << "questions: expected an array, found an object";
    QTest::newRow("answers is a string")
        << questionsJson(okQuestion) << annotationsJson("\n{\"question_id\": 5, \"answers\": @\"yes\"}")
        << "annotations[0].answers: expected an array, found a string";
    QTest::newRow("answer is a number")
        << questionsJson(okQuestion) << annotationsJson("\n{\"question_id\": 5, \"answers\": [{\"answer\": @2}]}")
        << "annotations[0].answers[0].answer: expected a string, found a number";
    QTest::newRow("answer type is a list")
        << questionsJson(okQuestion) << annotationsJson("\n{\"question_id\": 5, \"answer_type\": @[], \"answers\": []}")
        << "annotations[0].answer_type: expected a string, found an array";
    QTest::newRow("no subtype for the pattern") << QByteArray("@{\"questions\": []}") << QByteArray() << "no \"data_subtype\"";
}

void TestFormatVqa::schemaErrors()
{
    QFETCH(QByteArray, questions);
    QFETCH(QByteArray, annotations);
    QFETCH(QString, message);
    int line = 0, column = 0;
    QStringList files;
    if (questions.contains('@')) {
        files << file(QStringLiteral("q.json"), withoutMark(questions, &line, &column));
    } else {
        files << file(QStringLiteral("q.json"), questions);
        files << file(QStringLiteral("a.json"), withoutMark(annotations, &line, &column));
    }
    auto read = test::readFiles(m_vqa, files);
    QVERIFY(!read.ok());
    QVERIFY2(read.error().message.contains(message), qPrintable(read.error().message));
    QCOMPARE(read.error().file, files.last());
    if (message.contains(QLatin1Char(':'))) { // a JSON path: its position is known
        QCOMPARE(read.error().line, line);
        QCOMPARE(read.error().column, column);
    }
}

void TestFormatVqa::syntaxErrors_data()
{
    QTest::addColumn<QByteArray>("marked");
    QTest::addColumn<QString>("message");
    QTest::newRow("truncated") << QByteArray("{\"data_subtype\": \"val2014\", \"questions\": [\n{\"image_id\": 1, \"question\": \"Why?\"@")
                               << "unexpected end of file (truncated?): expected ',' or '}'; the object that starts at line 2, column 1";
    QTest::newRow("missing colon") << QByteArray("{\"data_subtype\" @\"val2014\"}") << "expected ':' after the key";
    QTest::newRow("bad number") << QByteArray("{\"questions\": [{\"image_id\": -@x}]}") << "expected a digit, found 'x'";
}

void TestFormatVqa::syntaxErrors()
{
    QFETCH(QByteArray, marked);
    QFETCH(QString, message);
    int line = 0, column = 0;
    const QString path = file(QStringLiteral("bad.json"), withoutMark(marked, &line, &column));
    auto read = test::readFiles(m_vqa, {path});
    QVERIFY(!read.ok());
    QVERIFY2(read.error().message.contains(message), qPrintable(read.error().message));
    QCOMPARE(read.error().line, line);
    QCOMPARE(read.error().column, column);
}

void TestFormatVqa::wrongFileSets_data()
{
    QTest::addColumn<QStringList>("names");
    QTest::addColumn<QString>("message");
    QTest::newRow("annotations alone") << QStringList{kAnnotations} << "it needs its questions file too";
    QTest::newRow("two questions files") << QStringList{kQuestions, kQuestions} << "are both questions files";
    QTest::newRow("a COCO file") << QStringList{QStringLiteral("coco/captions_val2017.json")}
                                 << "expected a VQA questions file (with \"questions\") or annotations file";
    QTest::newRow("three files") << QStringList{kQuestions, kAnnotations, kAnnotations} << "give the questions file";
}

void TestFormatVqa::wrongFileSets()
{
    QFETCH(QStringList, names);
    QFETCH(QString, message);
    QStringList files;
    for (const QString &name : names)
        files << test::dataPath(name);
    auto read = test::readFiles(m_vqa, files);
    QVERIFY(!read.ok());
    QVERIFY2(read.error().message.contains(message), qPrintable(read.error().message));
}

void TestFormatVqa::roundTrip()
{
    auto original = test::readFiles(m_vqa, {test::dataPath(kQuestions), test::dataPath(kAnnotations)});
    QVERIFY(original.ok());
    QTemporaryDir out;
    const QString folder = out.filePath(QStringLiteral("export"));
    const Status written = test::writeTo(m_vqa, *original, folder);
    QVERIFY2(written.ok(), qPrintable(written.ok() ? QString() : written.error().toString()));
    QCOMPARE(test::entries(out.path()), QStringList{QStringLiteral("export")});
    QCOMPARE(test::entries(folder), QStringList({QStringLiteral("annotations.json"), QStringLiteral("questions.json")}));
    auto again = test::readFiles(m_vqa, {folder + QStringLiteral("/questions.json"), folder + QStringLiteral("/annotations.json")});
    QVERIFY2(again.ok(), qPrintable(again.ok() ? QString() : again.error().toString()));
    QCOMPARE(test::questionLines(*again), test::questionLines(*original));
    QVERIFY(again->warnings.isEmpty());
    for (size_t i = 0; i < original->questions.size(); ++i) {
        QCOMPARE(again->questions[i].extId, original->questions[i].extId);
        for (size_t a = 0; a < original->questions[i].answers.size(); ++a)
            QCOMPARE(again->questions[i].answers[a].confidence, original->questions[i].answers[a].confidence);
    }
}

void TestFormatVqa::writerNumbersOtherIds()
{
    Dataset d;
    const char *imageIds[] = {"x", "7", "7", ""};
    for (int i = 0; i < 4; ++i) {
        DatasetImage image;
        image.name = "img" + std::to_string(i) + ".jpg";
        image.extId = imageIds[i];
        image.split = "train";
        d.images.push_back(image);
        DatasetQuestion q;
        q.image = size_t(i);
        q.text = "Question " + std::to_string(i) + " \"quoted\"?";
        q.extId = i == 3 ? "12" : "q";
        q.answers = {{"yes", ""}, {"no", "maybe"}};
        d.questions.push_back(q);
    }
    QTemporaryDir out;
    QVERIFY(test::writeTo(m_vqa, d, out.path()).ok());
    auto again = test::readFiles(m_vqa, {out.filePath(QStringLiteral("questions.json")), out.filePath(QStringLiteral("annotations.json"))},
                                 {}, QStringLiteral("{id}.jpg"));
    QVERIFY2(again.ok(), qPrintable(again.ok() ? QString() : again.error().toString()));
    QCOMPARE(int(again->images.size()), 4); // ids stayed unique
    QCOMPARE(again->questions[3].extId, std::string("12"));
    QCOMPARE(again->questions[0].answers[0].confidence, std::string("yes")); // VQA's layout has one
    QCOMPARE(again->questions[0].text, d.questions[0].text);
    QCOMPARE(again->images[0].split, std::string("train")); // subtype "train" from the shared split
}

void TestFormatVqa::writerWantsFolder()
{
    const QString path = file(QStringLiteral("existing.json"), "{}");
    auto original = test::readFiles(m_vqa, {test::dataPath(kQuestions)});
    QVERIFY(original.ok());
    const Status written = test::writeTo(m_vqa, *original, path);
    QVERIFY(!written.ok());
    QCOMPARE(written.error().kind, ErrorKind::Usage);
    QCOMPARE(test::readFile(path), QByteArray("{}"));
}

void TestFormatVqa::encodings_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<bool>("warns");
    const QByteArray utf8 = questionsJson("\r\n{\"image_id\": 1, \"question\": \"Is it a caf\xC3\xA9?\", \"question_id\": 5}\r\n");
    QTest::newRow("UTF-8 CRLF") << utf8 << false;
    QTest::newRow("BOM") << "\xEF\xBB\xBF" + utf8 << false;
    QTest::newRow("Latin-1") << QByteArray(utf8).replace("\xC3\xA9", "\xE9") << true;
}

void TestFormatVqa::encodings()
{
    QFETCH(QByteArray, bytes);
    QFETCH(bool, warns);
    auto read = test::readFiles(m_vqa, {file(QStringLiteral("enc.json"), bytes)});
    QVERIFY2(read.ok(), qPrintable(read.ok() ? QString() : read.error().toString()));
    QCOMPARE(read->questions[0].text, std::string("Is it a caf\xC3\xA9?"));
    QCOMPARE(read->warnings.size(), warns ? 1 : 0);
}

void TestFormatVqa::sniff_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<bool>("isVqa");
    QTest::newRow("questions") << kQuestions << true;
    QTest::newRow("annotations") << kAnnotations << true;
    QTest::newRow("coco") << "coco/captions_val2017.json" << false;
    QTest::newRow("jsonl") << "jsonl/dataset.jsonl" << false;
}

void TestFormatVqa::sniff()
{
    QFETCH(QString, name);
    QFETCH(bool, isVqa);
    const int score = m_vqa->sniff(test::dataPath(name));
    if (isVqa) {
        QVERIFY2(score >= 50, qPrintable(QString::number(score)));
        QCOMPARE(FormatRegistry::instance().detect(test::dataPath(name)).value(), QStringLiteral("vqa"));
    } else {
        QCOMPARE(score, 0);
    }
}

void TestFormatVqa::cancels()
{
    ImportOptions options;
    options.files = {file(QStringLiteral("many.json"), generatedQuestions(5000))};
    test::ProgressProbe probe;
    probe.cancelAfter = 2;
    auto read = m_vqa->read(options, probe.progress());
    QVERIFY(!read.ok());
    QCOMPARE(read.error().kind, ErrorKind::Cancelled);

    auto full = m_vqa->read(options, Progress());
    QVERIFY(full.ok());
    QTemporaryDir out;
    test::ProgressProbe before;
    before.cancel = true;
    ExportOptions exportOptions;
    exportOptions.output = out.filePath(QStringLiteral("export"));
    const Status written = m_vqa->write(*full, exportOptions, before.progress());
    QCOMPARE(written.error().kind, ErrorKind::Cancelled);
    QVERIFY(test::entries(out.path()).isEmpty());
}

void TestFormatVqa::reportsProgressSparingly()
{
    ImportOptions options;
    options.files = {file(QStringLiteral("many.json"), generatedQuestions(20000))};
    test::ProgressProbe probe;
    auto read = m_vqa->read(options, probe.progress());
    QVERIFY(read.ok());
    QCOMPARE(int(read->images.size()), 6667);
    QVERIFY2(probe.reports > 10 && probe.reports <= 300, qPrintable(QString::number(probe.reports)));
}

QTEST_GUILESS_MAIN(TestFormatVqa)
#include "test_format_vqa.moc"
