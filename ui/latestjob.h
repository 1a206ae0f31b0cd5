#pragma once
// Background work where only the newest request matters (a question typed
// letter by letter, a map for the word under the cursor): one request runs at
// a time on the thread pool, a newer one waits in its place and replaces any
// older waiting one, and a result that a newer request has made stale is
// dropped instead of shown.
#include <QFutureWatcher>
#include <QObject>
#include <QtConcurrent>
#include <functional>
#include <optional>

namespace tandem {

template <typename T>
class LatestJob {
public:
    using Work = std::function<T()>;
    using Done = std::function<void(const T &)>;

    explicit LatestJob(QObject *owner) : m_owner(owner) {}

    // `done` runs on the owner's thread, only for the newest request.
    void request(Work work, Done done)
    {
        ++m_generation;
        m_pending = Pending{std::move(work), std::move(done), m_generation};
        if (!m_running)
            startPending();
    }
    // Forget what is waiting and what is running (its result will be dropped).
    void cancel()
    {
        ++m_generation;
        m_pending.reset();
    }
    bool busy() const { return m_running; }

private:
    struct Pending {
        Work work;
        Done done;
        quint64 generation;
    };

    void startPending()
    {
        if (!m_pending)
            return;
        Pending job = std::move(*m_pending);
        m_pending.reset();
        m_running = true;
        auto *watcher = new QFutureWatcher<T>(m_owner);
        QObject::connect(watcher, &QFutureWatcherBase::finished, m_owner, [this, watcher, job] {
            m_running = false;
            if (job.generation == m_generation)
                job.done(watcher->result());
            watcher->deleteLater();
            startPending();
        });
        watcher->setFuture(QtConcurrent::run(job.work));
    }

    QObject *m_owner;
    quint64 m_generation = 0;
    bool m_running = false;
    std::optional<Pending> m_pending;
};

} // namespace tandem
