#pragma once
// Vectors made elsewhere, one row per item, for the projections: CSV (numbers
// only, or a first column of names; a header row is skipped) or NumPy .npy (a
// 2-D float32 or float64 array, little-endian, C order). Rows of mixed length,
// and cells that are not numbers, are refused with their line.
#include "explain/projection.h"

#include <QStringList>

namespace tandem {

struct VectorFile {
    explain::Matrix vectors;
    QStringList names;           // the first column of a CSV whose first column is text; else empty
};

Expected<VectorFile> readVectorFile(const QString &path);

} // namespace tandem
