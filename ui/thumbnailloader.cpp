#include "thumbnailloader.h"

#include "data/imagedetail.h"
#include "data/projectstore.h"
#include "data/thumbnailcache.h"

#include <QMutex>
#include <QSet>
#include <deque>
#include <optional>

namespace tandem {

namespace {
constexpr size_t kMaxPending = 600; // a few screens of cells
}

struct ThumbnailLoader::Queue {
    QMutex mutex;
    std::deque<qint64> pending; // newest at the back
    QSet<qint64> queued;
    QString project;
    quint64 generation = 0;     // bumped by setProject: late results are dropped
    int workers = 0;
};

ThumbnailLoader::ThumbnailLoader(QObject *parent) : QObject(parent), m_queue(std::make_shared<Queue>())
{
    // Decoding is CPU bound, cache reads are I/O bound: a little over the core count.
    m_pool.setMaxThreadCount(std::max(2, QThread::idealThreadCount()));
    m_pool.setObjectName(QStringLiteral("thumbnails"));
}

ThumbnailLoader::~ThumbnailLoader()
{
    {
        QMutexLocker lock(&m_queue->mutex);
        m_queue->pending.clear();
        m_queue->queued.clear();
    }
    m_pool.waitForDone();
}

void ThumbnailLoader::setProject(const QString &path)
{
    QMutexLocker lock(&m_queue->mutex);
    m_queue->pending.clear();
    m_queue->queued.clear();
    m_queue->project = path;
    ++m_queue->generation;
}

void ThumbnailLoader::request(qint64 imageId)
{
    QMutexLocker lock(&m_queue->mutex);
    if (m_queue->queued.contains(imageId))
        return;
    m_queue->pending.push_back(imageId);
    m_queue->queued.insert(imageId);
    if (m_queue->pending.size() > kMaxPending) {
        m_queue->queued.remove(m_queue->pending.front());
        m_queue->pending.pop_front();
    }
    if (m_queue->workers < m_pool.maxThreadCount()) {
        ++m_queue->workers;
        lock.unlock();
        startWorker();
    }
}

void ThumbnailLoader::startWorker()
{
    m_pool.start([this] { work(); });
}

namespace {

// The connections of one worker: opened at the start of a burst of requests,
// used by that thread only, closed when the queue runs dry.
struct WorkerConnections {
    QString project;
    std::optional<ProjectStore> store;
    std::optional<ThumbnailCache> cache; // empty when the cache cannot be written

    Status openFor(const QString &path)
    {
        if (store && project == path)
            return {};
        cache.reset();
        store.reset();
        project = path;
        auto opened = ProjectStore::open(path);
        if (!opened)
            return opened.error();
        store.emplace(std::move(opened.value()));
        if (auto thumbs = ThumbnailCache::open(path))
            cache.emplace(std::move(thumbs.value()));
        return {};
    }
};

} // namespace

// Runs on a pool thread until the queue is empty.
void ThumbnailLoader::work()
{
    WorkerConnections connections;
    for (;;) {
        QMutexLocker lock(&m_queue->mutex);
        if (m_queue->pending.empty()) {
            --m_queue->workers;
            return;
        }
        const qint64 id = m_queue->pending.back();
        m_queue->pending.pop_back();
        const QString project = m_queue->project;
        const quint64 generation = m_queue->generation;
        lock.unlock();

        ImageSummary summary;
        QImage thumbnail;
        QString error;
        if (auto opened = connections.openFor(project); !opened) {
            error = opened.error().toString();
        } else if (auto loaded = loadImageSummary(*connections.store, id); !loaded) {
            error = loaded.error().toString();
        } else {
            summary = *loaded;
            auto image = connections.cache ? connections.cache->thumbnail(id, summary.path)
                                           : decodeThumbnail(summary.path, ThumbnailCache::kEdge);
            if (image)
                thumbnail = *image;
            else
                error = image.error().message;
        }
        QMetaObject::invokeMethod(this, [this, queue = m_queue, generation, id, summary, thumbnail, error] {
            {
                QMutexLocker lock(&queue->mutex);
                if (generation != queue->generation)
                    return;
                queue->queued.remove(id);
            }
            emit loaded(id, summary, thumbnail, error);
        }, Qt::QueuedConnection);
    }
}

} // namespace tandem
