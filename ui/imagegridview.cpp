#include "imagegridview.h"

#include "data/dataset.h"
#include "imagelistmodel.h"

#include <QPainter>
#include <QStyledItemDelegate>
#include <QTimer>

namespace tandem {

namespace {

constexpr int kTextHeight = 20;
constexpr int kPadding = 4;

class ThumbnailDelegate : public QStyledItemDelegate {
public:
    explicit ThumbnailDelegate(ImageGridView *view) : QStyledItemDelegate(view), m_view(view) {}

    // A fixed size, never read from the model: the layout touches no row data.
    QSize sizeHint(const QStyleOptionViewItem &, const QModelIndex &) const override
    {
        const int edge = m_view->thumbnailSize();
        return {edge + 2 * kPadding, edge + kTextHeight + 2 * kPadding};
    }

    void paint(QPainter *p, const QStyleOptionViewItem &option, const QModelIndex &index) const override
    {
        p->save();
        const QRect cell = option.rect.adjusted(1, 1, -1, -1);
        const bool selected = option.state & QStyle::State_Selected;
        p->fillRect(cell, selected ? option.palette.highlight() : option.palette.base());
        const int edge = m_view->thumbnailSize();
        const QRect imageRect(cell.left() + kPadding - 1, cell.top() + kPadding - 1, edge, edge);
        paintThumbnail(p, imageRect, index);
        paintStatus(p, cell, index);
        const QRect textRect(cell.left() + kPadding, imageRect.bottom() + 2, edge, kTextHeight - 2);
        p->setPen(selected ? option.palette.highlightedText().color() : option.palette.text().color());
        const QString name = index.data(Qt::DisplayRole).toString();
        p->drawText(textRect, Qt::AlignCenter, option.fontMetrics.elidedText(name, Qt::ElideMiddle, textRect.width()));
        if (option.state & QStyle::State_HasFocus) {
            p->setPen(QPen(option.palette.highlight().color().darker(140), 2));
            p->drawRect(cell.adjusted(1, 1, -1, -1));
        }
        p->restore();
    }

private:
    void paintThumbnail(QPainter *p, const QRect &rect, const QModelIndex &index) const
    {
        const QPixmap pixmap = index.data(Qt::DecorationRole).value<QPixmap>();
        if (pixmap.isNull()) {
            p->fillRect(rect, QColor(0xe4, 0xe6, 0xea));
            const int flag = index.data(ImageListModel::FlagRole).toInt();
            if (index.data(ImageListModel::LoadedRole).toBool() || flag > 0) {
                p->setPen(QColor(0xb0, 0x20, 0x20));
                p->drawText(rect, Qt::AlignCenter | Qt::TextWordWrap,
                            flag > 0 ? flagName(ImageFlag(flag)) : QStringLiteral("unreadable"));
            }
            return;
        }
        const QSize size = pixmap.size().scaled(rect.size(), Qt::KeepAspectRatio);
        const QRect target(rect.center() - QPoint(size.width() / 2, size.height() / 2), size);
        p->setRenderHint(QPainter::SmoothPixmapTransform);
        p->drawPixmap(target, pixmap);
    }

    // A coloured bar along the bottom of the cell: unlike a dot, it cannot be
    // mistaken for something in the picture.
    void paintStatus(QPainter *p, const QRect &cell, const QModelIndex &index) const
    {
        const int status = index.data(ImageListModel::StatusRole).toInt();
        if (status == int(ReviewStatus::Unlabeled))
            return;
        p->fillRect(QRect(cell.left(), cell.bottom() - 3, cell.width(), 4), ImageGridView::statusColor(status));
    }

    ImageGridView *m_view;
};

} // namespace

ImageGridView::ImageGridView(QWidget *parent) : QListView(parent)
{
    setViewMode(QListView::ListMode); // IconMode would size every item: 100k delegate calls
    setFlow(QListView::LeftToRight);
    setWrapping(true);
    setResizeMode(QListView::Adjust);
    setUniformItemSizes(true);
    setSelectionMode(QAbstractItemView::ExtendedSelection);
    setVerticalScrollMode(QAbstractItemView::ScrollPerPixel);
    setEditTriggers(QAbstractItemView::NoEditTriggers);
    setItemDelegate(new ThumbnailDelegate(this));
    setMouseTracking(true);
}

QColor ImageGridView::statusColor(int status)
{
    switch (ReviewStatus(status)) {
    case ReviewStatus::Unlabeled: return QColor(0x9a, 0xa0, 0xa6);
    case ReviewStatus::Predicted: return QColor(0x3b, 0x82, 0xf6);
    case ReviewStatus::Verified: return QColor(0x16, 0xa3, 0x4a);
    case ReviewStatus::Rejected: return QColor(0xdc, 0x26, 0x26);
    }
    return Qt::gray;
}

void ImageGridView::setModel(QAbstractItemModel *model)
{
    QListView::setModel(model);
    connect(model, &QAbstractItemModel::modelReset, this, &ImageGridView::onModelReset);
    if (auto *images = qobject_cast<ImageListModel *>(model))
        connect(images, &ImageListModel::thumbnailArrived, this, &ImageGridView::checkFirstScreen);
}

void ImageGridView::setThumbnailSize(int edge)
{
    m_edge = std::clamp(edge, 48, 256);
    scheduleDelayedItemsLayout();
    viewport()->update();
}

void ImageGridView::onModelReset()
{
    m_waitingForFirstScreen = true;
    // After the layout: the first paint asks for the cells on screen.
    QTimer::singleShot(0, this, &ImageGridView::checkFirstScreen);
}

void ImageGridView::checkFirstScreen()
{
    if (!m_waitingForFirstScreen || !visibleCellsLoaded())
        return;
    m_waitingForFirstScreen = false;
    emit firstScreenReady();
}

bool ImageGridView::visibleCellsLoaded() const
{
    const auto *images = qobject_cast<const ImageListModel *>(model());
    if (!images || !images->hasResult())
        return false;
    const QModelIndex first = indexAt(QPoint(spacing() + 2, spacing() + 2));
    if (!first.isValid())
        return model()->rowCount() == 0;
    const QRect view = viewport()->rect();
    for (int row = first.row(); row < model()->rowCount(); ++row) {
        const QModelIndex index = model()->index(row, 0);
        const QRect rect = visualRect(index);
        if (rect.top() > view.bottom())
            break;
        if (!index.data(ImageListModel::LoadedRole).toBool())
            return false;
    }
    return true;
}

} // namespace tandem
