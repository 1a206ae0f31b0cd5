// tandem-cli embed and retrieve, run as a user runs them, on a tiny demo project
// and a retrieval model trained for two epochs on the CPU: one unit vector per
// image and caption of the split, recall@K in range, rankings sorted, a stored
// run ranks exactly as computing on the fly (and really is what gets ranked),
// and the wrong checkpoints and arguments are refused.
#include "data/projectstore.h"
#include "eval/retrievalrecall.h"
#include "testsupport.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>
#include <QTest>
#include <QtEndian>
#include <cmath>
#include <numeric>

using namespace tandem;
using test::runCli;

class TestRetrieval : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void embedStoresOneUnitVectorPerItem();
    void embedReportsRecall();
    void textRanksImages();
    void imageRanksCaptions();
    void storedRunRanksLikeOnTheFly_data();
    void storedRunRanksLikeOnTheFly();
    void storedRunIsWhatGetsRanked();
    void otherCheckpointsAreRefused();
    void badArgumentsAreUsageErrors_data();
    void badArgumentsAreUsageErrors();

private:
    QJsonObject json(const QStringList &arguments);
    QString train(const QString &task, const QStringList &options);
    QSet<qint64> ids(const char *sql);
    QJsonArray results(const QStringList &query);
    eval::RetrievalRecall recallOfStoredVectors();

    QTemporaryDir m_dir;
    QString m_project, m_retrieval, m_vqa, m_valImage;
    qint64 m_run = 0;
    QJsonObject m_embedded;
};

QJsonObject TestRetrieval::json(const QStringList &arguments)
{
    const auto r = runCli(arguments + QStringList{QStringLiteral("--json"), QStringLiteral("-q")});
    if (r.exitCode != 0)
        qWarning("exit %d: %s", r.exitCode, r.err.constData());
    return QJsonDocument::fromJson(r.out).object();
}

QString TestRetrieval::train(const QString &task, const QStringList &options)
{
    const QString checkpoint = m_dir.filePath(task + QStringLiteral(".ckpt"));
    QStringList args{QStringLiteral("train"), m_project, QStringLiteral("--task"), task, QStringLiteral("--epochs"),
                     QStringLiteral("2"), QStringLiteral("--batch"), QStringLiteral("8"), QStringLiteral("--image-size"),
                     QStringLiteral("32"), QStringLiteral("--threads"), QStringLiteral("1"), QStringLiteral("--device"),
                     QStringLiteral("cpu"), QStringLiteral("--checkpoint"), checkpoint};
    for (const QString &option : options)
        args << QStringLiteral("--model-option") << option;
    return json(args).value(QStringLiteral("run_id")).toInt() > 0 ? checkpoint : QString();
}

QSet<qint64> TestRetrieval::ids(const char *sql)
{
    QSet<qint64> set;
    auto store = ProjectStore::open(m_project);
    auto stmt = store->database().prepare(sql);
    stmt->bind(1, m_run);
    while (stmt->step())
        set.insert(stmt->int64(0));
    return set;
}

QJsonArray TestRetrieval::results(const QStringList &query)
{
    return json(QStringList{QStringLiteral("retrieve"), m_project} + query).value(QStringLiteral("results")).toArray();
}

// Recall@K of the embed run's vectors, computed here: dot products of every
// stored image and caption vector, captions paired with their image by the project.
eval::RetrievalRecall TestRetrieval::recallOfStoredVectors()
{
    auto store = ProjectStore::open(m_project);
    auto rows = store->database().prepare(
        "SELECT e.item_kind, e.item_id, e.vector, c.image_id FROM embeddings e "
        "LEFT JOIN captions c ON e.item_kind = 'caption' AND c.id = e.item_id WHERE e.run_id = ?1");
    rows->bind(1, m_run);
    std::vector<std::vector<float>> images, captions;
    std::vector<qint64> imageIds, captionImage;
    while (rows->step()) {
        const QByteArray blob = rows->blob(2);
        std::vector<float> v(size_t(blob.size()) / sizeof(float));
        for (size_t i = 0; i < v.size(); ++i)
            v[i] = qFromLittleEndian<float>(blob.constData() + i * sizeof(float));
        const bool image = rows->qtext(0) == QLatin1String("image");
        (image ? images : captions).push_back(v);
        (image ? imageIds : captionImage).push_back(image ? rows->int64(1) : rows->int64(3));
    }
    std::vector<float> similarity;
    for (const auto &image : images)
        for (const auto &caption : captions)
            similarity.push_back(std::inner_product(image.begin(), image.end(), caption.begin(), 0.0f));
    std::vector<size_t> imageOfText;
    for (qint64 id : captionImage)
        imageOfText.push_back(size_t(std::find(imageIds.begin(), imageIds.end(), id) - imageIds.begin()));
    return eval::retrievalRecall(similarity, images.size(), imageOfText);
}

void TestRetrieval::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_project = m_dir.filePath(QStringLiteral("tiny.tandem"));
    const auto demo = runCli({QStringLiteral("demo"), m_project, QStringLiteral("--images"), QStringLiteral("40"),
                              QStringLiteral("--size"), QStringLiteral("32"), QStringLiteral("--seed"), QStringLiteral("4")});
    QVERIFY2(demo.exitCode == 0, demo.err.constData());
    m_retrieval = train(QStringLiteral("retrieval"), {QStringLiteral("vision_channels=8"), QStringLiteral("embed_dim=16"),
                                                      QStringLiteral("text_dim=32"), QStringLiteral("retrieval_dim=24")});
    QVERIFY(!m_retrieval.isEmpty());
    m_vqa = train(QStringLiteral("vqa"), {QStringLiteral("vision_channels=8"), QStringLiteral("text_dim=32"),
                                          QStringLiteral("fusion_hidden=32"), QStringLiteral("fusion_dim=32"),
                                          QStringLiteral("answer_hidden=32")});
    QVERIFY(!m_vqa.isEmpty());
    m_embedded = json({QStringLiteral("embed"), m_project, QStringLiteral("--model"), m_retrieval, QStringLiteral("--batch"),
                       QStringLiteral("3")});
    m_run = m_embedded.value(QStringLiteral("run_id")).toInt();
    QVERIFY(m_run > 0);
    auto store = ProjectStore::open(m_project);
    auto name = store->database().prepare("SELECT name FROM images WHERE split = 'val' ORDER BY id DESC LIMIT 1");
    QVERIFY(name->step());
    m_valImage = name->qtext(0);
}

void TestRetrieval::embedStoresOneUnitVectorPerItem()
{
    const QSet<qint64> images = ids("SELECT id FROM images WHERE split = 'val' AND flag <= 0 AND ?1 > 0");
    const QSet<qint64> captions = ids("SELECT c.id FROM captions c JOIN images i ON i.id = c.image_id "
                                      "WHERE i.split = 'val' AND i.flag <= 0 AND ?1 > 0");
    QVERIFY(images.size() >= 2);
    QVERIFY(captions.size() >= 3 * images.size());
    QCOMPARE(ids("SELECT item_id FROM embeddings WHERE run_id = ?1 AND item_kind = 'image'"), images);
    QCOMPARE(ids("SELECT item_id FROM embeddings WHERE run_id = ?1 AND item_kind = 'caption'"), captions);
    QCOMPARE(m_embedded.value(QStringLiteral("images")).toInt(), images.size());
    QCOMPARE(m_embedded.value(QStringLiteral("captions")).toInt(), captions.size());
    QCOMPARE(m_embedded.value(QStringLiteral("dimension")).toInt(), 24);

    auto store = ProjectStore::open(m_project);
    auto rows = store->database().prepare("SELECT vector FROM embeddings WHERE run_id = ?1");
    rows->bind(1, m_run);
    int count = 0;
    for (; rows->step(); ++count) {
        const QByteArray blob = rows->blob(0);
        QCOMPARE(blob.size(), qsizetype(24 * sizeof(float)));
        double norm = 0;
        for (int i = 0; i < 24; ++i)
            norm += std::pow(qFromLittleEndian<float>(blob.constData() + i * 4), 2);
        QVERIFY2(std::abs(std::sqrt(norm) - 1.0) < 1e-4, qPrintable(QString::number(std::sqrt(norm))));
    }
    QCOMPARE(count, images.size() + captions.size());
    auto run = store->database().prepare("SELECT kind, name, config, status FROM runs WHERE id = ?1");
    run->bind(1, m_run);
    QVERIFY(run->step());
    QCOMPARE(run->qtext(0), QStringLiteral("infer"));
    QCOMPARE(run->qtext(1), QStringLiteral("embed retrieval"));
    const QJsonObject config = QJsonDocument::fromJson(run->qtext(2).toUtf8()).object();
    QCOMPARE(config.value(QStringLiteral("checkpoint")).toString(), m_retrieval);
    QCOMPARE(config.value(QStringLiteral("split")).toString(), QStringLiteral("val"));
    QCOMPARE(run->qtext(3), QStringLiteral("completed"));
}

void TestRetrieval::embedReportsRecall()
{
    const QJsonObject metrics = m_embedded.value(QStringLiteral("metrics")).toObject();
    for (const char *direction : {"i2t", "t2i"}) {
        double previous = 0;
        for (const char *k : {"1", "5", "10"}) {
            const QString key = QStringLiteral("recall_%1_%2").arg(QLatin1String(direction), QLatin1String(k));
            QVERIFY2(metrics.value(key).isDouble(), qPrintable(key));
            const double value = metrics.value(key).toDouble();
            QVERIFY(value >= previous && value <= 100);
            previous = value;
        }
    }
    // The same numbers from the stored vectors and the project's caption -> image pairs.
    const eval::RetrievalRecall expected = recallOfStoredVectors();
    const double values[] = {expected.imageToText.r1, expected.imageToText.r5, expected.imageToText.r10,
                             expected.textToImage.r1, expected.textToImage.r5, expected.textToImage.r10};
    const char *keys[] = {"recall_i2t_1", "recall_i2t_5", "recall_i2t_10", "recall_t2i_1", "recall_t2i_5", "recall_t2i_10"};
    for (int i = 0; i < 6; ++i)
        QVERIFY2(std::abs(metrics.value(QLatin1String(keys[i])).toDouble() - values[i]) < 1e-9, keys[i]);
    QCOMPARE(expected.textToImage.r5, 100.0); // 4 val images: a caption's image is always in the top 5

    const auto text = runCli({QStringLiteral("embed"), m_project, QStringLiteral("--model"), m_retrieval,
                              QStringLiteral("--save"), QStringLiteral("named"), QStringLiteral("-q")});
    QCOMPARE(text.exitCode, 0);
    QVERIFY2(text.out.contains("image -> text") && text.out.contains("text -> image") && text.out.contains("Saved as run"),
             text.out.constData());
    auto store = ProjectStore::open(m_project);
    QCOMPARE(store->database().scalar("SELECT count(*) FROM runs WHERE name = 'named'").value(), int64_t(1));
}

void TestRetrieval::textRanksImages()
{
    const QJsonObject r = json({QStringLiteral("retrieve"), m_project, QStringLiteral("--model"), m_retrieval,
                                QStringLiteral("--text"), QStringLiteral("a red circle"), QStringLiteral("--k"),
                                QStringLiteral("3")});
    QCOMPARE(r.value(QStringLiteral("ranked")).toString(), QStringLiteral("image"));
    const QJsonArray items = r.value(QStringLiteral("results")).toArray();
    QCOMPARE(items.size(), 3);
    const QSet<qint64> val = ids("SELECT id FROM images WHERE split = 'val' AND ?1 > 0");
    double previous = 2;
    for (const auto &v : items) {
        const QJsonObject item = v.toObject();
        QVERIFY(val.contains(item.value(QStringLiteral("id")).toInt()));
        QCOMPARE(item.value(QStringLiteral("image_id")).toInt(), item.value(QStringLiteral("id")).toInt());
        QVERIFY(!item.value(QStringLiteral("image")).toString().isEmpty());
        const double score = item.value(QStringLiteral("score")).toDouble();
        QVERIFY(score <= previous && score >= -1.0001);
        previous = score;
    }
    QCOMPARE(results({QStringLiteral("--model"), m_retrieval, QStringLiteral("--text"), QStringLiteral("a red circle"),
                      QStringLiteral("--k"), QStringLiteral("100")}).size(), val.size());
}

void TestRetrieval::imageRanksCaptions()
{
    const QStringList query{QStringLiteral("--model"), m_retrieval, QStringLiteral("--image"), m_valImage,
                            QStringLiteral("--k"), QStringLiteral("7")};
    const QJsonArray items = results(query);
    QCOMPARE(items.size(), 7);
    const QSet<qint64> val = ids("SELECT c.id FROM captions c JOIN images i ON i.id = c.image_id "
                                 "WHERE i.split = 'val' AND ?1 > 0");
    double previous = 2;
    for (const auto &v : items) {
        const QJsonObject item = v.toObject();
        QVERIFY(val.contains(item.value(QStringLiteral("id")).toInt()));
        QVERIFY(!item.value(QStringLiteral("caption")).toString().isEmpty());
        QVERIFY(item.value(QStringLiteral("score")).toDouble() <= previous);
        previous = item.value(QStringLiteral("score")).toDouble();
    }
    auto store = ProjectStore::open(m_project);
    auto id = store->database().prepare("SELECT id FROM images WHERE name = ?1");
    id->bind(1, m_valImage);
    QVERIFY(id->step());
    QCOMPARE(results({QStringLiteral("--model"), m_retrieval, QStringLiteral("--image"), QString::number(id->int64(0)),
                      QStringLiteral("--k"), QStringLiteral("7")}), items);
    const auto text = runCli({QStringLiteral("retrieve"), m_project, QStringLiteral("--model"), m_retrieval,
                              QStringLiteral("--image"), m_valImage, QStringLiteral("-q")});
    QCOMPARE(text.exitCode, 0);
    QCOMPARE(text.out.count('\n'), 10);
    QVERIFY2(text.out.startsWith("  1  "), text.out.constData());
}

void TestRetrieval::storedRunRanksLikeOnTheFly_data()
{
    QTest::addColumn<QStringList>("query");
    QTest::newRow("text") << QStringList{QStringLiteral("--text"), QStringLiteral("a blue square left of a green circle")};
    QTest::newRow("image") << QStringList{QStringLiteral("--image"), m_valImage};
}

void TestRetrieval::storedRunRanksLikeOnTheFly()
{
    QFETCH(QStringList, query);
    query << QStringLiteral("--k") << QStringLiteral("50");
    const QJsonArray computed = results(query + QStringList{QStringLiteral("--model"), m_retrieval});
    const QJsonArray stored = results(query + QStringList{QStringLiteral("--run"), QString::number(m_run)});
    QVERIFY(computed.size() >= 4);
    QCOMPARE(stored.size(), computed.size());
    QSet<int> storedIds, computedIds;
    for (int i = 0; i < stored.size(); ++i) {
        const QJsonObject a = stored[i].toObject(), b = computed[i].toObject();
        storedIds.insert(a.value(QStringLiteral("id")).toInt());
        computedIds.insert(b.value(QStringLiteral("id")).toInt());
        QVERIFY(std::abs(a.value(QStringLiteral("score")).toDouble() - b.value(QStringLiteral("score")).toDouble()) < 1e-5);
        // The embed run used batches of 3, this one of 32: the same vectors up to rounding,
        // so two images' identical captions (templated demo text) may swap places, nothing else.
        if (a.value(QStringLiteral("id")) != b.value(QStringLiteral("id")))
            QVERIFY2(!a.value(QStringLiteral("caption")).toString().isEmpty()
                         && a.value(QStringLiteral("caption")) == b.value(QStringLiteral("caption")),
                     qPrintable(QStringLiteral("rank %1 differs").arg(i + 1)));
    }
    QCOMPARE(storedIds, computedIds);
}

void TestRetrieval::storedRunIsWhatGetsRanked()
{
    const QStringList query{QStringLiteral("--run"), QString::number(m_run), QStringLiteral("--text"),
                            QStringLiteral("a red circle"), QStringLiteral("--k"), QStringLiteral("4")};
    const QJsonArray before = results(query);
    QCOMPARE(before.size(), 4);
    const qint64 first = before.first().toObject().value(QStringLiteral("id")).toInt();
    const qint64 last = before.last().toObject().value(QStringLiteral("id")).toInt();
    { // swap the stored vectors of the first and the last image
        auto store = ProjectStore::open(m_project);
        const QString move = QStringLiteral("UPDATE embeddings SET item_id = %2 WHERE run_id = %3 AND item_kind = 'image' "
                                            "AND item_id = %1;");
        QVERIFY(store->database().exec((move.arg(first).arg(-1).arg(m_run) + move.arg(last).arg(first).arg(m_run)
                                        + move.arg(-1).arg(last).arg(m_run)).toStdString()));
    }
    const QJsonArray after = results(query);
    QCOMPARE(after.size(), 4);
    QCOMPARE(after.first().toObject().value(QStringLiteral("id")).toInt(), last);
    QCOMPARE(after.first().toObject().value(QStringLiteral("score")), before.first().toObject().value(QStringLiteral("score")));
    QCOMPARE(after.last().toObject().value(QStringLiteral("id")).toInt(), first);
}

void TestRetrieval::otherCheckpointsAreRefused()
{
    // A VQA model embeds its pooled image features (no captions); they have no text side to search.
    const auto embed = runCli({QStringLiteral("embed"), m_project, QStringLiteral("--model"), m_vqa, QStringLiteral("--json")});
    QVERIFY2(embed.exitCode == 0, embed.err.constData());
    const QJsonObject features = QJsonDocument::fromJson(embed.out).object();
    QVERIFY(features.value(QStringLiteral("images")).toInt() > 0);
    QCOMPARE(features.value(QStringLiteral("captions")).toInt(), 0);
    const auto byText = runCli({QStringLiteral("retrieve"), m_project, QStringLiteral("--run"),
                                QString::number(features.value(QStringLiteral("run_id")).toInt()), QStringLiteral("--text"),
                                QStringLiteral("a red circle")});
    QCOMPARE(byText.exitCode, 2);
    QVERIFY2(byText.err.contains("no text side"), byText.err.constData());
    const auto retrieve = runCli({QStringLiteral("retrieve"), m_project, QStringLiteral("--model"), m_vqa,
                                  QStringLiteral("--text"), QStringLiteral("a red circle")});
    QCOMPARE(retrieve.exitCode, 2);
    QVERIFY2(retrieve.err.contains("not a retrieval model"), retrieve.err.constData());
    const auto mismatch = runCli({QStringLiteral("retrieve"), m_project, QStringLiteral("--model"), m_vqa, QStringLiteral("--run"),
                                  QString::number(m_run), QStringLiteral("--text"), QStringLiteral("a red circle")});
    QCOMPARE(mismatch.exitCode, 2);
    QVERIFY2(mismatch.err.contains("holds the embeddings of"), mismatch.err.constData());
    auto store = ProjectStore::open(m_project);
    QCOMPARE(store->database().scalar("SELECT count(*) FROM runs WHERE name LIKE 'embed vqa%'").value(), int64_t(1)); // the features' run only
}

void TestRetrieval::badArgumentsAreUsageErrors_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("message");
    const QString text = QStringLiteral("--text"), red = QStringLiteral("red");
    QTest::newRow("no query") << QStringList{} << QStringLiteral("either --text");
    QTest::newRow("both") << QStringList{text, red, QStringLiteral("--image"), m_valImage} << QStringLiteral("either --text");
    QTest::newRow("k 0") << QStringList{text, red, QStringLiteral("--k"), QStringLiteral("0")} << QStringLiteral("--k");
    QTest::newRow("no such image") << QStringList{QStringLiteral("--image"), QStringLiteral("nope.png")}
                                   << QStringLiteral("no image 'nope.png'");
    QTest::newRow("train run") << QStringList{text, red, QStringLiteral("--run"), QStringLiteral("1")}
                               << QStringLiteral("not an embed run");
    QTest::newRow("no such run") << QStringList{text, red, QStringLiteral("--run"), QStringLiteral("999")}
                                 << QStringLiteral("no run 999");
}

void TestRetrieval::badArgumentsAreUsageErrors()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, message);
    QStringList model{QStringLiteral("--model"), m_retrieval};
    if (arguments.contains(QStringLiteral("--run")))
        model.clear();
    const auto r = runCli(QStringList{QStringLiteral("retrieve"), m_project} + model + arguments);
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains(message.toUtf8()), r.err.constData());
}

QTEST_GUILESS_MAIN(TestRetrieval)
#include "test_retrieval.moc"
