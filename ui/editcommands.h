#pragma once
// Every edit of the labelling GUI is one of these commands on the window's
// QUndoStack. redo() and undo() hand the store edit to the ProjectWorker, which
// commits it at once; what only the worker learns (the id of a new caption)
// is kept in state shared with the worker thread, so a later undo finds it.
#include "data/imagerecords.h"

#include <QUndoCommand>
#include <memory>
#include <vector>

namespace tandem {

class ImageListModel;
class ProjectWorker;

class SetStatusCommand : public QUndoCommand {
public:
    SetStatusCommand(ProjectWorker *worker, ImageListModel *images, std::vector<qint64> imageIds,
                     std::vector<ReviewStatus> before, ReviewStatus after);
    void redo() override;
    void undo() override;

private:
    ProjectWorker *m_worker;
    ImageListModel *m_images;
    std::vector<qint64> m_ids;
    std::vector<ReviewStatus> m_before;
    ReviewStatus m_after;
};

class SetSplitCommand : public QUndoCommand {
public:
    SetSplitCommand(ProjectWorker *worker, qint64 imageId, QString before, QString after);
    void redo() override;
    void undo() override;

private:
    ProjectWorker *m_worker;
    qint64 m_id;
    QString m_before, m_after;
};

class SetTagsCommand : public QUndoCommand {
public:
    SetTagsCommand(ProjectWorker *worker, qint64 imageId, QStringList before, QStringList after);
    void redo() override;
    void undo() override;

private:
    ProjectWorker *m_worker;
    qint64 m_id;
    QStringList m_before, m_after;
};

// Adds a caption, or (with remove = true) removes one; each is the other's undo.
class CaptionCommand : public QUndoCommand {
public:
    CaptionCommand(ProjectWorker *worker, qint64 imageId, CaptionRecord caption, bool remove);
    void redo() override;
    void undo() override;

private:
    void add();
    void remove();

    ProjectWorker *m_worker;
    qint64 m_imageId;
    bool m_remove;
    std::shared_ptr<CaptionRecord> m_caption; // its id is set on the worker thread
};

class EditCaptionCommand : public QUndoCommand {
public:
    EditCaptionCommand(ProjectWorker *worker, qint64 imageId, qint64 captionId, QString before, QString after);
    void redo() override;
    void undo() override;

private:
    void set(const QString &text);

    ProjectWorker *m_worker;
    qint64 m_imageId, m_captionId;
    QString m_before, m_after;
};

// Adds a question with its answers, or removes one.
class QuestionCommand : public QUndoCommand {
public:
    QuestionCommand(ProjectWorker *worker, qint64 imageId, QuestionRecord question, bool remove);
    void redo() override;
    void undo() override;

private:
    void add();
    void remove();

    ProjectWorker *m_worker;
    qint64 m_imageId;
    bool m_remove;
    std::shared_ptr<QuestionRecord> m_question;
};

// Text, answer type or answers of a question.
class EditQuestionCommand : public QUndoCommand {
public:
    EditQuestionCommand(ProjectWorker *worker, qint64 imageId, QuestionRecord before, QuestionRecord after);
    void redo() override;
    void undo() override;

private:
    void set(const QuestionRecord &question);

    ProjectWorker *m_worker;
    qint64 m_imageId;
    QuestionRecord m_before, m_after;
};

// Accepts (each becomes a human caption or answer) or rejects model
// suggestions, all in one step; undo opens them again and removes what
// accepting made.
class SuggestionCommand : public QUndoCommand {
public:
    enum class Action { Accept, Reject };
    // texts: empty, or the edited text of each accepted suggestion.
    SuggestionCommand(ProjectWorker *worker, std::vector<qint64> predictionIds, Action action,
                      std::vector<QString> texts = {});
    void redo() override;
    void undo() override;

private:
    ProjectWorker *m_worker;
    std::vector<qint64> m_ids;
    Action m_action;
    std::vector<QString> m_texts;
    std::shared_ptr<std::vector<qint64>> m_changed; // set on the worker thread: what redo changed
};

} // namespace tandem
