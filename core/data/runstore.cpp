#include "runstore.h"

#include "data/projectstore.h"
#include "data/storerows.h"

#include <QFileInfo>
#include <QJsonDocument>
#include <QLockFile>
#include <algorithm>

namespace tandem {

using rows::collect;
using rows::execute;
using rows::jsonObject;
using rows::jsonText;

namespace {

const char *const taskNames[] = {"vqa", "caption", "retrieval", "tagging"};
const char *const kindNames[] = {"train", "infer", "eval"};
const char *const statusNames[] = {"running", "completed", "cancelled", "failed", "interrupted"};

template <size_t N>
int indexOf(const char *const (&names)[N], const QString &name)
{
    for (size_t i = 0; i < N; ++i)
        if (name == QLatin1String(names[i]))
            return int(i);
    return -1;
}

const char *const runColumns =
    "SELECT id, kind, coalesce(model_id, 0), name, status, config, metrics, started_at, coalesce(finished_at, '') FROM runs ";

RunRecord readRun(sql::Statement &st)
{
    RunRecord run;
    run.id = st.int64(0);
    run.kind = RunKind(std::max(0, indexOf(kindNames, st.qtext(1))));
    run.modelId = st.int64(2);
    run.name = st.qtext(3);
    run.status = parseRunStatus(st.qtext(4)).value_or(RunStatus::Running);
    run.config = jsonObject(st.qtext(5));
    run.metrics = jsonObject(st.qtext(6));
    run.startedAt = st.qtext(7);
    run.finishedAt = st.qtext(8);
    return run;
}

const char *const modelColumns =
    "SELECT m.id, m.name, m.architecture, m.checkpoint, m.created_at, "
    "coalesce((SELECT r.metrics FROM runs r WHERE r.model_id = m.id AND r.kind = 'train' ORDER BY r.id DESC LIMIT 1), '{}') "
    "FROM models m ";

ModelRecord readModel(sql::Statement &st)
{
    return {st.int64(0), st.qtext(1), jsonObject(st.qtext(2)), st.qtext(3), st.qtext(4), jsonObject(st.qtext(5))};
}

} // namespace

QString taskName(TaskKind task) { return QString::fromLatin1(taskNames[int(task)]); }

std::optional<TaskKind> parseTask(const QString &name)
{
    const int i = indexOf(taskNames, name);
    return i < 0 ? std::nullopt : std::optional<TaskKind>(TaskKind(i));
}

QString runKindName(RunKind kind) { return QString::fromLatin1(kindNames[int(kind)]); }
QString runStatusName(RunStatus status) { return QString::fromLatin1(statusNames[int(status)]); }

std::optional<RunStatus> parseRunStatus(const QString &name)
{
    const int i = indexOf(statusNames, name);
    return i < 0 ? std::nullopt : std::optional<RunStatus>(RunStatus(i));
}

namespace runs {

Expected<qint64> create(ProjectStore &store, RunKind kind, const QString &name, const QJsonObject &config,
                        qint64 modelId)
{
    auto s = execute(store, "INSERT INTO runs(kind, name, config, model_id, status) VALUES (?1, ?2, ?3, ?4, 'running')",
                     [&](sql::Statement &st) {
                         st.bind(1, runKindName(kind)).bind(2, name).bind(3, jsonText(config));
                         modelId > 0 ? st.bind(4, modelId) : st.bindNull(4);
                     });
    if (!s)
        return s.error();
    return qint64(store.database().lastInsertId());
}

Status update(ProjectStore &store, qint64 runId, const QJsonObject &metrics, RunStatus status)
{
    return execute(store,
                   "UPDATE runs SET metrics = ?1, status = ?2, "
                   "finished_at = CASE WHEN ?3 THEN datetime('now') ELSE NULL END WHERE id = ?4",
                   [&](sql::Statement &st) {
                       st.bind(1, jsonText(metrics)).bind(2, runStatusName(status));
                       st.bind(3, int(status != RunStatus::Running)).bind(4, runId);
                   });
}

bool exists(ProjectStore &store, qint64 runId)
{
    auto n = store.database().scalar("SELECT count(*) FROM runs WHERE id = " + std::to_string(runId));
    return n && *n > 0;
}

Expected<RunRecord> get(ProjectStore &store, qint64 runId)
{
    auto rows = collect<RunRecord>(store, std::string(runColumns) + "WHERE id = ?1",
                                   [&](sql::Statement &st) { st.bind(1, runId); }, readRun);
    if (!rows)
        return rows.error();
    if (rows->empty())
        return Error::usage(QStringLiteral("the project has no run %1").arg(runId));
    return rows->front();
}

Expected<std::vector<RunRecord>> list(ProjectStore &store, std::optional<RunKind> kind)
{
    return collect<RunRecord>(store, std::string(runColumns) + "WHERE ?1 = '' OR kind = ?1 ORDER BY id DESC",
                              [&](sql::Statement &st) { st.bind(1, kind ? runKindName(*kind) : QString()); }, readRun);
}

Status setStatus(ProjectStore &store, qint64 runId, RunStatus status)
{
    return execute(store, "UPDATE runs SET status = ?1, finished_at = datetime('now') WHERE id = ?2",
                   [&](sql::Statement &st) { st.bind(1, runStatusName(status)).bind(2, runId); });
}

QString lockFileOf(const RunRecord &run)
{
    const QString checkpoint = run.config.value(QLatin1String("checkpoint")).toString();
    return checkpoint.isEmpty() ? QString() : checkpoint + QStringLiteral(".lock");
}

Expected<std::vector<RunRecord>> markInterrupted(ProjectStore &store)
{
    auto all = list(store, RunKind::Train);
    if (!all)
        return all.error();
    std::vector<RunRecord> interrupted;
    for (RunRecord &run : *all) {
        if (run.status == RunStatus::Running) {
            const QString lockFile = lockFileOf(run);
            QLockFile lock(lockFile);
            lock.setStaleLockTime(0); // only a lock whose process is gone is stale
            if (!lockFile.isEmpty() && !lock.tryLock(0))
                continue; // still training
            if (auto s = setStatus(store, run.id, RunStatus::Interrupted); !s)
                return s.error();
            run.status = RunStatus::Interrupted;
        }
        if (run.status == RunStatus::Interrupted)
            interrupted.push_back(run);
    }
    return interrupted;
}

Expected<std::vector<RunRecord>> listMatching(ProjectStore &store, RunKind kind,
                                              const std::function<bool(const RunRecord &)> &keep)
{
    auto all = list(store, kind);
    if (!all)
        return all.error();
    std::vector<RunRecord> kept;
    for (RunRecord &run : *all)
        if (keep(run))
            kept.push_back(std::move(run));
    return kept;
}

Status linkToModel(ProjectStore &store, qint64 runId, qint64 modelId)
{
    return execute(store, "UPDATE runs SET model_id = ?1 WHERE id = ?2",
                   [&](sql::Statement &st) { st.bind(1, modelId).bind(2, runId); });
}

} // namespace runs

namespace models {

qint64 idForCheckpoint(ProjectStore &store, const QString &checkpoint)
{
    auto stmt = store.database().prepare("SELECT id FROM models WHERE checkpoint = ?1 ORDER BY id DESC LIMIT 1");
    if (!stmt)
        return 0;
    stmt->bind(1, QFileInfo(checkpoint).absoluteFilePath());
    return stmt->step() ? stmt->int64(0) : 0;
}

Expected<qint64> save(ProjectStore &store, const QString &name, const QJsonObject &architecture,
                      const QString &checkpoint)
{
    const QString path = QFileInfo(checkpoint).absoluteFilePath();
    if (const qint64 id = idForCheckpoint(store, path)) {
        auto s = execute(store, "UPDATE models SET name = ?1, architecture = ?2 WHERE id = ?3",
                         [&](sql::Statement &st) { st.bind(1, name).bind(2, jsonText(architecture)).bind(3, id); });
        return s ? Expected<qint64>(id) : Expected<qint64>(s.error());
    }
    auto s = execute(store, "INSERT INTO models(name, architecture, checkpoint) VALUES (?1, ?2, ?3)",
                     [&](sql::Statement &st) { st.bind(1, name).bind(2, jsonText(architecture)).bind(3, path); });
    if (!s)
        return s.error();
    return qint64(store.database().lastInsertId());
}

Expected<std::vector<ModelRecord>> list(ProjectStore &store)
{
    return collect<ModelRecord>(store, std::string(modelColumns) + "ORDER BY m.id", [](sql::Statement &) {}, readModel);
}

Expected<ModelRecord> get(ProjectStore &store, qint64 modelId)
{
    auto rows = collect<ModelRecord>(store, std::string(modelColumns) + "WHERE m.id = ?1",
                                     [&](sql::Statement &st) { st.bind(1, modelId); }, readModel);
    if (!rows)
        return rows.error();
    if (rows->empty())
        return Error::usage(QStringLiteral("the project has no model %1").arg(modelId));
    return rows->front();
}

Status rename(ProjectStore &store, qint64 modelId, const QString &name)
{
    if (name.trimmed().isEmpty())
        return Error::usage(QStringLiteral("a model needs a name"));
    return execute(store, "UPDATE models SET name = ?1 WHERE id = ?2",
                   [&](sql::Statement &st) { st.bind(1, name.trimmed()).bind(2, modelId); });
}

Status remove(ProjectStore &store, qint64 modelId)
{
    return execute(store, "DELETE FROM models WHERE id = ?1", [&](sql::Statement &st) { st.bind(1, modelId); });
}

qint64 current(ProjectStore &store)
{
    auto id = store.database().scalar(
        "SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'current_model' "
        "AND CAST(value AS INTEGER) IN (SELECT id FROM models)");
    return id ? *id : 0;
}

Status setCurrent(ProjectStore &store, qint64 modelId)
{
    return execute(store, "INSERT OR REPLACE INTO meta(key, value) VALUES ('current_model', ?1)",
                   [&](sql::Statement &st) { st.bind(1, QString::number(modelId)); });
}

} // namespace models

} // namespace tandem
