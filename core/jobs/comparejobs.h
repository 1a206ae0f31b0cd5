#pragma once
// Fusion comparison: the same data, the same seed and the same settings,
// one VQA model per fusion method, trained in turn; the comparison is the set
// of train runs whose config names it, so it is kept in the project with them.
// Called by `tandem-cli compare` and the GUI's Compare Fusions dialog.
#include "jobs/trainjobs.h"
#include "train/trainsettings.h"

#include <functional>
#include <optional>

namespace tandem {

struct CompareRequest {
    TrainRequest base;           // shared settings, seed included; task VQA
    QStringList fusions;         // in the order they train
    QString name;                // the comparison's name
};

struct CompareRow {
    QString fusion;
    qint64 runId = 0;
    RunStatus status = RunStatus::Running;
    QString checkpoint;
    std::optional<PrimaryMetric> best;
    int bestEpoch = 0;
    int epochs = 0;              // finished
    double finalTrainLoss = 0;
    double minutes = 0;
    double samplesPerSecond = 0;
};

struct Comparison {
    QString name;
    std::vector<CompareRow> rows; // in training order
};

// What is wrong with the request, "" when nothing (no fusion, an unknown one, a repeated one, no name).
QString compareRequestProblem(const CompareRequest &request);
// The checkpoint each fusion's run writes: models/compare-NAME-FUSION.ckpt beside the project.
QString comparisonCheckpoint(const QString &project, const QString &name, const QString &fusion);

// Trains every fusion in turn; observerFor(i) is the i-th run's observer (may
// return null). Stops at the first failure, or when a run is paused.
using ObserverFor = std::function<TrainObserver *(int index, const QString &fusion)>;
Expected<Comparison> compareFusions(const CompareRequest &request, const ObserverFor &observerFor);

// The project's comparisons, newest first, built from its train runs.
Expected<std::vector<Comparison>> comparisons(const QString &project);
std::vector<Comparison> comparisonsOf(const std::vector<TrainRunView> &views);

} // namespace tandem
