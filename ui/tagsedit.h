#pragma once
// A line of comma-separated tags that completes the tag being typed from the
// project's own tags.
#include <QLineEdit>

class QCompleter;
class QStringListModel;

namespace tandem {

class TagsEdit : public QLineEdit {
    Q_OBJECT
public:
    explicit TagsEdit(QWidget *parent = nullptr);

    void setKnownTags(const QStringList &tags);
    QStringList tags() const;
    void setTags(const QStringList &tags);

private:
    void completeCurrentTag();
    void insertCompletion(const QString &tag);
    QString currentTag() const;

    QCompleter *m_completer;
    QStringListModel *m_known;
};

} // namespace tandem
