#pragma once
// Background batch preparation: a loader thread decodes images and builds the
// next batches into a bounded queue while the training thread computes. The
// batches come out in order, so a run is the same with or without it.
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>

namespace tandem::backend {

template <typename Batch>
class BatchLoader {
public:
    // make(i) builds batch i, for i in [first, count), on the loader thread.
    BatchLoader(std::function<Batch(size_t)> make, size_t first, size_t count, size_t capacity = 3)
        : m_make(std::move(make)), m_capacity(capacity)
    {
        m_thread = std::thread([this, first, count] { fill(first, count); });
    }
    ~BatchLoader()
    {
        {
            std::lock_guard<std::mutex> lock(m_mutex);
            m_stopped = true;
        }
        m_changed.notify_all();
        m_thread.join();
    }
    BatchLoader(const BatchLoader &) = delete;
    BatchLoader &operator=(const BatchLoader &) = delete;

    // The next batch; nullopt after the last. Rethrows what the loader threw.
    std::optional<Batch> next()
    {
        std::unique_lock<std::mutex> lock(m_mutex);
        m_changed.wait(lock, [this] { return !m_queue.empty() || m_done; });
        if (m_queue.empty()) {
            if (m_error)
                std::rethrow_exception(m_error);
            return std::nullopt;
        }
        Batch batch = std::move(m_queue.front());
        m_queue.pop_front();
        m_changed.notify_all();
        return batch;
    }

private:
    void fill(size_t first, size_t count)
    {
        try {
            for (size_t i = first; i < count; ++i) {
                Batch batch = m_make(i);
                std::unique_lock<std::mutex> lock(m_mutex);
                m_changed.wait(lock, [this] { return m_queue.size() < m_capacity || m_stopped; });
                if (m_stopped)
                    break;
                m_queue.push_back(std::move(batch));
                m_changed.notify_all();
            }
        } catch (...) {
            std::lock_guard<std::mutex> lock(m_mutex);
            m_error = std::current_exception();
        }
        std::lock_guard<std::mutex> lock(m_mutex);
        m_done = true;
        m_changed.notify_all();
    }

    std::function<Batch(size_t)> m_make;
    size_t m_capacity;
    std::mutex m_mutex;
    std::condition_variable m_changed;
    std::deque<Batch> m_queue;
    bool m_done = false;
    bool m_stopped = false;
    std::exception_ptr m_error;
    std::thread m_thread;
};

} // namespace tandem::backend
