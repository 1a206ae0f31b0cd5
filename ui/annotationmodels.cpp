#include "annotationmodels.h"

#include "editcommands.h"

#include <QComboBox>
#include <QUndoStack>

namespace tandem {

CaptionsModel::CaptionsModel(ProjectWorker *worker, QUndoStack *undoStack, QObject *parent)
    : QAbstractListModel(parent), m_worker(worker), m_undoStack(undoStack)
{
}

// Same image, same rows: update in place, so that an editor open on another
// row survives the reload that follows every edit.
void CaptionsModel::setImage(qint64 imageId, const std::vector<CaptionRecord> &captions)
{
    if (imageId == m_imageId && captions.size() == m_captions.size()) {
        m_captions = captions;
        if (!m_captions.empty())
            emit dataChanged(index(0), index(rowCount() - 1));
        return;
    }
    beginResetModel();
    m_imageId = imageId;
    m_captions = captions;
    endResetModel();
}

void CaptionsModel::add(const QString &text)
{
    if (!m_imageId)
        return;
    if (text.trimmed().isEmpty()) {
        emit refused(tr("A caption cannot be empty."));
        return;
    }
    m_undoStack->push(new CaptionCommand(m_worker, m_imageId, {0, text.trimmed(), {}}, false));
}

void CaptionsModel::remove(int row)
{
    if (row >= 0 && row < rowCount())
        m_undoStack->push(new CaptionCommand(m_worker, m_imageId, m_captions[size_t(row)], true));
}

int CaptionsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_captions.size());
}

QVariant CaptionsModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= rowCount())
        return {};
    const CaptionRecord &caption = m_captions[size_t(index.row())];
    if (role == Qt::DisplayRole || role == Qt::EditRole)
        return caption.text;
    if (role == Qt::ToolTipRole)
        return tr("F2 or double-click to edit, Delete to remove");
    return {};
}

bool CaptionsModel::setData(const QModelIndex &index, const QVariant &value, int role)
{
    if (role != Qt::EditRole || !index.isValid())
        return false;
    const CaptionRecord &caption = m_captions[size_t(index.row())];
    const QString text = value.toString().trimmed();
    if (text == caption.text)
        return false;
    if (text.isEmpty()) {
        emit refused(tr("A caption cannot be empty; press Delete to remove it."));
        return false;
    }
    m_undoStack->push(new EditCaptionCommand(m_worker, m_imageId, caption.id, caption.text, text));
    return true;
}

Qt::ItemFlags CaptionsModel::flags(const QModelIndex &index) const
{
    return QAbstractListModel::flags(index) | Qt::ItemIsEditable | Qt::ItemNeverHasChildren;
}

QuestionsModel::QuestionsModel(ProjectWorker *worker, QUndoStack *undoStack, QObject *parent)
    : QAbstractTableModel(parent), m_worker(worker), m_undoStack(undoStack)
{
}

void QuestionsModel::setImage(qint64 imageId, const std::vector<QuestionRecord> &questions)
{
    if (imageId == m_imageId && questions.size() == m_questions.size()) {
        m_questions = questions;
        if (!m_questions.empty())
            emit dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
        return;
    }
    beginResetModel();
    m_imageId = imageId;
    m_questions = questions;
    endResetModel();
}

void QuestionsModel::add(const QString &text)
{
    if (!m_imageId)
        return;
    if (text.trimmed().isEmpty()) {
        emit refused(tr("A question cannot be empty."));
        return;
    }
    QuestionRecord question;
    question.text = text.trimmed();
    m_undoStack->push(new QuestionCommand(m_worker, m_imageId, question, false));
}

void QuestionsModel::remove(int row)
{
    if (row >= 0 && row < rowCount())
        m_undoStack->push(new QuestionCommand(m_worker, m_imageId, m_questions[size_t(row)], true));
}

QString QuestionsModel::joinAnswers(const std::vector<AnswerRecord> &answers)
{
    QStringList texts;
    for (const AnswerRecord &a : answers)
        texts << a.text;
    return texts.join(QStringLiteral("; "));
}

// Keeps the confidence of answers that are still there, in order.
std::vector<AnswerRecord> QuestionsModel::splitAnswers(const QString &line, const std::vector<AnswerRecord> &before)
{
    std::vector<AnswerRecord> answers;
    std::vector<bool> used(before.size(), false);
    for (const QString &part : line.split(QLatin1Char(';'), Qt::SkipEmptyParts)) {
        AnswerRecord answer{part.trimmed(), {}};
        if (answer.text.isEmpty())
            continue;
        for (size_t i = 0; i < before.size(); ++i) {
            if (!used[i] && before[i].text == answer.text) {
                used[i] = true;
                answer.confidence = before[i].confidence;
                break;
            }
        }
        answers.push_back(answer);
    }
    return answers;
}

int QuestionsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_questions.size());
}

int QuestionsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant QuestionsModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= rowCount())
        return {};
    const QuestionRecord &q = m_questions[size_t(index.row())];
    if (role == Qt::ToolTipRole) {
        if (index.column() == AnswersColumn)
            return tr("Up to %1 answers separated by ';' (most common: %2)").arg(kMaxAnswers).arg(q.multipleChoiceAnswer);
        return tr("%1<br><i>F2 or double-click to edit, Delete to remove</i>").arg(q.text.toHtmlEscaped());
    }
    if (role != Qt::DisplayRole && role != Qt::EditRole)
        return {};
    switch (index.column()) {
    case QuestionColumn: return q.text;
    case AnswerTypeColumn: return q.answerType;
    case AnswersColumn: return joinAnswers(q.answers);
    default: return {};
    }
}

QVariant QuestionsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case QuestionColumn: return tr("Question");
    case AnswerTypeColumn: return tr("Type");
    case AnswersColumn: return tr("Answers");
    default: return {};
    }
}

bool QuestionsModel::setData(const QModelIndex &index, const QVariant &value, int role)
{
    if (role != Qt::EditRole || !index.isValid())
        return false;
    const QuestionRecord &before = m_questions[size_t(index.row())];
    QuestionRecord after = before;
    const QString text = value.toString().trimmed();
    switch (index.column()) {
    case QuestionColumn: after.text = text; break;
    case AnswerTypeColumn: after.answerType = text; break;
    case AnswersColumn: after.answers = splitAnswers(text, before.answers); break;
    default: return false;
    }
    if (after.text.isEmpty()) {
        emit refused(tr("A question cannot be empty; press Delete to remove it."));
        return false;
    }
    if (after.answers.size() > size_t(kMaxAnswers)) {
        emit refused(tr("A question has at most %1 answers; you gave %2.").arg(kMaxAnswers).arg(after.answers.size()));
        return false;
    }
    if (after.text == before.text && after.answerType == before.answerType
        && joinAnswers(after.answers) == joinAnswers(before.answers))
        return false;
    m_undoStack->push(new EditQuestionCommand(m_worker, m_imageId, before, after));
    return true;
}

Qt::ItemFlags QuestionsModel::flags(const QModelIndex &index) const
{
    return QAbstractTableModel::flags(index) | Qt::ItemIsEditable | Qt::ItemNeverHasChildren;
}

QWidget *AnswerTypeDelegate::createEditor(QWidget *parent, const QStyleOptionViewItem &, const QModelIndex &) const
{
    auto *combo = new QComboBox(parent);
    for (const QString &type : answerTypes())
        combo->addItem(type.isEmpty() ? QObject::tr("(unknown)") : type, type);
    return combo;
}

void AnswerTypeDelegate::setEditorData(QWidget *editor, const QModelIndex &index) const
{
    auto *combo = static_cast<QComboBox *>(editor);
    combo->setCurrentIndex(std::max(0, combo->findData(index.data(Qt::EditRole).toString())));
}

void AnswerTypeDelegate::setModelData(QWidget *editor, QAbstractItemModel *model, const QModelIndex &index) const
{
    model->setData(index, static_cast<QComboBox *>(editor)->currentData(), Qt::EditRole);
}

} // namespace tandem
