#include "projectionstore.h"

#include "data/projectstore.h"

#include <QHash>
#include <QSet>
#include <QJsonDocument>
#include <QtEndian>

namespace tandem::projections {

namespace {

template <typename T>
QByteArray littleEndian(const std::vector<T> &values)
{
    QByteArray blob(qsizetype(values.size() * sizeof(T)), Qt::Uninitialized);
    qToLittleEndian<T>(values.data(), qsizetype(values.size()), blob.data());
    return blob;
}

template <typename T>
std::vector<T> fromLittleEndian(const QByteArray &blob)
{
    std::vector<T> values(size_t(blob.size()) / sizeof(T));
    qFromLittleEndian<T>(blob.constData(), qsizetype(values.size()), values.data());
    return values;
}

QJsonObject jsonObject(const QString &text)
{
    return QJsonDocument::fromJson(text.toUtf8()).object();
}

} // namespace

Expected<qint64> save(ProjectStore &store, const StoredProjection &p)
{
    if (p.layout.size() != 2 * p.size())
        return Error::usage(QStringLiteral("a layout of %1 values for %2 items").arg(p.layout.size()).arg(p.size()));
    auto st = store.database().prepare(
        "INSERT OR REPLACE INTO projections(run_id, method, options, image_ids, caption_ids, layout) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
    if (!st)
        return st.error();
    const QByteArray images = littleEndian(p.imageIds), captions = littleEndian(p.captionIds),
                     layout = littleEndian(p.layout);
    st->bind(1, p.runId).bind(2, p.method).bind(3, QString::fromUtf8(QJsonDocument(p.options).toJson(QJsonDocument::Compact)));
    st->bindBlob(4, images.constData(), int(images.size()))
        .bindBlob(5, captions.constData(), int(captions.size()))
        .bindBlob(6, layout.constData(), int(layout.size()));
    if (auto s = st->exec(); !s)
        return s.error();
    return qint64(store.database().lastInsertId());
}

Expected<std::optional<StoredProjection>> load(ProjectStore &store, qint64 runId, const QString &method)
{
    auto st = store.database().prepare("SELECT id, options, image_ids, caption_ids, layout, created_at "
                                       "FROM projections WHERE run_id = ?1 AND method = ?2");
    if (!st)
        return st.error();
    st->bind(1, runId).bind(2, method);
    if (!st->step())
        return st->error().isEmpty() ? Expected<std::optional<StoredProjection>>(std::nullopt) : Error::store(st->error());
    StoredProjection p{st->int64(0), runId, method, jsonObject(st->qtext(1)),
                       fromLittleEndian<qint64>(st->blob(2)), fromLittleEndian<qint64>(st->blob(3)),
                       fromLittleEndian<float>(st->blob(4)), st->qtext(5)};
    if (p.layout.size() != 2 * p.size())
        return Error::store(QStringLiteral("the %1 layout of run %2 is damaged: %3 values for %4 items")
                                .arg(method).arg(runId).arg(p.layout.size()).arg(p.size()));
    return std::optional<StoredProjection>(std::move(p));
}

namespace {

// Whole-table reads into hash maps: one pass each beats 100,000 lookups.
Status readImages(ProjectStore &store, QHash<qint64, ProjectedItem> &images)
{
    auto st = store.database().prepare(
        "SELECT i.id, i.name, i.split, i.status, "
        "(SELECT min(t.name) FROM image_tags it JOIN tags t ON t.id = it.tag_id WHERE it.image_id = i.id), "
        "(SELECT c.text FROM captions c WHERE c.image_id = i.id ORDER BY c.id LIMIT 1), "
        "q.text, q.multiple_choice_answer, p.text, p.score FROM images i "
        "LEFT JOIN questions q ON q.id = (SELECT min(id) FROM questions WHERE image_id = i.id) "
        "LEFT JOIN predictions p ON p.id = (SELECT max(id) FROM predictions WHERE question_id = q.id)");
    if (!st)
        return st.error();
    while (st->step()) {
        ProjectedItem item{st->int64(0), false, st->qtext(1), st->qtext(2), st->integer(3), st->qtext(4), st->qtext(5),
                           st->qtext(6), st->qtext(7), st->qtext(8), std::nullopt};
        if (!st->isNull(9))
            item.score = st->real(9);
        images.insert(item.imageId, std::move(item));
    }
    return st->error().isEmpty() ? Status{} : Status(Error::store(st->error()));
}

// The captions in `ids` (ascending, as the run stores them) in one pass over the
// table, each described by its image with its own text.
Status readCaptions(ProjectStore &store, const std::vector<qint64> &ids, const QHash<qint64, ProjectedItem> &images,
                    std::vector<ProjectedItem> &out)
{
    auto st = store.database().prepare("SELECT id, image_id, text FROM captions ORDER BY id");
    if (!st)
        return st.error();
    QHash<qint64, ProjectedItem> captions;
    const QSet<qint64> wanted(ids.begin(), ids.end());
    while (st->step())
        if (wanted.contains(st->int64(0))) {
            ProjectedItem item = images.value(st->int64(1));
            item.text = st->qtext(2);
            captions.insert(st->int64(0), std::move(item));
        }
    if (!st->error().isEmpty())
        return Error::store(st->error());
    for (qint64 id : ids) {
        ProjectedItem item = captions.value(id); // a caption deleted since: imageId 0
        item.caption = true;
        out.push_back(std::move(item));
    }
    return {};
}

} // namespace

Expected<std::vector<ProjectedItem>> describeItems(ProjectStore &store, const StoredProjection &projection)
{
    QHash<qint64, ProjectedItem> images;
    if (auto s = readImages(store, images); !s)
        return s.error();
    std::vector<ProjectedItem> out;
    out.reserve(projection.size());
    for (qint64 id : projection.imageIds)
        out.push_back(images.value(id)); // an image deleted since: imageId 0
    if (auto s = readCaptions(store, projection.captionIds, images, out); !s)
        return s.error();
    return out;
}

Expected<std::vector<StoredProjection>> list(ProjectStore &store, qint64 runId)
{
    auto st = store.database().prepare("SELECT id, method, options, created_at FROM projections "
                                       "WHERE run_id = ?1 ORDER BY id DESC");
    if (!st)
        return st.error();
    st->bind(1, runId);
    std::vector<StoredProjection> out;
    while (st->step()) {
        StoredProjection p;
        p.id = st->int64(0);
        p.runId = runId;
        p.method = st->qtext(1);
        p.options = jsonObject(st->qtext(2));
        p.createdAt = st->qtext(3);
        out.push_back(std::move(p));
    }
    if (!st->error().isEmpty())
        return Error::store(st->error());
    return out;
}

} // namespace tandem::projections
