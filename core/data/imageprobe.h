#pragma once
// Checks image files without decoding them, for every image of an import
// (100k+ files): the signature and size come from the header, truncation from
// the last bytes. decodeCheck() is the slow, thorough pass for `check --decode`.
#include "data/dataset.h"
#include "util/progress.h"

#include <QString>
#include <QStringList>
#include <vector>

namespace tandem {

struct ProbeResult {
    ImageFlag flag = ImageFlag::Unchecked;
    int width = 0;   // 0 when the header does not say
    int height = 0;
    QString detail;  // what is wrong, for the user; empty when Ok
};

// Missing, Empty, NotImage (no JPEG/PNG/GIF/BMP/WEBP/TIFF signature), Truncated
// (JPEG without its FFD9 end marker, PNG without IEND, GIF without its 0x3B
// trailer, BMP or WEBP shorter than their header says; a few trailing zero or
// whitespace bytes are tolerated) or Ok. Reads the header and the last bytes only.
// Any output pointer may be null.
ImageFlag probeImage(const QString &path, int *width = nullptr, int *height = nullptr, QString *detail = nullptr);

// probeImage(), then a full decode (OpenCV; Qt for GIF, which OpenCV 4.6 cannot
// read). A file the decoders refuse is NotImage.
ImageFlag decodeCheck(const QString &path, QString *detail = nullptr);

// probeImage() for every path, in parallel (I/O bound: more threads than cores),
// results in the order of `paths`. If cancelled, the paths not yet probed stay
// Unchecked.
std::vector<ProbeResult> probeImages(const QStringList &paths, const Progress &progress = {});

// decodeCheck() for every path, in parallel; width and height from the header.
std::vector<ProbeResult> decodeImages(const QStringList &paths, const Progress &progress = {});

} // namespace tandem
