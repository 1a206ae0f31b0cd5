#include "settings.h"

#include <QFileInfo>

namespace tandem::settings {

void addRecentProject(const QString &path)
{
    const QString absolute = QFileInfo(path).absoluteFilePath();
    QStringList recent = recentProjects.value();
    recent.removeAll(absolute);
    recent.prepend(absolute);
    while (recent.size() > kMaxRecentProjects)
        recent.removeLast();
    recentProjects.setValue(recent);
    lastFolder.setValue(QFileInfo(absolute).absolutePath());
}

} // namespace tandem::settings
