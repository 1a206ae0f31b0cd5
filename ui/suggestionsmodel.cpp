#include "suggestionsmodel.h"

#include <QBrush>
#include <QFont>
#include <QPalette>

namespace tandem {

namespace {

QString scoreText(const PredictionRecord &p)
{
    if (!p.score)
        return {};
    // Answers and tags carry a probability; captions their log-probability.
    return p.questionId || p.tag ? QStringLiteral("%1%").arg(100.0 * *p.score, 0, 'f', 0)
                        : QStringLiteral("log p %1").arg(*p.score, 0, 'f', 1);
}

QString stateText(SuggestionState state)
{
    switch (state) {
    case SuggestionState::Open: return {};
    case SuggestionState::Accepted: return QObject::tr(" — accepted");
    case SuggestionState::Rejected: return QObject::tr(" — rejected");
    }
    return {};
}

} // namespace

SuggestionsModel::SuggestionsModel(QObject *parent) : QAbstractListModel(parent) {}

void SuggestionsModel::setSuggestions(std::vector<PredictionRecord> suggestions)
{
    beginResetModel();
    m_rows = std::move(suggestions);
    endResetModel();
}

const PredictionRecord *SuggestionsModel::at(int row) const
{
    return row >= 0 && row < rowCount() ? &m_rows[size_t(row)] : nullptr;
}

std::vector<qint64> SuggestionsModel::openIds() const
{
    std::vector<qint64> ids;
    for (const PredictionRecord &p : m_rows)
        if (p.state == SuggestionState::Open)
            ids.push_back(p.id);
    return ids;
}

int SuggestionsModel::openCount() const
{
    return int(openIds().size());
}

int SuggestionsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QVariant SuggestionsModel::data(const QModelIndex &index, int role) const
{
    const PredictionRecord *p = at(index.row());
    if (!p)
        return {};
    switch (role) {
    case Qt::DisplayRole: {
        const QString what = p->questionId ? tr("Q: %1 → %2").arg(p->question, p->text)
                             : p->tag      ? tr("Tag: %1").arg(p->text)
                                           : tr("Caption: %1").arg(p->text);
        return tr("%1   [%2, %3%4]").arg(what, scoreText(*p), p->runName, stateText(p->state));
    }
    case Qt::EditRole: return p->text;
    case Qt::ToolTipRole:
        return tr("Predicted by run %1 (%2). Accept makes it a human label; double-click edits it first.")
            .arg(p->runId).arg(p->runName);
    case Qt::FontRole: {
        QFont font;
        font.setItalic(p->state == SuggestionState::Open); // a prediction, not a label yet
        font.setStrikeOut(p->state == SuggestionState::Rejected);
        return font;
    }
    case Qt::ForegroundRole:
        return p->state == SuggestionState::Open ? QVariant() : QBrush(QPalette().color(QPalette::Disabled, QPalette::Text));
    case StateRole: return int(p->state);
    case IdRole: return p->id;
    }
    return {};
}

Qt::ItemFlags SuggestionsModel::flags(const QModelIndex &index) const
{
    const PredictionRecord *p = at(index.row());
    Qt::ItemFlags f = QAbstractListModel::flags(index);
    return p && p->state == SuggestionState::Open ? f | Qt::ItemIsEditable : f;
}

bool SuggestionsModel::setData(const QModelIndex &index, const QVariant &value, int role)
{
    const PredictionRecord *p = at(index.row());
    const QString text = value.toString().trimmed();
    if (!p || role != Qt::EditRole || text.isEmpty() || p->state != SuggestionState::Open)
        return false;
    emit acceptEdited(p->id, text); // the store's answer refreshes the list
    return true;
}

} // namespace tandem
