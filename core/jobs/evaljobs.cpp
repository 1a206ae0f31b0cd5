#include "evaljobs.h"

#include "data/embeddingstore.h"

#include "data/projectstore.h"
#include "eval/captionmetrics.h"
#include "eval/vqaaccuracy.h"

#include <QHash>
#include <algorithm>
#include <stdexcept>

namespace tandem {

namespace {

using predictions::ScoredPrediction;

constexpr int kConfusionLabels = 12;

QString mostCommon(const std::vector<std::string> &answers)
{
    std::map<std::string, int> counts;
    for (const std::string &a : answers)
        ++counts[a];
    const auto best = std::max_element(counts.begin(), counts.end(),
                                       [](const auto &a, const auto &b) { return a.second < b.second; });
    return best == counts.end() ? QString() : QString::fromStdString(best->first);
}

EvalSample sampleOf(const ScoredPrediction &p)
{
    EvalSample s;
    s.imageId = p.imageId;
    s.questionId = p.questionId;
    s.image = p.image;
    s.question = p.question;
    s.questionType = p.questionType;
    s.answerType = p.answerType;
    s.predicted = p.text;
    s.references = int(p.references.size());
    s.reference = p.questionId > 0 ? mostCommon(p.references)
                                   : (p.references.empty() ? QString() : QString::fromStdString(p.references.front()));
    s.score = p.score.value_or(0);
    return s;
}

void scoreAnswers(RunEvaluation &e, const std::vector<ScoredPrediction> &rows)
{
    std::vector<eval::VqaQuestion> questions;
    std::vector<std::string> predictions;
    for (const ScoredPrediction &p : rows) {
        if (p.references.empty()) {
            ++e.unscored;
            continue;
        }
        questions.push_back({p.references, p.questionType.toStdString(), p.answerType.toStdString()});
        predictions.push_back(p.text.toStdString());
        e.samples.push_back(sampleOf(p));
    }
    e.metric = QStringLiteral("VQA accuracy");
    if (questions.empty())
        return;
    // With one human answer per question the official accuracy is always 0: those are matched.
    const bool severalHumans = std::any_of(questions.begin(), questions.end(),
                                           [](const eval::VqaQuestion &q) { return q.answers.size() > 1; });
    if (!severalHumans)
        e.metric = QStringLiteral("answer accuracy");
    const eval::VqaScores scores = severalHumans ? eval::scoreVqa(questions, predictions)
                                                 : eval::scoreAnswerMatching(questions, predictions);
    for (size_t i = 0; i < e.samples.size(); ++i)
        e.samples[i].accuracy = scores.perQuestion[i];
    e.overall = scores.overall.exact;
    for (const auto &[type, percent] : scores.perAnswerType)
        e.perAnswerType[QString::fromStdString(type)] = percent.exact;
    for (const auto &[type, percent] : scores.perQuestionType)
        e.perQuestionType[QString::fromStdString(type)] = percent.exact;
}

void fillConfusion(RunEvaluation &e)
{
    QHash<QString, int> frequency;
    for (const EvalSample &s : e.samples)
        ++frequency[s.reference];
    std::vector<std::pair<int, QString>> ranked;
    for (auto it = frequency.begin(); it != frequency.end(); ++it)
        ranked.emplace_back(-it.value(), it.key());
    std::sort(ranked.begin(), ranked.end());
    for (size_t i = 0; i < ranked.size() && i < size_t(kConfusionLabels); ++i)
        e.confusionLabels << ranked[i].second;
    e.confusion.assign(size_t(e.confusionLabels.size()), std::vector<int>(size_t(e.confusionLabels.size()), 0));
    for (const EvalSample &s : e.samples) {
        const int row = int(e.confusionLabels.indexOf(s.reference)), column = int(e.confusionLabels.indexOf(s.predicted));
        if (row >= 0 && column >= 0)
            ++e.confusion[size_t(row)][size_t(column)];
    }
}

void scoreCaptions(RunEvaluation &e, const std::vector<ScoredPrediction> &rows)
{
    std::vector<eval::Sentences> references;
    eval::Sentences candidates;
    for (const ScoredPrediction &p : rows) {
        if (p.references.empty()) {
            ++e.unscored;
            continue;
        }
        references.push_back(p.references);
        candidates.push_back(p.text.toStdString());
        e.samples.push_back(sampleOf(p));
    }
    e.metric = QStringLiteral("CIDEr-D");
    if (candidates.empty())
        return;
    const eval::CaptionScores scores = eval::scoreCaptions(references, candidates);
    for (size_t i = 0; i < e.samples.size(); ++i) {
        e.samples[i].accuracy = scores.perImage[i].ciderD;
        e.samples[i].bleu4 = scores.perImage[i].bleu[3];
        e.samples[i].rougeL = scores.perImage[i].rougeL;
    }
    e.overall = scores.ciderD;
}

} // namespace

Expected<RunEvaluation> evaluateRun(const QString &project, qint64 runId, qint64 compareWith)
{
    auto store = ProjectStore::open(project);
    if (!store)
        return store.error();
    auto run = runs::get(*store, runId);
    if (!run)
        return run.error();
    auto rows = predictions::withReferences(*store, runId);
    if (!rows)
        return rows.error();
    RunEvaluation e;
    e.run = *run;
    const bool answers = std::any_of(rows->begin(), rows->end(), [](const ScoredPrediction &p) { return p.questionId > 0; });
    e.task = run->task().value_or(answers ? TaskKind::Vqa : TaskKind::Caption);
    if (e.task == TaskKind::Retrieval)
        return Error::usage(QStringLiteral("run %1 stored embeddings, not predictions: its recall is in its metrics").arg(runId));
    if (e.task == TaskKind::Tagging)
        return Error::usage(QStringLiteral("run %1 suggested tags: its precision, recall and F1 against the images' tags are "
                                           "in its metrics ('tandem-cli runs')").arg(runId));
    try {
        if (e.task == TaskKind::Vqa) {
            scoreAnswers(e, *rows);
            fillConfusion(e);
        } else {
            scoreCaptions(e, *rows);
        }
    } catch (const std::invalid_argument &error) {
        return Error::input(QString::fromUtf8(error.what()), project);
    }
    if (compareWith > 0) {
        auto other = predictions::withReferences(*store, compareWith);
        if (!other)
            return other.error();
        QHash<QPair<qint64, qint64>, QString> theirs;
        for (const ScoredPrediction &p : *other)
            theirs.insert({p.imageId, p.questionId}, p.text);
        for (EvalSample &s : e.samples)
            s.otherPrediction = theirs.value({s.imageId, s.questionId});
    }
    return e;
}

Expected<std::vector<RunRecord>> evaluableRuns(const QString &project)
{
    auto store = ProjectStore::open(project);
    if (!store)
        return store.error();
    // embed runs (retrieval vectors, or a VQA model's image features) have no predictions to score
    return runs::listMatching(*store, RunKind::Infer, [](const RunRecord &run) { return !embeddings::isEmbedRun(run); });
}

} // namespace tandem
