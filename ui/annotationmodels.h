#pragma once
// The captions and the questions of the image in the side panel, as small
// editable models. They mirror what the store last reported; setData and the
// add/remove calls push undo commands (Tiled style) and never change the rows
// themselves: the worker's reload after the edit does.
#include "data/imagerecords.h"

#include <QAbstractListModel>
#include <QAbstractTableModel>
#include <QStyledItemDelegate>

class QUndoStack;

namespace tandem {

class ProjectWorker;

class CaptionsModel : public QAbstractListModel {
    Q_OBJECT
public:
    CaptionsModel(ProjectWorker *worker, QUndoStack *undoStack, QObject *parent = nullptr);

    void setImage(qint64 imageId, const std::vector<CaptionRecord> &captions);
    void add(const QString &text);
    void remove(int row);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    bool setData(const QModelIndex &index, const QVariant &value, int role) override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;

signals:
    void refused(const QString &message);

private:
    ProjectWorker *m_worker;
    QUndoStack *m_undoStack;
    qint64 m_imageId = 0;
    std::vector<CaptionRecord> m_captions;
};

class QuestionsModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { QuestionColumn, AnswerTypeColumn, AnswersColumn, ColumnCount };

    QuestionsModel(ProjectWorker *worker, QUndoStack *undoStack, QObject *parent = nullptr);

    void setImage(qint64 imageId, const std::vector<QuestionRecord> &questions);
    void add(const QString &text);
    void remove(int row);

    // Answers are edited as one line, "yes; yes; no" (at most kMaxAnswers).
    static QString joinAnswers(const std::vector<AnswerRecord> &answers);
    static std::vector<AnswerRecord> splitAnswers(const QString &line, const std::vector<AnswerRecord> &before);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;
    bool setData(const QModelIndex &index, const QVariant &value, int role) override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;

signals:
    void refused(const QString &message);

private:
    ProjectWorker *m_worker;
    QUndoStack *m_undoStack;
    qint64 m_imageId = 0;
    std::vector<QuestionRecord> m_questions;
};

// Edits the answer type column with a combo box of the VQA answer types.
class AnswerTypeDelegate : public QStyledItemDelegate {
public:
    using QStyledItemDelegate::QStyledItemDelegate;
    QWidget *createEditor(QWidget *parent, const QStyleOptionViewItem &option, const QModelIndex &index) const override;
    void setEditorData(QWidget *editor, const QModelIndex &index) const override;
    void setModelData(QWidget *editor, QAbstractItemModel *model, const QModelIndex &index) const override;
};

} // namespace tandem
