// Drives the real tandem-cli binary, as a user or a script would.
#include "data/projectstore.h"
#include "testsupport.h"

#include <QDirIterator>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace tandem;
using test::runCli;

class TestCli : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void helpForEveryCommand_data();
    void helpForEveryCommand();
    void unknownCommandIsUsageError();
    void badDecodingOptionsAreUsageErrors();
    void listsEveryFormat();
    void demoProjectInfo();
    void searchFindsDemoText();
    void roundTripEveryFormat_data();
    void roundTripEveryFormat();
    void malformedFileIsRefusedWithPosition();
    void failedImportLeavesProjectUnchanged();
    void flaggedImagesAreListed();
    void exportNeverWritesOutside();
    void evalCaptionResults();
    void evalVqaResultsPerItem();
    void evalRefusesBadResults();
    void evalSaveCreatesRun();
    void trainThenAnswer();

private:
    QJsonObject json(const QStringList &arguments);
    QString captionResults(const QString &name, int images);
    QTemporaryDir m_dir;
    QString m_demo;
};

QJsonObject TestCli::json(const QStringList &arguments)
{
    const auto r = runCli(arguments + QStringList{QStringLiteral("--json")});
    if (r.exitCode != 0)
        qWarning("%s", r.err.constData());
    return QJsonDocument::fromJson(r.out).object();
}

void TestCli::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_demo = m_dir.filePath(QStringLiteral("demo.tandem"));
    const auto r = runCli({QStringLiteral("demo"), m_demo, QStringLiteral("--images"), QStringLiteral("24"),
                           QStringLiteral("--size"), QStringLiteral("64"), QStringLiteral("--questions"), QStringLiteral("6")});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QVERIFY(r.out.contains("Imported 24 images"));
}

void TestCli::helpForEveryCommand_data()
{
    QTest::addColumn<QString>("command");
    for (const char *c : {"demo", "import", "export", "info", "search", "eval", "check", "formats", "version",
                          "train", "answer", "caption", "embed", "retrieve"})
        QTest::newRow(c) << QString::fromLatin1(c);
}

void TestCli::helpForEveryCommand()
{
    QFETCH(QString, command);
    const auto r = runCli({command, QStringLiteral("--help")});
    QCOMPARE(r.exitCode, 0);
    QVERIFY2(r.out.contains("tandem-cli " + command.toUtf8()), r.out.constData());
    QVERIFY(r.out.contains("--help"));
    QCOMPARE(runCli({QStringLiteral("help"), command}).out, r.out);
}

void TestCli::unknownCommandIsUsageError()
{
    QCOMPARE(runCli({QStringLiteral("frobnicate")}).exitCode, 2);
    QCOMPARE(runCli({}).exitCode, 2);
    QCOMPARE(runCli({QStringLiteral("info"), QStringLiteral("--no-such-option"), m_demo}).exitCode, 2);
    QCOMPARE(runCli({QStringLiteral("info"), m_dir.filePath(QStringLiteral("absent.tandem"))}).exitCode, 2);
    const auto help = runCli({QStringLiteral("--help")});
    QCOMPARE(help.exitCode, 0);
    QVERIFY(help.out.contains("Exit codes"));
}

void TestCli::badDecodingOptionsAreUsageErrors()
{
    const auto penalty = runCli({QStringLiteral("caption"), m_demo, QStringLiteral("--model"), QStringLiteral("m.ckpt"),
                                 QStringLiteral("--length-penalty"), QStringLiteral("-1")});
    QCOMPARE(penalty.exitCode, 2);
    QVERIFY2(penalty.err.contains("--length-penalty"), penalty.err.constData());
    const auto selfCritical = runCli({QStringLiteral("train"), m_demo, QStringLiteral("--task"), QStringLiteral("caption"),
                                      QStringLiteral("--self-critical"), QStringLiteral("many")});
    QCOMPARE(selfCritical.exitCode, 2);
    QVERIFY2(selfCritical.err.contains("--self-critical"), selfCritical.err.constData());
}

void TestCli::listsEveryFormat()
{
    QStringList ids;
    for (const auto &f : json({QStringLiteral("formats")}).value(QStringLiteral("formats")).toArray())
        ids << f.toObject().value(QStringLiteral("id")).toString();
    ids.sort();
    QCOMPARE(ids, (QStringList{"coco", "csv", "flickr", "folder", "jsonl", "llava", "vqa"}));
}

void TestCli::demoProjectInfo()
{
    const QJsonObject info = json({QStringLiteral("info"), m_demo});
    QCOMPARE(info.value(QStringLiteral("images")).toInt(), 24);
    QCOMPARE(info.value(QStringLiteral("questions")).toInt(), 24 * 6);
    const int captions = info.value(QStringLiteral("captions")).toInt();
    QVERIFY(captions >= 24 * 3 && captions <= 24 * 5);
    QCOMPARE(info.value(QStringLiteral("flags")).toObject().value(QStringLiteral("ok")).toInt(), 24);
    QVERIFY(info.value(QStringLiteral("splits")).toObject().contains(QStringLiteral("train")));
    const auto text = runCli({QStringLiteral("info"), m_demo});
    QCOMPARE(text.exitCode, 0);
    QVERIFY(text.out.contains("Images    24"));
}

void TestCli::searchFindsDemoText()
{
    const QJsonObject result = json({QStringLiteral("search"), m_demo, QStringLiteral("closest")});
    QVERIFY(result.value(QStringLiteral("total")).toInt() > 0);
    const QJsonObject hit = result.value(QStringLiteral("hits")).toArray().first().toObject();
    QCOMPARE(hit.value(QStringLiteral("kind")).toString(), QStringLiteral("question"));
    QVERIFY(hit.value(QStringLiteral("text")).toString().contains(QStringLiteral("closest"), Qt::CaseInsensitive));
}

void TestCli::roundTripEveryFormat_data()
{
    QTest::addColumn<QString>("format");
    QTest::addColumn<QString>("output");
    QTest::addColumn<bool>("captions");
    QTest::addColumn<bool>("questions");
    QTest::newRow("coco") << "coco" << "out.json" << true << false;
    QTest::newRow("vqa") << "vqa" << "vqa_out" << false << true;
    QTest::newRow("flickr") << "flickr" << "out.token" << true << false;
    QTest::newRow("csv") << "csv" << "out.csv" << true << false;
    QTest::newRow("jsonl") << "jsonl" << "out.jsonl" << true << true;
    QTest::newRow("folder") << "folder" << "folder_out" << true << false;
    QTest::newRow("llava") << "llava" << "out.json" << true << true;
}

void TestCli::roundTripEveryFormat()
{
    QFETCH(QString, format);
    QFETCH(QString, output);
    QFETCH(bool, captions);
    QFETCH(bool, questions);
    const QString out = m_dir.filePath(format + QLatin1Char('/') + output);
    QDir().mkpath(m_dir.filePath(format));
    auto exported = runCli({QStringLiteral("export"), m_demo, out, QStringLiteral("--format"), format, QStringLiteral("--copy-images")});
    QVERIFY2(exported.exitCode == 0, exported.err.constData());

    QStringList files{out};
    if (format == QLatin1String("vqa")) // VQA files carry image ids, not names: name them as the demo does
        files = QStringList{out + QStringLiteral("/questions.json"), out + QStringLiteral("/annotations.json"),
                            QStringLiteral("--image-pattern"), QStringLiteral("scene_{id:06}.png")};
    const QString copy = m_dir.filePath(format + QStringLiteral("/copy.tandem"));
    auto imported = runCli(QStringList{QStringLiteral("import"), copy} + files + QStringList{QStringLiteral("--format"), format});
    QVERIFY2(imported.exitCode == 0, imported.err.constData());

    auto original = ProjectStore::open(m_demo)->loadDataset();
    auto again = ProjectStore::open(copy)->loadDataset();
    QVERIFY(original && again);
    if (captions)
        QCOMPARE(test::captionLines(*again), test::captionLines(*original));
    if (!questions)
        return;
    QStringList expected = test::questionLines(*original);
    if (format == QLatin1String("llava")) // conversations have no question or answer types
        for (QString &line : expected) {
            QStringList fields = line.split(QLatin1Char('|'));
            fields[2].clear();
            fields[3].clear();
            line = fields.join(QLatin1Char('|'));
        }
    QCOMPARE(test::questionLines(*again), expected);
}

void TestCli::malformedFileIsRefusedWithPosition()
{
    const QString file = m_dir.filePath(QStringLiteral("bad.json"));
    test::writeFile(file, "{\"images\": [{\"id\": 1, \"file_name\": \"a.jpg\"}],\n \"annotations\": [{\"id\": 1, \"image_id\": 1 \"caption\": \"x\"}]}");
    const QString project = m_dir.filePath(QStringLiteral("bad.tandem"));
    const auto r = runCli({QStringLiteral("import"), project, file, QStringLiteral("--format"), QStringLiteral("coco")});
    QCOMPARE(r.exitCode, 3);
    QVERIFY2(r.err.contains("bad.json:2:"), r.err.constData());
    QVERIFY(!QFileInfo::exists(project)); // a failed first import leaves nothing behind
}

void TestCli::failedImportLeavesProjectUnchanged()
{
    const QString project = m_dir.filePath(QStringLiteral("keep.tandem"));
    QVERIFY(QFile::copy(m_demo, project));
    const QString file = m_dir.filePath(QStringLiteral("truncated.jsonl"));
    test::writeFile(file, "{\"image\": \"x.png\", \"captions\": [\"one\"]}\n{\"image\": \"y.png\", \"capt");
    const auto r = runCli({QStringLiteral("import"), project, file, QStringLiteral("--format"), QStringLiteral("jsonl")});
    QCOMPARE(r.exitCode, 3);
    QVERIFY2(r.err.contains("truncated.jsonl:2:"), r.err.constData());
    QCOMPARE(json({QStringLiteral("info"), project}).value(QStringLiteral("images")).toInt(), 24);
}

void TestCli::flaggedImagesAreListed()
{
    const QString folder = m_dir.filePath(QStringLiteral("flagged"));
    test::writeFile(folder + QStringLiteral("/data.csv"), "image,caption\nmissing.jpg,a lost cat\nzero.png,nothing\n");
    test::writeFile(folder + QStringLiteral("/zero.png"), {});
    const QString project = m_dir.filePath(QStringLiteral("flagged.tandem"));
    const auto r = runCli({QStringLiteral("import"), project, folder + QStringLiteral("/data.csv")});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QVERIFY(r.out.contains("flagged missing: 1"));
    const auto info = runCli({QStringLiteral("info"), project});
    QVERIFY(info.out.contains("missing.jpg"));
    QVERIFY(info.out.contains("empty"));
    QCOMPARE(runCli({QStringLiteral("check"), project, QStringLiteral("--strict")}).exitCode, 1);
}

void TestCli::exportNeverWritesOutside()
{
    const QString folder = m_dir.filePath(QStringLiteral("evil"));
    test::writeFile(folder + QStringLiteral("/data.jsonl"),
                    "{\"image\": \"../../escaped.png\", \"captions\": [\"up and out\"]}\n"
                    "{\"image\": \"/tmp/absolute_tandem_test.png\", \"captions\": [\"rooted\"]}\n");
    const QString project = m_dir.filePath(QStringLiteral("evil.tandem"));
    QCOMPARE(runCli({QStringLiteral("import"), project, folder + QStringLiteral("/data.jsonl")}).exitCode, 0);
    const QString out = m_dir.filePath(QStringLiteral("evil/out/inner"));
    const auto r = runCli({QStringLiteral("export"), project, out, QStringLiteral("--format"), QStringLiteral("folder")});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QVERIFY(!QFileInfo::exists(m_dir.filePath(QStringLiteral("escaped.txt"))));
    QVERIFY(!QFileInfo::exists(m_dir.filePath(QStringLiteral("evil/escaped.txt"))));
    QVERIFY(!QFileInfo::exists(QStringLiteral("/tmp/absolute_tandem_test.txt")));
    QDirIterator it(out, QDir::Files, QDirIterator::Subdirectories);
    int written = 0;
    while (it.hasNext()) {
        QVERIFY(it.next().startsWith(out + QLatin1Char('/')));
        ++written;
    }
    QCOMPARE(written, 2);
}

// Results whose captions are the first reference of images 0..images-1 of the demo.
QString TestCli::captionResults(const QString &name, int images)
{
    auto store = ProjectStore::open(m_demo);
    auto dataset = store->loadDataset();
    QJsonArray results;
    for (const DatasetCaption &caption : dataset->captions) {
        const std::string &id = dataset->images[caption.image].extId;
        if (caption.image < size_t(images) && (results.isEmpty() || results.last()[QStringLiteral("image_id")] != std::stoi(id)))
            results.append(QJsonObject{{QStringLiteral("image_id"), std::stoi(id)},
                                       {QStringLiteral("caption"), QString::fromStdString(caption.text)}});
    }
    const QString file = m_dir.filePath(name);
    test::writeFile(file, QJsonDocument(results).toJson());
    return file;
}

void TestCli::evalCaptionResults()
{
    const QString results = captionResults(QStringLiteral("captions.json"), 2);
    const QJsonObject report = json({QStringLiteral("eval"), m_demo, QStringLiteral("--results"), results});
    QCOMPARE(report.value(QStringLiteral("task")).toString(), QStringLiteral("caption"));
    QCOMPARE(report.value(QStringLiteral("evaluated")).toInt(), 2);
    QCOMPARE(report.value(QStringLiteral("available")).toInt(), 24);
    const QJsonObject metrics = report.value(QStringLiteral("metrics")).toObject();
    // pycocoevalcap's smoothing constants (1e-15, 1e-9) leave identical text a hair below 1.
    QVERIFY(qAbs(metrics.value(QStringLiteral("BLEU-4")).toDouble() - 1.0) < 1e-6);
    QCOMPARE(metrics.value(QStringLiteral("ROUGE-L")).toDouble(), 1.0);
    QVERIFY(metrics.value(QStringLiteral("CIDEr-D")).toDouble() > 0);
    const auto text = runCli({QStringLiteral("eval"), m_demo, QStringLiteral("--results"), results});
    QCOMPARE(text.exitCode, 0);
    QVERIFY2(text.out.contains("Evaluated 2 of 24 images") && text.out.contains("BLEU-4    1.0000"), text.out.constData());
}

void TestCli::evalVqaResultsPerItem()
{
    const QString project = m_dir.filePath(QStringLiteral("vqa.tandem"));
    Dataset dataset;
    dataset.images = {{"a.png", "7", 0, 0, "val", {}, {}, {}}};
    dataset.questions = {{0, "how many?", "1", "how many", "number", "2", {}},
                         {0, "is it red?", "2", "is the", "yes/no", "yes", {}}};
    for (int i = 0; i < 10; ++i) {
        dataset.questions[0].answers.push_back({i == 0 ? "2" : "3", "yes"}); // 1 of 10: 0.3
        dataset.questions[1].answers.push_back({i < 4 ? "yes" : "no", "yes"}); // 4 of 10: 1.0
    }
    QVERIFY(ProjectStore::create(project)->importDataset(dataset, m_dir.path()));
    const QString results = m_dir.filePath(QStringLiteral("answers.json"));
    test::writeFile(results, R"([{"question_id": 1, "answer": "two"}, {"question_id": "2", "answer": "yes"}])");
    const QJsonObject report = json({QStringLiteral("eval"), project, QStringLiteral("--results"), results,
                                     QStringLiteral("--per-item")});
    const QJsonObject metrics = report.value(QStringLiteral("metrics")).toObject();
    QCOMPARE(metrics.value(QStringLiteral("accuracy")).toDouble(), 65.0);
    QCOMPARE(metrics.value(QStringLiteral("per_answer_type")).toObject().value(QStringLiteral("number")).toDouble(), 30.0);
    QCOMPARE(metrics.value(QStringLiteral("per_question_type")).toObject().value(QStringLiteral("is the")).toDouble(), 100.0);
    const QJsonArray items = report.value(QStringLiteral("items")).toArray();
    QCOMPARE(items.size(), 2);
    QCOMPARE(items.at(0).toObject().value(QStringLiteral("accuracy")).toDouble(), 0.3);
    const auto text = runCli({QStringLiteral("eval"), project, QStringLiteral("--results"), results, QStringLiteral("--per-item")});
    QCOMPARE(text.exitCode, 0);
    QVERIFY2(text.out.contains("Accuracy  65.00") && text.out.contains("question_id"), text.out.constData());
}

void TestCli::evalRefusesBadResults()
{
    const QString bad = m_dir.filePath(QStringLiteral("bad_results.json"));
    test::writeFile(bad, "[{\"image_id\": 0, \"caption\": \"a\"},\n {\"image_id\": 1 \"caption\": \"b\"}]");
    auto r = runCli({QStringLiteral("eval"), m_demo, QStringLiteral("--results"), bad});
    QCOMPARE(r.exitCode, 3);
    QVERIFY2(r.err.contains("bad_results.json:2:"), r.err.constData());
    const QString unknown = m_dir.filePath(QStringLiteral("unknown_results.json"));
    test::writeFile(unknown, "[{\"image_id\": 0, \"caption\": \"a\"},\n {\"image_id\": 999, \"caption\": \"b\"}]");
    r = runCli({QStringLiteral("eval"), m_demo, QStringLiteral("--results"), unknown});
    QCOMPARE(r.exitCode, 3);
    QVERIFY2(r.err.contains("unknown_results.json:2:15: results[1].image_id: no image with id 999 in the project"),
             r.err.constData());
    QCOMPARE(runCli({QStringLiteral("eval"), m_demo}).exitCode, 2);
    QCOMPARE(runCli({QStringLiteral("eval"), m_demo, QStringLiteral("--results"), unknown, QStringLiteral("--task"),
                     QStringLiteral("retrieval")}).exitCode, 2);
}

void TestCli::evalSaveCreatesRun()
{
    const QString project = m_dir.filePath(QStringLiteral("saved.tandem"));
    QVERIFY(QFile::copy(m_demo, project));
    const QString results = captionResults(QStringLiteral("saved.json"), 3);
    const QJsonObject report = json({QStringLiteral("eval"), project, QStringLiteral("--results"), results,
                                     QStringLiteral("--save"), QStringLiteral("baseline")});
    QCOMPARE(report.value(QStringLiteral("run_id")).toInt(), 1);
    QCOMPARE(json({QStringLiteral("info"), project}).value(QStringLiteral("runs")).toInt(), 1);
    auto store = ProjectStore::open(project);
    QCOMPARE(store->database().scalar("SELECT count(*) FROM predictions WHERE run_id = 1").value(), int64_t(3));
}

void TestCli::trainThenAnswer()
{
    const QString project = m_dir.filePath(QStringLiteral("model.tandem"));
    QVERIFY(QFile::copy(m_demo, project));
    const QString checkpoint = m_dir.filePath(QStringLiteral("vqa.ckpt"));
    QStringList train{QStringLiteral("train"), project, QStringLiteral("--epochs"), QStringLiteral("1"),
                      QStringLiteral("--batch"), QStringLiteral("10"), QStringLiteral("--image-size"), QStringLiteral("32"),
                      QStringLiteral("--threads"), QStringLiteral("1"), QStringLiteral("--device"), QStringLiteral("cpu"),
                      QStringLiteral("--checkpoint"), checkpoint};
    for (const char *option : {"vision_channels=8", "text_dim=32", "fusion_hidden=32", "fusion_dim=32", "answer_hidden=32"})
        train << QStringLiteral("--model-option") << QLatin1String(option);
    const QJsonObject trained = json(train);
    QVERIFY(trained.value(QStringLiteral("run_id")).toInt() > 0);
    QCOMPARE(trained.value(QStringLiteral("steps")).toInt(), 2); // 20 train images, 10 a step
    QCOMPARE(trained.value(QStringLiteral("epochs")).toArray().size(), 1);
    QVERIFY(QFileInfo::exists(checkpoint));

    const QJsonObject answered = json({QStringLiteral("answer"), project, QStringLiteral("--model"), checkpoint,
                                       QStringLiteral("--save"), QStringLiteral("first try")});
    QCOMPARE(answered.value(QStringLiteral("answers")).toArray().size(), 12); // 2 val images, 6 questions each
    QVERIFY(answered.value(QStringLiteral("metrics")).toObject().contains(QStringLiteral("answer_accuracy")));
    QVERIFY(answered.value(QStringLiteral("run_id")).toInt() > trained.value(QStringLiteral("run_id")).toInt());

    const QJsonObject info = json({QStringLiteral("info"), project});
    QCOMPARE(info.value(QStringLiteral("runs")).toInt(), 2);
    QCOMPARE(info.value(QStringLiteral("models")).toInt(), 1);
    const auto text = runCli({QStringLiteral("info"), project});
    QVERIFY2(text.out.contains("Runs      2, models 1"), text.out.constData());

    const auto wrongTask = runCli({QStringLiteral("caption"), project, QStringLiteral("--model"), checkpoint});
    QCOMPARE(wrongTask.exitCode, 2);
    QVERIFY2(wrongTask.err.contains("not a caption model"), wrongTask.err.constData());
    const auto noResume = runCli({QStringLiteral("train"), project, QStringLiteral("--resume")});
    QCOMPARE(noResume.exitCode, 2);
}

QTEST_GUILESS_MAIN(TestCli)
#include "test_cli.moc"
