#include "embeddingstore.h"

#include "data/projectstore.h"
#include "data/runstore.h"

#include <QtEndian>
#include <algorithm>
#include <cmath>
#include <numeric>

namespace tandem::embeddings {

namespace {

Status insertSet(sql::Statement &st, qint64 run, const char *kind, const EmbeddingSet &set)
{
    QByteArray blob(int(set.dimension * sizeof(float)), Qt::Uninitialized);
    for (size_t i = 0; i < set.size(); ++i) {
        qToLittleEndian<float>(set.row(i), set.dimension, blob.data());
        st.bind(1, run).bind(2, std::string_view(kind)).bind(3, set.ids[i]);
        st.bindBlob(4, blob.constData(), int(blob.size()));
        if (auto s = st.exec(); !s)
            return s;
    }
    return {};
}

} // namespace

Expected<qint64> saveRun(ProjectStore &store, const QString &name, const QJsonObject &config,
                         const QJsonObject &metrics, const SplitEmbeddings &embeddings)
{
    sql::Transaction tx(store.database());
    if (!tx.begun())
        return tx.begun().error();
    const qint64 modelId = models::idForCheckpoint(store, config.value(QStringLiteral("checkpoint")).toString());
    auto run = runs::create(store, RunKind::Infer, name, config, modelId);
    if (!run)
        return run.error();
    if (auto s = runs::update(store, *run, metrics, RunStatus::Completed); !s)
        return s.error();
    auto insert = store.database().prepare("INSERT INTO embeddings(run_id, item_kind, item_id, vector) VALUES (?1, ?2, ?3, ?4)");
    if (!insert)
        return insert.error();
    if (auto s = insertSet(*insert, *run, "image", embeddings.images); !s)
        return s.error();
    if (auto s = insertSet(*insert, *run, "caption", embeddings.captions); !s)
        return s.error();
    if (auto s = tx.commit(); !s)
        return s.error();
    return *run;
}

bool isEmbedRun(const RunRecord &run)
{
    return run.kind == RunKind::Infer
           && (run.task() == TaskKind::Retrieval || run.config.value(QStringLiteral("embed")).toBool());
}

Expected<EmbedRun> readRun(ProjectStore &store, qint64 runId)
{
    auto run = runs::get(store, runId);
    if (!run)
        return run.error();
    if (!isEmbedRun(*run))
        return Error::usage(QStringLiteral("run %1 is not an embed run (see 'tandem-cli embed')").arg(runId));
    return EmbedRun{run->config.value(QStringLiteral("checkpoint")).toString(),
                    run->config.value(QStringLiteral("split")).toString(), run->task().value_or(TaskKind::Retrieval)};
}

Expected<EmbeddingSet> load(ProjectStore &store, qint64 runId, const char *kind)
{
    auto stmt = store.database().prepare(
        "SELECT item_id, vector FROM embeddings WHERE run_id = ?1 AND item_kind = ?2 ORDER BY item_id");
    if (!stmt)
        return stmt.error();
    stmt->bind(1, runId).bind(2, std::string_view(kind));
    EmbeddingSet set;
    while (stmt->step()) {
        const QByteArray blob = stmt->blob(1);
        const int dimension = int(blob.size() / qsizetype(sizeof(float)));
        if (set.ids.empty())
            set.dimension = dimension;
        if (dimension != set.dimension || blob.size() % qsizetype(sizeof(float)) != 0)
            return Error::input(QStringLiteral("run %1: the %2 %3 has a vector of %4 bytes, expected %5")
                                    .arg(runId).arg(QLatin1String(kind)).arg(stmt->int64(0)).arg(blob.size())
                                    .arg(set.dimension * int(sizeof(float))),
                                store.path());
        set.ids.push_back(stmt->int64(0));
        set.values.resize(set.values.size() + size_t(dimension));
        qFromLittleEndian<float>(blob.constData(), dimension, set.values.data() + set.values.size() - size_t(dimension));
    }
    if (!stmt->error().isEmpty())
        return Error::store(stmt->error());
    return set;
}

Expected<ItemText> describe(ProjectStore &store, bool caption, qint64 id)
{
    auto stmt = store.database().prepare(
        caption ? "SELECT i.id, i.name, c.text FROM captions c JOIN images i ON i.id = c.image_id WHERE c.id = ?1"
                : "SELECT id, name, NULL FROM images WHERE id = ?1");
    if (!stmt)
        return stmt.error();
    stmt->bind(1, id);
    if (!stmt->step())
        return Error::input(QStringLiteral("the %1 %2 is no longer in the project")
                                .arg(caption ? QStringLiteral("caption") : QStringLiteral("image")).arg(id),
                            store.path());
    return ItemText{stmt->int64(0), stmt->qtext(1), caption ? stmt->qtext(2) : QString()};
}

std::vector<std::pair<size_t, float>> nearest(const EmbeddingSet &candidates, const float *query, int k)
{
    std::vector<std::pair<size_t, float>> scored(candidates.size());
    for (size_t i = 0; i < candidates.size(); ++i) {
        const float *row = candidates.row(i);
        scored[i] = {i, std::inner_product(row, row + candidates.dimension, query, 0.0f)};
    }
    const size_t n = std::min(scored.size(), size_t(std::max(0, k)));
    std::partial_sort(scored.begin(), scored.begin() + long(n), scored.end(), [](const auto &a, const auto &b) {
        return a.second > b.second || (a.second == b.second && a.first < b.first);
    });
    scored.resize(n);
    return scored;
}

void normalise(EmbeddingSet &set)
{
    for (size_t i = 0; i < set.size(); ++i) {
        float *row = set.values.data() + i * size_t(set.dimension);
        const float norm = std::sqrt(std::inner_product(row, row + set.dimension, row, 0.0f));
        if (norm > 0)
            std::transform(row, row + set.dimension, row, [norm](float v) { return v / norm; });
    }
}

long rowOf(const EmbeddingSet &set, qint64 id)
{
    const auto it = std::find(set.ids.begin(), set.ids.end(), id);
    return it == set.ids.end() ? -1 : long(it - set.ids.begin());
}

} // namespace tandem::embeddings
