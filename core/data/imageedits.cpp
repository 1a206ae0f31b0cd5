#include "imageedits.h"

#include "data/projectstore.h"

#include <QHash>
#include <QSet>
#include <functional>

namespace tandem {

const QStringList &answerTypes()
{
    static const QStringList types{QString(), QStringLiteral("yes/no"), QStringLiteral("number"), QStringLiteral("other")};
    return types;
}

namespace edits {

namespace {

Status runOne(sql::Database &db, const char *sql, const std::function<void(sql::Statement &)> &bind,
              const QString &whenNothingChanged = {})
{
    auto stmt = db.prepare(sql);
    if (!stmt)
        return stmt.error();
    bind(*stmt);
    if (auto s = stmt->exec(); !s)
        return s;
    if (!whenNothingChanged.isEmpty() && db.changes() == 0)
        return Error::usage(whenNothingChanged);
    return {};
}

Status requireText(const QString &text, const char *what)
{
    if (text.trimmed().isEmpty())
        return Error::usage(QStringLiteral("a %1 cannot be empty").arg(QLatin1String(what)));
    return {};
}

Status validateQuestion(const QuestionRecord &q)
{
    if (auto s = requireText(q.text, "question"); !s)
        return s;
    if (q.answers.size() > size_t(kMaxAnswers))
        return Error::usage(QStringLiteral("a question has at most %1 answers (got %2)").arg(kMaxAnswers).arg(q.answers.size()));
    if (!answerTypes().contains(q.answerType))
        return Error::usage(QStringLiteral("unknown answer type '%1' (use yes/no, number or other)").arg(q.answerType));
    for (const AnswerRecord &a : q.answers)
        if (auto s = requireText(a.text, "answer"); !s)
            return s;
    return {};
}

// VQA's multiple_choice_answer: the answer given most often, first one on ties.
QString mostCommonAnswer(const std::vector<AnswerRecord> &answers)
{
    QHash<QString, int> counts;
    QString best;
    for (const AnswerRecord &a : answers)
        if (++counts[a.text] > counts.value(best))
            best = a.text;
    return best;
}

Status insertAnswers(sql::Database &db, qint64 questionId, const std::vector<AnswerRecord> &answers)
{
    auto insert = db.prepare("INSERT INTO answers(question_id, text, confidence) VALUES (?1, ?2, ?3)");
    if (!insert)
        return insert.error();
    for (const AnswerRecord &a : answers)
        if (auto s = insert->bind(1, questionId).bind(2, a.text.trimmed()).bind(3, a.confidence).exec(); !s)
            return s;
    return {};
}

QString noImage(qint64 imageId)
{
    return QStringLiteral("image %1 is no longer in the project").arg(imageId);
}

} // namespace

Expected<qint64> addCaption(ProjectStore &store, qint64 imageId, const CaptionRecord &caption)
{
    if (auto s = requireText(caption.text, "caption"); !s)
        return s.error();
    sql::Database &db = store.database();
    const Status inserted = runOne(db, "INSERT INTO captions(id, image_id, text, ext_id) "
                                       "SELECT ?1, id, ?3, ?4 FROM images WHERE id = ?2",
                                   [&](sql::Statement &s) {
                                       caption.id > 0 ? s.bind(1, caption.id) : s.bindNull(1);
                                       s.bind(2, imageId).bind(3, caption.text.trimmed()).bind(4, caption.extId);
                                   },
                                   noImage(imageId));
    if (!inserted)
        return inserted.error();
    return db.lastInsertId();
}

Status setCaption(ProjectStore &store, qint64 captionId, const QString &text)
{
    if (auto s = requireText(text, "caption"); !s)
        return s;
    return runOne(store.database(), "UPDATE captions SET text = ?2 WHERE id = ?1",
                  [&](sql::Statement &s) { s.bind(1, captionId).bind(2, text.trimmed()); },
                  QStringLiteral("caption %1 is no longer in the project").arg(captionId));
}

Status removeCaption(ProjectStore &store, qint64 captionId)
{
    return runOne(store.database(), "DELETE FROM captions WHERE id = ?1",
                  [&](sql::Statement &s) { s.bind(1, captionId); });
}

Expected<qint64> addQuestion(ProjectStore &store, qint64 imageId, const QuestionRecord &q)
{
    if (auto s = validateQuestion(q); !s)
        return s.error();
    sql::Database &db = store.database();
    sql::Transaction tx(db);
    if (!tx.begun())
        return tx.begun().error();
    const Status inserted = runOne(
        db,
        "INSERT INTO questions(id, image_id, text, ext_id, question_type, answer_type, multiple_choice_answer) "
        "SELECT ?1, id, ?3, ?4, ?5, ?6, ?7 FROM images WHERE id = ?2",
        [&](sql::Statement &s) {
            q.id > 0 ? s.bind(1, q.id) : s.bindNull(1);
            s.bind(2, imageId).bind(3, q.text.trimmed()).bind(4, q.extId).bind(5, q.questionType);
            s.bind(6, q.answerType).bind(7, mostCommonAnswer(q.answers));
        },
        noImage(imageId));
    if (!inserted)
        return inserted.error();
    const qint64 id = db.lastInsertId();
    if (auto s = insertAnswers(db, id, q.answers); !s)
        return s.error();
    if (auto s = tx.commit(); !s)
        return s.error();
    return id;
}

Status setQuestion(ProjectStore &store, const QuestionRecord &q)
{
    if (auto s = validateQuestion(q); !s)
        return s;
    sql::Database &db = store.database();
    sql::Transaction tx(db);
    if (!tx.begun())
        return tx.begun();
    const Status updated = runOne(
        db, "UPDATE questions SET text = ?2, question_type = ?3, answer_type = ?4, multiple_choice_answer = ?5 WHERE id = ?1",
        [&](sql::Statement &s) {
            s.bind(1, q.id).bind(2, q.text.trimmed()).bind(3, q.questionType).bind(4, q.answerType);
            s.bind(5, mostCommonAnswer(q.answers));
        },
        QStringLiteral("question %1 is no longer in the project").arg(q.id));
    if (!updated)
        return updated;
    if (auto s = runOne(db, "DELETE FROM answers WHERE question_id = ?1", [&](sql::Statement &s) { s.bind(1, q.id); }); !s)
        return s;
    if (auto s = insertAnswers(db, q.id, q.answers); !s)
        return s;
    return tx.commit();
}

Status removeQuestion(ProjectStore &store, qint64 questionId)
{
    return runOne(store.database(), "DELETE FROM questions WHERE id = ?1",
                  [&](sql::Statement &s) { s.bind(1, questionId); });
}

Status setTags(ProjectStore &store, qint64 imageId, const QStringList &tags)
{
    sql::Database &db = store.database();
    sql::Transaction tx(db);
    if (!tx.begun())
        return tx.begun();
    if (auto s = runOne(db, "DELETE FROM image_tags WHERE image_id = ?1", [&](sql::Statement &s) { s.bind(1, imageId); }); !s)
        return s;
    QSet<QString> seen;
    for (const QString &raw : tags) {
        const QString tag = raw.trimmed();
        if (tag.isEmpty() || seen.contains(tag))
            continue;
        seen.insert(tag);
        if (auto s = runOne(db, "INSERT OR IGNORE INTO tags(name) VALUES (?1)", [&](sql::Statement &s) { s.bind(1, tag); }); !s)
            return s;
        if (auto s = runOne(db, "INSERT INTO image_tags(image_id, tag_id) SELECT ?1, id FROM tags WHERE name = ?2",
                            [&](sql::Statement &s) { s.bind(1, imageId).bind(2, tag); });
            !s)
            return s;
    }
    // Tags no image uses any more leave the autocompletion list.
    if (auto s = db.exec("DELETE FROM tags WHERE id NOT IN (SELECT tag_id FROM image_tags)"); !s)
        return s;
    return tx.commit();
}

static Status forEachImage(ProjectStore &store, const char *sql, size_t count,
                           const std::function<void(sql::Statement &, size_t)> &bind)
{
    sql::Database &db = store.database();
    sql::Transaction tx(db);
    if (!tx.begun())
        return tx.begun();
    auto stmt = db.prepare(sql);
    if (!stmt)
        return stmt.error();
    for (size_t i = 0; i < count; ++i) {
        bind(*stmt, i);
        if (auto s = stmt->exec(); !s)
            return s;
    }
    return tx.commit();
}

Status setSplit(ProjectStore &store, const std::vector<qint64> &imageIds, const QString &split)
{
    const std::string value = split.trimmed().toStdString();
    return forEachImage(store, "UPDATE images SET split = ?2 WHERE id = ?1", imageIds.size(),
                        [&](sql::Statement &s, size_t i) { s.bind(1, imageIds[i]).bind(2, value); });
}

Status setStatus(ProjectStore &store, const std::vector<qint64> &imageIds, ReviewStatus status)
{
    return forEachImage(store, "UPDATE images SET status = ?2 WHERE id = ?1", imageIds.size(),
                        [&](sql::Statement &s, size_t i) { s.bind(1, imageIds[i]).bind(2, int(status)); });
}

Status setStatuses(ProjectStore &store, const std::vector<std::pair<qint64, ReviewStatus>> &statuses)
{
    return forEachImage(store, "UPDATE images SET status = ?2 WHERE id = ?1", statuses.size(),
                        [&](sql::Statement &s, size_t i) { s.bind(1, statuses[i].first).bind(2, int(statuses[i].second)); });
}

} // namespace edits
} // namespace tandem
