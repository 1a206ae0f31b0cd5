// The model commands that work on one image or on suggestions, through the
// real tandem-cli and tiny models trained here: ask, explain (attention,
// Grad-CAM, a caption's word maps, PNG output), accept, models; and the bad
// input each must refuse without changing the project.
#include "data/imagedetail.h"
#include "data/projectstore.h"
#include "data/runstore.h"
#include "testsupport.h"

#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace tandem;
using namespace tandem::test;

class TestModelCli : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void askRanksAnswersAndMarksUnknownWords();
    void askRefusesWhatItCannotDo();
    void explainAttentionAndGradCam();
    void explainCaptionWritesOneMapPerWord();
    void explainRetrievalScore();
    void acceptTurnsARunIntoLabels();
    void modelsAddRenameUseRemove();
    void corruptImageIsAClearError();

private:
    QString train(const QString &task, const QStringList &options);
    QJsonObject json(const QStringList &arguments);
    int answersOf(qint64 image);

    QTemporaryDir m_dir;
    QString m_project, m_vqa, m_caption, m_retrieval;
};

QString TestModelCli::train(const QString &task, const QStringList &options)
{
    return trainTinyModel(m_project, m_dir.filePath(task + QStringLiteral(".ckpt")), task, options);
}

QJsonObject TestModelCli::json(const QStringList &arguments)
{
    const CliResult r = runCli(arguments + QStringList{QStringLiteral("--json")});
    if (r.exitCode != 0)
        qWarning() << r.err;
    return QJsonDocument::fromJson(r.out).object();
}

int TestModelCli::answersOf(qint64 image)
{
    auto store = ProjectStore::open(m_project);
    const auto detail = loadImageDetail(*store, image);
    int n = 0;
    for (const QuestionRecord &q : detail->questions)
        n += int(q.answers.size());
    return n;
}

void TestModelCli::initTestCase()
{
    m_project = m_dir.filePath(QStringLiteral("p.tandem"));
    QCOMPARE(runCli({QStringLiteral("demo"), m_project, QStringLiteral("--images"), QStringLiteral("30"), QStringLiteral("--size"),
                     QStringLiteral("32"), QStringLiteral("--questions"), QStringLiteral("4"), QStringLiteral("-q")}).exitCode, 0);
    const QStringList small{QStringLiteral("vision_channels=8"), QStringLiteral("text_dim=32")};
    m_vqa = train(QStringLiteral("vqa"), small + QStringList{QStringLiteral("fusion=cross_attention"), QStringLiteral("fusion_dim=32"),
                                                              QStringLiteral("fusion_hidden=32"), QStringLiteral("answer_hidden=32")});
    m_caption = train(QStringLiteral("caption"), {QStringLiteral("vision_channels=8"), QStringLiteral("decoder_dim=32")});
    m_retrieval = train(QStringLiteral("retrieval"), small + QStringList{QStringLiteral("retrieval_dim=16")});
    QVERIFY(!m_vqa.isEmpty() && !m_caption.isEmpty() && !m_retrieval.isEmpty());
}

void TestModelCli::askRanksAnswersAndMarksUnknownWords()
{
    const QJsonObject o = json({QStringLiteral("ask"), m_project, QStringLiteral("--model"), m_vqa, QStringLiteral("--image"),
                                QStringLiteral("3"), QStringLiteral("--k"), QStringLiteral("3"), QStringLiteral("what shape is the red aardvark?")});
    const QJsonArray answers = o.value(QStringLiteral("answers")).toArray();
    QCOMPARE(answers.size(), 3);
    double previous = 1.0, sum = 0;
    for (const QJsonValue &a : answers) {
        const double p = a.toObject().value(QStringLiteral("probability")).toDouble();
        QVERIFY(p <= previous && p >= 0);
        previous = p;
        sum += p;
    }
    QVERIFY(sum <= 1.0 + 1e-6);
    QCOMPARE(o.value(QStringLiteral("unknown_words")).toArray(), QJsonArray{QStringLiteral("aardvark")});
    QCOMPARE(o.value(QStringLiteral("image_id")).toInt(), 3);
}

void TestModelCli::askRefusesWhatItCannotDo()
{
    const QStringList base{QStringLiteral("ask"), m_project, QStringLiteral("--image"), QStringLiteral("3")};
    CliResult r = runCli(base + QStringList{QStringLiteral("--model"), m_caption, QStringLiteral("what shape?")});
    QCOMPARE(r.exitCode, 2);
    QVERIFY(r.err.contains("caption model, not a vqa model"));
    r = runCli(base + QStringList{QStringLiteral("--model"), m_vqa, QStringLiteral("   ")});
    QCOMPARE(r.exitCode, 2);
    QVERIFY(r.err.contains("type a question"));
    r = runCli({QStringLiteral("ask"), m_project, QStringLiteral("--image"), QStringLiteral("no-such.png"), QStringLiteral("--model"),
                m_vqa, QStringLiteral("what?")});
    QCOMPARE(r.exitCode, 2);
    QVERIFY(r.err.contains("no image"));
    r = runCli(base + QStringList{QStringLiteral("--model"), m_dir.filePath(QStringLiteral("missing.ckpt")), QStringLiteral("what?")});
    QCOMPARE(r.exitCode, 3);
}

void TestModelCli::explainAttentionAndGradCam()
{
    int regionCells = 0;
    for (const QString &method : {QStringLiteral("attention"), QStringLiteral("gradcam"), QStringLiteral("occlusion"),
                                  QStringLiteral("occlusion-features")}) {
        const QString out = m_dir.filePath(method + QStringLiteral(".png"));
        const QJsonObject o = json({QStringLiteral("explain"), m_project, QStringLiteral("--model"), m_vqa, QStringLiteral("--image"),
                                    QStringLiteral("2"), QStringLiteral("--question"), QStringLiteral("is the red object on the left?"),
                                    QStringLiteral("--method"), method, QStringLiteral("--out"), out});
        const int cells = o.value(QStringLiteral("grid_height")).toInt() * o.value(QStringLiteral("grid_width")).toInt();
        QVERIFY(cells > 0);
        const QJsonArray maps = o.value(QStringLiteral("maps")).toArray();
        QCOMPARE(maps.size(), 1);
        const QJsonArray weights = maps[0].toObject().value(QStringLiteral("weights")).toArray();
        QCOMPARE(weights.size(), cells);
        double top = 0;
        for (const QJsonValue &w : weights)
            top = std::max(top, w.toDouble());
        QVERIFY(top == 1.0 || (method != QLatin1String("attention") && top == 0.0)); // scaled to a maximum of 1
        if (method == QLatin1String("attention"))
            regionCells = cells;
        if (method.startsWith(QLatin1String("occlusion")))
            QCOMPARE(cells, 16 * regionCells); // a grid four times as fine as the regions
        QVERIFY(o.value(QStringLiteral("summary")).toString().startsWith(QStringLiteral("answer: ")));
        if (method == QLatin1String("attention"))
            QCOMPARE(o.value(QStringLiteral("word_weights")).toArray().size(), 8); // cross-attention weighs the 8 tokens, "?" too
        QCOMPARE(QImage(out).size(), QSize(32, 32));
    }
    const CliResult r = runCli({QStringLiteral("explain"), m_project, QStringLiteral("--model"), m_vqa, QStringLiteral("--image"),
                                QStringLiteral("2"), QStringLiteral("--caption"), QStringLiteral("--json")});
    QCOMPARE(r.exitCode, 2); // a VQA model writes no caption
}

void TestModelCli::explainCaptionWritesOneMapPerWord()
{
    const QString out = m_dir.filePath(QStringLiteral("words/map.png"));
    QVERIFY(QDir().mkpath(m_dir.filePath(QStringLiteral("words"))));
    const QJsonObject o = json({QStringLiteral("explain"), m_project, QStringLiteral("--model"), m_caption, QStringLiteral("--image"),
                                QStringLiteral("5"), QStringLiteral("--caption"), QStringLiteral("--out"), out});
    const QJsonArray maps = o.value(QStringLiteral("maps")).toArray();
    const QStringList words = o.value(QStringLiteral("summary")).toString().split(QLatin1Char(' '), Qt::SkipEmptyParts);
    QCOMPARE(maps.size(), words.size()); // one map per printed word
    const QJsonArray files = o.value(QStringLiteral("files")).toArray();
    QCOMPARE(files.size(), maps.size());
    for (const QJsonValue &file : files)
        QVERIFY(QFile::exists(file.toString()));
}

void TestModelCli::explainRetrievalScore()
{
    const QJsonObject o = json({QStringLiteral("explain"), m_project, QStringLiteral("--model"), m_retrieval, QStringLiteral("--image"),
                                QStringLiteral("4"), QStringLiteral("--text"), QStringLiteral("a red circle")});
    QVERIFY(o.value(QStringLiteral("summary")).toString().startsWith(QStringLiteral("cosine")));
    QCOMPARE(o.value(QStringLiteral("maps")).toArray().size(), 1);
    const CliResult r = runCli({QStringLiteral("explain"), m_project, QStringLiteral("--model"), m_retrieval, QStringLiteral("--image"),
                                QStringLiteral("4"), QStringLiteral("--text"), QStringLiteral("x"), QStringLiteral("--method"),
                                QStringLiteral("attention"), QStringLiteral("--json")});
    QCOMPARE(r.exitCode, 2);
}

void TestModelCli::acceptTurnsARunIntoLabels()
{
    const QJsonObject answered = json({QStringLiteral("answer"), m_project, QStringLiteral("--model"), m_vqa, QStringLiteral("--split"),
                                       QStringLiteral("val"), QStringLiteral("--save"), QStringLiteral("for review"), QStringLiteral("-q")});
    const qint64 run = answered.value(QStringLiteral("run_id")).toInteger();
    QVERIFY(run > 0);
    auto store = ProjectStore::open(m_project);
    const qint64 image = *store->database().scalar("SELECT min(image_id) FROM predictions WHERE run_id = " + std::to_string(run));
    const qint64 predicted = *store->database().scalar("SELECT count(*) FROM predictions WHERE run_id = " + std::to_string(run));
    const int before = answersOf(image);
    const QJsonObject high = json({QStringLiteral("accept"), m_project, QStringLiteral("--run"), QString::number(run),
                                   QStringLiteral("--min-score"), QStringLiteral("2")});
    QCOMPARE(high.value(QStringLiteral("accepted")).toInt(), 0); // no probability is above 1
    const QJsonObject all = json({QStringLiteral("accept"), m_project, QStringLiteral("--run"), QString::number(run)});
    QCOMPARE(all.value(QStringLiteral("accepted")).toInteger(), predicted);
    QCOMPARE(answersOf(image), before + 4); // one more human answer per question of the image
    QCOMPARE(json({QStringLiteral("accept"), m_project, QStringLiteral("--run"), QString::number(run)})
                 .value(QStringLiteral("accepted")).toInt(), 0);
    QCOMPARE(runCli({QStringLiteral("accept"), m_project, QStringLiteral("--run"), QStringLiteral("999")}).exitCode, 2);
}

void TestModelCli::modelsAddRenameUseRemove()
{
    const QString copy = m_dir.filePath(QStringLiteral("copy.ckpt"));
    QVERIFY(QFile::copy(m_vqa, copy));
    QVERIFY(runCli({QStringLiteral("models"), m_project, QStringLiteral("--add"), copy, QStringLiteral("borrowed")}).exitCode == 0);
    QJsonArray list = json({QStringLiteral("models"), m_project}).value(QStringLiteral("models")).toArray();
    QCOMPARE(list.size(), 4);
    const QJsonObject added = list.last().toObject();
    QCOMPARE(added.value(QStringLiteral("name")).toString(), QStringLiteral("borrowed"));
    QCOMPARE(added.value(QStringLiteral("task")).toString(), QStringLiteral("vqa"));
    const QString id = QString::number(added.value(QStringLiteral("id")).toInt());
    QCOMPARE(runCli({QStringLiteral("models"), m_project, QStringLiteral("--use"), id}).exitCode, 0);
    QCOMPARE(runCli({QStringLiteral("models"), m_project, QStringLiteral("--rename"), id, QStringLiteral("mine")}).exitCode, 0);
    list = json({QStringLiteral("models"), m_project}).value(QStringLiteral("models")).toArray();
    QVERIFY(list.last().toObject().value(QStringLiteral("current")).toBool());
    QCOMPARE(list.last().toObject().value(QStringLiteral("name")).toString(), QStringLiteral("mine"));
    QCOMPARE(runCli({QStringLiteral("models"), m_project, QStringLiteral("--remove"), id}).exitCode, 0);
    QCOMPARE(json({QStringLiteral("models"), m_project}).value(QStringLiteral("models")).toArray().size(), 3);
    QCOMPARE(runCli({QStringLiteral("models"), m_project, QStringLiteral("--use"), QStringLiteral("99")}).exitCode, 2);
    QVERIFY(QFile::exists(copy)); // removing a model keeps its file
}

void TestModelCli::corruptImageIsAClearError()
{
    auto store = ProjectStore::open(m_project);
    auto detail = loadImageDetail(*store, 7);
    QVERIFY(detail);
    writeFile(detail->summary.path, "not a PNG any more");
    const CliResult r = runCli({QStringLiteral("ask"), m_project, QStringLiteral("--model"), m_vqa, QStringLiteral("--image"),
                                QStringLiteral("7"), QStringLiteral("what shape is the red object?")});
    QCOMPARE(r.exitCode, 3);
    QVERIFY2(r.err.contains("cannot decode"), r.err.constData());
}

QTEST_GUILESS_MAIN(TestModelCli)
#include "test_model_cli.moc"
