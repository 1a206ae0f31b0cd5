#pragma once
// What the model subcommands (cmd_model.cpp, cmd_retrieval.cpp) share: the
// backend plugin, the options of the inference jobs, Ctrl+C, metrics as text.
#include "cli.h"

#include "jobs/modeljobs.h"

#include <utility>

namespace tandem::cli {

// Reads an optional integer option; false when it is set but not a number >= minimum.
bool readInt(QCommandLineParser &p, const QString &name, int minimum, int *value);
// "recall_i2t_1 12.50, ..." for the numbers of a metrics object.
QString metricsText(const QJsonObject &metrics);

// Asks the job to stop when Ctrl+C was pressed (the ProgressBar catches it).
class CancelObserver : public TrainObserver {
public:
    explicit CancelObserver(const Progress &progress) : m_progress(progress) {}
    bool cancelRequested() const override { return m_progress.cancelled() || TrainObserver::cancelRequested(); }

private:
    const Progress &m_progress;
};

// One status line on stderr (redrawn on a terminal, a line per epoch otherwise);
// Ctrl+C, caught by the ProgressBar, asks the job to stop at the next step.
class LineObserver : public CancelObserver {
public:
    LineObserver(const Progress &progress, bool quiet);
    ~LineObserver() override;
    void started(const QString &device, qint64 totalSteps) override;
    void stepDone(const TrainProgress &p) override;
    void epochDone(const EpochReport &r) override;

private:
    void draw(const QString &line);
    void clearLine();

    bool m_quiet, m_tty;
    qint64 m_lastDraw = 0;
    int m_width = 0;
};

// Loads the backend and runs job(backend, observer) with Ctrl+C; the job's result or the backend's error.
template <typename Job>
auto runModelJob(bool quiet, Job &&job) -> decltype(job(std::declval<ModelBackend *>(), std::declval<TrainObserver &>()))
{
    auto backend = modelBackend();
    if (!backend)
        return backend.error();
    ProgressBar bar(quiet);
    CancelObserver observer(bar.progress());
    return job(*backend, observer);
}

// project, --model, --split, --save, --batch, --device (and --show with `show`), --json, --quiet.
void declareInferenceOptions(QCommandLineParser &p, bool show = true);
InferenceRequest inferenceRequest(QCommandLineParser &p);
// ExitOk, or the usage error of a missing project or --model or a bad --batch (also read into r).
int checkInferenceArgs(QCommandLineParser &p, const QString &command, InferenceRequest &r);

} // namespace tandem::cli
