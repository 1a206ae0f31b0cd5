#pragma once
// The Model menu: add and run models, accept or reject suggestions (one by
// one, per image, or a whole run's above a score), ask and explain.
#include <QObject>
#include <functional>
#include <vector>

class QMenu;
class QUndoStack;
class QWidget;

namespace tandem {

class InspectPanel;
class ModelsDock;
class ProjectWorker;
class SuggestionsBox;

class ModelController : public QObject {
    Q_OBJECT
public:
    using SelectedImages = std::function<std::vector<qint64>()>;

    ModelController(ModelsDock *models, InspectPanel *inspect, SuggestionsBox *suggestions, ProjectWorker *worker,
                    QUndoStack *undoStack, SelectedImages selected, QWidget *window);

    void fillMenu(QMenu *menu);
    // Every open suggestion of a run above a score, over the selection or all images: one undo step.
    void acceptRunSuggestions();

signals:
    void message(const QString &text);

private:
    ModelsDock *m_models;
    InspectPanel *m_inspect;
    SuggestionsBox *m_suggestions;
    ProjectWorker *m_worker;
    QUndoStack *m_undoStack;
    SelectedImages m_selected;
    QWidget *m_window;
};

} // namespace tandem
