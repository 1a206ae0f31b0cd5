// The run store (data/runstore.h): runs and models with one status
// vocabulary, and predictions as suggestions that are accepted (becoming human
// captions and answers), edited then accepted, rejected, and opened again by
// undo — all through the store, checked with plain SQL.
#include "data/imagedetail.h"
#include "data/imageedits.h"
#include "data/imagequery.h"
#include "data/projectstore.h"
#include "data/runstore.h"
#include "data/schema.h"
#include "demo/sortofclevr.h"

#include <QFile>
#include <QJsonObject>
#include <QLockFile>
#include <QSysInfo>
#include <QTemporaryDir>
#include <QTest>

using namespace tandem;

class TestRunStore : public QObject {
    Q_OBJECT
private slots:
    void init();
    void runsShareOneVocabulary();
    void killedRunsAreInterrupted();
    void modelsListRenameRemoveCurrent();
    void savedRunMarksImagesPredicted();
    void acceptCaptionAndUndo();
    void acceptAnswerAddsHumanAnswer();
    void editThenAccept();
    void rejectAndReopen();
    void bulkAcceptAboveScoreSkipsFullQuestions();
    void suggestionFilters();
    void olderProjectsMigrate();

private:
    qint64 saveRun(const std::vector<NewPrediction> &rows);
    qint64 firstQuestion(qint64 image);
    QString scalarText(const std::string &sql);

    QTemporaryDir m_dir;
    std::optional<ProjectStore> m_store;
    qint64 m_image = 0;
};

void TestRunStore::init()
{
    DemoOptions options;
    options.images = 6;
    options.imageSize = 32;
    options.questionsPerImage = 2;
    const QString media = m_dir.filePath(QStringLiteral("media-%1").arg(QTest::currentTestFunction()));
    auto dataset = generateDemo(options, media);
    QVERIFY(dataset);
    auto store = ProjectStore::create(m_dir.filePath(QStringLiteral("%1.tandem").arg(QTest::currentTestFunction())));
    QVERIFY(store);
    QVERIFY(store->importDataset(*dataset, media));
    m_store.emplace(std::move(*store));
    m_image = 1;
}

qint64 TestRunStore::saveRun(const std::vector<NewPrediction> &rows)
{
    const QJsonObject config{{QStringLiteral("task"), QStringLiteral("caption")}, {QStringLiteral("checkpoint"), QStringLiteral("/nowhere/m.ckpt")}};
    auto run = predictions::saveRun(*m_store, RunKind::Infer, QStringLiteral("test run"), config, {}, rows);
    return run ? *run : 0;
}

qint64 TestRunStore::firstQuestion(qint64 image)
{
    auto id = m_store->database().scalar("SELECT min(id) FROM questions WHERE image_id = " + std::to_string(image));
    return id ? *id : 0;
}

QString TestRunStore::scalarText(const std::string &sql)
{
    auto stmt = m_store->database().prepare(sql);
    return stmt && stmt->step() ? stmt->qtext(0) : QString();
}

void TestRunStore::runsShareOneVocabulary()
{
    auto run = runs::create(*m_store, RunKind::Train, QStringLiteral("t"), {{QStringLiteral("task"), QStringLiteral("vqa")}});
    QVERIFY(run);
    QCOMPARE(runs::get(*m_store, *run)->status, RunStatus::Running);
    QVERIFY(runs::update(*m_store, *run, {{QStringLiteral("x"), 1}}, RunStatus::Cancelled));
    const RunRecord stored = *runs::get(*m_store, *run);
    QCOMPARE(stored.status, RunStatus::Cancelled);
    QCOMPARE(stored.kind, RunKind::Train);
    QCOMPARE(stored.task(), std::optional<TaskKind>(TaskKind::Vqa));
    QVERIFY(!stored.finishedAt.isEmpty());
    QCOMPARE(scalarText("SELECT status FROM runs WHERE id = " + std::to_string(*run)), QStringLiteral("cancelled"));
    for (RunStatus s : {RunStatus::Running, RunStatus::Completed, RunStatus::Cancelled, RunStatus::Failed, RunStatus::Interrupted})
        QCOMPARE(parseRunStatus(runStatusName(s)), std::optional<RunStatus>(s));
    QCOMPARE(parseTask(QStringLiteral("caption")), std::optional<TaskKind>(TaskKind::Caption));
    QVERIFY(!parseTask(QStringLiteral("Caption")));
    QVERIFY(!runs::get(*m_store, 999));
}

// A run whose process holds its lock is still training; one whose lock is gone
// (or was left by a process that no longer runs) was interrupted.
void TestRunStore::killedRunsAreInterrupted()
{
    const QString held = m_dir.filePath(QStringLiteral("held.ckpt")), orphan = m_dir.filePath(QStringLiteral("orphan.ckpt"));
    const auto config = [](const QString &checkpoint) {
        return QJsonObject{{QStringLiteral("task"), QStringLiteral("vqa")}, {QStringLiteral("checkpoint"), checkpoint}};
    };
    auto live = runs::create(*m_store, RunKind::Train, QStringLiteral("live"), config(held));
    auto killed = runs::create(*m_store, RunKind::Train, QStringLiteral("killed"), config(orphan));
    auto done = runs::create(*m_store, RunKind::Train, QStringLiteral("done"), config(orphan));
    QVERIFY(live && killed && done);
    QVERIFY(runs::update(*m_store, *done, {}, RunStatus::Completed));
    QLockFile lock(held + QStringLiteral(".lock"));
    QVERIFY(lock.tryLock(0));
    QFile stale(orphan + QStringLiteral(".lock")); // as a killed process leaves it: pid, program, host
    QVERIFY(stale.open(QIODevice::WriteOnly));
    stale.write("4194303\ntandem-cli\n" + QSysInfo::machineHostName().toUtf8() + "\n");
    stale.close();

    auto interrupted = runs::markInterrupted(*m_store);
    QVERIFY(interrupted);
    QCOMPARE(int(interrupted->size()), 1);
    QCOMPARE(interrupted->front().id, *killed);
    QCOMPARE(runs::get(*m_store, *killed)->status, RunStatus::Interrupted);
    QCOMPARE(runs::get(*m_store, *live)->status, RunStatus::Running);
    QCOMPARE(runs::get(*m_store, *done)->status, RunStatus::Completed);
    lock.unlock();
    QCOMPARE(runs::markInterrupted(*m_store)->size(), size_t(2));
}

void TestRunStore::modelsListRenameRemoveCurrent()
{
    const QJsonObject arch{{QStringLiteral("task"), QStringLiteral("vqa")}, {QStringLiteral("fusion"), QStringLiteral("film")}};
    auto a = models::save(*m_store, QStringLiteral("a"), arch, m_dir.filePath(QStringLiteral("a.ckpt")));
    auto b = models::save(*m_store, QStringLiteral("b"), arch, m_dir.filePath(QStringLiteral("b.ckpt")));
    QVERIFY(a && b);
    QCOMPARE(*models::save(*m_store, QStringLiteral("a2"), arch, m_dir.filePath(QStringLiteral("a.ckpt"))), *a); // same file, same row
    QCOMPARE(models::current(*m_store), 0);
    QVERIFY(models::setCurrent(*m_store, *b));
    QCOMPARE(models::current(*m_store), *b);
    QVERIFY(models::rename(*m_store, *a, QStringLiteral("renamed")));
    QVERIFY(!models::rename(*m_store, *a, QStringLiteral("  ")));
    auto list = models::list(*m_store);
    QCOMPARE(int(list->size()), 2);
    QCOMPARE(list->front().name, QStringLiteral("renamed"));
    QCOMPARE(list->front().task(), std::optional<TaskKind>(TaskKind::Vqa));
    QVERIFY(models::remove(*m_store, *b));
    QCOMPARE(models::current(*m_store), 0); // a removed model is no longer current
    QCOMPARE(int(models::list(*m_store)->size()), 1);
}

void TestRunStore::savedRunMarksImagesPredicted()
{
    QVERIFY(edits::setStatus(*m_store, {2}, ReviewStatus::Verified));
    const qint64 run = saveRun({{1, 0, QStringLiteral("a red circle"), -1.5, {}}, {2, 0, QStringLiteral("a blue square"), -2.0, {}}});
    QVERIFY(run > 0);
    QCOMPARE(runs::get(*m_store, run)->status, RunStatus::Completed);
    auto detail = loadImageDetail(*m_store, 1);
    QCOMPARE(detail->summary.status, ReviewStatus::Predicted);
    QCOMPARE(int(detail->suggestions.size()), 1);
    QCOMPARE(detail->suggestions.front().state, SuggestionState::Open);
    QCOMPARE(detail->suggestions.front().runName, QStringLiteral("test run"));
    QCOMPARE(*detail->suggestions.front().score, -1.5);
    QCOMPARE(loadImageDetail(*m_store, 2)->summary.status, ReviewStatus::Verified); // a person's status stays
}

void TestRunStore::acceptCaptionAndUndo()
{
    const int before = int(loadImageDetail(*m_store, m_image)->captions.size());
    AttentionMaps maps{2, 2, {{1, 0, 0, 0}, {0, 0, 0, 1}}};
    saveRun({{m_image, 0, QStringLiteral("two words"), -1.0, encodeAttention(maps)}});
    const PredictionRecord p = loadImageDetail(*m_store, m_image)->suggestions.front();
    QVERIFY(p.attention);
    QCOMPARE(int(p.attention->words.size()), 2);
    auto change = predictions::accept(*m_store, {p.id});
    QVERIFY(change);
    QCOMPARE(change->changed, std::vector<qint64>{p.id});
    QCOMPARE(change->images, std::vector<qint64>{m_image});
    auto detail = loadImageDetail(*m_store, m_image);
    QCOMPARE(int(detail->captions.size()), before + 1);
    QCOMPARE(detail->captions.back().text, QStringLiteral("two words"));
    QCOMPARE(detail->suggestions.front().state, SuggestionState::Accepted);
    QCOMPARE(detail->suggestions.front().labelId, detail->captions.back().id);
    // Accepting again changes nothing; undo removes the caption and opens the suggestion.
    QVERIFY(predictions::accept(*m_store, {p.id})->changed.empty());
    QVERIFY(predictions::reopen(*m_store, change->changed));
    detail = loadImageDetail(*m_store, m_image);
    QCOMPARE(int(detail->captions.size()), before);
    QCOMPARE(detail->suggestions.front().state, SuggestionState::Open);
    QCOMPARE(detail->suggestions.front().labelId, 0);
}

void TestRunStore::acceptAnswerAddsHumanAnswer()
{
    const qint64 question = firstQuestion(m_image);
    saveRun({{m_image, question, QStringLiteral("circle"), 0.9, {}}});
    const PredictionRecord p = loadImageDetail(*m_store, m_image)->suggestions.front();
    QCOMPARE(p.questionId, question);
    QVERIFY(!p.question.isEmpty());
    QVERIFY(predictions::accept(*m_store, {p.id}));
    const QuestionRecord q = loadImageDetail(*m_store, m_image)->questions.front();
    QCOMPARE(int(q.answers.size()), 2);
    QCOMPARE(q.answers.back().text, QStringLiteral("circle"));
    QVERIFY(predictions::reopen(*m_store, {p.id}));
    QCOMPARE(int(loadImageDetail(*m_store, m_image)->questions.front().answers.size()), 1);
}

void TestRunStore::editThenAccept()
{
    saveRun({{m_image, 0, QStringLiteral("a wrong caption"), -3.0, {}}});
    const qint64 id = loadImageDetail(*m_store, m_image)->suggestions.front().id;
    QVERIFY(!predictions::accept(*m_store, {id}, {QStringLiteral("  ")})); // empty text refused, nothing changed
    QVERIFY(predictions::accept(*m_store, {id}, {QStringLiteral("the right caption")}));
    QCOMPARE(loadImageDetail(*m_store, m_image)->captions.back().text, QStringLiteral("the right caption"));
    QVERIFY(!predictions::accept(*m_store, {id, id}, {QStringLiteral("x")})); // one text per id
}

void TestRunStore::rejectAndReopen()
{
    saveRun({{m_image, 0, QStringLiteral("nonsense"), -9.0, {}}});
    const qint64 id = loadImageDetail(*m_store, m_image)->suggestions.front().id;
    const int captions = int(loadImageDetail(*m_store, m_image)->captions.size());
    QCOMPARE(predictions::reject(*m_store, {id})->changed.size(), size_t(1));
    QCOMPARE(loadImageDetail(*m_store, m_image)->suggestions.front().state, SuggestionState::Rejected);
    QVERIFY(predictions::accept(*m_store, {id})->changed.empty()); // rejected is not open
    QVERIFY(predictions::reopen(*m_store, {id}));
    QCOMPARE(loadImageDetail(*m_store, m_image)->suggestions.front().state, SuggestionState::Open);
    QCOMPARE(int(loadImageDetail(*m_store, m_image)->captions.size()), captions);
    QVERIFY(!predictions::reject(*m_store, {424242})); // unknown prediction: an error, nothing changed
}

void TestRunStore::bulkAcceptAboveScoreSkipsFullQuestions()
{
    const qint64 full = firstQuestion(1), other = firstQuestion(2);
    QuestionRecord q = loadImageDetail(*m_store, 1)->questions.front();
    q.answers.assign(kMaxAnswers, AnswerRecord{QStringLiteral("yes"), {}});
    QVERIFY(edits::setQuestion(*m_store, q));
    const qint64 run = saveRun({{1, full, QStringLiteral("no"), 0.95, {}}, {2, other, QStringLiteral("no"), 0.99, {}},
                                {3, firstQuestion(3), QStringLiteral("no"), 0.2, {}}});
    auto ids = predictions::openIds(*m_store, run, 0.9);
    QCOMPARE(int(ids->size()), 2);
    QCOMPARE(int(predictions::openIds(*m_store, run, 0.9, {2})->size()), 1); // over a selection
    auto change = predictions::accept(*m_store, *ids);
    QVERIFY(change);
    QCOMPARE(int(change->changed.size()), 1);
    QCOMPARE(change->skipped.size(), 1);
    QVERIFY(change->skipped.first().contains(QStringLiteral("10 answers")));
    QCOMPARE(int(predictions::openIds(*m_store, run, 0.9)->size()), 1);
}

void TestRunStore::suggestionFilters()
{
    const qint64 q = firstQuestion(3);
    const QString human = scalarText("SELECT multiple_choice_answer FROM questions WHERE id = " + std::to_string(q));
    saveRun({{3, q, human == QLatin1String("yes") ? QStringLiteral("no") : QStringLiteral("yes"), 0.5, {}},
             {4, firstQuestion(4), scalarText("SELECT multiple_choice_answer FROM questions WHERE id = "
                                              + std::to_string(firstQuestion(4))), 0.5, {}}});
    ImageQuery query;
    query.suggestions = SuggestionFilter::Unreviewed;
    QCOMPARE(queryImages(*m_store, query)->ids, (std::vector<qint64>{3, 4}));
    query.suggestions = SuggestionFilter::Disagrees;
    QCOMPARE(queryImages(*m_store, query)->ids, std::vector<qint64>{3});
}

void TestRunStore::olderProjectsMigrate()
{
    // A version-1 project with an eval run that said 'finished' opens as version 2, 'completed'.
    const QString path = m_dir.filePath(QStringLiteral("v1.tandem"));
    {
        auto db = sql::Database::open(path, true);
        QVERIFY(db);
        QVERIFY(db->exec("PRAGMA user_version = 0"));
    }
    {
        auto store = ProjectStore::open(path); // migrates to the current version
        QVERIFY(store);
        QVERIFY(store->database().exec("INSERT INTO runs(kind, status) VALUES ('eval', 'finished')"));
        QVERIFY(store->database().exec("PRAGMA user_version = 1"));
        QVERIFY(store->database().exec("DROP TABLE projections; ALTER TABLE predictions DROP COLUMN margin;"
                                       "ALTER TABLE predictions DROP COLUMN entropy; ALTER TABLE predictions DROP COLUMN mean_log_prob;"
                                       "DROP TABLE regions; DROP INDEX predictions_image;"
                                       "ALTER TABLE predictions DROP COLUMN state; ALTER TABLE predictions DROP COLUMN label_id;"
                                       "ALTER TABLE predictions DROP COLUMN tag"));
    }
    auto store = ProjectStore::open(path);
    QVERIFY2(store, store ? "" : qPrintable(store.error().message));
    QCOMPARE(*store->database().scalar("PRAGMA user_version"), int64_t(schema::currentVersion));
    QCOMPARE(runs::list(*store)->front().status, RunStatus::Completed);
    QCOMPARE(*store->database().scalar("SELECT count(*) FROM pragma_table_info('predictions') WHERE name = 'tag'"), int64_t(1));
}

QTEST_GUILESS_MAIN(TestRunStore)
#include "test_runstore.moc"
