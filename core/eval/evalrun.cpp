// The machine-readable form of a ResultsReport, and storing it as an eval run.
#include "eval/resultsevaluation.h"

#include "data/projectstore.h"

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

QByteArray compact(const QJsonObject &o) { return QJsonDocument(o).toJson(QJsonDocument::Compact); }

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
    sql::Database &db = store.database();
    sql::Transaction tx(db);
    if (!tx.begun())
        return tx.begun().error();
    const QJsonObject config{{QStringLiteral("results_file"), report.resultsFile},
                             {QStringLiteral("task"), taskName(report.task)},
                             {QStringLiteral("split"), report.split}};
    auto run = db.prepare("INSERT INTO runs(kind, name, status, config, metrics, finished_at) "
                          "VALUES ('eval', ?1, 'finished', ?2, ?3, datetime('now'))");
    if (!run)
        return run.error();
    run->bind(1, name).bind(2, compact(config).toStdString()).bind(3, compact(reportJson(report, false)).toStdString());
    if (Status s = run->exec(); !s)
        return s.error();
    const qint64 runId = db.lastInsertId();
    auto prediction = db.prepare("INSERT INTO predictions(run_id, image_id, question_id, text, score) "
                                 "VALUES (?1, ?2, ?3, ?4, ?5)");
    if (!prediction)
        return prediction.error();
    for (const ResultItem &item : report.items) {
        prediction->bind(1, runId).bind(2, item.imageRowId).bind(4, std::string_view(item.prediction)).bind(5, item.score);
        if (item.questionRowId)
            prediction->bind(3, item.questionRowId);
        else
            prediction->bindNull(3);
        if (Status s = prediction->exec(); !s)
            return s.error();
    }
    if (Status s = tx.commit(); !s)
        return s.error();
    return runId;
}

} // namespace tandem::eval
