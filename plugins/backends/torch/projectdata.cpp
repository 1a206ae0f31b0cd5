#include "projectdata.h"

#include "data/attentionblob.h"
#include "eval/captionmetrics.h"
#include "eval/vqaaccuracy.h"

#include <QFileInfo>
#include <map>
#include <unordered_map>

namespace tandem::backend {

namespace {

QJsonObject inferConfig(const InferenceRequest &request, TaskKind task)
{
    QJsonObject config{{QStringLiteral("task"), taskName(task)},
                       {QStringLiteral("checkpoint"), QFileInfo(request.checkpoint).absoluteFilePath()},
                       {QStringLiteral("split"), request.split}};
    if (!request.imageIds.empty()) // a run on chosen images, not the whole split
        config[QStringLiteral("images")] = qint64(request.imageIds.size());
    if (task == TaskKind::Caption) {
        config[QStringLiteral("beam")] = request.beam;
        config[QStringLiteral("max_length")] = request.maxLength;
        config[QStringLiteral("length_penalty")] = request.lengthPenalty;
    }
    if (task == TaskKind::Tagging) {
        config[QStringLiteral("threshold")] = request.tagThreshold;
        config[QStringLiteral("max_tags")] = request.maxTags;
    }
    return config;
}

} // namespace

Expected<qint64> saveAnswers(ProjectStore &store, const InferenceRequest &request, const QJsonObject &metrics,
                             const std::vector<AnswerPrediction> &answers)
{
    std::vector<NewPrediction> rows;
    std::vector<PredictionCertainty> certainty;
    rows.reserve(answers.size());
    for (const auto &a : answers) {
        rows.push_back({a.imageId, a.questionId, a.answer, a.score, {}});
        certainty.push_back({a.margin, a.entropy, std::nullopt});
    }
    return predictions::saveRun(store, RunKind::Infer, request.saveAs, inferConfig(request, TaskKind::Vqa), metrics, rows,
                                certainty);
}

Expected<qint64> saveCaptions(ProjectStore &store, const InferenceRequest &request, const QJsonObject &metrics,
                              const std::vector<CaptionPrediction> &captions)
{
    std::vector<NewPrediction> rows;
    std::vector<PredictionCertainty> certainty;
    rows.reserve(captions.size());
    for (const auto &c : captions) {
        rows.push_back({c.imageId, 0, c.caption, c.logProb, encodeAttention({c.gridHeight, c.gridWidth, c.attention})});
        certainty.push_back({std::nullopt, std::nullopt, c.meanLogProb});
    }
    return predictions::saveRun(store, RunKind::Infer, request.saveAs, inferConfig(request, TaskKind::Caption), metrics,
                                rows, certainty);
}

Expected<qint64> saveTags(ProjectStore &store, const InferenceRequest &request, const QJsonObject &metrics,
                          const std::vector<TagPrediction> &tags)
{
    std::vector<NewPrediction> rows;
    rows.reserve(tags.size());
    for (const auto &t : tags)
        rows.push_back({t.imageId, 0, t.tag, t.score, {}, true});
    return predictions::saveRun(store, RunKind::Infer, request.saveAs, inferConfig(request, TaskKind::Tagging), metrics, rows);
}

Expected<qint64> saveEmbeddings(ProjectStore &store, const InferenceRequest &request, TaskKind task, const QJsonObject &metrics,
                                const SplitEmbeddings &embeddings)
{
    QJsonObject withCounts = metrics;
    withCounts[QStringLiteral("dimension")] = embeddings.images.dimension;
    withCounts[QStringLiteral("images")] = qint64(embeddings.images.size());
    withCounts[QStringLiteral("captions")] = qint64(embeddings.captions.size());
    QJsonObject config = inferConfig(request, task);
    config[QStringLiteral("embed")] = true;
    return embeddings::saveRun(store, request.saveAs, config, withCounts, embeddings);
}

static QJsonObject percentByType(const std::map<std::string, eval::VqaPercent> &byType)
{
    QJsonObject out;
    for (const auto &[type, percent] : byType)
        out[QString::fromStdString(type)] = percent.rounded;
    return out;
}

QJsonObject scoreAnswers(std::vector<AnswerPrediction> &answers, const SplitData &data)
{
    std::unordered_map<qint64, const QuestionItem *> byId;
    for (const auto &q : data.questions)
        byId.emplace(q.id, &q);
    std::vector<eval::VqaQuestion> questions, labels; // labels: the question's label as its one answer
    std::vector<std::string> predicted;
    std::vector<AnswerPrediction *> scored;
    bool severalHumans = false;
    for (auto &a : answers) {
        const QuestionItem *q = byId.at(a.questionId);
        if (q->answers.empty())
            continue;
        questions.push_back({q->answers, q->questionType, q->answerType});
        labels.push_back({{q->label}, q->questionType, q->answerType});
        predicted.push_back(a.answer.toStdString());
        scored.push_back(&a);
        severalHumans = severalHumans || q->answers.size() > 1;
    }
    if (questions.empty())
        return {};
    const eval::VqaScores matched = eval::scoreAnswerMatching(labels, predicted);
    QJsonObject metrics{{QStringLiteral("answer_accuracy"), matched.overall.exact},
                        {QStringLiteral("questions"), qint64(questions.size())}};
    if (matched.perQuestionType.size() > 1 || !matched.perQuestionType.begin()->first.empty()) {
        QJsonObject perType;
        for (const auto &[type, percent] : matched.perQuestionType)
            perType[QString::fromStdString(type)] = percent.exact;
        metrics[QStringLiteral("answer_accuracy_per_question_type")] = perType;
    }
    // The official VQA accuracy leaves one human answer out in turn: with a
    // single answer per question (Sort-of-CLEVR) it is always 0, so it is only
    // reported where questions have several; otherwise answers are matched.
    const eval::VqaScores scores = severalHumans ? eval::scoreVqa(questions, predicted)
                                                 : eval::scoreAnswerMatching(questions, predicted);
    for (size_t i = 0; i < scored.size(); ++i)
        scored[i]->accuracy = scores.perQuestion[i];
    if (!severalHumans)
        return metrics;
    metrics[QStringLiteral("vqa_accuracy")] = scores.overall.rounded;
    metrics[QStringLiteral("vqa_accuracy_per_answer_type")] = percentByType(scores.perAnswerType);
    metrics[QStringLiteral("vqa_accuracy_per_question_type")] = percentByType(scores.perQuestionType);
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

QJsonObject scoreTags(const std::vector<TagPrediction> &tags, const SplitData &data)
{
    std::unordered_map<qint64, std::vector<QString>> suggested;
    for (const auto &t : tags)
        suggested[t.imageId].push_back(t.tag);
    qint64 images = 0, correct = 0, predicted = 0, actual = 0;
    for (const ImageItem &image : data.images) {
        if (image.tags.empty())
            continue; // nothing to score against
        ++images;
        actual += qint64(image.tags.size());
        for (const QString &tag : suggested[image.id]) {
            ++predicted;
            correct += std::count(image.tags.begin(), image.tags.end(), tag.toStdString()) > 0 ? 1 : 0;
        }
    }
    if (images == 0)
        return {};
    const double precision = predicted ? 100.0 * double(correct) / double(predicted) : 0.0;
    const double recall = 100.0 * double(correct) / double(actual);
    const double f1 = precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0.0;
    return {{QStringLiteral("tag_precision"), precision}, {QStringLiteral("tag_recall"), recall},
            {QStringLiteral("tag_f1"), f1}, {QStringLiteral("images"), images}};
}

} // namespace tandem::backend
