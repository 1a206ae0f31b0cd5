#include "imagelistmodel.h"

#include "data/projectstore.h"
#include "editcommands.h"
#include "thumbnailloader.h"

#include <QUndoStack>
#include <QtConcurrent>

namespace tandem {

namespace {
constexpr int kSummaryCacheSize = 4096;       // a few screens, even at the smallest thumbnails
constexpr int kThumbnailCacheKb = 96 * 1024;  // ~1500 thumbnails of 128 px
} // namespace

ImageListModel::ImageListModel(ProjectWorker *worker, QUndoStack *undoStack, QObject *parent)
    : QAbstractListModel(parent), m_worker(worker), m_undoStack(undoStack), m_loader(new ThumbnailLoader(this)),
      m_summaries(kSummaryCacheSize), m_thumbnails(kThumbnailCacheKb)
{
    m_queryPool.setMaxThreadCount(1);
    connect(m_loader, &ThumbnailLoader::loaded, this, &ImageListModel::onLoaded);
}

void ImageListModel::setProject(const QString &path, const ImageQuery &query)
{
    beginResetModel();
    m_project = path;
    m_query = query;
    m_hasResult = false;
    m_list = {};
    m_rows.clear();
    m_summaries.clear();
    m_thumbnails.clear();
    m_failed.clear();
    m_loader->setProject(path);
    endResetModel();
    refresh();
}

void ImageListModel::setQuery(const ImageQuery &query)
{
    m_query = query;
    refresh();
}

void ImageListModel::refresh()
{
    if (m_project.isEmpty())
        return;
    const quint64 generation = ++m_queryGeneration;
    auto *watcher = new QFutureWatcher<Expected<ImageList>>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, generation] {
        watcher->deleteLater();
        if (generation != m_queryGeneration)
            return; // a newer query is on its way
        Expected<ImageList> result = watcher->result();
        if (result)
            applyList(std::move(result.value()));
        else
            emit queryFailed(result.error().toString());
    });
    emit queryStarted();
    watcher->setFuture(QtConcurrent::run(&m_queryPool, [project = m_project, query = m_query]() -> Expected<ImageList> {
        auto store = ProjectStore::open(project); // this worker's own connection, for this query
        if (!store)
            return store.error();
        return queryImages(*store, query);
    }));
}

void ImageListModel::reload()
{
    m_summaries.clear();
    m_thumbnails.clear();
    m_failed.clear();
    refresh();
}

void ImageListModel::applyList(ImageList list)
{
    beginResetModel();
    m_hasResult = true;
    m_list = std::move(list);
    m_rows.clear();
    m_rows.reserve(m_list.ids.size());
    for (size_t row = 0; row < m_list.ids.size(); ++row)
        m_rows.emplace(m_list.ids[row], int(row));
    endResetModel();
    emit queryFinished(rowCount());
}

int ImageListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_list.ids.size());
}

Qt::ItemFlags ImageListModel::flags(const QModelIndex &index) const
{
    return QAbstractListModel::flags(index) | Qt::ItemNeverHasChildren;
}

QVariant ImageListModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= rowCount())
        return {};
    const int row = index.row();
    const qint64 id = idAt(row);
    switch (role) {
    case IdRole: return id;
    case StatusRole: return int(statusAt(row));
    case LoadedRole: return m_thumbnails.contains(id) || m_failed.contains(id);
    default: break;
    }
    const ImageSummary *summary = m_summaries.object(id);
    const QPixmap *thumbnail = m_thumbnails.object(id);
    if ((!summary || (!thumbnail && !m_failed.contains(id))) && (role == Qt::DisplayRole || role == Qt::DecorationRole))
        m_loader->request(id);
    switch (role) {
    case Qt::DisplayRole:
        if (!summary)
            return QString();
        // a ranked list (search by meaning, more like this) shows each image's similarity
        return size_t(row) < m_list.scores.size() ? QStringLiteral("%1 · %2").arg(double(m_list.scores[size_t(row)]), 0, 'f', 3).arg(summary->name)
                                                  : summary->name;
    case Qt::DecorationRole: return thumbnail ? QVariant(*thumbnail) : QVariant();
    case Qt::ToolTipRole: return tooltip(id, row);
    case FlagRole: return summary ? int(summary->flag) : int(ImageFlag::Unchecked);
    case SplitRole: return summary ? summary->split : QString();
    default: return {};
    }
}

QVariant ImageListModel::tooltip(qint64 id, int row) const
{
    const ImageSummary *s = m_summaries.object(id);
    if (!s)
        return {};
    QString tip = QStringLiteral("<b>%1</b><br>%2 · %3").arg(s->name.toHtmlEscaped(), statusName(statusAt(row)),
                                                            s->split.isEmpty() ? tr("no split") : s->split);
    if (!s->firstCaption.isEmpty())
        tip += QStringLiteral("<br><i>%1</i>").arg(s->firstCaption.toHtmlEscaped());
    if (m_failed.contains(id))
        tip += QStringLiteral("<br><span style='color:#b00'>%1</span>").arg(m_failed.value(id).toHtmlEscaped());
    return tip;
}

bool ImageListModel::setData(const QModelIndex &index, const QVariant &value, int role)
{
    if (role != StatusRole || !index.isValid())
        return false;
    const auto status = ReviewStatus(value.toInt());
    if (status == statusAt(index.row()))
        return false;
    m_undoStack->push(new SetStatusCommand(m_worker, this, {idAt(index.row())}, {statusAt(index.row())}, status));
    return true;
}

int ImageListModel::rowOf(qint64 imageId) const
{
    const auto it = m_rows.find(imageId);
    return it == m_rows.end() ? -1 : it->second;
}

int ImageListModel::findStatus(int from, int step, ReviewStatus status) const
{
    for (int row = from + step; row >= 0 && row < rowCount(); row += step)
        if (statusAt(row) == status)
            return row;
    return -1;
}

void ImageListModel::showStatuses(const std::vector<qint64> &imageIds, const std::vector<ReviewStatus> &statuses)
{
    int first = rowCount(), last = -1;
    for (size_t i = 0; i < imageIds.size(); ++i) {
        const int row = rowOf(imageIds[i]);
        if (row < 0)
            continue;
        m_list.statuses[size_t(row)] = std::int8_t(statuses[i < statuses.size() ? i : 0]);
        first = std::min(first, row);
        last = std::max(last, row);
    }
    if (last >= 0)
        emit dataChanged(index(first), index(last), {StatusRole, Qt::ToolTipRole});
}

void ImageListModel::forget(const std::vector<qint64> &imageIds)
{
    if (imageIds.size() > 256) { // a bulk edit: cheaper to reload what is on screen
        m_summaries.clear();
        if (rowCount() > 0)
            emit dataChanged(index(0), index(rowCount() - 1), {Qt::DisplayRole, Qt::ToolTipRole});
        return;
    }
    for (qint64 id : imageIds) {
        m_summaries.remove(id);
        const int row = rowOf(id);
        if (row >= 0)
            emit dataChanged(index(row), index(row), {Qt::DisplayRole, Qt::ToolTipRole});
    }
}

void ImageListModel::onLoaded(qint64 imageId, const ImageSummary &summary, const QImage &thumbnail, const QString &error)
{
    if (summary.id)
        m_summaries.insert(imageId, new ImageSummary(summary));
    if (!thumbnail.isNull()) {
        auto *pixmap = new QPixmap(QPixmap::fromImage(thumbnail));
        m_thumbnails.insert(imageId, pixmap, std::max(1, int(thumbnail.sizeInBytes() / 1024)));
        m_failed.remove(imageId);
    } else {
        m_failed.insert(imageId, error);
    }
    const int row = rowOf(imageId);
    if (row < 0)
        return;
    emit dataChanged(index(row), index(row));
    emit thumbnailArrived(row);
}

} // namespace tandem
