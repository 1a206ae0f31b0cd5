// `ask` and `explain` with --repeat: the backend calls timed in-process, the
// keys bench/latency_bench.py reads. No thresholds: the times are the machine's.
#include "testsupport.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using tandem::test::runCli;

class TestCliTiming : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void askReportsTiming();
    void captionReportsTiming();
    void timingInText();
    void badRepeatIsUsageError();

private:
    QString train(const QString &task, const QStringList &options);
    QJsonObject json(const QStringList &arguments);
    QTemporaryDir m_dir;
    QString m_project, m_vqa, m_caption;
};

QJsonObject TestCliTiming::json(const QStringList &arguments)
{
    const auto r = runCli(arguments + QStringList{QStringLiteral("--json")});
    if (r.exitCode != 0)
        qWarning("%s", r.err.constData());
    return QJsonDocument::fromJson(r.out).object();
}

// A tiny model of one epoch: the time is what is tested, not the weights.
QString TestCliTiming::train(const QString &task, const QStringList &options)
{
    return tandem::test::trainTinyModel(m_project, m_dir.filePath(task + QStringLiteral(".ckpt")), task, options);
}

void TestCliTiming::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_project = m_dir.filePath(QStringLiteral("demo.tandem"));
    const auto r = runCli({QStringLiteral("demo"), m_project, QStringLiteral("--images"), QStringLiteral("24"),
                           QStringLiteral("--size"), QStringLiteral("64"), QStringLiteral("--questions"), QStringLiteral("6")});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    m_vqa = train(QStringLiteral("vqa"), {QStringLiteral("vision_channels=8"), QStringLiteral("text_dim=32"),
                                          QStringLiteral("fusion_hidden=32"), QStringLiteral("fusion_dim=32"),
                                          QStringLiteral("answer_hidden=32")});
    m_caption = train(QStringLiteral("caption"), {QStringLiteral("vision_channels=8"), QStringLiteral("embed_dim=16"),
                                                  QStringLiteral("decoder_dim=32"), QStringLiteral("attention_dim=16")});
    QVERIFY(QFileInfo::exists(m_vqa));
    QVERIFY(QFileInfo::exists(m_caption));
}

void TestCliTiming::askReportsTiming()
{
    const QJsonObject result = json({QStringLiteral("ask"), m_project, QStringLiteral("What shape is the red object?"),
                                     QStringLiteral("--model"), m_vqa, QStringLiteral("--image"), QStringLiteral("1"),
                                     QStringLiteral("--repeat"), QStringLiteral("3"), QStringLiteral("--threads"), QStringLiteral("1")});
    QVERIFY(!result.value(QStringLiteral("answers")).toArray().isEmpty());
    const QJsonObject timing = result.value(QStringLiteral("timing")).toObject();
    QCOMPARE(timing.value(QStringLiteral("calls")).toInt(), 3);
    QCOMPARE(timing.value(QStringLiteral("warmup")).toInt(), 2);
    for (const char *key : {"first_ms", "new_image_ms", "median_ms", "p90_ms", "max_ms"})
        QVERIFY2(timing.value(QLatin1String(key)).toDouble(-1) > 0, key);
    QVERIFY(timing.value(QStringLiteral("median_ms")).toDouble() <= timing.value(QStringLiteral("p90_ms")).toDouble());
    QVERIFY(timing.value(QStringLiteral("p90_ms")).toDouble() <= timing.value(QStringLiteral("max_ms")).toDouble());
}

void TestCliTiming::captionReportsTiming()
{
    const QJsonObject result = json({QStringLiteral("explain"), m_project, QStringLiteral("--caption"), QStringLiteral("--model"),
                                     m_caption, QStringLiteral("--image"), QStringLiteral("1"), QStringLiteral("--repeat"),
                                     QStringLiteral("2"), QStringLiteral("--warmup"), QStringLiteral("0")});
    QVERIFY(!result.value(QStringLiteral("maps")).toArray().isEmpty());
    const QJsonObject timing = result.value(QStringLiteral("timing")).toObject();
    QCOMPARE(timing.value(QStringLiteral("calls")).toInt(), 2);
    QCOMPARE(timing.value(QStringLiteral("warmup")).toInt(), 0);
    for (const char *key : {"first_ms", "median_ms", "p90_ms", "max_ms"})
        QVERIFY2(timing.value(QLatin1String(key)).toDouble(-1) > 0, key);
    QVERIFY(!timing.contains(QStringLiteral("new_image_ms"))); // every caption encodes its image
    // Without --repeat nothing is timed.
    const QJsonObject once = json({QStringLiteral("explain"), m_project, QStringLiteral("--caption"), QStringLiteral("--model"),
                                   m_caption, QStringLiteral("--image"), QStringLiteral("1")});
    QVERIFY(once.contains(QStringLiteral("maps")));
    QVERIFY(!once.contains(QStringLiteral("timing")));
}

void TestCliTiming::timingInText()
{
    const auto r = runCli({QStringLiteral("explain"), m_project, QStringLiteral("--caption"), QStringLiteral("--model"),
                           m_caption, QStringLiteral("--image"), QStringLiteral("1"), QStringLiteral("--repeat"), QStringLiteral("2")});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QVERIFY2(r.out.contains("timing: 2 calls, median "), r.out.constData());
}

void TestCliTiming::badRepeatIsUsageError()
{
    for (const char *repeat : {"0", "x"}) {
        const auto r = runCli({QStringLiteral("ask"), m_project, QStringLiteral("What shape?"), QStringLiteral("--model"),
                               m_vqa, QStringLiteral("--image"), QStringLiteral("1"), QStringLiteral("--repeat"),
                               QLatin1String(repeat)});
        QCOMPARE(r.exitCode, 2);
    }
}

QTEST_GUILESS_MAIN(TestCliTiming)
#include "test_cli_timing.moc"
