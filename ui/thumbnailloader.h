#pragma once
// Loads grid cells off the GUI thread: each request reads the image's summary
// and its thumbnail (from the on-disk cache, or decoded and cached) in a small
// pool of workers, each with its own SQLite connections (opened for a burst
// of requests, closed when the queue runs dry). Newest requests go
// first, and old ones are dropped when too many pile up, so that after a fast
// scroll the cells on screen load first.
#include "data/imagerecords.h"

#include <QImage>
#include <QObject>
#include <QThreadPool>
#include <memory>

namespace tandem {

class ThumbnailLoader : public QObject {
    Q_OBJECT
public:
    explicit ThumbnailLoader(QObject *parent = nullptr);
    ~ThumbnailLoader() override;

    void setProject(const QString &path); // forgets every pending request
    void request(qint64 imageId);

signals:
    // thumbnail is null when the file is missing or unreadable; error says why.
    void loaded(qint64 imageId, const tandem::ImageSummary &summary, const QImage &thumbnail, const QString &error);

private:
    struct Queue;
    void startWorker();
    void work();

    std::shared_ptr<Queue> m_queue;
    QThreadPool m_pool;
};

} // namespace tandem

Q_DECLARE_METATYPE(tandem::ImageSummary)
