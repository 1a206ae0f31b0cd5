#pragma once
// Every plugin in the plugin folders, whatever it provides: its metadata (read
// from the file without loading it), whether the user has turned it off, and
// why it cannot be used when it cannot (not a plugin, built for another
// interface version, failed to load). The format and backend registries take
// their plugins from here, so a bad file is reported once, by name, and never
// takes the program down.
#include <QJsonObject>
#include <QList>
#include <QMutex>
#include <QString>
#include <QStringList>
#include <memory>
#include <vector>

class QObject;
class QPluginLoader;

namespace tandem {

enum class PluginKind { Format, Backend, Unknown };
QString pluginKindName(PluginKind kind); // "format", "backend", "unknown"

enum class PluginState {
    Available,    // found, metadata fine, not loaded yet
    Loaded,       // instantiated
    Disabled,     // turned off by the user
    Incompatible, // a Tandem plugin for another interface version
    Broken,       // not a Qt plugin, unreadable metadata, or failed to load
};
QString pluginStateName(PluginState state);

struct PluginEntry {
    QString file;          // absolute path
    PluginKind kind = PluginKind::Unknown;
    QString interfaceId;   // "org.tandem.DatasetFormat/1.0" as the file says
    QString id;            // "coco", "torch"
    QString name;
    QString description;
    QJsonObject metadata;  // the plugin's own JSON (extensions, tasks, ...)
    PluginState state = PluginState::Available;
    QString problem;       // why it is Incompatible or Broken
    bool shadowed = false; // same kind and id found earlier in the search order: skipped
};

class PluginCatalog {
public:
    // The folders of pluginFolders(); the disabled ids from the user's settings.
    static PluginCatalog &instance();
    // For tests and tools: these folders, these disabled "kind/id" keys.
    PluginCatalog(const QStringList &folders, const QStringList &disabled);
    ~PluginCatalog();
    PluginCatalog(const PluginCatalog &) = delete;
    PluginCatalog &operator=(const PluginCatalog &) = delete;

    const QStringList &folders() const { return m_folders; }
    const QList<PluginEntry> &entries() const { return m_entries; }
    // The usable entries of a kind, in search order: not disabled, not shadowed, not broken.
    QList<const PluginEntry *> usable(PluginKind kind) const;
    // Loads the plugin (once); null when it fails, and the entry becomes
    // Broken with the loader's reason.
    QObject *instance(const PluginEntry &entry);

    // "format/csv": the key a plugin is turned off by.
    static QString key(PluginKind kind, const QString &id);
    // The keys turned off in the user's settings (file "Tandem/plugins.conf",
    // shared by the window and tandem-cli); changes apply at the next start.
    static QStringList disabledKeys();
    static void setDisabled(const QString &key, bool disabled);

private:
    void scan(const QString &folder, const QStringList &disabled);
    PluginEntry describe(QPluginLoader &loader, const QString &file) const;

    QStringList m_folders;
    QList<PluginEntry> m_entries;
    std::vector<std::unique_ptr<QPluginLoader>> m_loaders; // same order as m_entries
    mutable QMutex m_mutex; // entries change state when loaded, from any thread
};

// Where plugins are looked for, in order: $TANDEM_PLUGIN_PATH, <app>/../plugins
// (the build tree) and <app>/../lib/tandem/plugins (installed).
QStringList pluginFolders();

} // namespace tandem
