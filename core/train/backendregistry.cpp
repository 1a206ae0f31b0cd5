#include "backendregistry.h"

#include "formats/formatregistry.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonObject>
#include <QPluginLoader>

namespace tandem {

BackendRegistry &BackendRegistry::instance()
{
    static BackendRegistry registry(pluginFolders());
    return registry;
}

BackendRegistry::BackendRegistry(const QStringList &folders) : m_folders(folders)
{
    for (const QString &folder : folders) {
        const QDir dir(folder);
        for (const QFileInfo &file : dir.entryInfoList({QStringLiteral("*.so")}, QDir::Files, QDir::Name)) {
            auto loader = std::make_unique<QPluginLoader>(file.absoluteFilePath());
            const QJsonObject meta = loader->metaData();
            if (meta.value(QLatin1String("IID")).toString() != QLatin1String(TandemModelBackend_iid))
                continue;
            const QJsonObject data = meta.value(QLatin1String("MetaData")).toObject();
            BackendInfo info;
            info.id = data.value(QLatin1String("id")).toString();
            bool known = false;
            for (const BackendInfo &other : m_infos)
                known = known || other.id == info.id;
            if (info.id.isEmpty() || known)
                continue; // first folder wins, so $TANDEM_PLUGIN_PATH can override
            info.name = data.value(QLatin1String("name")).toString();
            info.description = data.value(QLatin1String("description")).toString();
            for (const auto &task : data.value(QLatin1String("tasks")).toArray())
                info.tasks << task.toString();
            info.pluginPath = file.absoluteFilePath();
            m_infos << info;
            m_loaders.push_back(std::move(loader));
        }
    }
}

BackendRegistry::~BackendRegistry() = default;

Expected<ModelBackend *> BackendRegistry::backend(const QString &id) const
{
    for (int i = 0; i < m_infos.size(); ++i) {
        if (!id.isEmpty() && m_infos[i].id != id)
            continue;
        QPluginLoader &loader = *m_loaders[size_t(i)];
        auto *backend = qobject_cast<ModelBackend *>(loader.instance());
        if (!backend)
            return Error::usage(QStringLiteral("the model backend plugin %1 does not load: %2")
                                    .arg(m_infos[i].pluginPath, loader.errorString()));
        return backend;
    }
    return Error::usage(QStringLiteral("no model backend%1 is installed (searched %2); "
                                       "the model commands need the LibTorch backend plugin")
                            .arg(id.isEmpty() ? QString() : QStringLiteral(" '%1'").arg(id),
                                 m_folders.join(QStringLiteral(", "))));
}

} // namespace tandem
