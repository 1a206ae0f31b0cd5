#include "modelrunjob.h"

#include <QFutureWatcher>
#include <QPointer>
#include <QtConcurrent>

namespace tandem {

// Lives as long as the worker needs it; reports at most ~10 times a second.
class ModelRunJob::Observer : public TrainObserver {
public:
    explicit Observer(ModelRunJob *job) : m_job(job) { m_throttle.start(); }
    void stepDone(const TrainProgress &p) override
    {
        if (p.step < p.totalSteps && m_throttle.elapsed() < 100)
            return;
        m_throttle.restart();
        QMetaObject::invokeMethod(m_job, [job = m_job, p] {
            if (job)
                job->report(p.step, p.totalSteps);
        }, Qt::QueuedConnection);
    }

private:
    QPointer<ModelRunJob> m_job;
    QElapsedTimer m_throttle;
};

ModelRunJob::ModelRunJob(QObject *parent) : QObject(parent), m_observer(std::make_shared<Observer>(this))
{
    qRegisterMetaType<tandem::ModelRunResult>();
    qRegisterMetaType<tandem::Error>();
}

ModelRunJob *ModelRunJob::start(QObject *parent, const InferenceRequest &request)
{
    auto *job = new ModelRunJob(parent);
    job->m_clock.start();
    auto *watcher = new QFutureWatcher<Expected<ModelRunResult>>(job);
    connect(watcher, &QFutureWatcherBase::finished, job, [job, watcher] {
        const Expected<ModelRunResult> result = watcher->result();
        if (result)
            emit job->finished(*result);
        else
            emit job->failed(result.error());
        job->deleteLater();
    });
    watcher->setFuture(QtConcurrent::run([observer = job->m_observer, request] { return runModel(request, observer.get()); }));
    return job;
}

void ModelRunJob::cancel()
{
    m_observer->requestCancel();
}

void ModelRunJob::report(qint64 done, qint64 total)
{
    const double elapsed = m_clock.elapsed() / 1000.0;
    const double eta = done > 0 ? elapsed * double(total - done) / double(done) : -1.0;
    emit progress(done, total, eta);
}

} // namespace tandem
