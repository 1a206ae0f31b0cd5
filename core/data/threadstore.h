#pragma once
// One SQLite connection per thread (DESIGN.md): a worker thread of a pool
// opens the project, and its thumbnail cache, on first use and keeps them for
// as long as the thread lives. Asking for another project reopens.
#include "data/projectstore.h"
#include "data/thumbnailcache.h"

namespace tandem {

// This thread's connection to the project at `path`, opened if needed.
Expected<ProjectStore *> threadProjectStore(const QString &path);
// This thread's connection to the project's thumbnail cache; an Error when the
// cache cannot be written (a read-only folder): then decode without caching.
Expected<ThumbnailCache *> threadThumbnailCache(const QString &projectPath);

} // namespace tandem
