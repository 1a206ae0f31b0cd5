#pragma once
// "Suggestions" in the side panel: the model predictions for the current image
// beside its human labels. Accept (the prediction becomes a caption or an
// answer), edit then accept (double-click), reject; each is one undo step.
#include "data/runstore.h"

#include <QGroupBox>

class QListView;
class QPushButton;
class QUndoStack;

namespace tandem {

class ProjectWorker;
class SuggestionsModel;

class SuggestionsBox : public QGroupBox {
    Q_OBJECT
public:
    SuggestionsBox(ProjectWorker *worker, QUndoStack *undoStack, QWidget *parent = nullptr);

    void setSuggestions(const std::vector<PredictionRecord> &suggestions);

public slots:
    void acceptSelected();
    void rejectSelected();
    void acceptAllOpen();

signals:
    // A caption suggestion with its words' attention maps was chosen.
    void captionChosen(const tandem::PredictionRecord &prediction);
    // An answer suggestion was chosen: its question, to ask and explain.
    void questionChosen(const QString &question);

private:
    std::vector<qint64> selectedOpenIds() const;
    void updateButtons();

    ProjectWorker *m_worker;
    QUndoStack *m_undoStack;
    SuggestionsModel *m_model;
    QListView *m_view;
    QPushButton *m_accept, *m_reject, *m_acceptAll;
};

} // namespace tandem
