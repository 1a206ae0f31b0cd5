#include "imagequery.h"

#include "data/projectstore.h"
#include "data/runstore.h"

namespace tandem {

namespace {

// Parameters: ?1 FTS text, ?2 split, ?3 status, ?4 tag.
const char *const kTextMatches =
    " AND i.id IN (WITH hits(rowid) AS (SELECT rowid FROM search WHERE search MATCH ?1)"
    " SELECT c.image_id FROM hits h JOIN captions c ON c.id = h.rowid >> 2 WHERE h.rowid & 3 = 0"
    " UNION SELECT q.image_id FROM hits h JOIN questions q ON q.id = h.rowid >> 2 WHERE h.rowid & 3 = 1"
    " UNION SELECT q.image_id FROM hits h JOIN answers a ON a.id = h.rowid >> 2"
    " JOIN questions q ON q.id = a.question_id WHERE h.rowid & 3 = 2)";

std::string whereClause(const ImageQuery &q)
{
    std::string where = " WHERE 1";
    if (!q.text.trimmed().isEmpty())
        where += kTextMatches;
    if (q.split)
        where += " AND i.split = ?2";
    if (q.status)
        where += " AND i.status = ?3";
    if (!q.tag.isEmpty())
        where += " AND i.id IN (SELECT image_id FROM image_tags WHERE tag_id = (SELECT id FROM tags WHERE name = ?4))";
    if (q.flags == FlagFilter::Flagged)
        where += " AND i.flag > 0";
    else if (q.flags == FlagFilter::Usable)
        where += " AND i.flag <= 0";
    switch (q.content) {
    case ContentFilter::Any: break;
    case ContentFilter::HasCaptions: where += " AND EXISTS (SELECT 1 FROM captions c WHERE c.image_id = i.id)"; break;
    case ContentFilter::NoCaptions: where += " AND NOT EXISTS (SELECT 1 FROM captions c WHERE c.image_id = i.id)"; break;
    case ContentFilter::HasQuestions: where += " AND EXISTS (SELECT 1 FROM questions q WHERE q.image_id = i.id)"; break;
    case ContentFilter::NoQuestions: where += " AND NOT EXISTS (SELECT 1 FROM questions q WHERE q.image_id = i.id)"; break;
    }
    switch (q.suggestions) {
    case SuggestionFilter::Any: break;
    case SuggestionFilter::Unreviewed:
        where += " AND i.id IN (SELECT image_id FROM predictions WHERE state = 0)";
        break;
    case SuggestionFilter::Disagrees:
        where += " AND i.id IN (SELECT p.image_id FROM predictions p JOIN questions q ON q.id = p.question_id"
                 " WHERE q.multiple_choice_answer <> '' AND lower(trim(p.text)) <> lower(trim(q.multiple_choice_answer)))";
        break;
    }
    return where;
}

std::string orderClause(const ImageQuery &q)
{
    const char *dir = q.descending ? " DESC" : "";
    switch (q.sort) {
    case ImageSort::Added: break;
    case ImageSort::Name: return std::string(" ORDER BY i.name") + dir + ", i.id" + dir;
    case ImageSort::Status: return std::string(" ORDER BY i.status") + dir + ", i.id" + dir;
    case ImageSort::Split: return std::string(" ORDER BY i.split") + dir + ", i.id" + dir;
    case ImageSort::Uncertainty: // descending flips it: the surest first
        return " ORDER BY " + predictions::uncertaintyExpression(0, predictions::UncertaintyMeasure::Auto)
               + (q.descending ? " ASC" : " DESC") + " NULLS LAST, i.id";
    }
    return std::string(" ORDER BY i.id") + dir;
}

Expected<ImageList> runQuery(ProjectStore &store, const ImageQuery &q, const QString &match)
{
    auto stmt = store.database().prepare("SELECT i.id, i.status FROM images i" + whereClause(q) + orderClause(q));
    if (!stmt)
        return stmt.error();
    if (!match.isEmpty())
        stmt->bind(1, match);
    if (q.split)
        stmt->bind(2, *q.split);
    if (q.status)
        stmt->bind(3, int(*q.status));
    if (!q.tag.isEmpty())
        stmt->bind(4, q.tag);
    ImageList list;
    while (stmt->step()) {
        list.ids.push_back(stmt->int64(0));
        list.statuses.push_back(std::int8_t(stmt->integer(1)));
    }
    if (!stmt->error().isEmpty())
        return Error::usage(stmt->error());
    return list;
}

Expected<QStringList> names(ProjectStore &store, const char *sql)
{
    auto stmt = store.database().prepare(sql);
    if (!stmt)
        return stmt.error();
    QStringList out;
    while (stmt->step())
        out << stmt->qtext(0);
    if (!stmt->error().isEmpty())
        return Error::store(stmt->error());
    return out;
}

} // namespace

namespace {

// The ranked images that still exist, in rank order, with their statuses.
Expected<ImageList> rankedImages(ProjectStore &store, const ImageQuery &query)
{
    auto stmt = store.database().prepare("SELECT status FROM images WHERE id = ?1");
    if (!stmt)
        return stmt.error();
    ImageList list;
    for (size_t i = 0; i < query.ranked.size(); ++i) {
        stmt->reset();
        stmt->bind(1, query.ranked[i]);
        if (!stmt->step())
            continue;
        list.ids.push_back(query.ranked[i]);
        list.statuses.push_back(std::int8_t(stmt->integer(0)));
        list.scores.push_back(i < query.rankScores.size() ? query.rankScores[i] : 0.0f);
    }
    if (!stmt->error().isEmpty())
        return Error::store(stmt->error());
    return list;
}

} // namespace

Expected<ImageList> queryImages(ProjectStore &store, const ImageQuery &query)
{
    if (!query.ranked.empty())
        return rankedImages(store, query);
    const QString text = query.text.trimmed();
    auto list = runQuery(store, query, text);
    if (!list && !text.isEmpty()) // not FTS5 syntax: search the words
        return runQuery(store, query, plainWordsQuery(text));
    return list;
}

Expected<StatusCounts> statusCounts(ProjectStore &store)
{
    auto stmt = store.database().prepare("SELECT status, count(*) FROM images GROUP BY status");
    if (!stmt)
        return stmt.error();
    StatusCounts counts;
    while (stmt->step()) {
        const int status = stmt->integer(0);
        counts.total += stmt->int64(1);
        if (status >= 0 && status < int(counts.byStatus.size()))
            counts.byStatus[size_t(status)] = stmt->int64(1);
    }
    if (!stmt->error().isEmpty())
        return Error::store(stmt->error());
    return counts;
}

Expected<QStringList> tagNames(ProjectStore &store)
{
    return names(store, "SELECT name FROM tags ORDER BY name");
}

Expected<QStringList> splitNames(ProjectStore &store)
{
    return names(store, "SELECT DISTINCT split FROM images WHERE split <> '' ORDER BY split");
}

} // namespace tandem
