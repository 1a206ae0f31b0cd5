// runs: the project's training runs with their status and best validation
// metric; runs a killed process left "running" show as interrupted, and
// 'train --resume-run ID' continues them.
#include "commands.h"
#include "modelcli.h"

#include "jobs/trainjobs.h"
#include "train/trainsettings.h"

#include <QFileInfo>
#include <QJsonArray>

namespace tandem::cli {

namespace {

QString bestText(const TrainRunView &view)
{
    const auto task = view.run.task();
    std::optional<PrimaryMetric> best;
    int bestEpoch = 0;
    for (const EpochReport &e : view.epochs)
        if (const auto m = task ? primaryMetric(*task, e.validation) : std::nullopt; m && (!best || m->value > best->value)) {
            best = m;
            bestEpoch = e.epoch;
        }
    return best ? QStringLiteral("%1 %2 (epoch %3)").arg(best->name).arg(best->value, 0, 'f', 2).arg(bestEpoch) : QString();
}

QJsonObject runJson(const TrainRunView &view)
{
    const RunRecord &r = view.run;
    QJsonArray epochs;
    for (const EpochReport &e : view.epochs)
        epochs.append(epochToJson(e));
    return {{QStringLiteral("id"), r.id}, {QStringLiteral("name"), r.name}, {QStringLiteral("status"), runStatusName(r.status)},
            {QStringLiteral("model_id"), r.modelId}, {QStringLiteral("started_at"), r.startedAt},
            {QStringLiteral("finished_at"), r.finishedAt}, {QStringLiteral("config"), r.config},
            {QStringLiteral("steps"), r.metrics.value(QLatin1String("steps"))},
            {QStringLiteral("total_steps"), r.metrics.value(QLatin1String("total_steps"))},
            {QStringLiteral("resumable"), view.resumable}, {QStringLiteral("epochs"), epochs},
            {QStringLiteral("curve_points"), qint64(view.curve.size())}};
}

} // namespace

void declareRuns(QCommandLineParser &p)
{
    p.addPositionalArgument(QStringLiteral("project"), QStringLiteral("The project file."));
    addCommonOptions(p, true, false);
}

int runRuns(QCommandLineParser &p)
{
    if (p.positionalArguments().size() != 1)
        return usageError(QStringLiteral("expected one project path"), QStringLiteral("runs"));
    auto views = trainRuns(p.positionalArguments().first());
    if (!views)
        return fail(views.error());
    if (p.isSet(QStringLiteral("json"))) {
        QJsonArray array;
        for (const TrainRunView &v : *views)
            array.append(runJson(v));
        printJson({{QStringLiteral("runs"), array}});
        return ExitOk;
    }
    if (views->empty())
        out(QStringLiteral("No training runs yet: 'tandem-cli train' starts one"));
    for (const TrainRunView &v : *views) {
        const RunRecord &r = v.run;
        out(QStringLiteral("%1  %2  %3  %4/%5 steps  %6%7").arg(r.id, 4).arg(runStatusName(r.status), -11)
                .arg(r.name.isEmpty() ? QFileInfo(r.config.value(QLatin1String("checkpoint")).toString()).completeBaseName() : r.name, -20)
                .arg(r.metrics.value(QLatin1String("steps")).toInteger()).arg(r.metrics.value(QLatin1String("total_steps")).toInteger())
                .arg(bestText(v), v.resumable ? QStringLiteral("  (resume: tandem-cli train PROJECT --resume-run %1)").arg(r.id) : QString()));
    }
    return ExitOk;
}

} // namespace tandem::cli
