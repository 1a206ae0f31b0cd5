#include "data/regions.h"

#include "data/projectstore.h"

namespace tandem {

Expected<std::vector<RegionRecord>> loadRegions(ProjectStore &store, qint64 imageId)
{
    auto stmt = store.database().prepare(
        "SELECT id, x, y, width, height, label FROM regions WHERE image_id = ?1 ORDER BY id");
    if (!stmt)
        return stmt.error();
    stmt->bind(1, imageId);
    std::vector<RegionRecord> regions;
    while (stmt->step())
        regions.push_back({stmt->int64(0), QRectF(stmt->real(1), stmt->real(2), stmt->real(3), stmt->real(4)),
                           stmt->qtext(5)});
    if (!stmt->error().isEmpty())
        return Error::store(stmt->error());
    return regions;
}

Expected<QSize> regionFrame(ProjectStore &store, qint64 imageId)
{
    auto stmt = store.database().prepare("SELECT width, height FROM images WHERE id = ?1");
    if (!stmt)
        return stmt.error();
    stmt->bind(1, imageId);
    if (stmt->step())
        return QSize(stmt->integer(0), stmt->integer(1));
    if (!stmt->error().isEmpty())
        return Error::store(stmt->error());
    return Error::usage(QStringLiteral("no image with id %1").arg(imageId));
}

} // namespace tandem
