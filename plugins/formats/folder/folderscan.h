#pragma once
// Finds the images of a folder tree and the .txt sidecar of each
// (photo.jpg + photo.txt). Sorted, so the same folder always reads the same.
#include "util/expected.h"
#include "util/progress.h"

#include <QString>
#include <QStringList>
#include <vector>

namespace tandem {

struct FolderEntry {
    QString image;   // relative to the scanned folder, '/' separators
    QString sidecar; // its .txt, relative; empty when there is none
};

struct FolderScan {
    std::vector<FolderEntry> images;
    QStringList orphanSidecars; // .txt files no image claims
};

Expected<FolderScan> scanFolder(const QString &folder, const Progress &progress);

// jpg, jpeg, png, bmp, webp, gif, tif, tiff, in any case.
bool isImageFileName(const QString &name);

// "a/b.jpg" -> "a/b"; a name without extension (or a dot file) stays whole.
QString withoutExtension(const QString &relativePath);

// The folder sniff() looks at: how many images, and how many have a sidecar,
// among the first `limit` files.
struct FolderSample {
    int images = 0;
    int withSidecar = 0;
};
FolderSample sampleFolder(const QString &folder, int limit = 2000);

} // namespace tandem
