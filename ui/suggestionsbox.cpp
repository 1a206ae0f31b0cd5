#include "suggestionsbox.h"

#include "editcommands.h"
#include "suggestionsmodel.h"

#include <QAction>
#include <QHBoxLayout>
#include <QListView>
#include <QPushButton>
#include <QSignalBlocker>
#include <QUndoStack>
#include <QVBoxLayout>

namespace tandem {

SuggestionsBox::SuggestionsBox(ProjectWorker *worker, QUndoStack *undoStack, QWidget *parent)
    : QGroupBox(tr("Suggestions"), parent), m_worker(worker), m_undoStack(undoStack), m_model(new SuggestionsModel(this))
{
    setObjectName(QStringLiteral("suggestionsBox"));
    m_view = new QListView(this);
    m_view->setObjectName(QStringLiteral("suggestionsView"));
    m_view->setModel(m_model);
    m_view->setWordWrap(true);
    m_view->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_view->setEditTriggers(QAbstractItemView::DoubleClicked | QAbstractItemView::EditKeyPressed);
    m_view->setToolTip(tr("A model's predictions (italic) beside the human labels. Ctrl+Alt+A accepts, "
                          "Ctrl+Alt+X rejects, double-click edits before accepting"));
    connect(m_model, &SuggestionsModel::acceptEdited, this, [this](qint64 id, const QString &text) {
        m_undoStack->push(new SuggestionCommand(m_worker, {id}, SuggestionCommand::Action::Accept, {text}));
    });
    connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this, &SuggestionsBox::updateButtons);
    connect(m_view->selectionModel(), &QItemSelectionModel::currentChanged, this, [this](const QModelIndex &current) {
        const PredictionRecord *p = m_model->at(current.row());
        if (p && p->attention && !p->attention->words.empty())
            emit captionChosen(*p);
        else if (p && p->questionId)
            emit questionChosen(p->question);
    });

    const auto button = [this](const QString &text, const QString &tip, auto slot) {
        auto *b = new QPushButton(text, this);
        b->setToolTip(tip);
        connect(b, &QPushButton::clicked, this, slot);
        return b;
    };
    m_accept = button(tr("Accept"), tr("Make the selected suggestions human labels (Ctrl+Alt+A)"), &SuggestionsBox::acceptSelected);
    m_reject = button(tr("Reject"), tr("Mark the selected suggestions wrong (Ctrl+Alt+X)"), &SuggestionsBox::rejectSelected);
    m_acceptAll = button(tr("Accept all"), tr("Accept every open suggestion of this image in one step"),
                         &SuggestionsBox::acceptAllOpen);
    m_accept->setObjectName(QStringLiteral("acceptSuggestion"));
    m_reject->setObjectName(QStringLiteral("rejectSuggestion"));
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_accept);
    buttons->addWidget(m_reject);
    buttons->addStretch();
    buttons->addWidget(m_acceptAll);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_view);
    layout->addLayout(buttons);
    updateButtons();
}

void SuggestionsBox::setSuggestions(const std::vector<PredictionRecord> &suggestions)
{
    m_model->setSuggestions(suggestions);
    setTitle(suggestions.empty() ? tr("Suggestions") : tr("Suggestions (%1 open)").arg(m_model->openCount()));
    setVisible(!suggestions.empty());
    if (m_model->rowCount() > 0) {
        const QSignalBlocker quiet(m_view->selectionModel()); // only a click shows a suggestion's maps or question
        m_view->setCurrentIndex(m_model->index(0));
    }
    updateButtons();
}

std::vector<qint64> SuggestionsBox::selectedOpenIds() const
{
    std::vector<qint64> ids;
    for (const QModelIndex &index : m_view->selectionModel()->selectedIndexes())
        if (const PredictionRecord *p = m_model->at(index.row()); p && p->state == SuggestionState::Open)
            ids.push_back(p->id);
    return ids;
}

void SuggestionsBox::acceptSelected()
{
    if (auto ids = selectedOpenIds(); !ids.empty())
        m_undoStack->push(new SuggestionCommand(m_worker, std::move(ids), SuggestionCommand::Action::Accept));
}

void SuggestionsBox::rejectSelected()
{
    if (auto ids = selectedOpenIds(); !ids.empty())
        m_undoStack->push(new SuggestionCommand(m_worker, std::move(ids), SuggestionCommand::Action::Reject));
}

void SuggestionsBox::acceptAllOpen()
{
    if (auto ids = m_model->openIds(); !ids.empty())
        m_undoStack->push(new SuggestionCommand(m_worker, std::move(ids), SuggestionCommand::Action::Accept));
}

void SuggestionsBox::updateButtons()
{
    const bool open = !selectedOpenIds().empty();
    m_accept->setEnabled(open);
    m_reject->setEnabled(open);
    m_acceptAll->setEnabled(m_model->openCount() > 0);
}

} // namespace tandem
