#include "splitdata.h"

#include "data/projectstore.h"

#include <functional>
#include <map>
#include <unordered_map>

namespace tandem {

namespace {

std::string mostCommon(const std::vector<std::string> &answers)
{
    std::map<std::string, int> counts;
    for (const auto &a : answers)
        ++counts[a];
    std::string best;
    int bestCount = 0;
    for (const auto &[answer, count] : counts) // ties: the first in byte order, the same every time
        if (count > bestCount) {
            best = answer;
            bestCount = count;
        }
    return best;
}

// The images a split's queries read: not flagged, of the split (?1, "" = every
// split), of the chosen ids (?2, a JSON list; NULL = all).
#define SPLIT_IMAGES "i.flag <= 0 AND (?1 = '' OR i.split = ?1) AND (?2 IS NULL OR i.id IN (SELECT value FROM json_each(?2)))"

// Runs `query` (which reads SPLIT_IMAGES) with the split and the ids bound; `row` for each row.
Status forEachRow(ProjectStore &store, const char *query, const QString &split, const QByteArray &ids,
                  const std::function<void(sql::Statement &)> &row)
{
    auto stmt = store.database().prepare(query);
    if (!stmt)
        return stmt.error();
    stmt->bind(1, split);
    ids.isEmpty() ? stmt->bindNull(2) : stmt->bind(2, std::string_view(ids.constData(), size_t(ids.size())));
    while (stmt->step())
        row(*stmt);
    return stmt->error().isEmpty() ? Status() : Status(Error::store(stmt->error()));
}

Status loadImages(ProjectStore &store, const QString &split, const QByteArray &ids, SplitData &data,
                  std::unordered_map<qint64, size_t> &index)
{
    return forEachRow(store,
                      "SELECT i.id, r.path, i.name FROM images i JOIN media_roots r ON r.id = i.root_id WHERE " SPLIT_IMAGES
                      " ORDER BY i.id",
                      split, ids, [&](sql::Statement &st) {
                          ImageItem image;
                          image.id = st.int64(0);
                          image.name = st.qtext(2);
                          image.path = store.rootPath(st.qtext(1)) + QLatin1Char('/') + image.name;
                          index.emplace(image.id, data.images.size());
                          data.images.push_back(std::move(image));
                      });
}

Status loadQuestions(ProjectStore &store, const QString &split, const QByteArray &ids, SplitData &data,
                     const std::unordered_map<qint64, size_t> &index)
{
    std::vector<std::string> multipleChoice;
    auto s = forEachRow(
        store,
        "SELECT q.id, q.image_id, q.text, q.question_type, q.answer_type, q.multiple_choice_answer, a.text "
        "FROM questions q JOIN images i ON i.id = q.image_id LEFT JOIN answers a ON a.question_id = q.id WHERE " SPLIT_IMAGES
        " ORDER BY q.id, a.id",
        split, ids, [&](sql::Statement &st) {
            const qint64 id = st.int64(0);
            if (data.questions.empty() || data.questions.back().id != id) {
                QuestionItem q;
                q.id = id;
                q.image = index.at(st.int64(1));
                q.text = st.text(2);
                q.questionType = st.text(3);
                q.answerType = st.text(4);
                multipleChoice.push_back(st.text(5));
                data.images[q.image].questions.push_back(data.questions.size());
                data.questions.push_back(std::move(q));
            }
            if (!st.isNull(6))
                data.questions.back().answers.push_back(st.text(6));
        });
    for (size_t i = 0; i < data.questions.size(); ++i)
        data.questions[i].label = multipleChoice[i].empty() ? mostCommon(data.questions[i].answers) : multipleChoice[i];
    return s;
}

Status loadCaptions(ProjectStore &store, const QString &split, const QByteArray &ids, SplitData &data,
                    const std::unordered_map<qint64, size_t> &index)
{
    return forEachRow(store,
                      "SELECT c.id, c.image_id, c.text FROM captions c JOIN images i ON i.id = c.image_id WHERE " SPLIT_IMAGES
                      " ORDER BY c.id",
                      split, ids, [&](sql::Statement &st) {
                          CaptionItem c{st.int64(0), index.at(st.int64(1)), st.text(2)};
                          data.images[c.image].captions.push_back(data.captions.size());
                          data.captions.push_back(std::move(c));
                      });
}

Status loadTags(ProjectStore &store, const QString &split, const QByteArray &ids, SplitData &data,
                const std::unordered_map<qint64, size_t> &index)
{
    return forEachRow(store,
                      "SELECT it.image_id, t.name FROM image_tags it JOIN tags t ON t.id = it.tag_id "
                      "JOIN images i ON i.id = it.image_id WHERE " SPLIT_IMAGES " ORDER BY it.image_id, t.name",
                      split, ids,
                      [&](sql::Statement &st) { data.images[index.at(st.int64(0))].tags.push_back(st.text(1)); });
}

#undef SPLIT_IMAGES

// A JSON array of the ids ("" for none), for json_each().
QByteArray idList(const std::vector<qint64> &ids)
{
    if (ids.empty())
        return {};
    QByteArray json = "[";
    for (qint64 id : ids)
        json += QByteArray::number(id) + ',';
    json[json.size() - 1] = ']';
    return json;
}

} // namespace

Expected<SplitData> loadSplit(ProjectStore &store, const QString &split, const std::vector<qint64> &imageIds)
{
    const QByteArray ids = idList(imageIds);
    SplitData data;
    std::unordered_map<qint64, size_t> index;
    if (auto s = loadImages(store, split, ids, data, index); !s)
        return s.error();
    if (auto s = loadQuestions(store, split, ids, data, index); !s)
        return s.error();
    if (auto s = loadCaptions(store, split, ids, data, index); !s)
        return s.error();
    if (auto s = loadTags(store, split, ids, data, index); !s)
        return s.error();
    return data;
}

Expected<ImageItem> findImage(ProjectStore &store, const QString &idOrName)
{
    // An id goes through the primary key (the GUI and scripts pass ids); a name
    // scans, as names are unique per media folder only.
    bool isId = false;
    const qint64 id = idOrName.toLongLong(&isId);
    for (const bool byId : {true, false}) {
        if (byId && !isId)
            continue;
        auto stmt = store.database().prepare(std::string("SELECT i.id, r.path, i.name FROM images i JOIN media_roots r ON "
                                                         "r.id = i.root_id WHERE ")
                                             + (byId ? "i.id = ?1" : "i.name = ?1 ORDER BY i.id LIMIT 1"));
        if (!stmt)
            return stmt.error();
        byId ? stmt->bind(1, id) : stmt->bind(1, idOrName);
        if (!stmt->step())
            continue;
        ImageItem image;
        image.id = stmt->int64(0);
        image.name = stmt->qtext(2);
        image.path = store.rootPath(stmt->qtext(1)) + QLatin1Char('/') + image.name;
        return image;
    }
    return Error::usage(QStringLiteral("the project has no image '%1' (give an image id or name)").arg(idOrName));
}

} // namespace tandem
