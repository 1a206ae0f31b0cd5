// Training through the real tandem-cli as a person would run it: a run killed
// with SIGKILL shows as interrupted in 'tandem-cli runs', and '--resume-run'
// ends it with the same epochs and the same answers as a run never killed;
// '--init-from' fine-tunes; bad requests are refused.
#include "data/projectstore.h"
#include "testsupport.h"

#include <QElapsedTimer>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTest>
#include <QThread>

using namespace tandem::test;

class TestTrainCli : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void killedRunResumesToTheSameModel();
    void fineTuneAndRefusals();
    void compareTrainsEachFusionAlike();
    void evalScoresAStoredRun();
    void curriculumStartsWithTheShortQuestions();
    void bf16TrainsAFloatModel();
    void presetCarriesTheVqaRecipe();

private:
    QStringList trainArgs(const QString &checkpoint, int epochs) const;
    QJsonObject json(const QStringList &arguments);

    QTemporaryDir m_dir;
    QString m_project;
};

QStringList TestTrainCli::trainArgs(const QString &checkpoint, int epochs) const
{
    return {QStringLiteral("train"), m_project, QStringLiteral("--epochs"), QString::number(epochs), QStringLiteral("--batch"),
            QStringLiteral("4"), QStringLiteral("--image-size"), QStringLiteral("32"), QStringLiteral("--threads"), QStringLiteral("1"),
            QStringLiteral("--device"), QStringLiteral("cpu"), QStringLiteral("--seed"), QStringLiteral("7"), QStringLiteral("--no-augment"),
            QStringLiteral("--model-option"), QStringLiteral("vision_channels=8"), QStringLiteral("--model-option"),
            QStringLiteral("text_dim=32"), QStringLiteral("--model-option"), QStringLiteral("film_blocks=1"),
            QStringLiteral("--checkpoint"), m_dir.filePath(checkpoint), QStringLiteral("-q")};
}

QJsonObject TestTrainCli::json(const QStringList &arguments)
{
    const CliResult r = runCli(arguments + QStringList{QStringLiteral("--json")});
    if (r.exitCode != 0)
        qWarning() << r.err;
    return QJsonDocument::fromJson(r.out).object();
}

void TestTrainCli::initTestCase()
{
    m_project = m_dir.filePath(QStringLiteral("p.tandem"));
    QCOMPARE(runCli({QStringLiteral("demo"), m_project, QStringLiteral("--images"), QStringLiteral("40"), QStringLiteral("--size"),
                     QStringLiteral("32"), QStringLiteral("--questions"), QStringLiteral("4"), QStringLiteral("-q")}).exitCode, 0);
}

void TestTrainCli::killedRunResumesToTheSameModel()
{
    constexpr int epochs = 12;
    const QJsonObject whole = json(trainArgs(QStringLiteral("whole.ckpt"), epochs));
    QCOMPARE(whole.value(QStringLiteral("epochs")).toArray().size(), epochs);

    // Killed once the first epoch's checkpoint is on disk.
    const QString checkpoint = m_dir.filePath(QStringLiteral("killed.ckpt"));
    QProcess process;
    process.start(QStringLiteral(TANDEM_CLI_PATH), trainArgs(QStringLiteral("killed.ckpt"), epochs));
    QVERIFY(process.waitForStarted());
    QElapsedTimer clock;
    clock.start();
    while (!QFileInfo::exists(checkpoint) && clock.elapsed() < 60000 && process.state() == QProcess::Running)
        QThread::msleep(5);
    QVERIFY2(process.state() == QProcess::Running, "the run ended before it could be killed");
    process.kill(); // SIGKILL: no clean-up of any kind
    QVERIFY(process.waitForFinished());

    const QJsonArray runs = json({QStringLiteral("runs"), m_project}).value(QStringLiteral("runs")).toArray();
    QJsonObject killed;
    for (const QJsonValue &run : runs)
        if (run.toObject().value(QStringLiteral("config")).toObject().value(QStringLiteral("checkpoint")).toString() == checkpoint)
            killed = run.toObject();
    QCOMPARE(killed.value(QStringLiteral("status")).toString(), QStringLiteral("interrupted"));
    QVERIFY(killed.value(QStringLiteral("resumable")).toBool());
    const int id = killed.value(QStringLiteral("id")).toInt();

    const QJsonObject resumed = json({QStringLiteral("train"), m_project, QStringLiteral("--resume-run"), QString::number(id),
                                      QStringLiteral("-q")});
    QCOMPARE(resumed.value(QStringLiteral("run_id")).toInt(), id);
    const QJsonArray a = whole.value(QStringLiteral("epochs")).toArray(), b = resumed.value(QStringLiteral("epochs")).toArray();
    QCOMPARE(b.size(), epochs);
    for (int i = 0; i < epochs; ++i)
        QCOMPARE(b[i].toObject().value(QStringLiteral("train_loss")).toDouble(),
                 a[i].toObject().value(QStringLiteral("train_loss")).toDouble());
    QCOMPARE(resumed.value(QStringLiteral("best_epoch")).toInt(), whole.value(QStringLiteral("best_epoch")).toInt());

    // The same model: the same answer with the same probability to every val question.
    const auto answers = [&](const QString &model) {
        return json({QStringLiteral("answer"), m_project, QStringLiteral("--model"), model, QStringLiteral("--device"),
                     QStringLiteral("cpu"), QStringLiteral("-q")}).value(QStringLiteral("answers")).toArray();
    };
    const QJsonArray x = answers(m_dir.filePath(QStringLiteral("whole.ckpt"))), y = answers(checkpoint);
    QVERIFY(!x.isEmpty());
    QCOMPARE(x, y);

    const CliResult again = runCli({QStringLiteral("train"), m_project, QStringLiteral("--resume-run"), QString::number(id)});
    QCOMPARE(again.exitCode, 2);
    QVERIFY2(again.err.contains("only a paused, interrupted or failed run can be resumed"), again.err.constData());
}

void TestTrainCli::fineTuneAndRefusals()
{
    const QString base = m_dir.filePath(QStringLiteral("whole.ckpt"));
    QVERIFY(QFileInfo::exists(base));
    QStringList args = trainArgs(QStringLiteral("tuned.ckpt"), 1);
    args << QStringLiteral("--init-from") << base;
    const QJsonObject tuned = json(args);
    QCOMPARE(tuned.value(QStringLiteral("epochs")).toArray().size(), 1);

    const CliResult wrongTask = runCli(args + QStringList{QStringLiteral("--task"), QStringLiteral("caption")});
    QVERIFY(wrongTask.exitCode != 0);
    QVERIFY2(wrongTask.err.contains("tasks differ"), wrongTask.err.constData());
    const CliResult noRun = runCli({QStringLiteral("train"), m_project, QStringLiteral("--resume-run"), QStringLiteral("999")});
    QVERIFY(noRun.exitCode != 0);
    QVERIFY2(noRun.err.contains("no run 999"), noRun.err.constData());
}

void TestTrainCli::compareTrainsEachFusionAlike()
{
    QStringList args = trainArgs(QStringLiteral("unused.ckpt"), 1);
    args.removeAt(args.indexOf(QStringLiteral("--checkpoint")) + 1);
    args.removeAll(QStringLiteral("--checkpoint"));
    args[0] = QStringLiteral("compare");
    args << QStringLiteral("--fusions") << QStringLiteral("film,concat") << QStringLiteral("--name") << QStringLiteral("two ways");
    const QJsonObject compared = json(args);
    const QJsonArray rows = compared.value(QStringLiteral("rows")).toArray();
    QCOMPARE(rows.size(), 2);
    QCOMPARE(rows[0].toObject().value(QStringLiteral("fusion")).toString(), QStringLiteral("film"));
    QCOMPARE(rows[1].toObject().value(QStringLiteral("fusion")).toString(), QStringLiteral("concat"));
    for (const QJsonValue &row : rows) {
        QCOMPARE(row.toObject().value(QStringLiteral("status")).toString(), QStringLiteral("completed"));
        QVERIFY(QFileInfo::exists(row.toObject().value(QStringLiteral("checkpoint")).toString()));
        QCOMPARE(row.toObject().value(QStringLiteral("metric")).toString(), QStringLiteral("answer_accuracy"));
    }
    const QJsonArray stored = json({QStringLiteral("compare"), m_project, QStringLiteral("--show"), QStringLiteral("two ways")})
                                  .value(QStringLiteral("comparisons")).toArray();
    QCOMPARE(stored.size(), 1);
    QCOMPARE(stored[0].toObject().value(QStringLiteral("rows")).toArray(), rows);

    QCOMPARE(runCli(args).exitCode, 2); // the name is taken
    QStringList unknown = args;
    unknown[unknown.indexOf(QStringLiteral("film,concat"))] = QStringLiteral("film,telepathy");
    unknown[unknown.indexOf(QStringLiteral("two ways"))] = QStringLiteral("other");
    const CliResult refused = runCli(unknown);
    QCOMPARE(refused.exitCode, 2);
    QVERIFY2(refused.err.contains("unknown fusion 'telepathy'"), refused.err.constData());
}

// The evaluation panel's numbers from the CLI: the same accuracy as the run that made the answers.
void TestTrainCli::evalScoresAStoredRun()
{
    const QJsonObject answered = json({QStringLiteral("answer"), m_project, QStringLiteral("--model"), m_dir.filePath(QStringLiteral("whole.ckpt")),
                                       QStringLiteral("--save"), QStringLiteral("val answers"), QStringLiteral("-q")});
    const qint64 run = answered.value(QStringLiteral("run_id")).toInteger();
    QVERIFY(run > 0);
    const QJsonObject scored = json({QStringLiteral("eval"), m_project, QStringLiteral("--run"), QString::number(run),
                                     QStringLiteral("--compare"), QString::number(run), QStringLiteral("--per-item")});
    QCOMPARE(scored.value(QStringLiteral("metric")).toString(), QStringLiteral("answer accuracy"));
    QCOMPARE(scored.value(QStringLiteral("overall")).toDouble(),
             answered.value(QStringLiteral("metrics")).toObject().value(QStringLiteral("answer_accuracy")).toDouble());
    QCOMPARE(scored.value(QStringLiteral("disagreements")).toInt(), 0);
    QCOMPARE(scored.value(QStringLiteral("items")).toArray().size(), answered.value(QStringLiteral("answers")).toArray().size());
    QCOMPARE(runCli({QStringLiteral("eval"), m_project, QStringLiteral("--run"), QStringLiteral("x")}).exitCode, 2);
}

// --curriculum N: the first N epochs learn from the shorter half of the
// questions, so epoch 1 sees other samples than without it (same seed) and
// epoch 2, with every question, sees them all; stored with the run to resume.
void TestTrainCli::curriculumStartsWithTheShortQuestions()
{
    const QJsonObject plain = json(trainArgs(QStringLiteral("plain.ckpt"), 2));
    QStringList args = trainArgs(QStringLiteral("curriculum.ckpt"), 2);
    args << QStringLiteral("--curriculum") << QStringLiteral("1");
    const QJsonObject curriculum = json(args);
    const auto loss = [](const QJsonObject &run, int epoch) {
        return run.value(QStringLiteral("epochs")).toArray()[epoch].toObject().value(QStringLiteral("train_loss")).toDouble();
    };
    QVERIFY(loss(plain, 0) > 0 && loss(curriculum, 0) > 0);
    QVERIFY2(std::abs(loss(plain, 0) - loss(curriculum, 0)) > 1e-6, "the first epoch learnt from the same questions");
    auto store = tandem::ProjectStore::open(m_project);
    auto config = store->database().prepare("SELECT config FROM runs WHERE id = ?1");
    QVERIFY(config && config->bind(1, curriculum.value(QStringLiteral("run_id")).toInteger()).step());
    QCOMPARE(QJsonDocument::fromJson(config->qtext(0).toUtf8()).object().value(QStringLiteral("curriculum_epochs")).toInt(), 1);
    const CliResult tooMany = runCli(trainArgs(QStringLiteral("bad.ckpt"), 1) + QStringList{QStringLiteral("--curriculum"), QStringLiteral("2")});
    QVERIFY(tooMany.exitCode != 0);
    QVERIFY2(tooMany.err.contains("curriculum epochs are for VQA"), tooMany.err.constData());
}

// --bf16 multiplies in bfloat16: the losses differ from float32's, by little;
// the setting is stored with the run, and the model answers as any other.
void TestTrainCli::bf16TrainsAFloatModel()
{
    const QJsonObject plain = json(trainArgs(QStringLiteral("f32.ckpt"), 2));
    const QJsonObject bf16 = json(trainArgs(QStringLiteral("bf16.ckpt"), 2) + QStringList{QStringLiteral("--bf16")});
    const auto loss = [](const QJsonObject &run, int epoch) {
        return run.value(QStringLiteral("epochs")).toArray()[epoch].toObject().value(QStringLiteral("train_loss")).toDouble();
    };
    for (int epoch : {0, 1}) {
        QVERIFY(loss(plain, epoch) > 0 && loss(bf16, epoch) > 0);
        QVERIFY2(std::abs(loss(plain, epoch) - loss(bf16, epoch)) > 1e-6, "bfloat16 made no difference: was it used?");
        QVERIFY(std::abs(loss(plain, epoch) - loss(bf16, epoch)) < 0.05 * loss(plain, epoch));
    }
    auto store = tandem::ProjectStore::open(m_project);
    auto config = store->database().prepare("SELECT config FROM runs WHERE id = ?1");
    QVERIFY(config && config->bind(1, bf16.value(QStringLiteral("run_id")).toInteger()).step());
    QVERIFY(QJsonDocument::fromJson(config->qtext(0).toUtf8()).object().value(QStringLiteral("bf16")).toBool());
    const CliResult answered = runCli({QStringLiteral("answer"), m_project, QStringLiteral("--model"), m_dir.filePath(QStringLiteral("bf16.ckpt")),
                                       QStringLiteral("--split"), QStringLiteral(""), QStringLiteral("--show"),
                                       QStringLiteral("1"), QStringLiteral("--device"), QStringLiteral("cpu")});
    QVERIFY2(answered.exitCode == 0, answered.err.constData());
}

// `--preset standard` (the default) trains VQA with the recipe's architecture
// options; `--model-option` overrides them one by one, `--preset quick` has none.
void TestTrainCli::presetCarriesTheVqaRecipe()
{
    const auto architecture = [this](const QStringList &extra, const QString &checkpoint) {
        const QJsonObject run = json(trainArgs(checkpoint, 1) + extra);
        const QJsonArray models = json({QStringLiteral("models"), m_project}).value(QStringLiteral("models")).toArray();
        for (const QJsonValue &m : models)
            if (m.toObject().value(QStringLiteral("id")).toInteger() == run.value(QStringLiteral("model_id")).toInteger())
                return m.toObject().value(QStringLiteral("architecture")).toObject();
        return QJsonObject();
    };
    const auto value = [](const QJsonObject &a, const char *key) { return a.value(QLatin1String(key)).toString(); };
    const QJsonObject standard = architecture({}, QStringLiteral("recipe.ckpt"));
    QCOMPARE(value(standard, "coordinate_channels"), QStringLiteral("true"));
    QCOMPARE(value(standard, "pixel_channels"), QStringLiteral("32"));
    QCOMPARE(value(standard, "film_gate"), QStringLiteral("true"));
    QCOMPARE(value(standard, "film_attention"), QStringLiteral("true"));
    QCOMPARE(value(standard, "film_relative"), QStringLiteral("true"));
    QCOMPARE(value(standard, "vision_channels"), QStringLiteral("8")); // trainArgs' own options still apply
    QCOMPARE(value(standard, "object_positions"), QStringLiteral("true"));
    // The pixel path goes with the positions it finds; asked to drop only the
    // path, the preset's object_positions is refused by name.
    const QJsonObject off = architecture({QStringLiteral("--model-option"), QStringLiteral("pixel_channels=0"),
                                          QStringLiteral("--model-option"), QStringLiteral("object_positions=false")},
                                         QStringLiteral("nopixel.ckpt"));
    QCOMPARE(value(off, "pixel_channels"), QStringLiteral("0"));
    QCOMPARE(value(off, "object_positions"), QStringLiteral("false"));
    QCOMPARE(value(off, "film_gate"), QStringLiteral("true"));
    const CliResult refused = runCli(trainArgs(QStringLiteral("positions.ckpt"), 1)
                                     + QStringList{QStringLiteral("--model-option"), QStringLiteral("pixel_channels=0")});
    QVERIFY(refused.exitCode != 0);
    QVERIFY2(refused.err.contains("object_positions=false"), refused.err.constData());
    const QJsonObject quick = architecture({QStringLiteral("--preset"), QStringLiteral("quick")}, QStringLiteral("quick.ckpt"));
    QCOMPARE(value(quick, "pixel_channels"), QStringLiteral("0"));
    QCOMPARE(value(quick, "film_gate"), QStringLiteral("false"));
}

QTEST_GUILESS_MAIN(TestTrainCli)
#include "test_train_cli.moc"
