#include "modelcontroller.h"

#include "acceptrundialog.h"
#include "editcommands.h"
#include "inspectpanel.h"
#include "modelsdock.h"
#include "projectworker.h"
#include "suggestionsbox.h"

#include <QMenu>
#include <QUndoStack>

namespace tandem {

ModelController::ModelController(ModelsDock *models, InspectPanel *inspect, SuggestionsBox *suggestions,
                                 ProjectWorker *worker, QUndoStack *undoStack, SelectedImages selected, QWidget *window)
    : QObject(window), m_models(models), m_inspect(inspect), m_suggestions(suggestions), m_worker(worker),
      m_undoStack(undoStack), m_selected(std::move(selected)), m_window(window)
{
}

void ModelController::fillMenu(QMenu *menu)
{
    menu->setToolTipsVisible(true);
    const auto add = [this, menu](const QString &text, const QKeySequence &keys, const QString &tip, auto slot) {
        QAction *action = menu->addAction(text, keys, this, slot);
        action->setToolTip(keys.isEmpty() ? tip : QStringLiteral("%1 (%2)").arg(tip, keys.toString(QKeySequence::NativeText)));
        return action;
    };
    add(tr("&Add Model…"), {}, tr("Add a checkpoint file to the project's models"), [this] { m_models->addCheckpoint(); });
    add(tr("&Run Current Model"), QKeySequence(Qt::CTRL | Qt::Key_R),
        tr("Run the current model on the images chosen in the Models dock; its results become suggestions"),
        [this] { m_models->runModel(); });
    add(tr("&Cancel Run"), {}, tr("Stop the running model; nothing is stored"), [this] { m_models->cancelRun(); });
    menu->addSeparator();
    add(tr("A&ccept Suggestion"), QKeySequence(Qt::CTRL | Qt::ALT | Qt::Key_A),
        tr("Make the selected suggestions human labels"), [this] { m_suggestions->acceptSelected(); });
    add(tr("Re&ject Suggestion"), QKeySequence(Qt::CTRL | Qt::ALT | Qt::Key_X), tr("Mark the selected suggestions wrong"),
        [this] { m_suggestions->rejectSelected(); });
    add(tr("Accept All of This &Image"), {}, tr("Accept every open suggestion of the current image"),
        [this] { m_suggestions->acceptAllOpen(); });
    add(tr("Accept Suggestions of a R&un…"), QKeySequence(Qt::CTRL | Qt::ALT | Qt::SHIFT | Qt::Key_A),
        tr("Accept a run's suggestions above a score, over the selection or every image, in one undo step"),
        [this] { acceptRunSuggestions(); });
    menu->addSeparator();
    add(tr("As&k the Model"), QKeySequence(Qt::CTRL | Qt::Key_K), tr("Type a question about the current image"),
        [this] { m_inspect->focusQuestion(); });
    add(tr("&Explain"), QKeySequence(Qt::CTRL | Qt::ALT | Qt::Key_E),
        tr("Show where the current model looks in this image"), [this] { m_inspect->explain(); });
    add(tr("E&xport Map…"), {}, tr("Save the image with the map over it as PNG"), [this] { m_inspect->exportMap(); });
}

void ModelController::acceptRunSuggestions()
{
    m_worker->query<std::vector<RunRecord>>(this, [](ProjectStore &store) { return runs::list(store, RunKind::Infer); },
                                            [this](const Expected<std::vector<RunRecord>> &runs) {
        if (!runs) {
            emit message(runs.error().message);
            return;
        }
        const std::vector<qint64> selected = m_selected();
        AcceptRunDialog dialog(*runs, int(selected.size()), m_window);
        if (dialog.exec() != QDialog::Accepted)
            return;
        const std::vector<qint64> images = dialog.selectionOnly() ? selected : std::vector<qint64>{};
        m_worker->query<std::vector<qint64>>(this, [run = dialog.runId(), score = dialog.minScore(), images](ProjectStore &store) {
            return predictions::openIds(store, run, score, images);
        }, [this](const Expected<std::vector<qint64>> &ids) {
            if (!ids)
                emit message(ids.error().message);
            else if (ids->empty())
                emit message(tr("No open suggestion of that run scores that high"));
            else
                m_undoStack->push(new SuggestionCommand(m_worker, *ids, SuggestionCommand::Action::Accept));
        });
    });
}

} // namespace tandem
