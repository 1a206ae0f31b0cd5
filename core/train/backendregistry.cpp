#include "backendregistry.h"

#include <QJsonArray>
#include <QJsonObject>

namespace tandem {

BackendRegistry &BackendRegistry::instance()
{
    static BackendRegistry registry(PluginCatalog::instance());
    return registry;
}

BackendRegistry::BackendRegistry(PluginCatalog &catalog) : m_catalog(catalog)
{
    for (const PluginEntry *entry : catalog.usable(PluginKind::Backend)) {
        BackendInfo info;
        info.id = entry->id;
        info.name = entry->name;
        info.description = entry->description;
        for (const auto &task : entry->metadata.value(QLatin1String("tasks")).toArray())
            info.tasks << task.toString();
        info.pluginPath = entry->file;
        m_infos << info;
        m_entries << entry;
    }
}

Expected<ModelBackend *> BackendRegistry::backend(const QString &id) const
{
    for (int i = 0; i < m_infos.size(); ++i) {
        if (!id.isEmpty() && m_infos[i].id != id)
            continue;
        if (auto *backend = qobject_cast<ModelBackend *>(m_catalog.instance(*m_entries[i])))
            return backend;
        return Error::usage(QStringLiteral("the model backend plugin %1 does not load: %2")
                                .arg(m_infos[i].pluginPath, m_entries[i]->problem));
    }
    for (const PluginEntry &entry : m_catalog.entries())
        if (entry.kind == PluginKind::Backend && (id.isEmpty() || entry.id == id) && entry.state == PluginState::Disabled)
            return Error::usage(QStringLiteral("the model backend '%1' is turned off (tandem-cli plugins --enable %2, "
                                               "or Help > Plugins in the window)")
                                    .arg(entry.id, PluginCatalog::key(entry.kind, entry.id)));
    return Error::usage(QStringLiteral("no model backend%1 is installed (searched %2); "
                                       "the model commands need the LibTorch backend plugin")
                            .arg(id.isEmpty() ? QString() : QStringLiteral(" '%1'").arg(id),
                                 m_catalog.folders().join(QStringLiteral(", "))));
}

} // namespace tandem
