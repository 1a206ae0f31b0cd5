#pragma once
// The side panel: everything about the current image that a labeller edits
// (status, split, tags, captions, questions with answers). Each change pushes
// an undo command; the panel then shows what the store reports back.
#include "data/imagerecords.h"

#include <QWidget>

class QComboBox;
class QLabel;
class QLineEdit;
class QListView;
class QTableView;
class QUndoStack;

namespace tandem {

class CaptionsModel;
class ImageListModel;
class ProjectWorker;
class QuestionsModel;
class SuggestionsBox;
class TagsEdit;

class ImagePanel : public QWidget {
    Q_OBJECT
public:
    ImagePanel(ProjectWorker *worker, ImageListModel *images, QUndoStack *undoStack, QWidget *parent = nullptr);

    void showDetail(const ImageDetail &detail);
    void clear();
    qint64 imageId() const { return m_detail.summary.id; }
    void setKnownTags(const QStringList &tags);
    void setKnownSplits(const QStringList &splits);

    void focusNewCaption();
    void focusNewQuestion();
    void focusTags();
    SuggestionsBox *suggestions() const { return m_suggestions; }

signals:
    void message(const QString &text); // for the status bar

private:
    QWidget *buildProperties();
    QWidget *buildCaptions();
    QWidget *buildQuestions();
    void commitStatus(int comboIndex);
    void commitSplit();
    void commitTags();
    void setEnabledForImage(bool enabled);

    ProjectWorker *m_worker;
    ImageListModel *m_images;
    QUndoStack *m_undoStack;
    ImageDetail m_detail;
    CaptionsModel *m_captions;
    QuestionsModel *m_questions;
    QLabel *m_header = nullptr;
    QComboBox *m_status = nullptr;
    QComboBox *m_split = nullptr;
    TagsEdit *m_tags = nullptr;
    QListView *m_captionsView = nullptr;
    QLineEdit *m_newCaption = nullptr;
    QTableView *m_questionsView = nullptr;
    QLineEdit *m_newQuestion = nullptr;
    SuggestionsBox *m_suggestions = nullptr;
};

} // namespace tandem
