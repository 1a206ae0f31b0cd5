// The edit API behind the GUI's undo commands: each edit is stored at once,
// each has an exact inverse, and the search index follows every text edit.
#include "data/imagedetail.h"
#include "data/imageedits.h"
#include "data/imagequery.h"
#include "data/projectstore.h"
#include "testsupport.h"

#include <QTest>
#include <memory>

using namespace tandem;

class TestEdits : public QObject {
    Q_OBJECT
private slots:
    void init();
    void captionAddEditRemoveRestore();
    void emptyCaptionIsRefused();
    void editOfMissingImageIsAnError();
    void questionWithAnswers();
    void questionLimits_data();
    void questionLimits();
    void tagsReplaceAndPrune();
    void bulkStatusAndUndo();
    void splitOfSeveralImages();
    void editsAreVisibleToAnotherConnection();

private:
    ImageDetail detail(qint64 id);
    qint64 hits(const QString &query);

    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_path;
    std::optional<ProjectStore> m_store;
    std::vector<qint64> m_ids;
};

void TestEdits::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    m_path = m_dir->filePath(QStringLiteral("edits.tandem"));
    auto store = ProjectStore::create(m_path);
    QVERIFY2(store, store ? "" : qPrintable(store.error().toString()));
    Dataset d;
    for (const char *name : {"a.png", "b.png", "c.png"}) {
        DatasetImage image;
        image.name = name;
        image.split = "train";
        d.images.push_back(image);
    }
    d.captions = {{0, "a zebra", ""}};
    QVERIFY(store->importDataset(d, m_dir->path()));
    m_store.emplace(std::move(store.value()));
    auto list = queryImages(*m_store, {});
    QVERIFY(list);
    m_ids = list->ids;
}

ImageDetail TestEdits::detail(qint64 id)
{
    auto d = loadImageDetail(*m_store, id);
    if (!d)
        qFatal("%s", qPrintable(d.error().toString()));
    return *d;
}

qint64 TestEdits::hits(const QString &query)
{
    auto result = m_store->search(query);
    return result ? result->total : -1;
}

void TestEdits::captionAddEditRemoveRestore()
{
    auto id = edits::addCaption(*m_store, m_ids[0], {0, QStringLiteral("  a striped horse "), {}});
    QVERIFY2(id, id ? "" : qPrintable(id.error().toString()));
    QCOMPARE(detail(m_ids[0]).captions.size(), size_t(2));
    QCOMPARE(detail(m_ids[0]).captions.back().text, QStringLiteral("a striped horse"));
    QCOMPARE(hits(QStringLiteral("striped")), 1);

    QVERIFY(edits::setCaption(*m_store, *id, QStringLiteral("a spotted horse")));
    QCOMPARE(hits(QStringLiteral("striped")), 0);
    QCOMPARE(hits(QStringLiteral("spotted")), 1);

    QVERIFY(edits::removeCaption(*m_store, *id));
    QCOMPARE(detail(m_ids[0]).captions.size(), size_t(1));
    QCOMPARE(hits(QStringLiteral("spotted")), 0);

    // Undo of a removal puts the caption back under its old id.
    auto restored = edits::addCaption(*m_store, m_ids[0], {*id, QStringLiteral("a spotted horse"), {}});
    QVERIFY(restored);
    QCOMPARE(*restored, *id);
    QCOMPARE(hits(QStringLiteral("spotted")), 1);
}

void TestEdits::emptyCaptionIsRefused()
{
    auto id = edits::addCaption(*m_store, m_ids[0], {0, QStringLiteral("   "), {}});
    QVERIFY(!id);
    QCOMPARE(id.error().kind, ErrorKind::Usage);
    QVERIFY(!edits::setCaption(*m_store, detail(m_ids[0]).captions[0].id, QString()));
    QCOMPARE(detail(m_ids[0]).captions[0].text, QStringLiteral("a zebra"));
}

void TestEdits::editOfMissingImageIsAnError()
{
    auto id = edits::addCaption(*m_store, 999999, {0, QStringLiteral("ghost"), {}});
    QVERIFY(!id);
    QVERIFY(id.error().message.contains(QStringLiteral("no longer")));
    QVERIFY(!edits::setCaption(*m_store, 999999, QStringLiteral("ghost")));
}

void TestEdits::questionWithAnswers()
{
    QuestionRecord q;
    q.text = QStringLiteral("What colour is the zebra?");
    q.answerType = QStringLiteral("other");
    q.answers = {{QStringLiteral("white"), QStringLiteral("yes")}, {QStringLiteral("black"), {}}, {QStringLiteral("black"), {}}};
    auto id = edits::addQuestion(*m_store, m_ids[1], q);
    QVERIFY2(id, id ? "" : qPrintable(id.error().toString()));
    QuestionRecord stored = detail(m_ids[1]).questions.at(0);
    QCOMPARE(stored.answers.size(), size_t(3));
    QCOMPARE(stored.multipleChoiceAnswer, QStringLiteral("black"));
    QCOMPARE(hits(QStringLiteral("colour")), 1);
    QCOMPARE(hits(QStringLiteral("white")), 1);

    stored.answers = {{QStringLiteral("grey"), {}}};
    stored.answerType = QStringLiteral("other");
    QVERIFY(edits::setQuestion(*m_store, stored));
    QCOMPARE(detail(m_ids[1]).questions.at(0).multipleChoiceAnswer, QStringLiteral("grey"));
    QCOMPARE(hits(QStringLiteral("white")), 0);

    QVERIFY(edits::removeQuestion(*m_store, *id));
    QVERIFY(detail(m_ids[1]).questions.empty());
    QCOMPARE(hits(QStringLiteral("grey")), 0);
    stored.id = *id;
    QCOMPARE(*edits::addQuestion(*m_store, m_ids[1], stored), *id);
    QCOMPARE(detail(m_ids[1]).questions.at(0).answers.at(0).text, QStringLiteral("grey"));
}

void TestEdits::questionLimits_data()
{
    QTest::addColumn<int>("answers");
    QTest::addColumn<QString>("answerType");
    QTest::addColumn<bool>("accepted");
    QTest::newRow("ten answers") << 10 << QStringLiteral("number") << true;
    QTest::newRow("eleven answers") << 11 << QStringLiteral("number") << false;
    QTest::newRow("no answers") << 0 << QString() << true;
    QTest::newRow("unknown type") << 1 << QStringLiteral("colour") << false;
}

void TestEdits::questionLimits()
{
    QFETCH(int, answers);
    QFETCH(QString, answerType);
    QFETCH(bool, accepted);
    QuestionRecord q;
    q.text = QStringLiteral("How many?");
    q.answerType = answerType;
    for (int i = 0; i < answers; ++i)
        q.answers.push_back({QString::number(i), {}});
    QCOMPARE(edits::addQuestion(*m_store, m_ids[0], q).ok(), accepted);
    QCOMPARE(detail(m_ids[0]).questions.size(), size_t(accepted ? 1 : 0));
}

void TestEdits::tagsReplaceAndPrune()
{
    QVERIFY(edits::setTags(*m_store, m_ids[0], {QStringLiteral("zebra"), QStringLiteral(" outdoor "), QStringLiteral("zebra"), {}}));
    QVERIFY(edits::setTags(*m_store, m_ids[1], {QStringLiteral("indoor")}));
    QCOMPARE(detail(m_ids[0]).tags, QStringList({QStringLiteral("outdoor"), QStringLiteral("zebra")}));
    QCOMPARE(*tagNames(*m_store), QStringList({QStringLiteral("indoor"), QStringLiteral("outdoor"), QStringLiteral("zebra")}));
    QVERIFY(edits::setTags(*m_store, m_ids[1], {}));
    QCOMPARE(*tagNames(*m_store), QStringList({QStringLiteral("outdoor"), QStringLiteral("zebra")}));
}

void TestEdits::bulkStatusAndUndo()
{
    QVERIFY(edits::setStatus(*m_store, {m_ids[0]}, ReviewStatus::Rejected));
    QVERIFY(edits::setStatus(*m_store, m_ids, ReviewStatus::Verified));
    auto counts = statusCounts(*m_store);
    QCOMPARE(counts->byStatus[size_t(ReviewStatus::Verified)], 3);
    QVERIFY(edits::setStatuses(*m_store, {{m_ids[0], ReviewStatus::Rejected}, {m_ids[1], ReviewStatus::Unlabeled}}));
    QCOMPARE(detail(m_ids[0]).summary.status, ReviewStatus::Rejected);
    QCOMPARE(detail(m_ids[1]).summary.status, ReviewStatus::Unlabeled);
    QCOMPARE(detail(m_ids[2]).summary.status, ReviewStatus::Verified);
}

void TestEdits::splitOfSeveralImages()
{
    QVERIFY(edits::setSplit(*m_store, {m_ids[0], m_ids[2]}, QStringLiteral("val")));
    QCOMPARE(detail(m_ids[0]).summary.split, QStringLiteral("val"));
    QCOMPARE(detail(m_ids[1]).summary.split, QStringLiteral("train"));
    QCOMPARE(*splitNames(*m_store), QStringList({QStringLiteral("train"), QStringLiteral("val")}));
}

void TestEdits::editsAreVisibleToAnotherConnection()
{
    QVERIFY(edits::addCaption(*m_store, m_ids[2], {0, QStringLiteral("committed at once"), {}}));
    auto other = ProjectStore::open(m_path);
    QVERIFY(other);
    auto d = loadImageDetail(*other, m_ids[2]);
    QVERIFY(d);
    QCOMPARE(d->captions.at(0).text, QStringLiteral("committed at once"));
    QCOMPARE(d->summary.firstCaption, QStringLiteral("committed at once"));
    QVERIFY(d->summary.path.endsWith(QStringLiteral("/c.png")));
}

QTEST_GUILESS_MAIN(TestEdits)
#include "test_edits.moc"
