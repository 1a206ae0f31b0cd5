#pragma once
// Reads one image for the GUI: a summary for a grid cell, or everything the
// side panel edits.
#include "data/imagerecords.h"
#include "util/expected.h"

namespace tandem {

class ProjectStore;

Expected<ImageSummary> loadImageSummary(ProjectStore &store, qint64 imageId);
Expected<ImageDetail> loadImageDetail(ProjectStore &store, qint64 imageId);

} // namespace tandem
