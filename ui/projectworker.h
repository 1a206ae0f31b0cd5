#pragma once
// The open project's writer: one connection on its own thread. Every edit,
// detail load and count runs there, in the order asked, so the GUI thread
// never waits on SQLite and an undo always lands after the edit it undoes.
// Results come back as signals (queued to the GUI thread).
#include "data/imagequery.h"
#include "data/imagerecords.h"
#include "util/expected.h"

#include <QObject>
#include <QPointer>
#include <QStringList>
#include <QThread>
#include <functional>
#include <memory>
#include <vector>

namespace tandem {

class ProjectStore;

class ProjectWorker : public QObject {
    Q_OBJECT
public:
    using Edit = std::function<Status(ProjectStore &)>;

    explicit ProjectWorker(QObject *parent = nullptr);
    ~ProjectWorker() override;

    void open(const QString &path);
    QString path() const { return m_path; }
    bool isOpen() const { return !m_path.isEmpty(); }

    // Runs `edit` (committed at once), then reports the images it touched.
    void edit(const std::vector<qint64> &imageIds, Edit edit);
    // The same for an edit that finds out itself which images it touches.
    using ImagesEdit = std::function<Expected<std::vector<qint64>>(ProjectStore &)>;
    void editImages(ImagesEdit edit);
    void loadDetail(qint64 imageId);
    void refreshLists(); // tags, splits and counts

    // Runs `read` on the writer's thread, then `done` with its result on
    // `receiver`'s thread (not at all if the receiver is gone by then).
    template <typename T>
    void query(QObject *receiver, std::function<Expected<T>(ProjectStore &)> read,
               std::function<void(const Expected<T> &)> done)
    {
        post([receiver = QPointer<QObject>(receiver), read = std::move(read), done = std::move(done)](ProjectStore &store) {
            auto result = std::make_shared<Expected<T>>(read(store));
            if (receiver)
                QMetaObject::invokeMethod(receiver, [receiver, result, done] {
                    if (receiver)
                        done(*result);
                }, Qt::QueuedConnection);
        });
    }

signals:
    void opened(const QString &path);
    void openFailed(const QString &path, const QString &message);
    void imagesChanged(const std::vector<qint64> &imageIds);
    void editFailed(const QString &message);
    void detailLoaded(const tandem::ImageDetail &detail);
    void detailFailed(qint64 imageId, const QString &message);
    void countsChanged(const tandem::StatusCounts &counts);
    void tagsChanged(const QStringList &tags);
    void splitsChanged(const QStringList &splits);

private:
    void post(std::function<void(ProjectStore &)> task);
    void emitLists(ProjectStore &store);

    QThread m_thread;
    QObject *m_context = nullptr;  // lives on m_thread; tasks run in its event loop
    std::shared_ptr<std::unique_ptr<ProjectStore>> m_store; // touched on m_thread only
    QString m_path;
};

} // namespace tandem

Q_DECLARE_METATYPE(tandem::ImageDetail)
Q_DECLARE_METATYPE(tandem::StatusCounts)
