#pragma once
// The model backends among the plugins (util/plugincatalog.h). Their metadata
// is read without loading them: LibTorch (about a second to load) comes in
// only when backend() is asked for one.
#include "train/modelbackend.h"
#include "util/plugincatalog.h"

#include <QList>
#include <QString>

namespace tandem {

struct BackendInfo {
    QString id;          // "torch"
    QString name;
    QString description;
    QStringList tasks;   // vqa, caption, retrieval
    QString pluginPath;
};

class BackendRegistry {
public:
    static BackendRegistry &instance(); // the backends of PluginCatalog::instance()
    explicit BackendRegistry(PluginCatalog &catalog);

    QList<BackendInfo> backends() const { return m_infos; }
    // The backend of that id ("" = the first one found), loaded now; an error
    // says which folders were searched or why the plugin did not load.
    Expected<ModelBackend *> backend(const QString &id = {}) const;

private:
    PluginCatalog &m_catalog;
    QList<BackendInfo> m_infos;
    QList<const PluginEntry *> m_entries; // same order as m_infos
};

} // namespace tandem
