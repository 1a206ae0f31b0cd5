// The machine-readable form of a ResultsReport, and storing it as an eval run.
#include "eval/resultsevaluation.h"

#include "data/projectstore.h"
#include "data/runstore.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace tandem::eval {

namespace {

const char *const kBleuNames[] = {"BLEU-1", "BLEU-2", "BLEU-3", "BLEU-4"};

// Ids as the results spelt them: 42 stays a number, "COCO_42" a string.
QJsonValue idJson(const std::string &id)
{
    bool numeric = false;
    const qint64 number = QByteArray::fromStdString(id).toLongLong(&numeric);
    if (numeric && std::to_string(number) == id)
        return number;
    return QString::fromStdString(id);
}

QJsonObject captionMetrics(const CaptionImageScores &scores)
{
    QJsonObject o;
    for (size_t n = 0; n < 4; ++n)
        o[QLatin1String(kBleuNames[n])] = scores.bleu[n];
    o[QStringLiteral("ROUGE-L")] = scores.rougeL;
    o[QStringLiteral("CIDEr-D")] = scores.ciderD;
    return o;
}

QJsonObject percents(const std::map<std::string, VqaPercent> &byType)
{
    QJsonObject o;
    for (const auto &[type, percent] : byType)
        o[QString::fromStdString(type)] = percent.rounded;
    return o;
}

QJsonObject metricsJson(const ResultsReport &report)
{
    if (report.task == ResultsTask::Caption)
        return captionMetrics({report.captions.bleu, report.captions.rougeL, report.captions.ciderD});
    return {{QStringLiteral("accuracy"), report.vqa.overall.rounded},
            {QStringLiteral("per_answer_type"), percents(report.vqa.perAnswerType)},
            {QStringLiteral("per_question_type"), percents(report.vqa.perQuestionType)}};
}

QJsonObject itemJson(const ResultsReport &report, size_t i)
{
    const ResultItem &item = report.items[i];
    if (report.task == ResultsTask::Caption) {
        QJsonObject o = captionMetrics(report.captions.perImage[i]);
        o[QStringLiteral("image_id")] = idJson(item.extId);
        o[QStringLiteral("caption")] = QString::fromStdString(item.prediction);
        return o;
    }
    return {{QStringLiteral("question_id"), idJson(item.extId)},
            {QStringLiteral("answer"), QString::fromStdString(item.prediction)},
            {QStringLiteral("accuracy"), item.score},
            {QStringLiteral("answer_type"), QString::fromStdString(item.answerType)},
            {QStringLiteral("question_type"), QString::fromStdString(item.questionType)}};
}


} // namespace

QJsonObject reportJson(const ResultsReport &report, bool perItem)
{
    QJsonObject o{{QStringLiteral("task"), taskName(report.task)},
                  {QStringLiteral("results_file"), report.resultsFile},
                  {QStringLiteral("split"), report.split},
                  {QStringLiteral("results"), report.results},
                  {QStringLiteral("evaluated"), qint64(report.items.size())},
                  {QStringLiteral("available"), report.available},
                  {QStringLiteral("warnings"), QJsonArray::fromStringList(report.warnings)},
                  {QStringLiteral("metrics"), metricsJson(report)}};
    if (perItem) {
        QJsonArray items;
        for (size_t i = 0; i < report.items.size(); ++i)
            items.append(itemJson(report, i));
        o[QStringLiteral("items")] = items;
    }
    return o;
}

Expected<qint64> saveEvalRun(ProjectStore &store, const ResultsReport &report, const QString &name)
{
    const QJsonObject config{{QStringLiteral("results_file"), report.resultsFile},
                             {QStringLiteral("task"), taskName(report.task)},
                             {QStringLiteral("split"), report.split}};
    std::vector<NewPrediction> rows;
    rows.reserve(report.items.size());
    for (const ResultItem &item : report.items)
        rows.push_back({item.imageRowId, item.questionRowId, QString::fromStdString(item.prediction), item.score, {}});
    return predictions::saveRun(store, RunKind::Eval, name, config, reportJson(report, false), rows);
}

} // namespace tandem::eval
