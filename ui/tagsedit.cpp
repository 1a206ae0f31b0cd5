#include "tagsedit.h"

#include <QAbstractItemView>
#include <QCompleter>
#include <QStringListModel>

namespace tandem {

TagsEdit::TagsEdit(QWidget *parent)
    : QLineEdit(parent), m_completer(new QCompleter(this)), m_known(new QStringListModel(this))
{
    m_completer->setModel(m_known);
    m_completer->setCaseSensitivity(Qt::CaseInsensitive);
    m_completer->setWidget(this);
    m_completer->setCompletionMode(QCompleter::PopupCompletion);
    setPlaceholderText(tr("tags, separated by commas"));
    connect(this, &QLineEdit::textEdited, this, &TagsEdit::completeCurrentTag);
    connect(m_completer, qOverload<const QString &>(&QCompleter::activated), this, &TagsEdit::insertCompletion);
}

void TagsEdit::setKnownTags(const QStringList &tags)
{
    m_known->setStringList(tags);
}

QStringList TagsEdit::tags() const
{
    QStringList out;
    for (const QString &tag : text().split(QLatin1Char(','), Qt::SkipEmptyParts))
        if (!tag.trimmed().isEmpty() && !out.contains(tag.trimmed()))
            out << tag.trimmed();
    return out;
}

void TagsEdit::setTags(const QStringList &tags)
{
    setText(tags.join(QStringLiteral(", ")));
    setModified(false);
}

QString TagsEdit::currentTag() const
{
    return text().left(cursorPosition()).section(QLatin1Char(','), -1).trimmed();
}

void TagsEdit::completeCurrentTag()
{
    const QString prefix = currentTag();
    if (prefix.isEmpty()) {
        m_completer->popup()->hide();
        return;
    }
    m_completer->setCompletionPrefix(prefix);
    m_completer->complete();
}

void TagsEdit::insertCompletion(const QString &tag)
{
    const QString before = text().left(cursorPosition());
    const int start = before.lastIndexOf(QLatin1Char(',')) + 1;
    const QString head = before.left(start) + (start > 0 ? QStringLiteral(" ") : QString()) + tag;
    setText(head + text().mid(cursorPosition()));
    setCursorPosition(int(head.size()));
    setModified(true);
}

} // namespace tandem
