#pragma once
// The images of the grid: only ids and statuses for every row (100k rows cost
// ~1 MB); names and thumbnails are fetched when a cell is shown and kept in
// bounded caches. The row list comes from an ImageQuery run in a worker;
// setData(StatusRole) pushes an undo command instead of writing (Tiled style).
#include "data/imagequery.h"
#include "data/imagerecords.h"

#include <QAbstractListModel>
#include <QCache>
#include <QFutureWatcher>
#include <QPixmap>
#include <QThreadPool>
#include <unordered_map>

class QUndoStack;

namespace tandem {

class ProjectWorker;
class ThumbnailLoader;

class ImageListModel : public QAbstractListModel {
    Q_OBJECT
public:
    enum Role {
        IdRole = Qt::UserRole + 1,
        StatusRole,      // ReviewStatus as int; setData pushes an undo command
        FlagRole,        // ImageFlag as int, -1 until loaded
        LoadedRole,      // true once the thumbnail (or its failure) has arrived
        SplitRole,
    };

    ImageListModel(ProjectWorker *worker, QUndoStack *undoStack, QObject *parent = nullptr);

    void setProject(const QString &path, const ImageQuery &query);
    void setQuery(const ImageQuery &query); // runs in the background; rows change when it is done
    void refresh();                         // the same query again
    void reload();                          // after an import: forget every cached name, caption and thumbnail, then refresh
    const ImageQuery &query() const { return m_query; }
    bool hasResult() const { return m_hasResult; } // false from setProject until its query is done

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    bool setData(const QModelIndex &index, const QVariant &value, int role) override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;

    qint64 idAt(int row) const { return m_list.ids[size_t(row)]; }
    ReviewStatus statusAt(int row) const { return ReviewStatus(m_list.statuses[size_t(row)]); }
    int rowOf(qint64 imageId) const; // -1 when not shown
    // The next row after `from` (or before it, for step -1) with `status`; -1 if none.
    int findStatus(int from, int step, ReviewStatus status) const;

    // Called by the undo commands: what the rows show, before the store confirms.
    void showStatuses(const std::vector<qint64> &imageIds, const std::vector<ReviewStatus> &statuses);
    void forget(const std::vector<qint64> &imageIds); // reload names and captions when next shown

signals:
    void queryStarted();
    void queryFinished(int rows);
    void queryFailed(const QString &message);
    void thumbnailArrived(int row);

private:
    void applyList(ImageList list);
    void onLoaded(qint64 imageId, const ImageSummary &summary, const QImage &thumbnail, const QString &error);
    QVariant tooltip(qint64 id, int row) const;

    ProjectWorker *m_worker;
    QUndoStack *m_undoStack;
    ThumbnailLoader *m_loader;
    QString m_project;
    ImageQuery m_query;
    ImageList m_list;
    std::unordered_map<qint64, int> m_rows; // id -> row
    mutable QCache<qint64, ImageSummary> m_summaries;
    mutable QCache<qint64, QPixmap> m_thumbnails; // cost: kilobytes
    QHash<qint64, QString> m_failed;              // id -> why there is no thumbnail
    QThreadPool m_queryPool;                      // one thread: queries run in order
    QFutureWatcher<Expected<ImageList>> *m_queryWatcher = nullptr;
    quint64 m_queryGeneration = 0;
    bool m_hasResult = false;
};

} // namespace tandem
