#include "reviewcontroller.h"

#include "editcommands.h"
#include "imagegridview.h"
#include "imagelistmodel.h"

#include <QAction>
#include <QItemSelectionModel>
#include <QUndoStack>

namespace tandem {

ReviewController::ReviewController(ImageGridView *view, ImageListModel *images, ProjectWorker *worker,
                                   QUndoStack *undoStack, QObject *parent)
    : QObject(parent), m_view(view), m_images(images), m_worker(worker), m_undoStack(undoStack)
{
    m_review = {
        makeAction(tr("&Verify and Next"), QKeySequence(Qt::CTRL | Qt::Key_Return),
                   tr("Mark the current image verified and go to the next one"), &ReviewController::verifyAndNext),
        makeAction(tr("&Reject and Next"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Return),
                   tr("Mark the current image rejected and go to the next one"), &ReviewController::rejectAndNext),
        makeAction(tr("Next &Unlabeled"), QKeySequence(Qt::Key_F8), tr("Go to the next unlabeled image"),
                   &ReviewController::nextUnlabeled),
        makeAction(tr("&Previous Unlabeled"), QKeySequence(Qt::SHIFT | Qt::Key_F8), tr("Go to the previous unlabeled image"),
                   &ReviewController::previousUnlabeled)};
    m_navigation = {
        makeAction(tr("&Next Image"), QKeySequence(Qt::ALT | Qt::Key_Right), tr("Go to the next image in the grid"),
                   &ReviewController::nextImage),
        makeAction(tr("P&revious Image"), QKeySequence(Qt::ALT | Qt::Key_Left), tr("Go to the previous image in the grid"),
                   &ReviewController::previousImage)};
    for (int s = 0; s < 4; ++s) {
        auto *action = new QAction(tr("Mark %1").arg(statusName(ReviewStatus(s))), this);
        action->setShortcut(QKeySequence(Qt::ALT | Qt::Key(Qt::Key_1 + s)));
        action->setToolTip(tr("Mark every selected image %1 (%2)").arg(statusName(ReviewStatus(s)), action->shortcut().toString(QKeySequence::NativeText)));
        connect(action, &QAction::triggered, this, [this, s] { setStatusOfSelection(s); });
        m_status << action;
    }
}

QAction *ReviewController::makeAction(const QString &text, const QKeySequence &shortcut, const QString &tip,
                                      void (ReviewController::*slot)())
{
    auto *action = new QAction(text, this);
    action->setShortcut(shortcut);
    action->setToolTip(QStringLiteral("%1 (%2)").arg(tip, shortcut.toString(QKeySequence::NativeText)));
    connect(action, &QAction::triggered, this, slot);
    return action;
}

QList<QAction *> ReviewController::reviewActions() const { return m_review; }
QList<QAction *> ReviewController::navigationActions() const { return m_navigation; }
QList<QAction *> ReviewController::statusActions() const { return m_status; }

int ReviewController::currentRow() const
{
    const QModelIndex current = m_view->currentIndex();
    return current.isValid() ? current.row() : -1;
}

std::vector<int> ReviewController::selectedRows() const
{
    std::vector<int> rows;
    for (const QItemSelectionRange &range : m_view->selectionModel()->selection())
        for (int row = range.top(); row <= range.bottom(); ++row)
            rows.push_back(row);
    if (rows.empty() && currentRow() >= 0)
        rows.push_back(currentRow());
    return rows;
}

int ReviewController::selectImages(const std::vector<qint64> &imageIds, bool add)
{
    std::vector<int> rows;
    for (qint64 id : imageIds)
        if (const int row = m_images->rowOf(id); row >= 0)
            rows.push_back(row);
    std::sort(rows.begin(), rows.end());
    QItemSelection selection;
    for (size_t i = 0; i < rows.size();) { // one range per run of consecutive rows
        size_t end = i;
        while (end + 1 < rows.size() && rows[end + 1] <= rows[end] + 1)
            ++end;
        selection.select(m_images->index(rows[i]), m_images->index(rows[end]));
        i = end + 1;
    }
    QItemSelectionModel *model = m_view->selectionModel();
    if (!rows.empty()) {
        model->setCurrentIndex(m_images->index(rows.front()), QItemSelectionModel::NoUpdate);
        m_view->scrollTo(m_images->index(rows.front()));
    }
    model->select(selection, add ? QItemSelectionModel::Select : QItemSelectionModel::ClearAndSelect);
    return int(imageIds.size() - rows.size());
}

std::vector<qint64> ReviewController::selectedImages() const
{
    std::vector<qint64> ids;
    for (const QItemSelectionRange &range : m_view->selectionModel()->selection())
        for (int row = range.top(); row <= range.bottom(); ++row)
            ids.push_back(m_images->idAt(row));
    return ids;
}

void ReviewController::goToRow(int row)
{
    if (row < 0 || row >= m_images->rowCount())
        return;
    const QModelIndex index = m_images->index(row);
    m_view->selectionModel()->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect);
    m_view->scrollTo(index);
}

void ReviewController::setStatusOfSelection(int status)
{
    std::vector<qint64> ids;
    std::vector<ReviewStatus> before;
    for (int row : selectedRows()) {
        if (m_images->statusAt(row) == ReviewStatus(status))
            continue;
        ids.push_back(m_images->idAt(row));
        before.push_back(m_images->statusAt(row));
    }
    if (!ids.empty())
        m_undoStack->push(new SetStatusCommand(m_worker, m_images, std::move(ids), std::move(before), ReviewStatus(status)));
}

void ReviewController::markAndNext(int status)
{
    const int row = currentRow();
    if (row < 0) {
        goToRow(0);
        return;
    }
    if (m_images->statusAt(row) != ReviewStatus(status))
        m_undoStack->push(new SetStatusCommand(m_worker, m_images, {m_images->idAt(row)}, {m_images->statusAt(row)},
                                               ReviewStatus(status)));
    goToRow(row + 1);
}

void ReviewController::verifyAndNext()
{
    markAndNext(int(ReviewStatus::Verified));
}

void ReviewController::rejectAndNext()
{
    markAndNext(int(ReviewStatus::Rejected));
}

void ReviewController::jumpToStatus(int step)
{
    const int row = m_images->findStatus(currentRow(), step, ReviewStatus::Unlabeled);
    if (row >= 0)
        goToRow(row);
}

void ReviewController::nextUnlabeled()
{
    jumpToStatus(1);
}

void ReviewController::previousUnlabeled()
{
    jumpToStatus(-1);
}

void ReviewController::nextImage()
{
    goToRow(currentRow() + 1);
}

void ReviewController::previousImage()
{
    goToRow(std::max(0, currentRow() - 1));
}

} // namespace tandem
