#include "filterbar.h"

#include <QComboBox>
#include <QCompleter>
#include <QGridLayout>
#include <QLineEdit>
#include <QSignalBlocker>
#include <QTimer>
#include <QToolButton>

namespace tandem {

namespace {

constexpr int kTypingPauseMs = 250;
const QString kNoSplit = QStringLiteral("\x01none"); // item data of "(no split)"

void setItems(QComboBox *combo, const QList<std::pair<QString, QVariant>> &items)
{
    for (const auto &[text, data] : items)
        combo->addItem(text, data);
}

} // namespace

FilterBar::FilterBar(QWidget *parent) : QWidget(parent), m_typingPause(new QTimer(this))
{
    m_search = new QLineEdit(this);
    m_search->setObjectName(QStringLiteral("searchEdit"));
    m_search->setClearButtonEnabled(true);
    m_search->setPlaceholderText(tr("Search captions, questions and answers (Ctrl+F)"));
    m_search->setToolTip(tr("Full-text search: words, \"a phrase\", prefix*, AND / OR / NOT (Ctrl+F)"));
    m_typingPause->setSingleShot(true);
    m_typingPause->setInterval(kTypingPauseMs);
    connect(m_search, &QLineEdit::textChanged, m_typingPause, qOverload<>(&QTimer::start));
    connect(m_typingPause, &QTimer::timeout, this, &FilterBar::emitQuery);

    m_split = addCombo(QStringLiteral("splitFilter"), tr("Show one split only"));
    setKnownSplits({});
    m_status = addCombo(QStringLiteral("statusFilter"), tr("Show one review status only"));
    m_status->addItem(tr("Any status"), -1);
    for (int s = 0; s < 4; ++s)
        m_status->addItem(statusName(ReviewStatus(s)), s);
    m_tag = addCombo(QStringLiteral("tagFilter"), tr("Show images with this tag (type to complete)"));
    m_tag->setEditable(true);
    m_tag->setInsertPolicy(QComboBox::NoInsert);
    m_tag->lineEdit()->setPlaceholderText(tr("Any tag"));
    m_tag->completer()->setCompletionMode(QCompleter::PopupCompletion);
    m_flags = addCombo(QStringLiteral("flagFilter"), tr("Missing or corrupt image files"));
    setItems(m_flags, {{tr("Any file"), int(FlagFilter::Any)}, {tr("Flagged files"), int(FlagFilter::Flagged)},
                       {tr("Usable files"), int(FlagFilter::Usable)}});
    m_content = addCombo(QStringLiteral("contentFilter"), tr("Images with or without captions or questions"));
    setItems(m_content, {{tr("Any content"), int(ContentFilter::Any)}, {tr("Has captions"), int(ContentFilter::HasCaptions)},
                         {tr("No captions"), int(ContentFilter::NoCaptions)}, {tr("Has questions"), int(ContentFilter::HasQuestions)},
                         {tr("No questions"), int(ContentFilter::NoQuestions)}});
    m_suggestions = addCombo(QStringLiteral("suggestionFilter"), tr("Images with a model's suggestions to review, or "
                                                                      "whose predicted answer differs from the human one"));
    setItems(m_suggestions, {{tr("Any suggestions"), int(SuggestionFilter::Any)},
                             {tr("Unreviewed suggestions"), int(SuggestionFilter::Unreviewed)},
                             {tr("Prediction disagrees"), int(SuggestionFilter::Disagrees)}});
    m_sort = addCombo(QStringLiteral("sortCombo"), tr("Order of the grid"));
    setItems(m_sort, {{tr("Order added"), int(ImageSort::Added)}, {tr("Name"), int(ImageSort::Name)},
                      {tr("Status"), int(ImageSort::Status)}, {tr("Split"), int(ImageSort::Split)},
                      {tr("Least sure first"), int(ImageSort::Uncertainty)}});
    m_sort->setItemData(m_sort->count() - 1,
                        tr("Images the newest model run was least sure about first (VQA: the smallest margin between its "
                           "two likeliest answers; captions: the lowest mean word probability) — label these first"),
                        Qt::ToolTipRole);
    m_descending = new QToolButton(this);
    m_descending->setCheckable(true);
    m_descending->setArrowType(Qt::DownArrow);
    m_descending->setToolTip(tr("Reverse the order"));
    connect(m_descending, &QToolButton::toggled, this, [this](bool on) {
        m_descending->setArrowType(on ? Qt::UpArrow : Qt::DownArrow);
        emitQuery();
    });
    connect(m_tag->lineEdit(), &QLineEdit::editingFinished, this, &FilterBar::emitQuery);

    m_rankedChip = new QToolButton(this);
    m_rankedChip->setObjectName(QStringLiteral("rankedChip"));
    m_rankedChip->setToolButtonStyle(Qt::ToolButtonTextOnly);
    m_rankedChip->setToolTip(tr("The grid shows a ranked list; click to go back to the filters"));
    m_rankedChip->hide();
    connect(m_rankedChip, &QToolButton::clicked, this, &FilterBar::emitQuery);

    auto *layout = new QGridLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(4);
    layout->addWidget(m_search, 0, 0, 1, 3);
    layout->addWidget(m_suggestions, 0, 3);
    layout->addWidget(m_sort, 0, 4);
    layout->addWidget(m_descending, 0, 5);
    int column = 0;
    for (QWidget *w : std::initializer_list<QWidget *>{m_split, m_status, m_tag, m_flags, m_content})
        layout->addWidget(w, 1, column++, 1, w == m_content ? 2 : 1);
    layout->addWidget(m_rankedChip, 2, 0, 1, 6, Qt::AlignLeft);
}

QComboBox *FilterBar::addCombo(const QString &objectName, const QString &tooltip)
{
    auto *combo = new QComboBox(this);
    combo->setObjectName(objectName);
    combo->setToolTip(tooltip);
    combo->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    connect(combo, qOverload<int>(&QComboBox::activated), this, &FilterBar::emitQuery);
    return combo;
}

void FilterBar::setKnownTags(const QStringList &tags)
{
    const QSignalBlocker block(m_tag);
    const QString current = m_tag->currentText();
    m_tag->clear();
    m_tag->addItems(tags);
    m_tag->setEditText(current);
}

void FilterBar::setKnownSplits(const QStringList &splits)
{
    const QSignalBlocker block(m_split);
    const QVariant current = m_split->currentData();
    m_split->clear();
    m_split->addItem(tr("Any split"));
    for (const QString &split : splits)
        m_split->addItem(split, split);
    m_split->addItem(tr("(no split)"), kNoSplit);
    m_split->setCurrentIndex(std::max(0, m_split->findData(current)));
}

ImageQuery FilterBar::query() const
{
    ImageQuery q;
    q.text = m_search->text();
    if (const QVariant split = m_split->currentData(); split.isValid())
        q.split = split.toString() == kNoSplit ? QString() : split.toString();
    if (const int status = m_status->currentData().toInt(); status >= 0)
        q.status = ReviewStatus(status);
    q.tag = m_tag->currentText().trimmed();
    q.flags = FlagFilter(m_flags->currentData().toInt());
    q.content = ContentFilter(m_content->currentData().toInt());
    q.suggestions = SuggestionFilter(m_suggestions->currentData().toInt());
    q.sort = ImageSort(m_sort->currentData().toInt());
    q.descending = m_descending->isChecked();
    q.ranked = m_ranked;
    q.rankScores = m_rankScores;
    return q;
}

void FilterBar::emitQuery()
{
    m_typingPause->stop();
    clearRanked();
    emit queryChanged(query());
}

void FilterBar::showRanked(const QString &label, const std::vector<qint64> &ids, const std::vector<float> &scores)
{
    m_ranked = ids;
    m_rankScores = scores;
    m_rankedChip->setText(tr("✕  %1 (%L2 images, most similar first)").arg(label).arg(ids.size()));
    m_rankedChip->show();
    emit queryChanged(query());
}

void FilterBar::clearRanked()
{
    m_ranked.clear();
    m_rankScores.clear();
    m_rankedChip->hide();
}

void FilterBar::focusSearch()
{
    m_search->setFocus(Qt::ShortcutFocusReason);
    m_search->selectAll();
}

void FilterBar::reset()
{
    const QSignalBlocker block(m_search);
    m_search->clear();
    for (QComboBox *combo : {m_split, m_status, m_flags, m_content, m_suggestions, m_sort})
        combo->setCurrentIndex(0);
    m_tag->setEditText(QString());
    const QSignalBlocker blockOrder(m_descending);
    m_descending->setChecked(false);
    m_descending->setArrowType(Qt::DownArrow);
    m_typingPause->stop();
    clearRanked();
}

} // namespace tandem
