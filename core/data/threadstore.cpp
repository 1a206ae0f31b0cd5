#include "threadstore.h"

#include <optional>

namespace tandem {

namespace {

template <typename Connection>
struct ThreadConnection {
    QString path;
    std::optional<Connection> connection;
};

template <typename Connection, typename Open>
Expected<Connection *> connectionFor(ThreadConnection<Connection> &slot, const QString &path, Open open)
{
    if (slot.connection && slot.path == path)
        return &*slot.connection;
    slot.connection.reset();
    auto opened = open(path);
    if (!opened)
        return opened.error();
    slot.path = path;
    slot.connection.emplace(std::move(opened.value()));
    return &*slot.connection;
}

} // namespace

Expected<ProjectStore *> threadProjectStore(const QString &path)
{
    thread_local ThreadConnection<ProjectStore> slot;
    return connectionFor(slot, path, &ProjectStore::open);
}

Expected<ThumbnailCache *> threadThumbnailCache(const QString &projectPath)
{
    thread_local ThreadConnection<ThumbnailCache> slot;
    return connectionFor(slot, projectPath, &ThumbnailCache::open);
}

} // namespace tandem
