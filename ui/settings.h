#pragma once
// Settings persisted with QSettings, each a typed key with its default, so a
// key is spelled once and read back as the type it was written with.
#include <QByteArray>
#include <QSettings>
#include <QString>
#include <QStringList>

namespace tandem {

template <typename T>
class Setting {
public:
    Setting(const char *key, T defaultValue) : m_key(QLatin1String(key)), m_default(std::move(defaultValue)) {}
    T value() const { return QSettings().value(m_key, QVariant::fromValue(m_default)).template value<T>(); }
    void setValue(const T &value) const { QSettings().setValue(m_key, QVariant::fromValue(value)); }
    const T &defaultValue() const { return m_default; }

private:
    QString m_key;
    T m_default;
};

namespace settings {

inline const Setting<QStringList> recentProjects{"files/recentProjects", {}};
inline const Setting<QString> lastFolder{"files/lastFolder", {}};
inline const Setting<int> demoImages{"files/demoImages", 500};
inline const Setting<int> thumbnailSize{"view/thumbnailSize", 128};
inline const Setting<QByteArray> windowGeometry{"window/geometry", {}};
inline const Setting<QByteArray> windowState{"window/state", {}};
inline const Setting<QByteArray> splitterState{"window/splitter", {}};

constexpr int kMaxRecentProjects = 8;
// Puts `path` first in the recent projects, keeping at most kMaxRecentProjects.
void addRecentProject(const QString &path);

} // namespace settings
} // namespace tandem
