#pragma once
// Progress reporting and cancellation for long jobs. Workers call step();
// the CLI draws a bar, the GUI forwards it through a queued signal.
#include <QString>
#include <atomic>
#include <functional>

namespace tandem {

class Progress {
public:
    using Callback = std::function<void(qint64 done, qint64 total, const QString &stage)>;

    Progress() = default;
    explicit Progress(Callback callback, const std::atomic_bool *cancel = nullptr)
        : m_callback(std::move(callback)), m_cancel(cancel) {}

    void report(qint64 done, qint64 total, const QString &stage) const
    {
        if (m_callback)
            m_callback(done, total, stage);
    }
    bool cancelled() const { return m_cancel && m_cancel->load(std::memory_order_relaxed); }

private:
    Callback m_callback;
    const std::atomic_bool *m_cancel = nullptr;
};

} // namespace tandem
