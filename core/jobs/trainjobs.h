#pragma once
// The training jobs, called by `tandem-cli train` / `runs` and by the GUI's
// Train dialog and dashboard alike. Synchronous: run them on a worker thread.
#include "data/runstore.h"
#include "train/modelbackend.h"

#include <vector>

namespace tandem {

Expected<TrainResult> trainModel(const TrainRequest &request, TrainObserver *observer);

// Continues a stored train run (paused, interrupted or failed) from its
// checkpoint, with the settings it was started with; `device` "" keeps its device.
Expected<TrainResult> resumeRun(const QString &project, qint64 runId, TrainObserver *observer,
                                const QString &device = {});

// What a train run stored: its settings, loss curve and epochs.
struct TrainRunView {
    RunRecord run;
    std::vector<CurvePoint> curve;
    std::vector<EpochReport> epochs;
    bool resumable = false;      // paused, interrupted or failed, and its checkpoint is there
};
// Every train run of the project, newest first. Runs a killed process left
// "running" are marked interrupted first (runs::markInterrupted).
Expected<std::vector<TrainRunView>> trainRuns(const QString &project);

} // namespace tandem
