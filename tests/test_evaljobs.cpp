// The evaluation panel's job on hand-made runs: each sample scored against
// the project's labels, the aggregates per answer and question type, the
// confusion matrix, captions per image, a second run's disagreements, and
// labels that accepted predictions became left out of the references.
#include "data/imagedetail.h"
#include "data/projectstore.h"
#include "demo/sortofclevr.h"
#include "jobs/evaljobs.h"

#include <QTemporaryDir>
#include <QTest>
#include <cmath>

using namespace tandem;

class TestEvalJobs : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void answersPerTypeAndConfusion();
    void severalHumanAnswersUseTheOfficialAccuracy();
    void captionsPerImage();
    void retrievalRunsAreRefused();

private:
    qint64 saveRun(const QString &name, const std::function<QString(const QuestionRecord &, int)> &answer);

    QTemporaryDir m_dir;
    QString m_project;
    std::vector<ImageDetail> m_images;
};

void TestEvalJobs::initTestCase()
{
    DemoOptions options;
    options.images = 8;
    options.imageSize = 32;
    options.questionsPerImage = 4;
    const QString media = m_dir.filePath(QStringLiteral("media"));
    auto dataset = generateDemo(options, media);
    QVERIFY(dataset);
    m_project = m_dir.filePath(QStringLiteral("p.tandem"));
    auto store = ProjectStore::create(m_project);
    QVERIFY(store && store->importDataset(*dataset, media));
    for (qint64 id = 1; id <= 8; ++id)
        m_images.push_back(*loadImageDetail(*store, id));
}

// One prediction per question of every image; `answer` gets the question and its running index.
qint64 TestEvalJobs::saveRun(const QString &name, const std::function<QString(const QuestionRecord &, int)> &answer)
{
    std::vector<NewPrediction> rows;
    int i = 0;
    for (const ImageDetail &image : m_images)
        for (const QuestionRecord &q : image.questions)
            rows.push_back({image.summary.id, q.id, answer(q, i++), 0.5, {}});
    auto store = ProjectStore::open(m_project);
    auto run = predictions::saveRun(*store, RunKind::Infer, name, {{QStringLiteral("task"), QStringLiteral("vqa")}}, {}, rows);
    return run ? *run : 0;
}

void TestEvalJobs::answersPerTypeAndConfusion()
{
    // Every other answer right: 50%, and the right ones sit on the confusion matrix's diagonal.
    const qint64 half = saveRun(QStringLiteral("half"), [](const QuestionRecord &q, int i) {
        return i % 2 == 0 ? q.answers.front().text : QStringLiteral("purple");
    });
    const qint64 wrong = saveRun(QStringLiteral("wrong"), [](const QuestionRecord &, int) { return QStringLiteral("purple"); });
    auto e = evaluateRun(m_project, half, wrong);
    QVERIFY2(e, qPrintable(e ? QString() : e.error().toString()));
    QCOMPARE(e->metric, QStringLiteral("answer accuracy")); // one human answer per question
    QCOMPARE(int(e->samples.size()), 32);
    QCOMPARE(e->overall, 50.0);
    double typed = 0;
    int right = 0, disagree = 0;
    for (const EvalSample &s : e->samples) {
        QCOMPARE(s.accuracy, s.predicted == s.reference ? 1.0 : 0.0);
        right += int(s.accuracy);
        QCOMPARE(s.otherPrediction, QStringLiteral("purple"));
        disagree += s.otherPrediction != s.predicted;
    }
    QCOMPARE(right, 16);
    QCOMPARE(disagree, 16);
    for (const auto &[type, percent] : e->perQuestionType)
        typed += percent;
    QVERIFY(typed > 0);
    int diagonal = 0;
    for (int i = 0; i < int(e->confusionLabels.size()); ++i)
        diagonal += e->confusion[size_t(i)][size_t(i)];
    int onLabels = 0;
    for (const EvalSample &s : e->samples)
        onLabels += int(s.accuracy) && e->confusionLabels.contains(s.reference);
    QCOMPARE(diagonal, onLabels);
}

void TestEvalJobs::severalHumanAnswersUseTheOfficialAccuracy()
{
    // A second human answer on the first question makes the official accuracy apply to every question.
    auto store = ProjectStore::open(m_project);
    const QuestionRecord &q = m_images.front().questions.front();
    QVERIFY(store->database().exec("INSERT INTO answers(question_id, text) VALUES (" + std::to_string(q.id) + ", '"
                                   + q.answers.front().text.toStdString() + "')"));
    const qint64 run = saveRun(QStringLiteral("right"), [](const QuestionRecord &r, int) { return r.answers.front().text; });
    auto e = evaluateRun(m_project, run);
    QVERIFY(e);
    QCOMPARE(e->metric, QStringLiteral("VQA accuracy"));
    // Two identical human answers, the prediction equal: each leave-one-out subset has 1 match: 1/3.
    QVERIFY(std::abs(e->samples.front().accuracy - 1.0 / 3.0) < 1e-12);
    QCOMPARE(e->samples[1].accuracy, 0.0); // one human answer: the one left out is the only match
    QVERIFY(store->database().exec("DELETE FROM answers WHERE id = (SELECT max(id) FROM answers)"));
}

void TestEvalJobs::captionsPerImage()
{
    std::vector<NewPrediction> rows;
    for (const ImageDetail &image : m_images)
        rows.push_back({image.summary.id, 0, image.captions.front().text, -1.0, {}});
    auto store = ProjectStore::open(m_project);
    auto run = predictions::saveRun(*store, RunKind::Infer, QStringLiteral("captions"),
                                    {{QStringLiteral("task"), QStringLiteral("caption")}}, {}, rows);
    QVERIFY(run);
    auto e = evaluateRun(m_project, *run);
    QVERIFY(e);
    QCOMPARE(e->metric, QStringLiteral("CIDEr-D"));
    QCOMPARE(int(e->samples.size()), 8);
    for (const EvalSample &s : e->samples) {
        QVERIFY(std::abs(s.bleu4 - 1.0) < 1e-6); // the prediction is one of its references (BLEU's epsilon aside)
        QVERIFY(s.accuracy > 0);
    }
    // Accepting a prediction makes it a caption; it must not become its own reference.
    auto ids = predictions::openIds(*store, *run, -100);
    QVERIFY(ids && !ids->empty());
    const QString before = QString::number(e->samples.front().references);
    QVERIFY(predictions::accept(*store, {ids->front()}));
    auto after = evaluateRun(m_project, *run);
    QCOMPARE(QString::number(after->samples.front().references), before);
}

void TestEvalJobs::retrievalRunsAreRefused()
{
    auto store = ProjectStore::open(m_project);
    auto run = runs::create(*store, RunKind::Infer, QStringLiteral("embed"), {{QStringLiteral("task"), QStringLiteral("retrieval")}});
    auto e = evaluateRun(m_project, *run);
    QVERIFY(!e);
    QVERIFY(e.error().message.contains(QStringLiteral("embeddings")));
    QVERIFY(!evaluateRun(m_project, 999));
}

QTEST_GUILESS_MAIN(TestEvalJobs)
#include "test_evaljobs.moc"
