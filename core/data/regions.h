#pragma once
// The regions of an image: a box in the image's pixels and a label per object
// (the demo generator writes one per shape, "red square"). What the pointing
// game scores explanation maps against, and what the image view outlines.
#include "util/expected.h"

#include <QRectF>
#include <QSize>
#include <QString>
#include <vector>

namespace tandem {

class ProjectStore;

struct RegionRecord {
    qint64 id = 0;
    QRectF box;                  // pixels of the image, from its top-left corner
    QString label;
};

// In id order (the order they were imported); empty when the image has none.
Expected<std::vector<RegionRecord>> loadRegions(ProjectStore &store, qint64 imageId);

// The pixel size the image's regions are measured in, as the project records
// it; an empty size when it is not known (an unreadable image).
Expected<QSize> regionFrame(ProjectStore &store, qint64 imageId);

} // namespace tandem
