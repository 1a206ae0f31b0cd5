#include "plugincatalog.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QMutexLocker>
#include <QPluginLoader>
#include <QSettings>

namespace tandem {

namespace {

struct Interface {
    PluginKind kind;
    const char *prefix;  // the interface id before the version
    const char *version; // the one this Tandem loads
};

// Kept in step with TandemDatasetFormat_iid and TandemModelBackend_iid (the
// tests check it): the catalogue itself needs neither header.
constexpr Interface kInterfaces[] = {{PluginKind::Format, "org.tandem.DatasetFormat/", "1.0"},
                                     {PluginKind::Backend, "org.tandem.ModelBackend/", "1.6"}};

QSettings pluginSettings()
{
    return QSettings(QSettings::IniFormat, QSettings::UserScope, QStringLiteral("Tandem"), QStringLiteral("plugins"));
}

} // namespace

QString pluginKindName(PluginKind kind)
{
    switch (kind) {
    case PluginKind::Format:
        return QStringLiteral("format");
    case PluginKind::Backend:
        return QStringLiteral("backend");
    case PluginKind::Unknown:
        break;
    }
    return QStringLiteral("unknown");
}

QString pluginStateName(PluginState state)
{
    switch (state) {
    case PluginState::Available:
        return QStringLiteral("available");
    case PluginState::Loaded:
        return QStringLiteral("loaded");
    case PluginState::Disabled:
        return QStringLiteral("disabled");
    case PluginState::Incompatible:
        return QStringLiteral("incompatible");
    case PluginState::Broken:
        break;
    }
    return QStringLiteral("broken");
}

QStringList pluginFolders()
{
    QStringList folders;
    const QByteArray env = qgetenv("TANDEM_PLUGIN_PATH");
    if (!env.isEmpty())
        folders += QString::fromLocal8Bit(env).split(QLatin1Char(':'), Qt::SkipEmptyParts);
    const QString app = QCoreApplication::applicationDirPath();
    folders << app + QStringLiteral("/../plugins") << app + QStringLiteral("/../lib/tandem/plugins");
    return folders;
}

PluginCatalog &PluginCatalog::instance()
{
    static PluginCatalog catalog(pluginFolders(), disabledKeys());
    return catalog;
}

PluginCatalog::PluginCatalog(const QStringList &folders, const QStringList &disabled) : m_folders(folders)
{
    for (const QString &folder : folders)
        scan(folder, disabled);
}

PluginCatalog::~PluginCatalog() = default;

void PluginCatalog::scan(const QString &folder, const QStringList &disabled)
{
    const QDir dir(folder);
    for (const QFileInfo &file : dir.entryInfoList({QStringLiteral("*.so")}, QDir::Files, QDir::Name)) {
        const QString path = file.canonicalFilePath();
        bool seen = false;
        for (const PluginEntry &other : m_entries)
            seen = seen || other.file == path; // the same folder reached twice
        if (seen)
            continue;
        auto loader = std::make_unique<QPluginLoader>(path);
        PluginEntry entry = describe(*loader, path);
        for (const PluginEntry &other : m_entries) // a usable one earlier in the search order wins
            entry.shadowed = entry.shadowed
                             || (other.kind == entry.kind && other.id == entry.id && !entry.id.isEmpty() && !other.shadowed
                                 && other.state != PluginState::Broken && other.state != PluginState::Incompatible);
        if (entry.state == PluginState::Available && disabled.contains(key(entry.kind, entry.id)))
            entry.state = PluginState::Disabled;
        m_entries << entry;
        m_loaders.push_back(std::move(loader));
    }
}

PluginEntry PluginCatalog::describe(QPluginLoader &loader, const QString &file) const
{
    PluginEntry entry;
    entry.file = file;
    const QJsonObject meta = loader.metaData();
    if (meta.isEmpty()) {
        entry.state = PluginState::Broken;
        entry.problem = QStringLiteral("not a Qt plugin, or its metadata cannot be read: %1").arg(loader.errorString());
        return entry;
    }
    entry.interfaceId = meta.value(QLatin1String("IID")).toString();
    entry.metadata = meta.value(QLatin1String("MetaData")).toObject();
    entry.id = entry.metadata.value(QLatin1String("id")).toString();
    entry.name = entry.metadata.value(QLatin1String("name")).toString();
    entry.description = entry.metadata.value(QLatin1String("description")).toString();
    for (const Interface &i : kInterfaces) {
        if (!entry.interfaceId.startsWith(QLatin1String(i.prefix)))
            continue;
        entry.kind = i.kind;
        const QString version = entry.interfaceId.mid(qsizetype(qstrlen(i.prefix)));
        if (version != QLatin1String(i.version)) {
            entry.state = PluginState::Incompatible;
            entry.problem = QStringLiteral("built for the %1 interface %2; this Tandem loads version %3")
                                .arg(pluginKindName(i.kind), version, QLatin1String(i.version));
        }
    }
    if (entry.kind == PluginKind::Unknown) {
        entry.state = PluginState::Broken;
        entry.problem = QStringLiteral("not a Tandem plugin (interface \"%1\")").arg(entry.interfaceId);
    } else if (entry.id.isEmpty() && entry.state == PluginState::Available) {
        entry.state = PluginState::Broken;
        entry.problem = QStringLiteral("its metadata has no \"id\"");
    }
    return entry;
}

QList<const PluginEntry *> PluginCatalog::usable(PluginKind kind) const
{
    const QMutexLocker lock(&m_mutex);
    QList<const PluginEntry *> found;
    for (const PluginEntry &entry : m_entries)
        if (entry.kind == kind && !entry.shadowed
            && (entry.state == PluginState::Available || entry.state == PluginState::Loaded))
            found << &entry;
    return found;
}

QObject *PluginCatalog::instance(const PluginEntry &entry)
{
    const QMutexLocker lock(&m_mutex);
    for (int i = 0; i < m_entries.size(); ++i) {
        PluginEntry &known = m_entries[i];
        if (&known != &entry)
            continue;
        if (known.state != PluginState::Available && known.state != PluginState::Loaded)
            return nullptr; // off, or known not to load: not tried again
        QPluginLoader &loader = *m_loaders[size_t(i)];
        QObject *object = loader.instance();
        if (object) {
            known.state = PluginState::Loaded;
            return object;
        }
        known.state = PluginState::Broken;
        known.problem = QStringLiteral("failed to load: %1").arg(loader.errorString());
        qWarning("tandem: plugin %s %s", qPrintable(known.file), qPrintable(known.problem));
        return nullptr;
    }
    return nullptr;
}

QString PluginCatalog::key(PluginKind kind, const QString &id)
{
    return pluginKindName(kind) + QLatin1Char('/') + id;
}

QStringList PluginCatalog::disabledKeys()
{
    return pluginSettings().value(QStringLiteral("disabled")).toStringList();
}

void PluginCatalog::setDisabled(const QString &key, bool disabled)
{
    QSettings settings = pluginSettings();
    QStringList keys = settings.value(QStringLiteral("disabled")).toStringList();
    keys.removeAll(key);
    if (disabled)
        keys << key;
    keys.sort();
    settings.setValue(QStringLiteral("disabled"), keys);
}

} // namespace tandem
