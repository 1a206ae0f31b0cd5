// evaluateResults / saveEvalRun: results files matched to a small project's
// references, scored, reported and stored.
#include "data/projectstore.h"
#include "eval/resultsevaluation.h"
#include "testsupport.h"

#include <QJsonArray>
#include <QTest>
#include <cmath>
#include <optional>

using namespace tandem;
using namespace tandem::eval;

namespace {

DatasetQuestion question(size_t image, const char *id, const char *type, const char *answerType,
                         std::vector<std::pair<const char *, int>> answerCounts)
{
    DatasetQuestion q{image, "?", id, type, answerType, "", {}};
    for (const auto &[text, count] : answerCounts)
        for (int i = 0; i < count; ++i)
            q.answers.push_back({text, "yes"});
    return q;
}

// Images 42, 43, 45 in val, 44 in train; 45 has no caption. Questions 1-3 on
// image 42 (10 answers each), question 4 on image 44.
Dataset smallDataset()
{
    Dataset d;
    d.images = {{"a.png", "42", 0, 0, "val", {}, {}, {}}, {"b.png", "43", 0, 0, "val", {}, {}, {}},
                {"c.png", "44", 0, 0, "train", {}, {}, {}}, {"d.png", "45", 0, 0, "val", {}, {}, {}}};
    d.captions = {{0, "A man riding a red bicycle down the street.", "1"},
                  {0, "a person on a bike", "2"},
                  {1, "Two dogs playing with a ball in the park.", "3"},
                  {2, "a cat sleeping on a sofa", "4"}};
    d.questions = {question(0, "1", "is the", "yes/no", {{"yes", 4}, {"no", 6}}),
                   question(0, "2", "what color is the", "other", {{"red", 3}, {"blue", 7}}),
                   question(0, "3", "how many", "number", {{"2", 1}, {"3", 9}}),
                   question(2, "4", "how many", "number", {{"1", 10}})};
    return d;
}

bool near(double a, double b) { return std::abs(a - b) < 1e-9; }

} // namespace

class TestEvalResults : public QObject {
    Q_OBJECT
private slots:
    void init();
    void identicalCaptionsScoreOne();
    void vqaAccuracyPerQuestionAndType();
    void taskComesFromTheKeys_data();
    void taskComesFromTheKeys();
    void unknownIdNamesPathAndPosition();
    void splitLimitsTheIds();
    void duplicateKeepsTheFirst();
    void malformedJsonHasPosition();
    void imageWithoutCaptionIsRefused();
    void reportJsonHoldsEverything();
    void saveStoresRunAndPredictions();

private:
    QString results(const QByteArray &json);
    Expected<ResultsReport> evaluate(const QByteArray &json, const ResultsOptions &options = {});

    std::unique_ptr<QTemporaryDir> m_dir;
    std::optional<ProjectStore> m_store;
    int m_files = 0;
};

void TestEvalResults::init()
{
    m_store.reset(); // closes the last test's project before its folder goes
    m_dir = std::make_unique<QTemporaryDir>();
    auto store = ProjectStore::create(m_dir->filePath(QStringLiteral("p.tandem")));
    QVERIFY2(store, qPrintable(store ? QString() : store.error().toString()));
    auto imported = store->importDataset(smallDataset(), m_dir->path());
    QVERIFY2(imported, qPrintable(imported ? QString() : imported.error().toString()));
    m_store.emplace(std::move(*store));
}

QString TestEvalResults::results(const QByteArray &json)
{
    const QString path = m_dir->filePath(QStringLiteral("results%1.json").arg(++m_files));
    test::writeFile(path, json);
    return path;
}

Expected<ResultsReport> TestEvalResults::evaluate(const QByteArray &json, const ResultsOptions &options)
{
    return evaluateResults(*m_store, results(json), options);
}

void TestEvalResults::identicalCaptionsScoreOne()
{
    auto report = evaluate(R"([{"image_id": 42, "caption": "a man riding a red bicycle down the street"},
                               {"image_id": "43", "caption": "two dogs playing with a ball in the park"}])");
    QVERIFY2(report, qPrintable(report ? QString() : report.error().toString()));
    QCOMPARE(report->task, ResultsTask::Caption);
    QCOMPARE(report->items.size(), size_t(2));
    QCOMPARE(report->available, qint64(4));
    for (double b : report->captions.bleu)
        QVERIFY(near(b, 1.0));
    QVERIFY(near(report->captions.rougeL, 1.0));
    QVERIFY(report->captions.ciderD > 0);
    QCOMPARE(report->items[0].score, report->captions.perImage[0].ciderD);
    QCOMPARE(report->items[1].extId, std::string("43"));
}

void TestEvalResults::vqaAccuracyPerQuestionAndType()
{
    // Leave-one-out over 10 answers: 4 matching -> 1.0, 3 -> 0.9, 1 -> 0.3.
    auto report = evaluate(R"([{"question_id": 1, "answer": "Yes"}, {"question_id": 2, "answer": "red"},
                               {"question_id": "3", "answer": "two"}])");
    QVERIFY2(report, qPrintable(report ? QString() : report.error().toString()));
    QCOMPARE(report->task, ResultsTask::Vqa);
    QCOMPARE(report->available, qint64(4));
    QVERIFY(near(report->items[0].score, 1.0));
    QVERIFY(near(report->items[1].score, 0.9));
    QVERIFY(near(report->items[2].score, 0.3));
    QCOMPARE(report->vqa.overall.rounded, 73.33);
    QCOMPARE(report->vqa.perAnswerType.at("yes/no").rounded, 100.0);
    QCOMPARE(report->vqa.perAnswerType.at("other").rounded, 90.0);
    QCOMPARE(report->vqa.perAnswerType.at("number").rounded, 30.0);
    QCOMPARE(report->vqa.perQuestionType.at("what color is the").rounded, 90.0);
    QCOMPARE(report->vqa.perQuestionType.size(), size_t(3));
    QCOMPARE(report->items[2].answerType, std::string("number"));
}

void TestEvalResults::taskComesFromTheKeys_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<int>("task");
    QTest::addColumn<QString>("error");
    QTest::newRow("caption") << QByteArray(R"([{"image_id": 42, "caption": "a"}])") << int(ResultsTask::Auto) << QString();
    QTest::newRow("vqa") << QByteArray(R"([{"question_id": 1, "answer": "a"}])") << int(ResultsTask::Auto) << QString();
    QTest::newRow("neither") << QByteArray(R"([{"id": 1, "text": "a"}])") << int(ResultsTask::Auto)
                             << QStringLiteral("results[0]: neither \"caption\"");
    QTest::newRow("forced vqa") << QByteArray(R"([{"image_id": 42, "caption": "a"}])") << int(ResultsTask::Vqa)
                                << QStringLiteral("results[0]: missing \"question_id\"");
    QTest::newRow("not an array") << QByteArray(R"({"image_id": 42})") << int(ResultsTask::Auto)
                                  << QStringLiteral("results: expected an array");
    QTest::newRow("empty") << QByteArray("[]") << int(ResultsTask::Auto) << QStringLiteral("no results");
    QTest::newRow("caption not text") << QByteArray(R"([{"image_id": 42, "caption": 7}])") << int(ResultsTask::Auto)
                                      << QStringLiteral("results[0].caption: expected a string, found a number");
}

void TestEvalResults::taskComesFromTheKeys()
{
    QFETCH(QByteArray, json);
    QFETCH(int, task);
    QFETCH(QString, error);
    auto report = evaluate(json, {ResultsTask(task), {}});
    if (error.isEmpty()) {
        QVERIFY2(report, qPrintable(report ? QString() : report.error().toString()));
        QCOMPARE(report->task, json.contains("caption") ? ResultsTask::Caption : ResultsTask::Vqa);
        return;
    }
    QVERIFY(!report);
    QCOMPARE(report.error().kind, ErrorKind::Input);
    QVERIFY2(report.error().message.contains(error), qPrintable(report.error().toString()));
}

void TestEvalResults::unknownIdNamesPathAndPosition()
{
    auto report = evaluate("[{\"image_id\": 42, \"caption\": \"a\"},\n {\"image_id\": 999, \"caption\": \"b\"}]");
    QVERIFY(!report);
    QCOMPARE(report.error().message, QStringLiteral("results[1].image_id: no image with id 999 in the project"));
    QCOMPARE(report.error().line, 2);
    QCOMPARE(report.error().column, 15);
}

void TestEvalResults::splitLimitsTheIds()
{
    auto val = evaluate(R"([{"image_id": 43, "caption": "two dogs"}])", {ResultsTask::Auto, QStringLiteral("val")});
    QVERIFY(val);
    QCOMPARE(val->available, qint64(3));
    auto train = evaluate(R"([{"image_id": 43, "caption": "two dogs"}])", {ResultsTask::Auto, QStringLiteral("train")});
    QVERIFY(!train);
    QVERIFY2(train.error().message.endsWith(QStringLiteral("no image with id 43 in split 'train'")),
             qPrintable(train.error().message));
}

void TestEvalResults::duplicateKeepsTheFirst()
{
    auto report = evaluate(R"([{"question_id": 1, "answer": "yes"}, {"question_id": "1", "answer": "no"}])");
    QVERIFY(report);
    QCOMPARE(report->results, qint64(2));
    QCOMPARE(report->items.size(), size_t(1));
    QCOMPARE(report->items[0].prediction, std::string("yes"));
    QCOMPARE(report->warnings.size(), qsizetype(1));
    QVERIFY2(report->warnings[0].contains(QStringLiteral("results[1].question_id: question 1 already has a result (results[0])")),
             qPrintable(report->warnings[0]));
}

void TestEvalResults::malformedJsonHasPosition()
{
    auto report = evaluate("[{\"image_id\": 42, \"caption\": \"a\"},\n {\"image_id\": 43 \"caption\": \"b\"}]");
    QVERIFY(!report);
    QCOMPARE(report.error().kind, ErrorKind::Input);
    QCOMPARE(report.error().line, 2);
    QVERIFY(report.error().column > 0);
    QVERIFY(report.error().file.endsWith(QStringLiteral(".json")));
}

void TestEvalResults::imageWithoutCaptionIsRefused()
{
    auto report = evaluate(R"([{"image_id": 45, "caption": "nothing here"}])");
    QVERIFY(!report);
    QVERIFY2(report.error().message.contains(QStringLiteral("image 45 has no caption")), qPrintable(report.error().message));
}

void TestEvalResults::reportJsonHoldsEverything()
{
    auto report = evaluate(R"([{"question_id": 1, "answer": "yes"}, {"question_id": 3, "answer": "3"}])");
    QVERIFY(report);
    const QJsonObject json = reportJson(*report, true);
    QCOMPARE(json.value(QStringLiteral("task")).toString(), QStringLiteral("vqa"));
    QCOMPARE(json.value(QStringLiteral("evaluated")).toInteger(), qint64(2));
    const QJsonObject metrics = json.value(QStringLiteral("metrics")).toObject();
    QCOMPARE(metrics.value(QStringLiteral("accuracy")).toDouble(), 100.0);
    QCOMPARE(metrics.value(QStringLiteral("per_question_type")).toObject().value(QStringLiteral("how many")).toDouble(), 100.0);
    const QJsonObject item = json.value(QStringLiteral("items")).toArray().at(1).toObject();
    QCOMPARE(item.value(QStringLiteral("question_id")).toInteger(), qint64(3));
    QCOMPARE(item.value(QStringLiteral("accuracy")).toDouble(), 1.0);
    QVERIFY(!reportJson(*report, false).contains(QStringLiteral("items")));
}

void TestEvalResults::saveStoresRunAndPredictions()
{
    auto captions = evaluate(R"([{"image_id": 42, "caption": "a man on a bike"}, {"image_id": 43, "caption": "dogs"}])");
    auto answers = evaluate(R"([{"question_id": 2, "answer": "red"}])");
    QVERIFY(captions && answers);
    auto first = saveEvalRun(*m_store, *captions, QStringLiteral("captions"));
    auto second = saveEvalRun(*m_store, *answers, QStringLiteral("answers"));
    QVERIFY(first && second);
    QCOMPARE(m_store->info()->runs, qint64(2));
    sql::Database &db = m_store->database();
    auto run = db.prepare("SELECT kind, name, json_extract(config, '$.task'), json_extract(metrics, '$.metrics.\"CIDEr-D\"') "
                          "FROM runs WHERE id = ?1");
    QVERIFY(run);
    run->bind(1, *first);
    QVERIFY(run->step());
    QCOMPARE(run->text(0), std::string("eval"));
    QCOMPARE(run->text(1), std::string("captions"));
    QCOMPARE(run->text(2), std::string("caption"));
    QVERIFY(near(run->real(3), captions->captions.ciderD));
    auto predictions = db.prepare("SELECT count(*), sum(score), count(question_id) FROM predictions WHERE run_id = ?1");
    QVERIFY(predictions);
    predictions->bind(1, *first);
    QVERIFY(predictions->step());
    QCOMPARE(predictions->int64(0), qint64(2));
    QVERIFY(near(predictions->real(1), captions->items[0].score + captions->items[1].score));
    QCOMPARE(predictions->int64(2), qint64(0));
    predictions->reset();
    predictions->bind(1, *second);
    QVERIFY(predictions->step());
    QCOMPARE(predictions->int64(2), qint64(1));
    QVERIFY(near(predictions->real(1), 0.9));
}

QTEST_GUILESS_MAIN(TestEvalResults)
#include "test_eval_results.moc"
