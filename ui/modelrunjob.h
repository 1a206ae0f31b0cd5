#pragma once
// One model run in the background (jobs/modeljobs.h runModel): progress with
// an estimate of the time left, Cancel, and the outcome, all as queued signals
// so that the GUI thread never waits on LibTorch.
#include "jobs/modeljobs.h"

#include <QElapsedTimer>
#include <QObject>
#include <memory>

namespace tandem {

class ModelRunJob : public QObject {
    Q_OBJECT
public:
    // Starts at once; the job deletes itself after finished().
    static ModelRunJob *start(QObject *parent, const InferenceRequest &request);
    void cancel();

signals:
    void progress(qint64 done, qint64 total, double etaSeconds);
    void finished(const tandem::ModelRunResult &result);
    void failed(const tandem::Error &error); // a cancelled run fails with ErrorKind::Cancelled

private:
    explicit ModelRunJob(QObject *parent);
    void report(qint64 done, qint64 total);

    class Observer;
    std::shared_ptr<Observer> m_observer;
    QElapsedTimer m_clock;
};

} // namespace tandem

Q_DECLARE_METATYPE(tandem::ModelRunResult)
