// Label the uncertain first: stored VQA answers with their margins and
// entropies, captions with their mean log-probabilities; the ranking puts the
// least sure images first, leaves out images a person already verified, keeps
// near-duplicates from filling the top with --diverse, and the grid's "Least
// sure first" sort orders the same way.
#include "data/embeddingstore.h"
#include "data/imagequery.h"
#include "data/projectstore.h"
#include "jobs/uncertaintyjobs.h"
#include "testsupport.h"

#include <QTest>

using namespace tandem;
using namespace tandem::test;
using predictions::UncertaintyMeasure;

class TestUncertainty : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void leastSureFirst();
    void entropyAndCaptions();
    void diversityMovesNearDuplicatesDown();
    void gridSortsLeastSureFirst();
    void noRunIsAClearError();
    void aModelsOwnAnswersAreRanked();

private:
    std::vector<qint64> ranked(const UncertaintyRequest &request);

    QTemporaryDir m_dir;
    QString m_project;
    qint64 m_answers = 0, m_captions = 0;
};

// Images 1-6: one question each (the demo's first), answered with these margins
// and entropies; image 2 is verified by a person.
void TestUncertainty::initTestCase()
{
    m_project = m_dir.filePath(QStringLiteral("p.tandem"));
    QCOMPARE(runCli({QStringLiteral("demo"), m_project, QStringLiteral("--images"), QStringLiteral("6"), QStringLiteral("--size"),
                     QStringLiteral("32"), QStringLiteral("-q")}).exitCode, 0);
    auto store = ProjectStore::open(m_project);
    std::vector<NewPrediction> answers, captions;
    std::vector<PredictionCertainty> answerCertainty, captionCertainty;
    const double margins[] = {0.9, 0.05, 0.5, 0.01, 0.7, 0.3};
    const double entropies[] = {0.1, 1.0, 0.6, 0.2, 0.3, 1.5};
    const double meanLogProbs[] = {-0.2, -1.5, -0.1, -3.0, -0.5, -0.9};
    for (qint64 image = 1; image <= 6; ++image) {
        const qint64 question = store->database().scalar(("SELECT min(id) FROM questions WHERE image_id = " + std::to_string(image))).value();
        answers.push_back({image, question, QStringLiteral("yes"), 0.5, {}});
        answerCertainty.push_back({margins[image - 1], entropies[image - 1], std::nullopt});
        captions.push_back({image, 0, QStringLiteral("a caption"), -1.0, {}});
        captionCertainty.push_back({std::nullopt, std::nullopt, meanLogProbs[image - 1]});
    }
    const QJsonObject vqa{{QStringLiteral("task"), QStringLiteral("vqa")}}, caption{{QStringLiteral("task"), QStringLiteral("caption")}};
    m_answers = *predictions::saveRun(*store, RunKind::Infer, QStringLiteral("answers"), vqa, {}, answers, answerCertainty);
    m_captions = *predictions::saveRun(*store, RunKind::Infer, QStringLiteral("captions"), caption, {}, captions, captionCertainty);
    QVERIFY(store->database().exec("UPDATE images SET status = 2 WHERE id = 2"));
}

std::vector<qint64> TestUncertainty::ranked(const UncertaintyRequest &request)
{
    auto ranking = rankUncertain(request);
    if (!ranking) {
        qWarning() << ranking.error().message;
        return {};
    }
    std::vector<qint64> ids;
    for (const UncertainImage &image : ranking->images)
        ids.push_back(image.imageId);
    return ids;
}

void TestUncertainty::leastSureFirst()
{
    UncertaintyRequest request{m_project, m_answers};
    // Smallest margin first; image 2 (margin 0.05) is verified, so it is left out.
    QCOMPARE(ranked(request), (std::vector<qint64>{4, 6, 3, 5, 1}));
    request.labeledToo = true;
    QCOMPARE(ranked(request), (std::vector<qint64>{4, 2, 6, 3, 5, 1}));
    request.limit = 2;
    QCOMPARE(ranked(request), (std::vector<qint64>{4, 2}));
}

void TestUncertainty::entropyAndCaptions()
{
    UncertaintyRequest request{m_project, m_answers};
    request.measure = UncertaintyMeasure::Entropy;
    QCOMPARE(ranked(request), (std::vector<qint64>{6, 3, 5, 4, 1}));
    request.runId = m_captions;
    request.measure = UncertaintyMeasure::Auto; // captions: the lowest mean log-probability first
    QCOMPARE(ranked(request), (std::vector<qint64>{4, 6, 5, 1, 3}));
    request.runId = 0; // the newest run that recorded certainty: the captions
    QCOMPARE(ranked(request), (std::vector<qint64>{4, 6, 5, 1, 3}));
}

// Images 4 and 6 (ranked first and second) are near-duplicates: 6 moves to the end.
void TestUncertainty::diversityMovesNearDuplicatesDown()
{
    auto store = ProjectStore::open(m_project);
    SplitEmbeddings vectors;
    vectors.images.dimension = 3;
    const float rows[6][3] = {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}, {1, 1, 0}, {-1, 0, 0}, {1, 1, 0.01f}};
    for (qint64 id = 1; id <= 6; ++id) {
        vectors.images.ids.push_back(id);
        vectors.images.values.insert(vectors.images.values.end(), rows[id - 1], rows[id - 1] + 3);
    }
    const qint64 run = *embeddings::saveRun(*store, QStringLiteral("e"), {{QStringLiteral("task"), QStringLiteral("retrieval")}}, {}, vectors);
    UncertaintyRequest request{m_project, m_answers};
    request.diversityRun = run;
    request.diversity = 0.99;
    const auto ranking = rankUncertain(request);
    QVERIFY(ranking);
    QCOMPARE(ranked(request), (std::vector<qint64>{4, 3, 5, 1, 6}));
    QCOMPARE(ranking->images.back().nearDuplicateOf, qint64(4));
}

void TestUncertainty::gridSortsLeastSureFirst()
{
    auto store = ProjectStore::open(m_project);
    ImageQuery query;
    query.sort = ImageSort::Uncertainty; // the newest run with certainty: the captions
    QCOMPARE(queryImages(*store, query)->ids, (std::vector<qint64>{4, 2, 6, 5, 1, 3}));
    query.descending = true;
    QCOMPARE(queryImages(*store, query)->ids, (std::vector<qint64>{3, 1, 5, 6, 2, 4}));
}

void TestUncertainty::noRunIsAClearError()
{
    const QString empty = m_dir.filePath(QStringLiteral("empty.tandem"));
    QCOMPARE(runCli({QStringLiteral("demo"), empty, QStringLiteral("--images"), QStringLiteral("4"), QStringLiteral("--size"),
                     QStringLiteral("32"), QStringLiteral("-q")}).exitCode, 0);
    const CliResult r = runCli({QStringLiteral("rank-uncertain"), empty});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains("no run of this project recorded how sure"), r.err.constData());
    const CliResult ok = runCli({QStringLiteral("rank-uncertain"), m_project, QStringLiteral("--run"), QString::number(m_answers),
                                 QStringLiteral("--limit"), QStringLiteral("1")});
    QCOMPARE(ok.exitCode, 0);
    QVERIFY2(ok.out.contains("image 4"), ok.out.constData());
}

// A real (tiny) VQA model's stored answers: each records its margin and entropy,
// and the image ranked first is the one whose least sure question has the
// smallest margin of all; a caption run records its mean log-probabilities.
void TestUncertainty::aModelsOwnAnswersAreRanked()
{
    const QString project = m_dir.filePath(QStringLiteral("model.tandem"));
    QCOMPARE(runCli({QStringLiteral("demo"), project, QStringLiteral("--images"), QStringLiteral("12"), QStringLiteral("--size"),
                     QStringLiteral("32"), QStringLiteral("--questions"), QStringLiteral("3"), QStringLiteral("-q")}).exitCode, 0);
    const QString vqa = trainTinyModel(project, m_dir.filePath(QStringLiteral("vqa.ckpt")), QStringLiteral("vqa"),
                                       {QStringLiteral("vision_channels=8"), QStringLiteral("text_dim=32")});
    QVERIFY(!vqa.isEmpty());
    const CliResult answered = runCli({QStringLiteral("answer"), project, QStringLiteral("--model"), vqa, QStringLiteral("--split"),
                                       QString(), QStringLiteral("--save"), QStringLiteral("a"), QStringLiteral("-q")});
    QVERIFY2(answered.exitCode == 0, answered.err.constData());
    auto store = ProjectStore::open(project);
    QCOMPARE(*store->database().scalar("SELECT count(*) FROM predictions WHERE margin IS NULL OR entropy IS NULL"), int64_t(0));
    QVERIFY(*store->database().scalar("SELECT count(*) FROM predictions WHERE margin BETWEEN 0 AND 1 AND entropy >= 0") >= 12);
    const qint64 unsure = *store->database().scalar("SELECT image_id FROM predictions ORDER BY margin, image_id LIMIT 1");
    auto ranking = rankUncertain({project});
    QVERIFY(ranking);
    QCOMPARE(ranking->images.front().imageId, unsure);
    QCOMPARE(ranking->candidates, int64_t(12));
}

QTEST_GUILESS_MAIN(TestUncertainty)
#include "test_uncertainty.moc"
