#include "trainjob.h"

#include <QElapsedTimer>
#include <QFutureWatcher>
#include <QPointer>
#include <QtConcurrent>

namespace tandem {

// Lives as long as the worker needs it; every call posts to the GUI thread.
class TrainJob::Observer : public TrainObserver {
public:
    explicit Observer(TrainJob *job) : m_job(job) { m_throttle.start(); }
    void started(const QString &device, qint64 totalSteps) override
    {
        post([device, totalSteps](TrainJob *job) { emit job->started(device, totalSteps); });
    }
    void stepDone(const TrainProgress &p) override
    {
        if (p.step < p.totalSteps && m_throttle.elapsed() < 100)
            return;
        m_throttle.restart();
        post([p](TrainJob *job) { emit job->progress(p); });
    }
    void curvePoint(const CurvePoint &point) override
    {
        post([point](TrainJob *job) { emit job->curvePoint(point); });
    }
    void epochDone(const EpochReport &report) override
    {
        post([report](TrainJob *job) { emit job->epochDone(report); });
    }
    void announce(const QString &name)
    {
        post([name](TrainJob *job) { emit job->runStarting(name); });
    }

private:
    template <typename F>
    void post(F emitter)
    {
        QMetaObject::invokeMethod(m_job, [job = m_job, emitter] {
            if (job)
                emitter(job.data());
        }, Qt::QueuedConnection);
    }

    QPointer<TrainJob> m_job;
    QElapsedTimer m_throttle;
};

TrainJob::TrainJob(QObject *parent) : QObject(parent), m_observer(std::make_shared<Observer>(this))
{
    qRegisterMetaType<tandem::TrainProgress>();
    qRegisterMetaType<tandem::CurvePoint>();
    qRegisterMetaType<tandem::EpochReport>();
    qRegisterMetaType<tandem::TrainResult>();
    qRegisterMetaType<tandem::Error>();
}

TrainJob *TrainJob::launch(QObject *parent, std::function<Expected<TrainResult>(TrainObserver *)> work)
{
    auto *job = new TrainJob(parent);
    auto *watcher = new QFutureWatcher<Expected<TrainResult>>(job);
    connect(watcher, &QFutureWatcherBase::finished, job, [job, watcher] {
        const Expected<TrainResult> result = watcher->result();
        if (result)
            emit job->finished(*result);
        else
            emit job->failed(result.error());
        job->deleteLater();
    });
    watcher->setFuture(QtConcurrent::run([observer = job->m_observer, work] { return work(observer.get()); }));
    return job;
}

TrainJob *TrainJob::start(QObject *parent, const TrainRequest &request)
{
    return launch(parent, [request](TrainObserver *observer) { return trainModel(request, observer); });
}

TrainJob *TrainJob::resume(QObject *parent, const QString &project, qint64 runId, const QString &device)
{
    return launch(parent, [=](TrainObserver *observer) { return resumeRun(project, runId, observer, device); });
}

TrainJob *TrainJob::compare(QObject *parent, const CompareRequest &request)
{
    return launch(parent, [request](TrainObserver *observer) -> Expected<TrainResult> {
        auto *announcer = static_cast<Observer *>(observer);
        auto compared = compareFusions(request, [&](int, const QString &fusion) {
            announcer->announce(QStringLiteral("%1: %2").arg(request.name.trimmed(), fusion));
            return observer;
        });
        if (!compared)
            return compared.error();
        TrainResult last;
        if (!compared->rows.empty()) {
            last.runId = compared->rows.back().runId;
            last.checkpoint = compared->rows.back().checkpoint;
            last.cancelled = compared->rows.back().status == RunStatus::Cancelled;
            last.bestEpoch = compared->rows.back().bestEpoch;
        }
        return last;
    });
}

void TrainJob::pause()
{
    m_observer->requestCancel();
}

void TrainJob::stop()
{
    m_observer->requestFinish();
}

} // namespace tandem
