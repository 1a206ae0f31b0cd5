#pragma once
// Finds the dataset-format plugins. Their metadata (plugin.json) is read
// without loading them; a plugin is instantiated only when it is used.
#include "formats/datasetformat.h"

#include <QList>
#include <QString>
#include <QStringList>
#include <memory>

class QPluginLoader;

namespace tandem {

// Where plugins are looked for, in order: $TANDEM_PLUGIN_PATH, <app>/../plugins
// (the build tree) and <app>/../lib/tandem/plugins (installed).
QStringList pluginFolders();

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
    // Plugin folders: see pluginFolders().
    static FormatRegistry &instance();

    QList<FormatInfo> formats() const { return m_infos; }
    const FormatInfo *info(const QString &id) const;
    DatasetFormat *format(const QString &id) const;       // nullptr when unknown
    Expected<QString> detect(const QString &path) const;  // best sniff, or an error listing formats
    QStringList ids() const;

    explicit FormatRegistry(const QStringList &folders);
    ~FormatRegistry();

private:
    QList<FormatInfo> m_infos;
    std::vector<std::unique_ptr<QPluginLoader>> m_loaders; // same order as m_infos
};

} // namespace tandem
