#include "thumbnailcache.h"

#include <QBuffer>
#include <QFileInfo>
#include <QImageReader>
#include <QPainter>

namespace tandem {

QString ThumbnailCache::pathFor(const QString &projectPath)
{
    return projectPath + QStringLiteral(".thumbs");
}

Expected<ThumbnailCache> ThumbnailCache::open(const QString &projectPath)
{
    auto db = sql::Database::open(pathFor(projectPath), true);
    if (!db)
        return db.error();
    // A cache: losing the last writes in a crash costs a re-decode, nothing more.
    if (auto s = db->exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF;"
                          "CREATE TABLE IF NOT EXISTS thumbs(image_id INTEGER PRIMARY KEY, "
                          "mtime INTEGER NOT NULL, size INTEGER NOT NULL, jpeg BLOB NOT NULL)");
        !s)
        return Error::store(QStringLiteral("thumbnail cache %1: %2").arg(pathFor(projectPath), s.error().message));
    return ThumbnailCache(std::move(db.value()));
}

Expected<QImage> decodeThumbnail(const QString &file, int edge)
{
    QImageReader reader(file);
    const QSize size = reader.size();
    if (size.isValid() && (size.width() > edge || size.height() > edge))
        reader.setScaledSize(size.scaled(edge, edge, Qt::KeepAspectRatio));
    QImage image = reader.read();
    if (image.isNull())
        return Error::input(QStringLiteral("cannot decode the image: %1").arg(reader.errorString()), file);
    if (image.width() > edge || image.height() > edge) // formats that ignore setScaledSize
        image = image.scaled(edge, edge, Qt::KeepAspectRatio, Qt::SmoothTransformation);
    return image;
}

static QByteArray encodeJpeg(const QImage &image)
{
    QImage opaque(image.size(), QImage::Format_RGB32);
    opaque.fill(Qt::white); // JPEG has no alpha: transparent parts show as white
    QPainter(&opaque).drawImage(0, 0, image);
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    opaque.save(&buffer, "JPG", 85);
    return bytes;
}

Expected<QImage> ThumbnailCache::thumbnail(qint64 imageId, const QString &file)
{
    const QFileInfo info(file);
    if (!info.isFile())
        return Error::input(QStringLiteral("the image file is missing"), file);
    const qint64 mtime = info.lastModified().toMSecsSinceEpoch();
    auto lookup = m_db.prepare("SELECT jpeg FROM thumbs WHERE image_id = ?1 AND mtime = ?2 AND size = ?3");
    if (!lookup)
        return lookup.error();
    if (lookup->bind(1, imageId).bind(2, mtime).bind(3, info.size()).step()) {
        QImage cached;
        if (cached.loadFromData(lookup->blob(0), "JPG"))
            return cached;
    }
    auto decoded = decodeThumbnail(file, kEdge);
    if (!decoded)
        return decoded;
    const QByteArray jpeg = encodeJpeg(*decoded);
    auto store = m_db.prepare("INSERT OR REPLACE INTO thumbs(image_id, mtime, size, jpeg) VALUES (?1, ?2, ?3, ?4)");
    if (store) // a cache that cannot be written still shows the thumbnail
        (void)store->bind(1, imageId).bind(2, mtime).bind(3, info.size()).bindBlob(4, jpeg.constData(), int(jpeg.size())).exec();
    return decoded;
}

} // namespace tandem
