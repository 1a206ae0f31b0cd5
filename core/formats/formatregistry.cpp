#include "formatregistry.h"

#include <QJsonArray>
#include <QJsonObject>

namespace tandem {

FormatRegistry &FormatRegistry::instance()
{
    static FormatRegistry registry(PluginCatalog::instance());
    return registry;
}

FormatRegistry::FormatRegistry(PluginCatalog &catalog) : m_catalog(catalog)
{
    for (const PluginEntry *entry : catalog.usable(PluginKind::Format)) {
        FormatInfo info;
        info.id = entry->id;
        info.name = entry->name;
        info.description = entry->description;
        for (const auto &ext : entry->metadata.value(QLatin1String("extensions")).toArray())
            info.extensions << ext.toString();
        info.captions = entry->metadata.value(QLatin1String("captions")).toBool();
        info.questions = entry->metadata.value(QLatin1String("questions")).toBool();
        info.pluginPath = entry->file;
        m_infos << info;
        m_entries << entry;
    }
}

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
    for (int i = 0; i < m_infos.size(); ++i)
        if (m_infos[i].id == id)
            return qobject_cast<DatasetFormat *>(m_catalog.instance(*m_entries[i]));
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
