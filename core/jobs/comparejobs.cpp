#include "comparejobs.h"

#include "train/fusioncatalog.h"

#include <QFileInfo>
#include <QRegularExpression>
#include <QSet>

namespace tandem {

namespace {

CompareRow rowOf(const TrainRunView &view)
{
    CompareRow row;
    row.fusion = view.run.config.value(QLatin1String("model")).toObject().value(QLatin1String("fusion")).toString();
    row.runId = view.run.id;
    row.status = view.run.status;
    row.checkpoint = view.run.config.value(QLatin1String("checkpoint")).toString();
    for (const EpochReport &e : view.epochs)
        if (auto m = primaryMetric(TaskKind::Vqa, e.validation); m && (!row.best || m->value > row.best->value)) {
            row.best = m;
            row.bestEpoch = e.epoch;
        }
    row.epochs = int(view.epochs.size());
    row.finalTrainLoss = view.epochs.empty() ? 0.0 : view.epochs.back().trainLoss;
    row.minutes = view.run.metrics.value(QLatin1String("seconds")).toDouble() / 60.0;
    row.samplesPerSecond = view.run.metrics.value(QLatin1String("samples_per_second")).toDouble();
    return row;
}

} // namespace

QString compareRequestProblem(const CompareRequest &r)
{
    if (r.name.trimmed().isEmpty())
        return QStringLiteral("the comparison needs a name");
    if (r.fusions.size() < 2)
        return QStringLiteral("pick at least two fusion methods to compare");
    QSet<QString> seen;
    for (const QString &fusion : r.fusions) {
        if (!findFusion(fusion))
            return QStringLiteral("unknown fusion '%1'").arg(fusion);
        if (seen.contains(fusion))
            return QStringLiteral("'%1' is listed twice").arg(fusion);
        seen.insert(fusion);
    }
    if (r.base.task != TaskKind::Vqa)
        return QStringLiteral("fusion methods are compared on VQA");
    return {};
}

QString comparisonCheckpoint(const QString &project, const QString &name, const QString &fusion)
{
    QString stem = name.trimmed().toLower();
    stem.replace(QRegularExpression(QStringLiteral("[^a-z0-9_-]+")), QStringLiteral("-"));
    return QFileInfo(project).absolutePath() + QStringLiteral("/models/compare-%1-%2.ckpt").arg(stem, fusion);
}

Expected<Comparison> compareFusions(const CompareRequest &request, const ObserverFor &observerFor)
{
    if (const QString problem = compareRequestProblem(request); !problem.isEmpty())
        return Error::usage(problem);
    auto existing = comparisons(request.base.project);
    if (!existing)
        return existing.error();
    for (const Comparison &c : *existing)
        if (c.name == request.name.trimmed())
            return Error::usage(QStringLiteral("the project has a comparison named '%1' already; pick another name").arg(c.name));
    for (int i = 0; i < request.fusions.size(); ++i) {
        TrainRequest run = request.base;
        run.fusion = request.fusions[i];
        run.comparison = request.name.trimmed();
        run.name = QStringLiteral("%1: %2").arg(run.comparison, run.fusion);
        run.checkpoint = comparisonCheckpoint(run.project, run.comparison, run.fusion);
        run.initFrom.clear();
        TrainObserver *observer = observerFor ? observerFor(i, run.fusion) : nullptr;
        auto trained = trainModel(run, observer);
        if (!trained)
            return trained.error();
        if (trained->cancelled)
            break; // paused: the comparison stops here
        if (observer && observer->finishRequested())
            observer->clearRequests(); // stopped early: go on with the next fusion
    }
    auto all = comparisons(request.base.project);
    if (!all)
        return all.error();
    for (const Comparison &c : *all)
        if (c.name == request.name.trimmed())
            return c;
    return Error::input(QStringLiteral("the comparison's runs are not in the project"), request.base.project);
}

std::vector<Comparison> comparisonsOf(const std::vector<TrainRunView> &views)
{
    std::vector<Comparison> out;
    for (auto it = views.rbegin(); it != views.rend(); ++it) { // oldest first: rows in training order
        const QString name = it->run.config.value(QLatin1String("comparison")).toString();
        if (name.isEmpty())
            continue;
        auto found = std::find_if(out.begin(), out.end(), [&](const Comparison &c) { return c.name == name; });
        if (found == out.end()) {
            out.push_back({name, {}});
            found = out.end() - 1;
        }
        found->rows.push_back(rowOf(*it));
    }
    std::reverse(out.begin(), out.end()); // newest first
    return out;
}

Expected<std::vector<Comparison>> comparisons(const QString &project)
{
    auto views = trainRuns(project);
    if (!views)
        return views.error();
    return comparisonsOf(*views);
}

} // namespace tandem
