#include "runstore.h"

#include "data/imagerecords.h"
#include "data/projectstore.h"
#include "data/storerows.h"

#include <algorithm>
#include <unordered_map>

namespace tandem {

using rows::collect;
using rows::execute;

namespace predictions {

Expected<qint64> saveRun(ProjectStore &store, RunKind kind, const QString &name, const QJsonObject &config,
                         const QJsonObject &metrics, const std::vector<NewPrediction> &rows,
                         const std::vector<PredictionCertainty> &certainty)
{
    sql::Transaction tx(store.database());
    if (!tx.begun())
        return tx.begun().error();
    const qint64 modelId = models::idForCheckpoint(store, config.value(QStringLiteral("checkpoint")).toString());
    auto run = runs::create(store, kind, name, config, modelId);
    if (!run)
        return run.error();
    if (auto s = runs::update(store, *run, metrics, RunStatus::Completed); !s)
        return s.error();
    auto insert = store.database().prepare(
        "INSERT INTO predictions(run_id, image_id, question_id, text, score, attention, margin, entropy, mean_log_prob, tag) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
    if (!insert)
        return insert.error();
    for (size_t row = 0; row < rows.size(); ++row) {
        const NewPrediction &p = rows[row];
        const PredictionCertainty sure = row < certainty.size() ? certainty[row] : PredictionCertainty{};
        insert->bind(1, *run).bind(2, p.imageId).bind(4, p.text).bind(10, int(p.tag));
        p.questionId > 0 ? insert->bind(3, p.questionId) : insert->bindNull(3);
        p.score ? insert->bind(5, *p.score) : insert->bindNull(5);
        p.attention.isEmpty() ? insert->bindNull(6) : insert->bindBlob(6, p.attention.constData(), int(p.attention.size()));
        int column = 7;
        for (const std::optional<double> &v : {sure.margin, sure.entropy, sure.meanLogProb}) {
            v ? insert->bind(column, *v) : insert->bindNull(column);
            ++column;
        }
        if (auto s = insert->exec(); !s)
            return s.error();
    }
    if (kind != RunKind::Eval) // results made elsewhere are scored, not suggested
        if (auto s = execute(store, "UPDATE images SET status = 1 WHERE status = 0 AND id IN "
                                    "(SELECT image_id FROM predictions WHERE run_id = ?1)",
                             [&](sql::Statement &st) { st.bind(1, *run); });
            !s)
            return s.error();
    if (auto s = tx.commit(); !s)
        return s.error();
    return *run;
}

namespace {

const char *const predictionColumns =
    "SELECT p.id, p.run_id, r.name, p.image_id, coalesce(p.question_id, 0), coalesce(q.text, ''), p.text, p.score, "
    "p.state, coalesce(p.label_id, 0), p.attention, p.tag FROM predictions p JOIN runs r ON r.id = p.run_id "
    "LEFT JOIN questions q ON q.id = p.question_id ";

PredictionRecord readPrediction(sql::Statement &st)
{
    PredictionRecord p;
    p.id = st.int64(0);
    p.runId = st.int64(1);
    p.runName = st.qtext(2);
    p.imageId = st.int64(3);
    p.questionId = st.int64(4);
    p.question = st.qtext(5);
    p.text = st.qtext(6);
    if (!st.isNull(7))
        p.score = st.real(7);
    p.state = SuggestionState(st.integer(8));
    p.labelId = st.int64(9);
    if (!st.isNull(10))
        p.attention = decodeAttention(st.blob(10));
    p.tag = st.integer(11) != 0;
    return p;
}

Expected<PredictionRecord> getOne(ProjectStore &store, qint64 id)
{
    auto rows = collect<PredictionRecord>(store, std::string(predictionColumns) + "WHERE p.id = ?1",
                                          [&](sql::Statement &st) { st.bind(1, id); }, readPrediction);
    if (!rows)
        return rows.error();
    if (rows->empty())
        return Error::usage(QStringLiteral("the project has no prediction %1").arg(id));
    return rows->front();
}

Status setState(ProjectStore &store, qint64 id, SuggestionState state, qint64 labelId)
{
    return execute(store, "UPDATE predictions SET state = ?1, label_id = ?2 WHERE id = ?3", [&](sql::Statement &st) {
        st.bind(1, int(state));
        labelId > 0 ? st.bind(2, labelId) : st.bindNull(2);
        st.bind(3, id);
    });
}

Status recountMultipleChoice(ProjectStore &store, qint64 questionId)
{
    return execute(store,
                   "UPDATE questions SET multiple_choice_answer = coalesce((SELECT text FROM answers WHERE question_id = ?1 "
                   "GROUP BY text ORDER BY count(*) DESC, min(id) LIMIT 1), '') WHERE id = ?1",
                   [&](sql::Statement &st) { st.bind(1, questionId); });
}

// Tags the image with `name` (the tag made when new); the tag's id, or 0 when
// the image had that tag already (then undoing the accept leaves it).
Expected<qint64> addTag(ProjectStore &store, qint64 imageId, const QString &name)
{
    sql::Database &db = store.database();
    if (auto s = execute(store, "INSERT OR IGNORE INTO tags(name) VALUES (?1)", [&](sql::Statement &st) { st.bind(1, name); }); !s)
        return s.error();
    auto tag = collect<qint64>(store, "SELECT id FROM tags WHERE name = ?1", [&](sql::Statement &st) { st.bind(1, name); },
                               [](sql::Statement &st) { return st.int64(0); });
    if (!tag)
        return tag.error();
    if (tag->empty())
        return Error::store(QStringLiteral("the tag \"%1\" could not be stored").arg(name));
    if (auto s = execute(store, "INSERT OR IGNORE INTO image_tags(image_id, tag_id) VALUES (?1, ?2)",
                         [&](sql::Statement &st) { st.bind(1, imageId).bind(2, tag->front()); });
        !s)
        return s.error();
    return db.changes() > 0 ? tag->front() : qint64(0);
}

// The caption, answer or tag that accepting `p` with `text` makes; its id.
Expected<qint64> makeLabel(ProjectStore &store, const PredictionRecord &p, const QString &text)
{
    if (text.trimmed().isEmpty())
        return Error::usage(QStringLiteral("an accepted suggestion cannot be empty"));
    sql::Database &db = store.database();
    if (p.tag)
        return addTag(store, p.imageId, text.trimmed());
    if (p.questionId == 0) {
        auto s = execute(store, "INSERT INTO captions(image_id, text) VALUES (?1, ?2)",
                         [&](sql::Statement &st) { st.bind(1, p.imageId).bind(2, text.trimmed()); });
        return s ? Expected<qint64>(qint64(db.lastInsertId())) : Expected<qint64>(s.error());
    }
    auto count = db.scalar("SELECT count(*) FROM answers WHERE question_id = " + std::to_string(p.questionId));
    if (!count)
        return count.error();
    if (*count >= kMaxAnswers)
        return Error::usage(QStringLiteral("the question \"%1\" already has %2 answers").arg(p.question).arg(kMaxAnswers));
    auto s = execute(store, "INSERT INTO answers(question_id, text) VALUES (?1, ?2)",
                     [&](sql::Statement &st) { st.bind(1, p.questionId).bind(2, text.trimmed()); });
    if (!s)
        return s.error();
    const qint64 id = db.lastInsertId();
    if (auto r = recountMultipleChoice(store, p.questionId); !r)
        return r.error();
    return id;
}

Status removeLabel(ProjectStore &store, const PredictionRecord &p)
{
    if (p.labelId == 0)
        return {};
    if (p.tag) { // the tag goes when no image has it any more, as when a person removes it
        if (auto s = execute(store, "DELETE FROM image_tags WHERE image_id = ?1 AND tag_id = ?2",
                             [&](sql::Statement &st) { st.bind(1, p.imageId).bind(2, p.labelId); });
            !s)
            return s;
        return execute(store, "DELETE FROM tags WHERE id = ?1 AND NOT EXISTS (SELECT 1 FROM image_tags WHERE tag_id = ?1)",
                       [&](sql::Statement &st) { st.bind(1, p.labelId); });
    }
    if (p.questionId == 0)
        return execute(store, "DELETE FROM captions WHERE id = ?1", [&](sql::Statement &st) { st.bind(1, p.labelId); });
    if (auto s = execute(store, "DELETE FROM answers WHERE id = ?1", [&](sql::Statement &st) { st.bind(1, p.labelId); }); !s)
        return s;
    return recountMultipleChoice(store, p.questionId);
}

// One transaction over `ids`: `change` for each prediction (false: left as it was).
Expected<SuggestionChange> changeEach(ProjectStore &store, const std::vector<qint64> &ids,
                                      const std::function<Expected<bool>(const PredictionRecord &, size_t)> &change)
{
    sql::Transaction tx(store.database());
    if (!tx.begun())
        return tx.begun().error();
    SuggestionChange result;
    for (size_t i = 0; i < ids.size(); ++i) {
        auto p = getOne(store, ids[i]);
        if (!p)
            return p.error();
        auto changed = change(*p, i);
        if (!changed)
            return changed.error();
        if (!*changed)
            continue;
        result.changed.push_back(p->id);
        result.images.push_back(p->imageId);
    }
    if (auto s = tx.commit(); !s)
        return s.error();
    std::sort(result.images.begin(), result.images.end());
    result.images.erase(std::unique(result.images.begin(), result.images.end()), result.images.end());
    return result;
}

Expected<bool> changed(const Status &status)
{
    return status ? Expected<bool>(true) : Expected<bool>(status.error());
}

} // namespace

Expected<std::vector<PredictionRecord>> forImage(ProjectStore &store, qint64 imageId, bool openOnly)
{
    return collect<PredictionRecord>(store,
                                     std::string(predictionColumns)
                                         + "WHERE p.image_id = ?1 AND (?2 = 0 OR p.state = 0) ORDER BY p.run_id DESC, p.id",
                                     [&](sql::Statement &st) { st.bind(1, imageId).bind(2, int(openOnly)); },
                                     readPrediction);
}

Expected<std::vector<ScoredPrediction>> withReferences(ProjectStore &store, qint64 runId)
{
    const auto bindRun = [&](sql::Statement &st) { st.bind(1, runId); };
    auto rows = collect<ScoredPrediction>(
        store,
        "SELECT p.image_id, coalesce(p.question_id, 0), i.name, coalesce(q.text, ''), coalesce(q.question_type, ''), "
        "coalesce(q.answer_type, ''), p.text, p.score FROM predictions p JOIN images i ON i.id = p.image_id "
        "LEFT JOIN questions q ON q.id = p.question_id WHERE p.run_id = ?1 AND p.tag = 0 ORDER BY p.id",
        bindRun, [](sql::Statement &st) {
            ScoredPrediction p;
            p.imageId = st.int64(0);
            p.questionId = st.int64(1);
            p.image = st.qtext(2);
            p.question = st.qtext(3);
            p.questionType = st.qtext(4);
            p.answerType = st.qtext(5);
            p.text = st.qtext(6);
            if (!st.isNull(7))
                p.score = st.real(7);
            return p;
        });
    if (!rows)
        return rows.error();
    using Reference = std::pair<qint64, std::string>;
    const auto readReference = [](sql::Statement &st) { return Reference{st.int64(0), st.text(1)}; };
    auto answers = collect<Reference>(
        store,
        "SELECT question_id, text FROM answers WHERE question_id IN (SELECT question_id FROM predictions WHERE run_id = ?1) "
        "AND id NOT IN (SELECT label_id FROM predictions WHERE state = 1 AND question_id IS NOT NULL AND label_id IS NOT NULL) "
        "ORDER BY id",
        bindRun, readReference);
    auto captions = collect<Reference>(
        store,
        "SELECT image_id, text FROM captions WHERE image_id IN "
        "(SELECT image_id FROM predictions WHERE run_id = ?1 AND question_id IS NULL AND tag = 0) "
        "AND id NOT IN (SELECT label_id FROM predictions WHERE state = 1 AND question_id IS NULL AND tag = 0 "
        "AND label_id IS NOT NULL) "
        "ORDER BY id",
        bindRun, readReference);
    if (!answers || !captions)
        return answers ? captions.error() : answers.error();
    std::unordered_map<qint64, std::vector<std::string>> byQuestion, byImage;
    for (auto &[question, text] : *answers)
        byQuestion[question].push_back(std::move(text));
    for (auto &[image, text] : *captions)
        byImage[image].push_back(std::move(text));
    for (ScoredPrediction &p : *rows)
        p.references = p.questionId > 0 ? byQuestion[p.questionId] : byImage[p.imageId];
    return rows;
}

Expected<std::vector<qint64>> openIds(ProjectStore &store, qint64 runId, double minScore,
                                      const std::vector<qint64> &imageIds)
{
    auto all = collect<std::pair<qint64, qint64>>(
        store, "SELECT id, image_id FROM predictions WHERE run_id = ?1 AND state = 0 AND coalesce(score, 0) >= ?2 ORDER BY id",
        [&](sql::Statement &st) { st.bind(1, runId).bind(2, minScore); },
        [](sql::Statement &st) { return std::make_pair(st.int64(0), st.int64(1)); });
    if (!all)
        return all.error();
    std::vector<qint64> wanted = imageIds;
    std::sort(wanted.begin(), wanted.end());
    std::vector<qint64> ids;
    for (const auto &[id, image] : *all)
        if (wanted.empty() || std::binary_search(wanted.begin(), wanted.end(), image))
            ids.push_back(id);
    return ids;
}

Expected<SuggestionChange> accept(ProjectStore &store, const std::vector<qint64> &ids, const std::vector<QString> &texts)
{
    if (!texts.empty() && texts.size() != ids.size())
        return Error::usage(QStringLiteral("one text per accepted suggestion"));
    QStringList skipped;
    auto result = changeEach(store, ids, [&](const PredictionRecord &p, size_t i) -> Expected<bool> {
        if (p.state != SuggestionState::Open)
            return false;
        auto label = makeLabel(store, p, texts.empty() ? p.text : texts[i]);
        if (!label && label.error().kind == ErrorKind::Usage && ids.size() > 1) {
            skipped << label.error().message; // a bulk accept goes on past a full question
            return false;
        }
        if (!label)
            return label.error();
        return changed(setState(store, p.id, SuggestionState::Accepted, *label));
    });
    if (result)
        result->skipped = skipped;
    return result;
}

Expected<SuggestionChange> reject(ProjectStore &store, const std::vector<qint64> &ids)
{
    return changeEach(store, ids, [&](const PredictionRecord &p, size_t) -> Expected<bool> {
        if (p.state != SuggestionState::Open)
            return false;
        return changed(setState(store, p.id, SuggestionState::Rejected, 0));
    });
}

Expected<SuggestionChange> reopen(ProjectStore &store, const std::vector<qint64> &ids)
{
    return changeEach(store, ids, [&](const PredictionRecord &p, size_t) -> Expected<bool> {
        if (p.state == SuggestionState::Open)
            return false;
        if (auto s = removeLabel(store, p); !s)
            return s.error();
        return changed(setState(store, p.id, SuggestionState::Open, 0));
    });
}

QString uncertaintyName(UncertaintyMeasure measure)
{
    switch (measure) {
    case UncertaintyMeasure::Auto: return QStringLiteral("auto");
    case UncertaintyMeasure::Margin: return QStringLiteral("margin");
    case UncertaintyMeasure::Entropy: return QStringLiteral("entropy");
    case UncertaintyMeasure::LogProb: return QStringLiteral("logprob");
    }
    return {};
}

std::optional<UncertaintyMeasure> parseUncertainty(const QString &name)
{
    for (auto m : {UncertaintyMeasure::Auto, UncertaintyMeasure::Margin, UncertaintyMeasure::Entropy, UncertaintyMeasure::LogProb})
        if (uncertaintyName(m) == name)
            return m;
    return std::nullopt;
}

std::string uncertaintyExpression(qint64 runId, UncertaintyMeasure measure)
{
    const std::string run = runId > 0 ? std::to_string(runId)
                                      : "(SELECT max(run_id) FROM predictions WHERE margin IS NOT NULL OR mean_log_prob IS NOT NULL)";
    const auto over = [&](const char *aggregate) {
        return std::string("(SELECT ") + aggregate + " FROM predictions u WHERE u.image_id = i.id AND u.run_id = " + run + ")";
    };
    switch (measure) {
    case UncertaintyMeasure::Margin: return over("1 - min(u.margin)");
    case UncertaintyMeasure::Entropy: return over("max(u.entropy)");
    case UncertaintyMeasure::LogProb: return over("-avg(u.mean_log_prob)");
    case UncertaintyMeasure::Auto: break;
    }
    return over("coalesce(1 - min(u.margin), -avg(u.mean_log_prob))");
}

Expected<std::vector<ImageUncertainty>> uncertainImages(ProjectStore &store, qint64 runId, UncertaintyMeasure measure,
                                                        bool labeledToo)
{
    auto st = store.database().prepare("SELECT id, name, u FROM (SELECT i.id, i.name, " + uncertaintyExpression(runId, measure)
                                       + " AS u FROM images i" + (labeledToo ? "" : " WHERE i.status IN (0, 1)")
                                       + ") WHERE u IS NOT NULL ORDER BY u DESC, id");
    if (!st)
        return st.error();
    std::vector<ImageUncertainty> out;
    while (st->step())
        out.push_back({st->int64(0), st->qtext(1), st->real(2)});
    if (!st->error().isEmpty())
        return Error::store(st->error());
    return out;
}

Expected<qint64> newestUncertainRun(ProjectStore &store)
{
    auto id = store.database().scalar(
        "SELECT coalesce(max(run_id), 0) FROM predictions WHERE margin IS NOT NULL OR mean_log_prob IS NOT NULL");
    if (!id)
        return id.error();
    return qint64(*id);
}

} // namespace predictions
} // namespace tandem
