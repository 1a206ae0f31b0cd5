#include "formatregistry.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonObject>
#include <QPluginLoader>

namespace tandem {

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

FormatRegistry &FormatRegistry::instance()
{
    static FormatRegistry registry(pluginFolders());
    return registry;
}

FormatRegistry::FormatRegistry(const QStringList &folders)
{
    for (const QString &folder : folders) {
        const QDir dir(folder);
        for (const QFileInfo &file : dir.entryInfoList({QStringLiteral("*.so")}, QDir::Files, QDir::Name)) {
            auto loader = std::make_unique<QPluginLoader>(file.absoluteFilePath());
            const QJsonObject meta = loader->metaData();
            if (meta.value(QLatin1String("IID")).toString() != QLatin1String(TandemDatasetFormat_iid))
                continue;
            const QJsonObject data = meta.value(QLatin1String("MetaData")).toObject();
            FormatInfo info;
            info.id = data.value(QLatin1String("id")).toString();
            if (info.id.isEmpty() || this->info(info.id))
                continue; // first folder wins, so $TANDEM_PLUGIN_PATH can override
            info.name = data.value(QLatin1String("name")).toString();
            info.description = data.value(QLatin1String("description")).toString();
            for (const auto &ext : data.value(QLatin1String("extensions")).toArray())
                info.extensions << ext.toString();
            info.captions = data.value(QLatin1String("captions")).toBool();
            info.questions = data.value(QLatin1String("questions")).toBool();
            info.pluginPath = file.absoluteFilePath();
            m_infos << info;
            m_loaders.push_back(std::move(loader));
        }
    }
}

FormatRegistry::~FormatRegistry() = default;

const FormatInfo *FormatRegistry::info(const QString &id) const
{
    for (const FormatInfo &info : m_infos)
        if (info.id == id)
            return &info;
    return nullptr;
}

QStringList FormatRegistry::ids() const
{
    QStringList ids;
    for (const FormatInfo &info : m_infos)
        ids << info.id;
    return ids;
}

DatasetFormat *FormatRegistry::format(const QString &id) const
{
    for (int i = 0; i < m_infos.size(); ++i) {
        if (m_infos[i].id != id)
            continue;
        QObject *object = m_loaders[size_t(i)]->instance();
        if (!object)
            qWarning("tandem: cannot load format plugin %s: %s", qPrintable(m_infos[i].pluginPath),
                     qPrintable(m_loaders[size_t(i)]->errorString()));
        return qobject_cast<DatasetFormat *>(object);
    }
    return nullptr;
}

Expected<QString> FormatRegistry::detect(const QString &path) const
{
    QString best;
    int bestScore = 0;
    for (const FormatInfo &info : m_infos) {
        const DatasetFormat *f = format(info.id);
        const int score = f ? f->sniff(path) : 0;
        if (score > bestScore) {
            bestScore = score;
            best = info.id;
        }
    }
    if (best.isEmpty())
        return Error::input(QStringLiteral("cannot tell the dataset format; name it with --format (one of: %1)")
                                .arg(ids().join(QStringLiteral(", "))),
                            path);
    return best;
}

} // namespace tandem
