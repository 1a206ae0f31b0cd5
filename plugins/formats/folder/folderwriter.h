#pragma once
// Writes a dataset as a folder of .txt sidecars (one caption a line) and,
// when asked, copies of the images next to them. Every path goes through
// paths::insideFolder and is checked again after symbolic links are resolved,
// so no image name ("../../x.jpg", "/abs/x.jpg") can write outside the folder.
#include "formats/datasetformat.h"

namespace tandem {

Status writeCaptionFolder(const Dataset &dataset, const ExportOptions &options, const Progress &progress);

} // namespace tandem
