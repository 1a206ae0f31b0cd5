#include "trainjobs.h"

#include "data/projectstore.h"
#include "jobs/modeljobs.h"
#include "train/trainsettings.h"

#include <QFileInfo>

namespace tandem {

namespace {

bool resumable(const RunRecord &run)
{
    const bool stopped = run.status == RunStatus::Cancelled || run.status == RunStatus::Interrupted
        || run.status == RunStatus::Failed;
    return stopped && QFileInfo::exists(run.config.value(QLatin1String("checkpoint")).toString());
}

TrainRunView viewOf(const RunRecord &run)
{
    return {run, curveFromJson(run.metrics.value(QLatin1String("curve")).toArray()),
            epochsFromJson(run.metrics.value(QLatin1String("epochs")).toArray()), resumable(run)};
}

} // namespace

Expected<TrainResult> trainModel(const TrainRequest &request, TrainObserver *observer)
{
    auto backend = modelBackend();
    if (!backend)
        return backend.error();
    return (*backend)->train(request, observer);
}

Expected<TrainResult> resumeRun(const QString &project, qint64 runId, TrainObserver *observer, const QString &device)
{
    TrainRequest request;
    {
        auto store = ProjectStore::open(project);
        if (!store)
            return store.error();
        if (auto marked = runs::markInterrupted(*store); !marked)
            return marked.error();
        auto run = runs::get(*store, runId);
        if (!run)
            return run.error();
        if (run->kind != RunKind::Train)
            return Error::usage(QStringLiteral("run %1 is not a training run").arg(runId));
        if (run->status == RunStatus::Completed || run->status == RunStatus::Running)
            return Error::usage(QStringLiteral("run %1 is %2; only a paused, interrupted or failed run can be resumed")
                                    .arg(runId).arg(runStatusName(run->status)));
        request = resumeRequestFromJson(project, run->config);
        if (!QFileInfo::exists(request.checkpoint))
            return Error::input(QStringLiteral("run %1 cannot be resumed: its checkpoint is gone").arg(runId),
                                request.checkpoint);
    }
    if (!device.isEmpty())
        request.device = device;
    return trainModel(request, observer);
}

Expected<std::vector<TrainRunView>> trainRuns(const QString &project)
{
    auto store = ProjectStore::open(project);
    if (!store)
        return store.error();
    if (auto marked = runs::markInterrupted(*store); !marked)
        return marked.error();
    auto all = runs::list(*store, RunKind::Train);
    if (!all)
        return all.error();
    std::vector<TrainRunView> views;
    for (const RunRecord &run : *all)
        views.push_back(viewOf(run));
    return views;
}

} // namespace tandem
