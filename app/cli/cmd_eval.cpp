// eval: scores caption or VQA results made elsewhere against the project's
// references, as the COCO caption and VQA evaluation tools do.
#include "cli.h"
#include "commands.h"
#include "jobs/evaljobs.h"

#include "data/projectstore.h"
#include "eval/resultsevaluation.h"

#include <QJsonArray>
#include <cstdio>

namespace tandem::cli {

namespace {

using eval::ResultsReport;
using eval::ResultsTask;

QString number(double value) { return QString::number(value, 'f', 4); }
QString percent(double value) { return QString::number(value, 'f', 2); }
QString text(const std::string &s) { return QString::fromStdString(s); }

void printSummary(const ResultsReport &report)
{
    const bool vqa = report.task == ResultsTask::Vqa;
    out(QStringLiteral("Evaluated %1 of %2 %3%4 (%5 results in %6)")
            .arg(report.items.size())
            .arg(report.available)
            .arg(vqa ? QStringLiteral("questions") : QStringLiteral("images"),
                 report.split.isEmpty() ? QString() : QStringLiteral(" of split '%1'").arg(report.split))
            .arg(report.results)
            .arg(report.resultsFile));
}

void printCaptionMetrics(const ResultsReport &report)
{
    for (int n = 0; n < 4; ++n)
        out(QStringLiteral("BLEU-%1    %2").arg(n + 1).arg(number(report.captions.bleu[size_t(n)])));
    out(QStringLiteral("ROUGE-L   %1").arg(number(report.captions.rougeL)));
    out(QStringLiteral("CIDEr-D   %1").arg(number(report.captions.ciderD)));
}

void printPercents(const QString &title, const std::map<std::string, eval::VqaPercent> &byType)
{
    out(title);
    int width = 0;
    for (const auto &entry : byType)
        width = std::max(width, int(entry.first.size()));
    for (const auto &[type, value] : byType)
        out(QStringLiteral("  %1  %2").arg(text(type).leftJustified(width), percent(value.rounded).rightJustified(6)));
}

void printVqaMetrics(const ResultsReport &report)
{
    out(QStringLiteral("Accuracy  %1").arg(percent(report.vqa.overall.rounded)));
    printPercents(QStringLiteral("Per answer type:"), report.vqa.perAnswerType);
    printPercents(QStringLiteral("Per question type:"), report.vqa.perQuestionType);
}

void printCaptionItems(const ResultsReport &report)
{
    out(QStringLiteral("\nimage_id     BLEU-1  BLEU-2  BLEU-3  BLEU-4 ROUGE-L CIDEr-D  caption"));
    for (size_t i = 0; i < report.items.size(); ++i) {
        const eval::CaptionImageScores &s = report.captions.perImage[i];
        QString line = text(report.items[i].extId).leftJustified(10);
        for (double value : {s.bleu[0], s.bleu[1], s.bleu[2], s.bleu[3], s.rougeL, s.ciderD})
            line += number(value).rightJustified(8);
        out(line + QStringLiteral("  ") + text(report.items[i].prediction));
    }
}

void printVqaItems(const ResultsReport &report)
{
    out(QStringLiteral("\nquestion_id  accuracy  answer_type  question_type  answer"));
    for (const eval::ResultItem &item : report.items)
        out(QStringLiteral("%1  %2  %3  %4  %5")
                .arg(text(item.extId).leftJustified(11), number(item.score).rightJustified(8),
                     text(item.answerType).leftJustified(11), text(item.questionType).leftJustified(13),
                     text(item.prediction)));
}

void printReport(const ResultsReport &report, bool perItem)
{
    printSummary(report);
    const bool vqa = report.task == ResultsTask::Vqa;
    vqa ? printVqaMetrics(report) : printCaptionMetrics(report);
    if (perItem)
        vqa ? printVqaItems(report) : printCaptionItems(report);
}

} // namespace

void declareEval(QCommandLineParser &p)
{
    p.addPositionalArgument(QStringLiteral("project"), QStringLiteral("The project file."));
    p.addOption({QStringLiteral("results"), QStringLiteral("The results file (JSON), as for the COCO or VQA tools."),
                 QStringLiteral("file")});
    p.addOption({QStringLiteral("task"), QStringLiteral("caption or vqa (default: from the results' keys)."),
                 QStringLiteral("task")});
    p.addOption({QStringLiteral("split"), QStringLiteral("Only this split's images and questions."),
                 QStringLiteral("split")});
    p.addOption({QStringLiteral("per-item"), QStringLiteral("Also show the metrics of every image or question.")});
    p.addOption({QStringLiteral("save"), QStringLiteral("Store the evaluation as a run with this name, with its predictions."),
                 QStringLiteral("name")});
    p.addOption({QStringLiteral("run"), QStringLiteral("Instead of --results: score a stored run's predictions, as the "
                                                       "GUI's evaluation panel does."), QStringLiteral("id")});
    p.addOption({QStringLiteral("compare"), QStringLiteral("With --run: a second run; --per-item shows its answer, and the "
                                                           "count of samples where the two disagree is printed."), QStringLiteral("id")});
    addCommonOptions(p, true, false);
}

namespace {

QJsonObject runEvaluationJson(const RunEvaluation &e, bool perItem)
{
    QJsonObject perAnswer, perQuestion;
    for (const auto &[type, percent] : e.perAnswerType)
        perAnswer[type] = percent;
    for (const auto &[type, percent] : e.perQuestionType)
        perQuestion[type] = percent;
    int disagree = 0;
    QJsonArray items;
    for (const EvalSample &s : e.samples) {
        disagree += !s.otherPrediction.isEmpty() && s.otherPrediction != s.predicted;
        if (perItem)
            items.append(QJsonObject{{QStringLiteral("image_id"), s.imageId}, {QStringLiteral("question_id"), s.questionId},
                                     {QStringLiteral("predicted"), s.predicted}, {QStringLiteral("reference"), s.reference},
                                     {QStringLiteral("accuracy"), s.accuracy}, {QStringLiteral("score"), s.score},
                                     {QStringLiteral("other"), s.otherPrediction}});
    }
    QJsonArray confusion;
    for (const auto &row : e.confusion) {
        QJsonArray counts;
        for (int c : row)
            counts.append(c);
        confusion.append(counts);
    }
    QJsonObject json{{QStringLiteral("run_id"), e.run.id}, {QStringLiteral("metric"), e.metric},
                     {QStringLiteral("overall"), e.overall}, {QStringLiteral("samples"), qint64(e.samples.size())},
                     {QStringLiteral("unscored"), e.unscored}, {QStringLiteral("per_answer_type"), perAnswer},
                     {QStringLiteral("per_question_type"), perQuestion}, {QStringLiteral("disagreements"), disagree},
                     {QStringLiteral("confusion_labels"), QJsonArray::fromStringList(e.confusionLabels)},
                     {QStringLiteral("confusion"), confusion}};
    if (perItem)
        json[QStringLiteral("items")] = items;
    return json;
}

int evalRun(QCommandLineParser &p)
{
    bool ok = false, okOther = true;
    const qint64 run = p.value(QStringLiteral("run")).toLongLong(&ok);
    const qint64 other = p.isSet(QStringLiteral("compare")) ? p.value(QStringLiteral("compare")).toLongLong(&okOther) : 0;
    if (!ok || !okOther || run < 1)
        return usageError(QStringLiteral("--run and --compare need run ids (see 'tandem-cli runs' or the GUI)"), QStringLiteral("eval"));
    auto e = evaluateRun(p.positionalArguments().first(), run, other);
    if (!e)
        return fail(e.error());
    const QJsonObject json = runEvaluationJson(*e, p.isSet(QStringLiteral("per-item")));
    if (p.isSet(QStringLiteral("json"))) {
        printJson(json);
        return ExitOk;
    }
    out(QStringLiteral("Run %1 (%2): %3 %4 over %5 samples").arg(e->run.id).arg(e->run.name, e->metric)
            .arg(e->overall, 0, 'f', 2).arg(e->samples.size()));
    for (const auto &[type, percent] : e->perAnswerType)
        out(QStringLiteral("  answer type %1: %2").arg(type).arg(percent, 0, 'f', 2));
    for (const auto &[type, percent] : e->perQuestionType)
        out(QStringLiteral("  question type %1: %2").arg(type).arg(percent, 0, 'f', 2));
    if (other > 0)
        out(QStringLiteral("Disagreements with run %1: %2").arg(other).arg(json.value(QStringLiteral("disagreements")).toInt()));
    if (p.isSet(QStringLiteral("per-item")))
        for (const EvalSample &s : e->samples)
            out(QStringLiteral("  %1  %2 -> %3 (reference %4) %5%6").arg(s.image, s.questionId > 0 ? s.question : QStringLiteral("caption"),
                                                                       s.predicted, s.reference).arg(s.accuracy, 0, 'f', 3)
                    .arg(s.otherPrediction.isEmpty() ? QString() : QStringLiteral("  other: ") + s.otherPrediction));
    return ExitOk;
}

} // namespace

int runEval(QCommandLineParser &p)
{
    const QString command = QStringLiteral("eval");
    if (p.positionalArguments().size() != 1)
        return usageError(QStringLiteral("expected one project path"), command);
    if (p.isSet(QStringLiteral("run")))
        return evalRun(p);
    if (!p.isSet(QStringLiteral("results")))
        return usageError(QStringLiteral("--results (a results file) or --run (a stored run) is required"), command);
    eval::ResultsOptions options;
    options.split = p.value(QStringLiteral("split"));
    if (p.isSet(QStringLiteral("task")) && (!eval::parseTask(p.value(QStringLiteral("task")), &options.task)
                                            || options.task == ResultsTask::Auto))
        return usageError(QStringLiteral("--task must be caption or vqa"), command);
    auto store = ProjectStore::open(p.positionalArguments().first());
    if (!store)
        return fail(store.error());
    auto report = eval::evaluateResults(*store, p.value(QStringLiteral("results")), options);
    if (!report)
        return fail(report.error());
    for (const QString &warning : report->warnings)
        std::fprintf(stderr, "tandem-cli: warning: %s\n", warning.toUtf8().constData());
    const bool perItem = p.isSet(QStringLiteral("per-item"));
    QJsonObject json = reportJson(*report, perItem);
    if (p.isSet(QStringLiteral("save"))) {
        auto run = eval::saveEvalRun(*store, *report, p.value(QStringLiteral("save")));
        if (!run)
            return fail(run.error());
        json[QStringLiteral("run_id")] = *run;
    }
    if (p.isSet(QStringLiteral("json"))) {
        printJson(json);
        return ExitOk;
    }
    printReport(*report, perItem);
    if (json.contains(QStringLiteral("run_id")))
        out(QStringLiteral("Saved as run %1 '%2'").arg(json.value(QStringLiteral("run_id")).toInteger())
                .arg(p.value(QStringLiteral("save"))));
    return ExitOk;
}

} // namespace tandem::cli
