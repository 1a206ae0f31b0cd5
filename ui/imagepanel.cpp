#include "imagepanel.h"

#include "annotationmodels.h"
#include "editcommands.h"
#include "imagelistmodel.h"
#include "suggestionsbox.h"
#include "tagsedit.h"

#include <QAction>
#include <QComboBox>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QSignalBlocker>
#include <QTableView>
#include <QUndoStack>
#include <QVBoxLayout>

namespace tandem {

namespace {

// Delete removes the selected row of `view`, wherever the keyboard focus is inside it.
void addRemoveAction(QAbstractItemView *view, std::function<void(int)> remove)
{
    auto *action = new QAction(QObject::tr("Remove"), view);
    action->setShortcut(QKeySequence::Delete);
    action->setShortcutContext(Qt::WidgetShortcut);
    QObject::connect(action, &QAction::triggered, view, [view, remove] {
        if (view->currentIndex().isValid())
            remove(view->currentIndex().row());
    });
    view->addAction(action);
}

} // namespace

ImagePanel::ImagePanel(ProjectWorker *worker, ImageListModel *images, QUndoStack *undoStack, QWidget *parent)
    : QWidget(parent), m_worker(worker), m_images(images), m_undoStack(undoStack),
      m_captions(new CaptionsModel(worker, undoStack, this)), m_questions(new QuestionsModel(worker, undoStack, this))
{
    auto *layout = new QVBoxLayout(this);
    m_header = new QLabel(this);
    m_header->setWordWrap(true);
    m_header->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_header);
    layout->addWidget(buildProperties());
    m_suggestions = new SuggestionsBox(worker, undoStack, this);
    layout->addWidget(m_suggestions, 2);
    layout->addWidget(buildCaptions(), 2);
    layout->addWidget(buildQuestions(), 3);
    connect(m_captions, &CaptionsModel::refused, this, &ImagePanel::message);
    connect(m_questions, &QuestionsModel::refused, this, &ImagePanel::message);
    clear();
}

QWidget *ImagePanel::buildProperties()
{
    auto *box = new QWidget(this);
    auto *form = new QFormLayout(box);
    form->setContentsMargins(0, 0, 0, 0);
    m_status = new QComboBox(box);
    m_status->setObjectName(QStringLiteral("statusCombo"));
    for (int s = 0; s < 4; ++s)
        m_status->addItem(statusName(ReviewStatus(s)), s);
    m_status->setToolTip(tr("Review status of this image (Alt+1…4 set it for every selected image)"));
    connect(m_status, qOverload<int>(&QComboBox::activated), this, &ImagePanel::commitStatus);
    m_split = new QComboBox(box);
    m_split->setObjectName(QStringLiteral("splitCombo"));
    m_split->setEditable(true);
    m_split->setInsertPolicy(QComboBox::NoInsert);
    m_split->setToolTip(tr("Split: train, val, test, or a name of your own; empty for none"));
    connect(m_split, qOverload<int>(&QComboBox::activated), this, &ImagePanel::commitSplit);
    connect(m_split->lineEdit(), &QLineEdit::editingFinished, this, &ImagePanel::commitSplit);
    m_tags = new TagsEdit(box);
    m_tags->setObjectName(QStringLiteral("tagsEdit"));
    m_tags->setToolTip(tr("Tags, separated by commas; completes from the project's tags (Ctrl+T)"));
    connect(m_tags, &QLineEdit::editingFinished, this, &ImagePanel::commitTags);
    form->addRow(tr("&Status:"), m_status);
    form->addRow(tr("S&plit:"), m_split);
    form->addRow(tr("&Tags:"), m_tags);
    return box;
}

QWidget *ImagePanel::buildCaptions()
{
    auto *box = new QGroupBox(tr("Captions"), this);
    auto *layout = new QVBoxLayout(box);
    m_captionsView = new QListView(box);
    m_captionsView->setObjectName(QStringLiteral("captionsView"));
    m_captionsView->setModel(m_captions);
    m_captionsView->setWordWrap(true);
    m_captionsView->setAlternatingRowColors(true);
    m_captionsView->setEditTriggers(QAbstractItemView::DoubleClicked | QAbstractItemView::EditKeyPressed);
    m_captionsView->setToolTip(tr("F2 or double-click edits a caption; Delete removes it"));
    addRemoveAction(m_captionsView, [this](int row) { m_captions->remove(row); });
    m_newCaption = new QLineEdit(box);
    m_newCaption->setObjectName(QStringLiteral("newCaptionEdit"));
    m_newCaption->setPlaceholderText(tr("New caption… (Ctrl+Shift+A, Enter adds)"));
    m_newCaption->setToolTip(tr("Type a caption and press Enter to add it (Ctrl+Shift+A)"));
    connect(m_newCaption, &QLineEdit::returnPressed, this, [this] {
        m_captions->add(m_newCaption->text());
        if (!m_newCaption->text().trimmed().isEmpty())
            m_newCaption->clear();
    });
    layout->addWidget(m_captionsView);
    layout->addWidget(m_newCaption);
    return box;
}

QWidget *ImagePanel::buildQuestions()
{
    auto *box = new QGroupBox(tr("Questions and answers"), this);
    auto *layout = new QVBoxLayout(box);
    m_questionsView = new QTableView(box);
    m_questionsView->setObjectName(QStringLiteral("questionsView"));
    m_questionsView->setModel(m_questions);
    m_questionsView->setItemDelegateForColumn(QuestionsModel::AnswerTypeColumn, new AnswerTypeDelegate(m_questionsView));
    m_questionsView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_questionsView->setSelectionMode(QAbstractItemView::SingleSelection);
    m_questionsView->setAlternatingRowColors(true);
    m_questionsView->setWordWrap(false);
    m_questionsView->verticalHeader()->hide();
    m_questionsView->verticalHeader()->setDefaultSectionSize(m_questionsView->fontMetrics().height() + 6);
    m_questionsView->horizontalHeader()->setSectionResizeMode(QuestionsModel::QuestionColumn, QHeaderView::Stretch);
    m_questionsView->horizontalHeader()->setSectionResizeMode(QuestionsModel::AnswerTypeColumn, QHeaderView::ResizeToContents);
    m_questionsView->horizontalHeader()->setSectionResizeMode(QuestionsModel::AnswersColumn, QHeaderView::Interactive);
    m_questionsView->setEditTriggers(QAbstractItemView::DoubleClicked | QAbstractItemView::EditKeyPressed);
    m_questionsView->setToolTip(tr("F2 or double-click edits a cell; answers are separated by ';' (up to %1); "
                                   "Delete removes the question").arg(kMaxAnswers));
    addRemoveAction(m_questionsView, [this](int row) { m_questions->remove(row); });
    m_newQuestion = new QLineEdit(box);
    m_newQuestion->setObjectName(QStringLiteral("newQuestionEdit"));
    m_newQuestion->setPlaceholderText(tr("New question… (Ctrl+Shift+Q, Enter adds)"));
    m_newQuestion->setToolTip(tr("Type a question and press Enter to add it; then add answers in its row"));
    connect(m_newQuestion, &QLineEdit::returnPressed, this, [this] {
        m_questions->add(m_newQuestion->text());
        if (!m_newQuestion->text().trimmed().isEmpty())
            m_newQuestion->clear();
    });
    layout->addWidget(m_questionsView);
    layout->addWidget(m_newQuestion);
    return box;
}

void ImagePanel::showDetail(const ImageDetail &detail)
{
    const bool sameImage = detail.summary.id == m_detail.summary.id;
    m_detail = detail;
    const ImageSummary &s = detail.summary;
    QString header = QStringLiteral("<b>%1</b><br><span style='color:gray'>%2 × %3 · id %4</span>")
                         .arg(QFileInfo(s.name).fileName().toHtmlEscaped()).arg(detail.width).arg(detail.height).arg(s.id);
    if (s.flag > ImageFlag::Ok)
        header += QStringLiteral("<br><span style='color:#b00'>%1: %2</span>").arg(flagName(s.flag), s.flagDetail.toHtmlEscaped());
    m_header->setText(header);
    m_header->setToolTip(s.path);
    {
        const QSignalBlocker blockStatus(m_status), blockSplit(m_split);
        m_status->setCurrentIndex(int(s.status));
        if (!m_split->hasFocus() || !sameImage)
            m_split->setEditText(s.split);
    }
    if (!sameImage || !m_tags->hasFocus() || !m_tags->isModified())
        m_tags->setTags(detail.tags);
    m_captions->setImage(s.id, detail.captions);
    m_questions->setImage(s.id, detail.questions);
    m_suggestions->setSuggestions(detail.suggestions);
    if (!sameImage) {
        m_newCaption->clear();
        m_newQuestion->clear();
    }
    setEnabledForImage(true);
}

void ImagePanel::clear()
{
    m_detail = {};
    m_header->setText(tr("<i>No image selected</i>"));
    m_tags->setTags({});
    m_captions->setImage(0, {});
    m_questions->setImage(0, {});
    m_suggestions->setSuggestions({});
    setEnabledForImage(false);
}

void ImagePanel::setEnabledForImage(bool enabled)
{
    for (QWidget *w : std::initializer_list<QWidget *>{m_status, m_split, m_tags, m_captionsView, m_newCaption, m_questionsView, m_newQuestion})
        w->setEnabled(enabled);
}

void ImagePanel::setKnownTags(const QStringList &tags)
{
    m_tags->setKnownTags(tags);
}

void ImagePanel::setKnownSplits(const QStringList &splits)
{
    QStringList names{QString(), QStringLiteral("train"), QStringLiteral("val"), QStringLiteral("test")};
    for (const QString &split : splits)
        if (!names.contains(split))
            names << split;
    const QSignalBlocker block(m_split);
    const QString current = m_split->currentText();
    m_split->clear();
    m_split->addItems(names);
    m_split->setEditText(current);
}

void ImagePanel::commitStatus(int comboIndex)
{
    const qint64 id = imageId();
    const auto after = ReviewStatus(m_status->itemData(comboIndex).toInt());
    const int row = m_images->rowOf(id);
    const ReviewStatus before = row >= 0 ? m_images->statusAt(row) : m_detail.summary.status;
    if (id && after != before)
        m_undoStack->push(new SetStatusCommand(m_worker, m_images, {id}, {before}, after));
}

void ImagePanel::commitSplit()
{
    const QString split = m_split->currentText().trimmed();
    if (imageId() && split != m_detail.summary.split) {
        m_undoStack->push(new SetSplitCommand(m_worker, imageId(), m_detail.summary.split, split));
        m_detail.summary.split = split; // editingFinished and activated may both fire
    }
}

void ImagePanel::commitTags()
{
    const QStringList tags = m_tags->tags();
    QStringList sorted = tags;
    sorted.sort(); // the store lists tags by name
    if (imageId() && sorted != m_detail.tags) {
        m_undoStack->push(new SetTagsCommand(m_worker, imageId(), m_detail.tags, tags));
        m_detail.tags = sorted;
    }
    m_tags->setModified(false);
}

void ImagePanel::focusNewCaption()
{
    m_newCaption->setFocus(Qt::ShortcutFocusReason);
}

void ImagePanel::focusNewQuestion()
{
    m_newQuestion->setFocus(Qt::ShortcutFocusReason);
}

void ImagePanel::focusTags()
{
    m_tags->setFocus(Qt::ShortcutFocusReason);
    m_tags->selectAll();
}

} // namespace tandem
