#include "projectdata.h"

#include "data/attentionblob.h"
#include "eval/captionmetrics.h"
#include "eval/vqaaccuracy.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>
#include <functional>
#include <map>
#include <unordered_map>

namespace tandem::backend {

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

Status loadImages(ProjectStore &store, const QString &split, SplitData &data,
                  std::unordered_map<qint64, size_t> &index)
{
    auto stmt = store.database().prepare(
        "SELECT i.id, r.path, i.name FROM images i JOIN media_roots r ON r.id = i.root_id "
        "WHERE i.flag <= 0 AND (?1 = '' OR i.split = ?1) ORDER BY i.id");
    if (!stmt)
        return stmt.error();
    stmt->bind(1, split);
    while (stmt->step()) {
        ImageItem image;
        image.id = stmt->int64(0);
        image.name = stmt->qtext(2);
        image.path = store.rootPath(stmt->qtext(1)) + QLatin1Char('/') + image.name;
        index.emplace(image.id, data.images.size());
        data.images.push_back(std::move(image));
    }
    return stmt->error().isEmpty() ? Status() : Status(Error::store(stmt->error()));
}

Status loadQuestions(ProjectStore &store, const QString &split, SplitData &data,
                     const std::unordered_map<qint64, size_t> &index)
{
    auto stmt = store.database().prepare(
        "SELECT q.id, q.image_id, q.text, q.question_type, q.answer_type, q.multiple_choice_answer, a.text "
        "FROM questions q JOIN images i ON i.id = q.image_id LEFT JOIN answers a ON a.question_id = q.id "
        "WHERE i.flag <= 0 AND (?1 = '' OR i.split = ?1) ORDER BY q.id, a.id");
    if (!stmt)
        return stmt.error();
    stmt->bind(1, split);
    std::vector<std::string> multipleChoice;
    while (stmt->step()) {
        const qint64 id = stmt->int64(0);
        if (data.questions.empty() || data.questions.back().id != id) {
            QuestionItem q;
            q.id = id;
            q.image = index.at(stmt->int64(1));
            q.text = stmt->text(2);
            q.questionType = stmt->text(3);
            q.answerType = stmt->text(4);
            multipleChoice.push_back(stmt->text(5));
            data.images[q.image].questions.push_back(data.questions.size());
            data.questions.push_back(std::move(q));
        }
        if (!stmt->isNull(6))
            data.questions.back().answers.push_back(stmt->text(6));
    }
    for (size_t i = 0; i < data.questions.size(); ++i)
        data.questions[i].label = multipleChoice[i].empty() ? mostCommon(data.questions[i].answers) : multipleChoice[i];
    return stmt->error().isEmpty() ? Status() : Status(Error::store(stmt->error()));
}

Status loadCaptions(ProjectStore &store, const QString &split, SplitData &data,
                    const std::unordered_map<qint64, size_t> &index)
{
    auto stmt = store.database().prepare(
        "SELECT c.id, c.image_id, c.text FROM captions c JOIN images i ON i.id = c.image_id "
        "WHERE i.flag <= 0 AND (?1 = '' OR i.split = ?1) ORDER BY c.id");
    if (!stmt)
        return stmt.error();
    stmt->bind(1, split);
    while (stmt->step()) {
        CaptionItem c{stmt->int64(0), index.at(stmt->int64(1)), stmt->text(2)};
        data.images[c.image].captions.push_back(data.captions.size());
        data.captions.push_back(std::move(c));
    }
    return stmt->error().isEmpty() ? Status() : Status(Error::store(stmt->error()));
}

QString jsonText(const QJsonObject &object)
{
    return QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact));
}

Status execute(ProjectStore &store, const char *sql, const std::function<void(sql::Statement &)> &bind)
{
    auto stmt = store.database().prepare(sql);
    if (!stmt)
        return stmt.error();
    bind(*stmt);
    return stmt->exec();
}

} // namespace

Expected<SplitData> loadSplit(ProjectStore &store, const QString &split)
{
    SplitData data;
    std::unordered_map<qint64, size_t> index;
    if (auto s = loadImages(store, split, data, index); !s)
        return s.error();
    if (auto s = loadQuestions(store, split, data, index); !s)
        return s.error();
    if (auto s = loadCaptions(store, split, data, index); !s)
        return s.error();
    return data;
}

Expected<qint64> createRun(ProjectStore &store, const QString &kind, const QString &name, const QJsonObject &config,
                           qint64 modelId)
{
    auto s = execute(store, "INSERT INTO runs(kind, name, config, model_id) VALUES (?1, ?2, ?3, ?4)",
                     [&](sql::Statement &st) {
                         st.bind(1, kind).bind(2, name).bind(3, jsonText(config));
                         modelId > 0 ? st.bind(4, modelId) : st.bindNull(4);
                     });
    if (!s)
        return s.error();
    return qint64(store.database().lastInsertId());
}

Status updateRun(ProjectStore &store, qint64 runId, const QJsonObject &metrics, const QString &status, bool finished)
{
    return execute(store,
                   "UPDATE runs SET metrics = ?1, status = ?2, "
                   "finished_at = CASE WHEN ?3 THEN datetime('now') ELSE NULL END WHERE id = ?4",
                   [&](sql::Statement &st) { st.bind(1, jsonText(metrics)).bind(2, status).bind(3, int(finished)).bind(4, runId); });
}

bool runExists(ProjectStore &store, qint64 runId)
{
    auto n = store.database().scalar("SELECT count(*) FROM runs WHERE id = " + std::to_string(runId));
    return n && *n > 0;
}

qint64 modelIdForCheckpoint(ProjectStore &store, const QString &checkpoint)
{
    auto stmt = store.database().prepare("SELECT id FROM models WHERE checkpoint = ?1 ORDER BY id DESC LIMIT 1");
    if (!stmt)
        return 0;
    stmt->bind(1, QFileInfo(checkpoint).absoluteFilePath());
    return stmt->step() ? stmt->int64(0) : 0;
}

Expected<qint64> saveModelRow(ProjectStore &store, const QString &name, const QJsonObject &architecture,
                              const QString &checkpoint)
{
    const QString path = QFileInfo(checkpoint).absoluteFilePath();
    if (const qint64 id = modelIdForCheckpoint(store, path)) {
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

Status linkRunToModel(ProjectStore &store, qint64 runId, qint64 modelId)
{
    return execute(store, "UPDATE runs SET model_id = ?1 WHERE id = ?2",
                   [&](sql::Statement &st) { st.bind(1, modelId).bind(2, runId); });
}

namespace {

QJsonObject inferConfig(const InferenceRequest &request, const QString &task)
{
    QJsonObject config{{QStringLiteral("task"), task},
                       {QStringLiteral("checkpoint"), QFileInfo(request.checkpoint).absoluteFilePath()},
                       {QStringLiteral("split"), request.split}};
    if (task == QLatin1String("caption")) {
        config[QStringLiteral("beam")] = request.beam;
        config[QStringLiteral("max_length")] = request.maxLength;
        config[QStringLiteral("length_penalty")] = request.lengthPenalty;
    }
    return config;
}

} // namespace

Expected<qint64> saveInferenceRun(ProjectStore &store, const InferenceRequest &request, const QString &task,
                                  const QJsonObject &metrics, const char *sql,
                                  const std::function<Status(sql::Statement &, qint64 run)> &insertAll)
{
    sql::Transaction tx(store.database());
    if (!tx.begun())
        return tx.begun().error();
    auto run = createRun(store, QStringLiteral("infer"), request.saveAs, inferConfig(request, task),
                         modelIdForCheckpoint(store, request.checkpoint));
    if (!run)
        return run.error();
    if (auto s = updateRun(store, *run, metrics, QStringLiteral("completed"), true); !s)
        return s.error();
    auto stmt = store.database().prepare(sql);
    if (!stmt)
        return stmt.error();
    if (auto s = insertAll(*stmt, *run); !s)
        return s.error();
    if (auto s = tx.commit(); !s)
        return s.error();
    return *run;
}

Expected<qint64> saveAnswers(ProjectStore &store, const InferenceRequest &request, const QJsonObject &metrics,
                             const std::vector<AnswerPrediction> &answers)
{
    return saveInferenceRun(
        store, request, QStringLiteral("vqa"), metrics,
        "INSERT INTO predictions(run_id, image_id, question_id, text, score) VALUES (?1, ?2, ?3, ?4, ?5)",
        [&](sql::Statement &st, qint64 run) -> Status {
            for (const auto &a : answers) {
                st.bind(1, run).bind(2, a.imageId).bind(3, a.questionId).bind(4, a.answer).bind(5, a.score);
                if (auto s = st.exec(); !s)
                    return s;
            }
            return {};
        });
}

Expected<qint64> saveCaptions(ProjectStore &store, const InferenceRequest &request, const QJsonObject &metrics,
                              const std::vector<CaptionPrediction> &captions)
{
    return saveInferenceRun(
        store, request, QStringLiteral("caption"), metrics,
        "INSERT INTO predictions(run_id, image_id, text, score, attention) VALUES (?1, ?2, ?3, ?4, ?5)",
        [&](sql::Statement &st, qint64 run) -> Status {
            for (const auto &c : captions) {
                const QByteArray blob = encodeAttention({c.gridHeight, c.gridWidth, c.attention});
                st.bind(1, run).bind(2, c.imageId).bind(3, c.caption).bind(4, c.logProb);
                st.bindBlob(5, blob.constData(), int(blob.size()));
                if (auto s = st.exec(); !s)
                    return s;
            }
            return {};
        });
}

QJsonObject scoreAnswers(std::vector<AnswerPrediction> &answers, const SplitData &data)
{
    std::unordered_map<qint64, const QuestionItem *> byId;
    for (const auto &q : data.questions)
        byId.emplace(q.id, &q);
    std::vector<eval::VqaQuestion> questions;
    std::vector<std::string> predicted;
    std::vector<AnswerPrediction *> scored;
    bool severalHumans = false;
    double exact = 0;
    for (auto &a : answers) {
        const QuestionItem *q = byId.at(a.questionId);
        if (q->answers.empty())
            continue;
        questions.push_back({q->answers, q->questionType, q->answerType});
        predicted.push_back(a.answer.toStdString());
        scored.push_back(&a);
        severalHumans = severalHumans || q->answers.size() > 1;
        exact += eval::normalizeVqaAnswer(predicted.back()) == eval::normalizeVqaAnswer(q->label) ? 1 : 0;
    }
    if (questions.empty())
        return {};
    QJsonObject metrics{{QStringLiteral("answer_accuracy"), 100.0 * exact / double(questions.size())},
                        {QStringLiteral("questions"), qint64(questions.size())}};
    // The official VQA accuracy leaves one human answer out in turn: with a
    // single answer per question (Sort-of-CLEVR) it is always 0, so it is only
    // reported where questions have several.
    const eval::VqaScores scores = eval::scoreVqa(questions, predicted);
    for (size_t i = 0; i < scored.size(); ++i)
        scored[i]->accuracy = severalHumans ? scores.perQuestion[i]
                                            : double(eval::normalizeVqaAnswer(predicted[i])
                                                     == eval::normalizeVqaAnswer(questions[i].answers.front()));
    if (!severalHumans)
        return metrics;
    QJsonObject perType;
    for (const auto &[type, percent] : scores.perAnswerType)
        perType[QString::fromStdString(type)] = percent.rounded;
    metrics[QStringLiteral("vqa_accuracy")] = scores.overall.rounded;
    metrics[QStringLiteral("vqa_accuracy_per_answer_type")] = perType;
    return metrics;
}

QJsonObject scoreCaptionPredictions(const std::vector<CaptionPrediction> &captions, const SplitData &data)
{
    std::unordered_map<qint64, const ImageItem *> byId;
    for (const auto &image : data.images)
        byId.emplace(image.id, &image);
    std::vector<eval::Sentences> references;
    eval::Sentences candidates;
    for (const auto &c : captions) {
        const ImageItem *image = byId.at(c.imageId);
        if (image->captions.empty())
            continue;
        eval::Sentences refs;
        for (size_t i : image->captions)
            refs.push_back(data.captions[i].text);
        references.push_back(std::move(refs));
        candidates.push_back(c.caption.toStdString());
    }
    if (candidates.empty())
        return {};
    const eval::CaptionScores s = eval::scoreCaptions(references, candidates);
    return {{QStringLiteral("bleu1"), s.bleu[0]}, {QStringLiteral("bleu2"), s.bleu[1]},
            {QStringLiteral("bleu3"), s.bleu[2]}, {QStringLiteral("bleu4"), s.bleu[3]},
            {QStringLiteral("rouge_l"), s.rougeL}, {QStringLiteral("cider_d"), s.ciderD},
            {QStringLiteral("images"), qint64(candidates.size())}};
}

} // namespace tandem::backend
