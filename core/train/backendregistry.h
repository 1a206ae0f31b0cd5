#pragma once
// Finds the model-backend plugins in the same folders as the format plugins.
// Their metadata is read without loading them: LibTorch (about a second to
// load) comes in only when backend() is asked for one.
#include "train/modelbackend.h"

#include <QList>
#include <QString>
#include <memory>
#include <vector>

class QPluginLoader;

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
    static BackendRegistry &instance();
    explicit BackendRegistry(const QStringList &folders);
    ~BackendRegistry();

    QList<BackendInfo> backends() const { return m_infos; }
    // The backend of that id ("" = the first one found), loaded now; an error
    // says which folders were searched or why the plugin did not load.
    Expected<ModelBackend *> backend(const QString &id = {}) const;

private:
    QStringList m_folders;
    QList<BackendInfo> m_infos;
    std::vector<std::unique_ptr<QPluginLoader>> m_loaders; // same order as m_infos
};

} // namespace tandem
