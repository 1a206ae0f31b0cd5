#pragma once
// Thumbnails kept on disk next to the project, in `<project>.thumbs` (a SQLite
// file of small JPEGs), so a project opens to a full grid without decoding its
// images again. An entry is keyed by image id and the file's mtime and size: a
// changed file gets a new thumbnail. One instance is one connection: use it
// from one thread and open another for another thread.
#include "data/sqlite.h"
#include "util/expected.h"

#include <QImage>
#include <QString>

namespace tandem {

class ThumbnailCache {
public:
    static constexpr int kEdge = 256; // longest side stored; views scale down from it

    static QString pathFor(const QString &projectPath);
    static Expected<ThumbnailCache> open(const QString &projectPath);

    // The thumbnail of `file`, from the cache or decoded (and then stored).
    // An unreadable file is an Error naming it; nothing is stored for it.
    Expected<QImage> thumbnail(qint64 imageId, const QString &file);

private:
    explicit ThumbnailCache(sql::Database db) : m_db(std::move(db)) {}
    sql::Database m_db;
};

// Decodes `file` scaled so that its longest side is at most `edge` (JPEG is
// decoded at reduced size directly, which is what makes cold thumbnails fast).
Expected<QImage> decodeThumbnail(const QString &file, int edge);

} // namespace tandem
