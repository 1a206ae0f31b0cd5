// tandem-cli pointing, run as a user runs it, on a tiny demo project and tiny
// models trained for two epochs on the CPU: the questions and caption words it
// scores, hits that agree with `explain` question by question, the seeded
// random baseline, the randomised-weights check, and usage errors.
#include "data/projectstore.h"
#include "data/regions.h"
#include "explain/heatmap.h"
#include "testsupport.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>
#include <QTest>

using namespace tandem;
using test::runCli;

namespace {

QSet<QString> keySet(const QJsonObject &object)
{
    const QStringList keys = object.keys();
    return QSet<QString>(keys.begin(), keys.end());
}

} // namespace

class TestCliPointing : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void scoresTheNonRelationalQuestions();
    void hitsAgreeWithExplain();
    void questionTypesAreChosen();
    void gradientMapsAreFiner();
    void randomBaselineIsSeeded();
    void randomizedWeightsRun();
    void captionerScoresColourWords();
    void textOutput();
    void projectWithoutRegionsIsRefused();
    void badArgumentsAreUsageErrors_data();
    void badArgumentsAreUsageErrors();

private:
    QJsonObject json(const QStringList &arguments);
    QJsonObject pointing(const QString &model, const QStringList &options = {});
    QString train(const QString &task, const QStringList &options);

    QTemporaryDir m_dir;
    QString m_project, m_vqa, m_captioner;
};

QJsonObject TestCliPointing::json(const QStringList &arguments)
{
    const auto r = runCli(arguments + QStringList{QStringLiteral("--json"), QStringLiteral("-q")});
    if (r.exitCode != 0)
        qWarning("exit %d: %s", r.exitCode, r.err.constData());
    return QJsonDocument::fromJson(r.out).object();
}

QJsonObject TestCliPointing::pointing(const QString &model, const QStringList &options)
{
    return json(QStringList{QStringLiteral("pointing"), m_project, QStringLiteral("--model"), model,
                            QStringLiteral("--threads"), QStringLiteral("1")} + options);
}

QString TestCliPointing::train(const QString &task, const QStringList &options)
{
    const QString checkpoint = m_dir.filePath(task + QStringLiteral(".ckpt"));
    QStringList args{QStringLiteral("train"), m_project, QStringLiteral("--task"), task, QStringLiteral("--epochs"),
                     QStringLiteral("2"), QStringLiteral("--batch"), QStringLiteral("8"), QStringLiteral("--image-size"),
                     QStringLiteral("32"), QStringLiteral("--threads"), QStringLiteral("1"), QStringLiteral("--device"),
                     QStringLiteral("cpu"), QStringLiteral("--checkpoint"), checkpoint,
                     // no validation: the checkpoint keeps the last epoch, whose captions name colours
                     QStringLiteral("--val-split"), QString()};
    // Three stride-2 stages: a 4 x 4 grid on 32-pixel images.
    for (const QString &option : QStringList{QStringLiteral("vision_channels=8"), QStringLiteral("vision_stages=3")} + options)
        args << QStringLiteral("--model-option") << option;
    return json(args).value(QStringLiteral("run_id")).toInt() > 0 ? checkpoint : QString();
}

void TestCliPointing::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_project = m_dir.filePath(QStringLiteral("tiny.tandem"));
    const auto demo = runCli({QStringLiteral("demo"), m_project, QStringLiteral("--images"), QStringLiteral("30"),
                              QStringLiteral("--size"), QStringLiteral("32"), QStringLiteral("--seed"), QStringLiteral("5"),
                              QStringLiteral("-q")});
    QVERIFY2(demo.exitCode == 0, demo.err.constData());
    m_vqa = train(QStringLiteral("vqa"), {QStringLiteral("fusion=cross_attention"), QStringLiteral("text_dim=32"),
                                          QStringLiteral("fusion_hidden=32"), QStringLiteral("fusion_dim=32"),
                                          QStringLiteral("answer_hidden=32")});
    QVERIFY(!m_vqa.isEmpty());
    m_captioner = train(QStringLiteral("caption"), {QStringLiteral("embed_dim=16"), QStringLiteral("decoder_dim=32"),
                                                    QStringLiteral("attention_dim=16")});
    QVERIFY(!m_captioner.isEmpty());
}

void TestCliPointing::scoresTheNonRelationalQuestions()
{
    const QJsonObject r = pointing(m_vqa);
    auto store = ProjectStore::open(m_project);
    const qint64 expected = *store->database().scalar(
        "SELECT count(*) FROM questions q JOIN images i ON i.id = q.image_id "
        "WHERE i.split = 'test' AND q.question_type IN ('shape', 'left', 'top')");
    QVERIFY(expected > 0);
    QCOMPARE(r.value(QStringLiteral("task")).toString(), QStringLiteral("vqa"));
    QCOMPARE(r.value(QStringLiteral("map")).toString(), QStringLiteral("attention"));
    QCOMPARE(r.value(QStringLiteral("items")).toInteger(), expected);
    QCOMPARE(r.value(QStringLiteral("unmatched")).toInt(), 0);
    QCOMPARE(r.value(QStringLiteral("images")).toInt(), 3); // 10% of 30
    QCOMPARE(r.value(QStringLiteral("grid_height")).toInt(), 4);
    QCOMPARE(r.value(QStringLiteral("grid_width")).toInt(), 4);
    const QJsonObject byType = r.value(QStringLiteral("by_type")).toObject();
    QCOMPARE(keySet(byType),
             (QSet<QString>{QStringLiteral("shape"), QStringLiteral("left"), QStringLiteral("top")}));
    qint64 items = 0, hits = 0;
    for (const QJsonValue &t : byType) {
        items += t.toObject().value(QStringLiteral("items")).toInteger();
        hits += t.toObject().value(QStringLiteral("hits")).toInteger();
    }
    QCOMPARE(items, expected);
    QCOMPARE(hits, r.value(QStringLiteral("hits")).toInteger());
    QVERIFY(hits >= 0 && hits <= items);
    QCOMPARE(r.value(QStringLiteral("hit_rate")).toDouble(), 100.0 * double(hits) / double(items));
}

// The first questions scored, one by one through `explain`: the same hits.
void TestCliPointing::hitsAgreeWithExplain()
{
    const int n = 5;
    const QJsonObject r = pointing(m_vqa, {QStringLiteral("--method"), QStringLiteral("gradcam"), QStringLiteral("--limit"),
                                           QString::number(n)});
    QCOMPARE(r.value(QStringLiteral("items")).toInt(), n);
    auto store = ProjectStore::open(m_project);
    auto questions = store->database().prepare(
        "SELECT q.image_id, q.text FROM questions q JOIN images i ON i.id = q.image_id "
        "WHERE i.split = 'test' AND q.question_type IN ('shape', 'left', 'top') ORDER BY q.id LIMIT ?1");
    questions->bind(1, n);
    int hits = 0;
    while (questions->step()) {
        const qint64 image = questions->int64(0);
        const QString text = questions->qtext(1);
        const auto explained = runCli({QStringLiteral("explain"), m_project, QStringLiteral("--model"), m_vqa, QStringLiteral("--image"),
                                       QString::number(image), QStringLiteral("--question"), text, QStringLiteral("--method"),
                                       QStringLiteral("gradcam"), QStringLiteral("--threads"), QStringLiteral("1"), QStringLiteral("--json")});
        QVERIFY2(explained.exitCode == 0, explained.err.constData());
        const QJsonObject e = QJsonDocument::fromJson(explained.out).object();
        std::vector<float> weights;
        for (const QJsonValue &w : e.value(QStringLiteral("maps")).toArray().first().toObject().value(QStringLiteral("weights")).toArray())
            weights.push_back(float(w.toDouble()));
        QCOMPARE(int(weights.size()), 16);
        const auto regions = loadRegions(*store, image);
        QRectF box;
        for (const RegionRecord &region : *regions) // the colour named in "... the red object ..."
            if (text.contains(QStringLiteral(" ") + region.label.section(QLatin1Char(' '), 0, 0) + QStringLiteral(" ")))
                box = region.box;
        QVERIFY(!box.isNull());
        hits += explain::pointingHit(weights, 4, 4, QSizeF(*regionFrame(*store, image)), box) ? 1 : 0;
    }
    QCOMPARE(r.value(QStringLiteral("hits")).toInt(), hits);
}

void TestCliPointing::questionTypesAreChosen()
{
    const QJsonObject r = pointing(m_vqa, {QStringLiteral("--types"), QStringLiteral("closest,count")});
    const QJsonObject byType = r.value(QStringLiteral("by_type")).toObject();
    QCOMPARE(keySet(byType),
             (QSet<QString>{QStringLiteral("closest"), QStringLiteral("count")}));
    QVERIFY(r.value(QStringLiteral("items")).toInt() > 0);
}

// The pixels' gradient on a 16 x 16 grid, whatever the model's; Grad-CAM and
// HiResCAM on the stage before the last with --finer-grid; captions have attention only.
void TestCliPointing::gradientMapsAreFiner()
{
    for (const char *method : {"gradcam", "hirescam"}) {
        const QJsonObject regions = pointing(m_vqa, {QStringLiteral("--method"), QLatin1String(method)});
        QCOMPARE(regions.value(QStringLiteral("grid_width")).toInt(), 4);
        const QJsonObject finer = pointing(m_vqa, {QStringLiteral("--method"), QLatin1String(method), QStringLiteral("--finer-grid")});
        QCOMPARE(finer.value(QStringLiteral("grid_height")).toInt(), 8);
        QCOMPARE(finer.value(QStringLiteral("grid_width")).toInt(), 8);
        QVERIFY(finer.value(QStringLiteral("finer_grid")).toBool());
        QCOMPARE(finer.value(QStringLiteral("items")), regions.value(QStringLiteral("items")));
    }
    const QJsonObject r = pointing(m_vqa, {QStringLiteral("--method"), QStringLiteral("gradient")});
    QCOMPARE(r.value(QStringLiteral("map")).toString(), QStringLiteral("gradient"));
    QCOMPARE(r.value(QStringLiteral("grid_height")).toInt(), 16);
    QCOMPARE(r.value(QStringLiteral("grid_width")).toInt(), 16);
    QVERIFY(r.value(QStringLiteral("items")).toInt() > 0);
    const auto caption = runCli({QStringLiteral("pointing"), m_project, QStringLiteral("--model"), m_captioner,
                                 QStringLiteral("--method"), QStringLiteral("gradient"), QStringLiteral("-q")});
    QCOMPARE(caption.exitCode, 2);
}

void TestCliPointing::randomBaselineIsSeeded()
{
    const QStringList random{QStringLiteral("--baseline"), QStringLiteral("random"), QStringLiteral("--split"), QString()};
    const QJsonObject a = pointing(m_vqa, random + QStringList{QStringLiteral("--seed"), QStringLiteral("3")});
    const QJsonObject b = pointing(m_vqa, random + QStringList{QStringLiteral("--seed"), QStringLiteral("3")});
    QCOMPARE(a.value(QStringLiteral("map")).toString(), QStringLiteral("random"));
    QCOMPARE(a.value(QStringLiteral("items")).toInt(), 300); // every image: 30 x 10 non-relational
    QCOMPARE(a.value(QStringLiteral("by_type")), b.value(QStringLiteral("by_type")));
    // On a 4 x 4 grid of 32 pixels, a 5-pixel box holds a cell centre at most: well under half the items hit.
    QVERIFY(a.value(QStringLiteral("hit_rate")).toDouble() < 25.0);
}

// Seeded: the same random model, so the same hits, every time.
void TestCliPointing::randomizedWeightsRun()
{
    const QStringList options{QStringLiteral("--randomize-weights"), QStringLiteral("--method"), QStringLiteral("gradcam"),
                              QStringLiteral("--split"), QString()};
    const QJsonObject r = pointing(m_vqa, options);
    QVERIFY(r.value(QStringLiteral("randomized_weights")).toBool());
    QCOMPARE(r.value(QStringLiteral("items")).toInt(), 300);
    QCOMPARE(pointing(m_vqa, options).value(QStringLiteral("by_type")), r.value(QStringLiteral("by_type")));
}

void TestCliPointing::captionerScoresColourWords()
{
    const QJsonObject r = pointing(m_captioner, {QStringLiteral("--split"), QString()});
    QCOMPARE(r.value(QStringLiteral("task")).toString(), QStringLiteral("caption"));
    const QJsonObject byWord = r.value(QStringLiteral("by_word")).toObject();
    const QSet<QString> colours{QStringLiteral("red"), QStringLiteral("green"), QStringLiteral("blue"),
                                QStringLiteral("orange"), QStringLiteral("gray"), QStringLiteral("yellow")};
    for (const QString &word : byWord.keys())
        QVERIFY2(colours.contains(word), qPrintable(word));
    QVERIFY(r.value(QStringLiteral("items")).toInt() >= byWord.size());
    const QJsonObject random = pointing(m_captioner, {QStringLiteral("--split"), QString(), QStringLiteral("--baseline"),
                                                      QStringLiteral("random")});
    QCOMPARE(random.value(QStringLiteral("items")), r.value(QStringLiteral("items"))); // the same words, other maps
}

void TestCliPointing::textOutput()
{
    const auto r = runCli({QStringLiteral("pointing"), m_project, QStringLiteral("--model"), m_vqa, QStringLiteral("-q")});
    QCOMPARE(r.exitCode, 0);
    QVERIFY2(r.out.contains("Pointing game, test split, attention on a 4x4 grid: "), r.out.constData());
    QVERIFY2(r.out.contains("  shape "), r.out.constData());
}

void TestCliPointing::projectWithoutRegionsIsRefused()
{
    const QString bare = m_dir.filePath(QStringLiteral("bare.tandem"));
    QVERIFY(QFile::copy(m_project, bare));
    {
        auto store = ProjectStore::open(bare);
        QVERIFY(store->database().exec("DELETE FROM regions"));
    }
    const auto r = runCli({QStringLiteral("pointing"), bare, QStringLiteral("--model"), m_vqa, QStringLiteral("-q")});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains("regions"), r.err.constData());
}

void TestCliPointing::badArgumentsAreUsageErrors_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::newRow("no model") << QStringList{};
    QTest::newRow("unknown method") << QStringList{QStringLiteral("--model"), QStringLiteral("m.ckpt"), QStringLiteral("--method"), QStringLiteral("lime")};
    QTest::newRow("unknown baseline") << QStringList{QStringLiteral("--model"), QStringLiteral("m.ckpt"), QStringLiteral("--baseline"), QStringLiteral("centre")};
    QTest::newRow("zero limit") << QStringList{QStringLiteral("--model"), QStringLiteral("m.ckpt"), QStringLiteral("--limit"), QStringLiteral("0")};
    QTest::newRow("bad seed") << QStringList{QStringLiteral("--model"), QStringLiteral("m.ckpt"), QStringLiteral("--seed"), QStringLiteral("x")};
    QTest::newRow("two projects") << QStringList{QStringLiteral("other.tandem"), QStringLiteral("--model"), QStringLiteral("m.ckpt")};
}

void TestCliPointing::badArgumentsAreUsageErrors()
{
    QFETCH(QStringList, arguments);
    const auto r = runCli(QStringList{QStringLiteral("pointing"), m_project} + arguments);
    QCOMPARE(r.exitCode, 2);
}

QTEST_GUILESS_MAIN(TestCliPointing)
#include "test_cli_pointing.moc"
