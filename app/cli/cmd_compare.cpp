// compare: one VQA model per fusion method on the same data with the same
// seed and settings, trained in turn, and the table of what each reached;
// without --fusions, the project's comparisons.
#include "commands.h"
#include "modelcli.h"

#include "jobs/comparejobs.h"
#include "train/fusioncatalog.h"

#include <QJsonArray>
#include <algorithm>
#include <memory>

namespace tandem::cli {

namespace {

QJsonObject rowJson(const CompareRow &r)
{
    return {{QStringLiteral("fusion"), r.fusion}, {QStringLiteral("run_id"), r.runId},
            {QStringLiteral("status"), runStatusName(r.status)}, {QStringLiteral("checkpoint"), r.checkpoint},
            {QStringLiteral("metric"), r.best ? r.best->name : QString()},
            {QStringLiteral("best"), r.best ? QJsonValue(r.best->value) : QJsonValue()},
            {QStringLiteral("best_epoch"), r.bestEpoch}, {QStringLiteral("epochs"), r.epochs},
            {QStringLiteral("final_train_loss"), r.finalTrainLoss}, {QStringLiteral("minutes"), r.minutes},
            {QStringLiteral("samples_per_second"), r.samplesPerSecond}};
}

void printComparison(const Comparison &c)
{
    out(QStringLiteral("Comparison \"%1\"").arg(c.name));
    out(QStringLiteral("  %1 %2 %3 %4 %5 %6  %7").arg(QStringLiteral("fusion"), -16).arg(QStringLiteral("best val"), -24)
            .arg(QStringLiteral("epoch"), 5).arg(QStringLiteral("loss"), 7).arg(QStringLiteral("min"), 6)
            .arg(QStringLiteral("samples/s"), 9).arg(QStringLiteral("status")));
    for (const CompareRow &r : c.rows)
        out(QStringLiteral("  %1 %2 %3 %4 %5 %6  %7").arg(r.fusion, -16)
                .arg(r.best ? QStringLiteral("%1 %2").arg(r.best->name).arg(r.best->value, 0, 'f', 2) : QStringLiteral("-"), -24)
                .arg(r.bestEpoch, 5).arg(r.finalTrainLoss, 7, 'f', 4).arg(r.minutes, 6, 'f', 1)
                .arg(r.samplesPerSecond, 9, 'f', 0).arg(runStatusName(r.status)));
    out(QStringLiteral("What each computes:"));
    for (const CompareRow &r : c.rows)
        if (const FusionInfo *info = findFusion(r.fusion))
            out(QStringLiteral("  %1 (%2): %3\n      %4").arg(r.fusion, info->title, info->summary, info->formula));
}

int listComparisons(const QString &project, const QString &only, bool json)
{
    auto all = comparisons(project);
    if (!all)
        return fail(all.error());
    QJsonArray array;
    bool shown = false;
    for (const Comparison &c : *all) {
        if (!only.isEmpty() && c.name != only)
            continue;
        shown = true;
        QJsonArray rows;
        for (const CompareRow &r : c.rows)
            rows.append(rowJson(r));
        array.append(QJsonObject{{QStringLiteral("name"), c.name}, {QStringLiteral("rows"), rows}});
        if (!json)
            printComparison(c);
    }
    if (json)
        printJson({{QStringLiteral("comparisons"), array}});
    else if (!shown)
        out(only.isEmpty() ? QStringLiteral("No comparisons yet: 'tandem-cli compare PROJECT --fusions film,concat --name NAME'")
                           : QStringLiteral("No comparison named '%1'").arg(only));
    return !only.isEmpty() && !shown ? ExitUsage : ExitOk;
}

} // namespace

void declareCompare(QCommandLineParser &p)
{
    p.addPositionalArgument(QStringLiteral("project"), QStringLiteral("The project file."));
    declareTrainOptions(p);
    p.addOption({QStringLiteral("fusions"), QStringLiteral("The fusion methods to train, comma-separated (at least two)."),
                 QStringLiteral("list")});
    p.addOption({QStringLiteral("name"), QStringLiteral("The comparison's name (kept in the project; --show shows it again)."),
                 QStringLiteral("name")});
    p.addOption({QStringLiteral("show"), QStringLiteral("Show a stored comparison instead of training one."), QStringLiteral("name")});
    addCommonOptions(p, true, true);
}

int runCompare(QCommandLineParser &p)
{
    const bool json = p.isSet(QStringLiteral("json"));
    if (p.positionalArguments().size() != 1)
        return usageError(QStringLiteral("expected one project path"), QStringLiteral("compare"));
    const QString project = p.positionalArguments().first();
    if (!p.isSet(QStringLiteral("fusions")))
        return listComparisons(project, p.value(QStringLiteral("show")), json);
    CompareRequest request;
    if (const int code = parseTrain(p, request.base); code != ExitOk)
        return code;
    request.fusions = p.value(QStringLiteral("fusions")).split(QLatin1Char(','), Qt::SkipEmptyParts);
    for (QString &f : request.fusions)
        f = f.trimmed();
    request.name = p.value(QStringLiteral("name"));
    if (const QString problem = compareRequestProblem(request); !problem.isEmpty())
        return usageError(problem, QStringLiteral("compare"));
    ProgressBar bar(p.isSet(QStringLiteral("quiet")));
    std::unique_ptr<LineObserver> observer;
    const bool quiet = p.isSet(QStringLiteral("quiet"));
    auto result = compareFusions(request, [&](int index, const QString &fusion) -> TrainObserver * {
        if (!quiet)
            std::fprintf(stderr, "[%d/%lld] %s\n", index + 1, static_cast<long long>(request.fusions.size()), qPrintable(fusion));
        observer = std::make_unique<LineObserver>(bar.progress(), quiet);
        return observer.get();
    });
    observer.reset();
    if (!result)
        return fail(result.error());
    if (json) {
        QJsonArray rows;
        for (const CompareRow &r : result->rows)
            rows.append(rowJson(r));
        printJson({{QStringLiteral("name"), result->name}, {QStringLiteral("rows"), rows}});
    } else {
        printComparison(*result);
    }
    const bool paused = std::any_of(result->rows.begin(), result->rows.end(),
                                    [](const CompareRow &r) { return r.status == RunStatus::Cancelled; });
    return paused || int(result->rows.size()) < request.fusions.size() ? ExitCancelled : ExitOk;
}

} // namespace tandem::cli
