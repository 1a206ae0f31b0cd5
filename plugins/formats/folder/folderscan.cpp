#include "folderscan.h"

#include <QDir>
#include <QDirIterator>
#include <QFileInfo>
#include <QHash>
#include <QSet>
#include <algorithm>

namespace tandem {

bool isImageFileName(const QString &name)
{
    static const QStringList extensions = {QStringLiteral("jpg"), QStringLiteral("jpeg"), QStringLiteral("png"),
                                           QStringLiteral("bmp"), QStringLiteral("webp"), QStringLiteral("gif"),
                                           QStringLiteral("tif"), QStringLiteral("tiff")};
    const int dot = name.lastIndexOf(QLatin1Char('.'));
    return dot >= 0 && extensions.contains(name.mid(dot + 1), Qt::CaseInsensitive);
}

static bool isSidecarFileName(const QString &name)
{
    return name.endsWith(QLatin1String(".txt"), Qt::CaseInsensitive);
}

QString withoutExtension(const QString &relativePath)
{
    const int dot = relativePath.lastIndexOf(QLatin1Char('.'));
    const int slash = relativePath.lastIndexOf(QLatin1Char('/'));
    return dot > slash + 1 ? relativePath.left(dot) : relativePath;
}

// Every file under `folder`, relative, sorted. Hidden files and symbolic
// links to folders are not followed into (no loops, no surprises).
static Expected<QStringList> listFiles(const QString &folder, const Progress &progress)
{
    // Absolute: QDir::relativeFilePath() of a relative root doubles the path ("imgs/imgs/a.txt").
    const QString absolute = QFileInfo(folder).absoluteFilePath();
    const QDir root(absolute);
    QStringList files;
    QDirIterator it(absolute, QDir::Files | QDir::NoDotAndDotDot, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        files << root.relativeFilePath(it.next());
        if (files.size() % 1024 == 0 && progress.cancelled())
            return Error::cancelled();
    }
    std::sort(files.begin(), files.end());
    return files;
}

Expected<FolderScan> scanFolder(const QString &folder, const Progress &progress)
{
    progress.report(0, 0, QStringLiteral("Listing %1").arg(folder));
    Expected<QStringList> files = listFiles(folder, progress);
    if (!files)
        return files.error();
    QHash<QString, QString> sidecarOf; // stem -> .txt; with photo.txt and photo.TXT the first sorted wins
    for (const QString &file : *files)
        if (isSidecarFileName(file) && !sidecarOf.contains(withoutExtension(file)))
            sidecarOf.insert(withoutExtension(file), file);
    FolderScan scan;
    QSet<QString> claimed;
    for (const QString &file : *files) {
        if (!isImageFileName(file))
            continue;
        const QString sidecar = sidecarOf.value(withoutExtension(file));
        scan.images.push_back({file, sidecar});
        claimed.insert(sidecar);
    }
    for (const QString &file : *files)
        if (isSidecarFileName(file) && !claimed.contains(file))
            scan.orphanSidecars << file;
    return scan;
}

FolderSample sampleFolder(const QString &folder, int limit)
{
    FolderSample sample;
    QDirIterator it(folder, QDir::Files | QDir::NoDotAndDotDot, QDirIterator::Subdirectories);
    for (int seen = 0; it.hasNext() && seen < limit; ++seen) {
        const QString file = it.next();
        if (!isImageFileName(file))
            continue;
        ++sample.images;
        sample.withSidecar += QFileInfo::exists(withoutExtension(file) + QStringLiteral(".txt"));
    }
    return sample;
}

} // namespace tandem
