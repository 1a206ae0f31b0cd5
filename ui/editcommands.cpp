#include "editcommands.h"

#include "data/imageedits.h"
#include "data/runstore.h"
#include "imagelistmodel.h"
#include "projectworker.h"

#include <QCoreApplication>

namespace tandem {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("EditCommands", text);
}

QString shortened(const QString &text)
{
    return text.size() > 40 ? text.left(39) + QChar(0x2026) : text;
}

} // namespace

SetStatusCommand::SetStatusCommand(ProjectWorker *worker, ImageListModel *images, std::vector<qint64> imageIds,
                                   std::vector<ReviewStatus> before, ReviewStatus after)
    : m_worker(worker), m_images(images), m_ids(std::move(imageIds)), m_before(std::move(before)), m_after(after)
{
    setText(m_ids.size() == 1 ? tr("Mark %1").arg(statusName(after))
                              : tr("Mark %1 images %2").arg(m_ids.size()).arg(statusName(after)));
}

void SetStatusCommand::redo()
{
    m_images->showStatuses(m_ids, {m_after});
    m_worker->edit(m_ids, [ids = m_ids, status = m_after](ProjectStore &store) { return edits::setStatus(store, ids, status); });
}

void SetStatusCommand::undo()
{
    m_images->showStatuses(m_ids, m_before);
    std::vector<std::pair<qint64, ReviewStatus>> statuses;
    statuses.reserve(m_ids.size());
    for (size_t i = 0; i < m_ids.size(); ++i)
        statuses.emplace_back(m_ids[i], m_before[i]);
    m_worker->edit(m_ids, [statuses](ProjectStore &store) { return edits::setStatuses(store, statuses); });
}

SetSplitCommand::SetSplitCommand(ProjectWorker *worker, qint64 imageId, QString before, QString after)
    : m_worker(worker), m_id(imageId), m_before(std::move(before)), m_after(std::move(after))
{
    setText(m_after.isEmpty() ? tr("Clear split") : tr("Move to %1").arg(m_after));
}

void SetSplitCommand::redo()
{
    m_worker->edit({m_id}, [id = m_id, split = m_after](ProjectStore &store) { return edits::setSplit(store, {id}, split); });
}

void SetSplitCommand::undo()
{
    m_worker->edit({m_id}, [id = m_id, split = m_before](ProjectStore &store) { return edits::setSplit(store, {id}, split); });
}

SetTagsCommand::SetTagsCommand(ProjectWorker *worker, qint64 imageId, QStringList before, QStringList after)
    : m_worker(worker), m_id(imageId), m_before(std::move(before)), m_after(std::move(after))
{
    setText(tr("Tags: %1").arg(shortened(m_after.join(QStringLiteral(", ")))));
}

void SetTagsCommand::redo()
{
    m_worker->edit({m_id}, [id = m_id, tags = m_after](ProjectStore &store) { return edits::setTags(store, id, tags); });
}

void SetTagsCommand::undo()
{
    m_worker->edit({m_id}, [id = m_id, tags = m_before](ProjectStore &store) { return edits::setTags(store, id, tags); });
}

CaptionCommand::CaptionCommand(ProjectWorker *worker, qint64 imageId, CaptionRecord caption, bool remove)
    : m_worker(worker), m_imageId(imageId), m_remove(remove), m_caption(std::make_shared<CaptionRecord>(std::move(caption)))
{
    setText((remove ? tr("Remove caption \"%1\"") : tr("Add caption \"%1\"")).arg(shortened(m_caption->text)));
}

void CaptionCommand::add()
{
    m_worker->edit({m_imageId}, [imageId = m_imageId, caption = m_caption](ProjectStore &store) -> Status {
        auto id = edits::addCaption(store, imageId, *caption);
        if (!id)
            return id.error();
        caption->id = *id; // a redo after undo restores this very caption
        return {};
    });
}

void CaptionCommand::remove()
{
    m_worker->edit({m_imageId}, [caption = m_caption](ProjectStore &store) { return edits::removeCaption(store, caption->id); });
}

void CaptionCommand::redo()
{
    m_remove ? remove() : add();
}

void CaptionCommand::undo()
{
    m_remove ? add() : remove();
}

EditCaptionCommand::EditCaptionCommand(ProjectWorker *worker, qint64 imageId, qint64 captionId, QString before, QString after)
    : m_worker(worker), m_imageId(imageId), m_captionId(captionId), m_before(std::move(before)), m_after(std::move(after))
{
    setText(tr("Edit caption \"%1\"").arg(shortened(m_after)));
}

void EditCaptionCommand::set(const QString &text)
{
    m_worker->edit({m_imageId}, [id = m_captionId, text](ProjectStore &store) { return edits::setCaption(store, id, text); });
}

void EditCaptionCommand::redo()
{
    set(m_after);
}

void EditCaptionCommand::undo()
{
    set(m_before);
}

QuestionCommand::QuestionCommand(ProjectWorker *worker, qint64 imageId, QuestionRecord question, bool remove)
    : m_worker(worker), m_imageId(imageId), m_remove(remove), m_question(std::make_shared<QuestionRecord>(std::move(question)))
{
    setText((remove ? tr("Remove question \"%1\"") : tr("Add question \"%1\"")).arg(shortened(m_question->text)));
}

void QuestionCommand::add()
{
    m_worker->edit({m_imageId}, [imageId = m_imageId, question = m_question](ProjectStore &store) -> Status {
        auto id = edits::addQuestion(store, imageId, *question);
        if (!id)
            return id.error();
        question->id = *id;
        return {};
    });
}

void QuestionCommand::remove()
{
    m_worker->edit({m_imageId}, [question = m_question](ProjectStore &store) { return edits::removeQuestion(store, question->id); });
}

void QuestionCommand::redo()
{
    m_remove ? remove() : add();
}

void QuestionCommand::undo()
{
    m_remove ? add() : remove();
}

EditQuestionCommand::EditQuestionCommand(ProjectWorker *worker, qint64 imageId, QuestionRecord before, QuestionRecord after)
    : m_worker(worker), m_imageId(imageId), m_before(std::move(before)), m_after(std::move(after))
{
    setText(tr("Edit question \"%1\"").arg(shortened(m_after.text)));
}

void EditQuestionCommand::set(const QuestionRecord &question)
{
    m_worker->edit({m_imageId}, [question](ProjectStore &store) { return edits::setQuestion(store, question); });
}

void EditQuestionCommand::redo()
{
    set(m_after);
}

void EditQuestionCommand::undo()
{
    set(m_before);
}

SuggestionCommand::SuggestionCommand(ProjectWorker *worker, std::vector<qint64> predictionIds, Action action,
                                     std::vector<QString> texts)
    : m_worker(worker), m_ids(std::move(predictionIds)), m_action(action), m_texts(std::move(texts)),
      m_changed(std::make_shared<std::vector<qint64>>())
{
    const bool accept = action == Action::Accept;
    if (m_ids.size() == 1)
        setText(accept ? (m_texts.empty() ? tr("Accept suggestion") : tr("Accept edited suggestion: %1").arg(shortened(m_texts[0])))
                       : tr("Reject suggestion"));
    else
        setText((accept ? tr("Accept %1 suggestions") : tr("Reject %1 suggestions")).arg(m_ids.size()));
}

void SuggestionCommand::redo()
{
    m_worker->editImages([ids = m_ids, texts = m_texts, accept = m_action == Action::Accept,
                          changed = m_changed](ProjectStore &store) -> Expected<std::vector<qint64>> {
        auto change = accept ? predictions::accept(store, ids, texts) : predictions::reject(store, ids);
        if (!change)
            return change.error();
        *changed = change->changed; // a suggestion whose question has ten answers already stays open
        return change->images;
    });
}

void SuggestionCommand::undo()
{
    m_worker->editImages([changed = m_changed](ProjectStore &store) -> Expected<std::vector<qint64>> {
        auto change = predictions::reopen(store, *changed);
        if (!change)
            return change.error();
        return change->images;
    });
}

} // namespace tandem
