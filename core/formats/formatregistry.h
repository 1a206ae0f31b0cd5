#pragma once
// The dataset formats among the plugins (util/plugincatalog.h): their metadata
// is read without loading them; a plugin is instantiated only when it is used.
#include "formats/datasetformat.h"
#include "util/plugincatalog.h"

#include <QList>
#include <QString>
#include <QStringList>

namespace tandem {

struct FormatInfo {
    QString id;           // "coco", "vqa", "flickr", "csv", "jsonl", "folder"
    QString name;         // "COCO captions"
    QString description;
    QStringList extensions; // without dot; "" for folders
    bool captions = false;
    bool questions = false;
    QString pluginPath;
};

class FormatRegistry {
public:
    // The formats of PluginCatalog::instance().
    static FormatRegistry &instance();

    QList<FormatInfo> formats() const { return m_infos; }
    const FormatInfo *info(const QString &id) const;
    // Null when unknown, or when the plugin fails to load (its catalogue entry says why).
    DatasetFormat *format(const QString &id) const;
    Expected<QString> detect(const QString &path) const;  // best sniff, or an error listing formats
    QStringList ids() const;

    explicit FormatRegistry(PluginCatalog &catalog);

private:
    PluginCatalog &m_catalog;
    QList<FormatInfo> m_infos;
    QList<const PluginEntry *> m_entries; // same order as m_infos
};

} // namespace tandem
