// `tandem-cli project` and `similar` as a user runs them: vectors from a CSV
// file laid out and written as CSV; bad files refused with their line and exit
// code 3; an embed run laid out by UMAP and stored; near-duplicates as JSON.
#include "data/embeddingstore.h"
#include "data/projectstore.h"
#include "testsupport.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>
#include <random>

using namespace tandem;
using namespace tandem::test;

class TestProjectionCli : public QObject {
    Q_OBJECT
private slots:
    void fileInCsvOut();
    void badFilesAreRefused();
    void embedRunIsLaidOutAndStored();

private:
    QTemporaryDir m_dir;
};

void TestProjectionCli::fileInCsvOut()
{
    QByteArray csv = "id,a,b,c\n";
    std::mt19937 rng(1);
    std::normal_distribution<double> noise(0.0, 0.1);
    for (int i = 0; i < 60; ++i)
        csv += "p" + QByteArray::number(i) + ',' + QByteArray::number((i % 2) * 3 + noise(rng)) + ',' + QByteArray::number(noise(rng)) + ','
               + QByteArray::number(noise(rng)) + '\n';
    const QString input = m_dir.filePath(QStringLiteral("v.csv")), out = m_dir.filePath(QStringLiteral("xy.csv"));
    writeFile(input, csv);
    const CliResult r = runCli({QStringLiteral("project"), QStringLiteral("--input"), input, QStringLiteral("--method"),
                                QStringLiteral("tsne"), QStringLiteral("--perplexity"), QStringLiteral("10"), QStringLiteral("--out"), out,
                                QStringLiteral("--json"), QStringLiteral("-q")});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QCOMPARE(QJsonDocument::fromJson(r.out).object().value(QStringLiteral("points")).toInt(), 60);
    const QList<QByteArray> lines = readFile(out).trimmed().split('\n');
    QCOMPARE(lines.size(), 61);
    QCOMPARE(lines.front(), QByteArray("row,name,x,y"));
    QVERIFY(lines[1].startsWith("1,p0,"));
}

void TestProjectionCli::badFilesAreRefused()
{
    const QString input = m_dir.filePath(QStringLiteral("bad.csv"));
    writeFile(input, "1,2\n3,nan\n");
    CliResult r = runCli({QStringLiteral("project"), QStringLiteral("--input"), input, QStringLiteral("-q")});
    QCOMPARE(r.exitCode, 3);
    QVERIFY2(r.err.contains("vector 2 has a NaN value"), r.err.constData());
    writeFile(input, "1,2\n3\n");
    r = runCli({QStringLiteral("project"), QStringLiteral("--input"), input, QStringLiteral("-q")});
    QCOMPARE(r.exitCode, 3);
    QVERIFY2(r.err.contains("bad.csv:2"), r.err.constData());
    r = runCli({QStringLiteral("project"), QStringLiteral("--input"), input, QStringLiteral("--method"), QStringLiteral("mds")});
    QCOMPARE(r.exitCode, 2);
}

void TestProjectionCli::embedRunIsLaidOutAndStored()
{
    const QString project = m_dir.filePath(QStringLiteral("p.tandem"));
    QCOMPARE(runCli({QStringLiteral("demo"), project, QStringLiteral("--images"), QStringLiteral("30"), QStringLiteral("--size"),
                     QStringLiteral("32"), QStringLiteral("-q")}).exitCode, 0);
    qint64 run = 0;
    {
        auto store = ProjectStore::open(project);
        SplitEmbeddings vectors;
        vectors.images.dimension = 2;
        for (qint64 id = 1; id <= 30; ++id) {
            vectors.images.ids.push_back(id);
            const float angle = float(id) * 0.05f; // image 2 is image 1's near-duplicate, and so on
            vectors.images.values.insert(vectors.images.values.end(), {std::cos(angle), std::sin(angle)});
        }
        run = *embeddings::saveRun(*store, QStringLiteral("e"), {{QStringLiteral("task"), QStringLiteral("retrieval")},
                                   {QStringLiteral("checkpoint"), project + QStringLiteral(".ckpt")}}, {}, vectors);
    }
    CliResult r = runCli({QStringLiteral("project"), project, QStringLiteral("--run"), QString::number(run), QStringLiteral("--method"),
                          QStringLiteral("umap"), QStringLiteral("--neighbours"), QStringLiteral("5"), QStringLiteral("--json"), QStringLiteral("-q")});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    const QJsonObject o = QJsonDocument::fromJson(r.out).object();
    QCOMPARE(o.value(QStringLiteral("images")).toInt(), 30);
    QVERIFY(o.value(QStringLiteral("projection_id")).toInteger() > 0);
    r = runCli({QStringLiteral("similar"), project, QStringLiteral("--run"), QString::number(run), QStringLiteral("--duplicates"),
                QStringLiteral("--threshold"), QStringLiteral("0.998"), QStringLiteral("--json")});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QCOMPARE(QJsonDocument::fromJson(r.out).object().value(QStringLiteral("pairs")).toArray().size(), 29); // neighbours 0.05 rad apart
    r = runCli({QStringLiteral("similar"), project, QStringLiteral("--run"), QString::number(run), QStringLiteral("--image"),
                QStringLiteral("10"), QStringLiteral("--k"), QStringLiteral("2"), QStringLiteral("--json")});
    const QJsonArray results = QJsonDocument::fromJson(r.out).object().value(QStringLiteral("results")).toArray();
    QCOMPARE(results.size(), 2);
    QSet<qint64> ids{results[0].toObject().value(QStringLiteral("image_id")).toInteger(),
                     results[1].toObject().value(QStringLiteral("image_id")).toInteger()};
    QCOMPARE(ids, (QSet<qint64>{9, 11}));
}

QTEST_GUILESS_MAIN(TestProjectionCli)
#include "test_projection_cli.moc"
