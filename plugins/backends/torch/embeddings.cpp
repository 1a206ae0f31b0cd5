#include "embeddings.h"

#include <QFileInfo>
#include <QJsonDocument>
#include <QtEndian>
#include <algorithm>
#include <numeric>

namespace tandem::backend {

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

long rowOf(const EmbeddingSet &set, qint64 id)
{
    const auto it = std::find(set.ids.begin(), set.ids.end(), id);
    return it == set.ids.end() ? -1 : long(it - set.ids.begin());
}

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

Expected<qint64> saveEmbeddings(ProjectStore &store, const InferenceRequest &request, const QJsonObject &metrics,
                                const SplitEmbeddings &embeddings)
{
    QJsonObject withCounts = metrics;
    withCounts[QStringLiteral("dimension")] = embeddings.images.dimension;
    withCounts[QStringLiteral("images")] = qint64(embeddings.images.size());
    withCounts[QStringLiteral("captions")] = qint64(embeddings.captions.size());
    return saveInferenceRun(store, request, QStringLiteral("retrieval"), withCounts,
                            "INSERT INTO embeddings(run_id, item_kind, item_id, vector) VALUES (?1, ?2, ?3, ?4)",
                            [&](sql::Statement &st, qint64 run) -> Status {
                                if (auto s = insertSet(st, run, "image", embeddings.images); !s)
                                    return s;
                                return insertSet(st, run, "caption", embeddings.captions);
                            });
}

Expected<EmbedRun> readEmbedRun(ProjectStore &store, qint64 runId)
{
    auto stmt = store.database().prepare("SELECT kind, config FROM runs WHERE id = ?1");
    if (!stmt)
        return stmt.error();
    stmt->bind(1, runId);
    if (!stmt->step())
        return Error::usage(QStringLiteral("the project has no run %1").arg(runId));
    const QJsonObject config = QJsonDocument::fromJson(stmt->qtext(1).toUtf8()).object();
    if (stmt->qtext(0) != QLatin1String("infer") || config.value(QStringLiteral("task")).toString() != QLatin1String("retrieval"))
        return Error::usage(QStringLiteral("run %1 is not an embed run (see 'tandem-cli embed')").arg(runId));
    return EmbedRun{config.value(QStringLiteral("checkpoint")).toString(), config.value(QStringLiteral("split")).toString()};
}

Expected<EmbeddingSet> loadEmbeddings(ProjectStore &store, qint64 runId, const char *kind)
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

Expected<ImageItem> findImage(ProjectStore &store, const QString &idOrName)
{
    auto stmt = store.database().prepare(
        "SELECT i.id, r.path, i.name FROM images i JOIN media_roots r ON r.id = i.root_id "
        "WHERE i.name = ?1 OR CAST(i.id AS TEXT) = ?1 ORDER BY i.name = ?1 DESC LIMIT 1");
    if (!stmt)
        return stmt.error();
    stmt->bind(1, idOrName);
    if (!stmt->step())
        return Error::usage(QStringLiteral("the project has no image '%1' (give an image id or name)").arg(idOrName));
    ImageItem image;
    image.id = stmt->int64(0);
    image.name = stmt->qtext(2);
    image.path = store.rootPath(stmt->qtext(1)) + QLatin1Char('/') + image.name;
    return image;
}

Status describe(ProjectStore &store, const QString &kind, RetrievedItem &item)
{
    const bool caption = kind == QLatin1String("caption");
    auto stmt = store.database().prepare(
        caption ? "SELECT i.id, i.name, c.text FROM captions c JOIN images i ON i.id = c.image_id WHERE c.id = ?1"
                : "SELECT id, name, NULL FROM images WHERE id = ?1");
    if (!stmt)
        return stmt.error();
    stmt->bind(1, item.id);
    if (!stmt->step())
        return Error::input(QStringLiteral("the %1 %2 is no longer in the project").arg(kind).arg(item.id), store.path());
    item.imageId = stmt->int64(0);
    item.image = stmt->qtext(1);
    item.caption = caption ? stmt->qtext(2) : QString();
    return {};
}

} // namespace tandem::backend
