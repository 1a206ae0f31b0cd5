#pragma once
// One training run in a worker thread (jobs/trainjobs.h): its curve points,
// progress and epochs arrive as queued signals, so the window stays
// responsive; pause() writes a checkpoint to resume from, stop() ends the run
// keeping its best epoch.
#include "jobs/comparejobs.h"

#include <QObject>
#include <functional>
#include <memory>

namespace tandem {

class TrainJob : public QObject {
    Q_OBJECT
public:
    // Start at once; the job deletes itself after finished() or failed().
    static TrainJob *start(QObject *parent, const TrainRequest &request);
    static TrainJob *resume(QObject *parent, const QString &project, qint64 runId, const QString &device);
    // A fusion comparison (jobs/comparejobs.h): its runs one after the other, each
    // announced by runStarting(); finished() carries the last run's result.
    static TrainJob *compare(QObject *parent, const CompareRequest &request);
    void pause();
    void stop();

signals:
    void runStarting(const QString &name);
    void started(const QString &device, qint64 totalSteps);
    void progress(const tandem::TrainProgress &progress); // at most ~10 a second
    void curvePoint(const tandem::CurvePoint &point);
    void epochDone(const tandem::EpochReport &report);
    void finished(const tandem::TrainResult &result); // completed, stopped, or paused (result.cancelled)
    void failed(const tandem::Error &error);

private:
    explicit TrainJob(QObject *parent);
    static TrainJob *launch(QObject *parent, std::function<Expected<TrainResult>(TrainObserver *)> work);

    class Observer;
    std::shared_ptr<Observer> m_observer;
};

} // namespace tandem

Q_DECLARE_METATYPE(tandem::TrainProgress)
Q_DECLARE_METATYPE(tandem::CurvePoint)
Q_DECLARE_METATYPE(tandem::EpochReport)
Q_DECLARE_METATYPE(tandem::TrainResult)
