#pragma once
// The review workflow on the grid: verify or reject and move on, jump to the
// next or previous unlabeled image, and set a status on every selected image
// at once. Owns the actions (and their shortcuts) that the menus show.
#include <QObject>
#include <vector>

class QAction;
class QUndoStack;

namespace tandem {

class ImageGridView;
class ImageListModel;
class ProjectWorker;

class ReviewController : public QObject {
    Q_OBJECT
public:
    ReviewController(ImageGridView *view, ImageListModel *images, ProjectWorker *worker, QUndoStack *undoStack,
                     QObject *parent = nullptr);

    QList<QAction *> reviewActions() const;     // verify / reject and next, unlabeled jumps
    QList<QAction *> navigationActions() const; // next / previous image
    QList<QAction *> statusActions() const;     // one per status, for the selection

    void goToRow(int row);
    void setStatusOfSelection(int status);
    std::vector<int> selectedRows() const; // the current row when nothing is selected
    // Selects these images (those the grid shows; `add` keeps the selection),
    // the first one current; returns how many are not shown by the filter.
    int selectImages(const std::vector<qint64> &imageIds, bool add);
    std::vector<qint64> selectedImages() const; // the selection only

private:
    QAction *makeAction(const QString &text, const QKeySequence &shortcut, const QString &tip, void (ReviewController::*slot)());
    void markAndNext(int status);
    void verifyAndNext();
    void rejectAndNext();
    void nextUnlabeled();
    void previousUnlabeled();
    void nextImage();
    void previousImage();
    void jumpToStatus(int step);
    int currentRow() const;

    ImageGridView *m_view;
    ImageListModel *m_images;
    ProjectWorker *m_worker;
    QUndoStack *m_undoStack;
    QList<QAction *> m_review, m_navigation, m_status;
};

} // namespace tandem
