#include "folderformat.h"

#include "folderscan.h"
#include "folderwriter.h"
#include "formats/formatsupport.h"
#include "formats/textfile.h"
#include "util/paths.h"
#include "util/text.h"

#include <QDir>
#include <QFileInfo>

namespace tandem {

using namespace formats;

namespace {

// The split a first folder names: train/..., val/... (valid, validation), test/...
std::string splitOf(const std::string &name)
{
    const size_t slash = name.find('/');
    if (slash == std::string::npos)
        return {};
    const std::string split = normalizeSplit(std::string_view(name).substr(0, slash));
    return split == "train" || split == "val" || split == "test" ? split : std::string();
}

// Adds one caption per non-empty line of the sidecar.
Status readSidecar(const QString &path, size_t image, Dataset &dataset, Warnings &warnings)
{
    Expected<TextFile> file = readTextFile(path);
    if (!file)
        return file.error();
    if (!file->warning.isEmpty())
        warnings.add(path + QStringLiteral(": ") + file->warning);
    const size_t before = dataset.captions.size();
    for (std::string_view line : text::splitLines(file->view()))
        if (const std::string_view caption = text::trimmed(line); !caption.empty())
            dataset.captions.push_back({image, std::string(caption), {}});
    if (dataset.captions.size() == before)
        warnings.add(path + QStringLiteral(": no caption in this file"));
    return {};
}

} // namespace

int FolderFormat::sniff(const QString &path) const
{
    if (!QFileInfo(path).isDir())
        return 0;
    const FolderSample sample = sampleFolder(path);
    if (sample.images == 0)
        return 0;
    return sample.withSidecar > 0 ? 90 : 40;
}

Expected<Dataset> FolderFormat::read(const ImportOptions &options, const Progress &progress) const
{
    if (options.files.isEmpty())
        return Error::usage(QStringLiteral("no folder given"));
    const QString folder = options.files.first();
    if (!QFileInfo(folder).isDir())
        return Error::input(QStringLiteral("expected a folder of images with .txt captions"), folder);
    Expected<FolderScan> scan = scanFolder(folder, progress);
    if (!scan)
        return scan.error();

    Dataset dataset;
    Warnings warnings(&dataset.warnings);
    const QDir root(folder);
    Steps steps(progress, qint64(scan->images.size()), QStringLiteral("Reading captions"));
    for (const FolderEntry &entry : scan->images) {
        if (steps.cancelled(qint64(dataset.images.size())))
            return Error::cancelled();
        DatasetImage image;
        image.name = paths::normalizeName(entry.image.toStdString());
        image.split = splitOf(image.name);
        image.sourcePath = root.absoluteFilePath(entry.image);
        dataset.images.push_back(std::move(image));
        if (!entry.sidecar.isEmpty())
            if (Status status = readSidecar(root.filePath(entry.sidecar), dataset.images.size() - 1, dataset, warnings); !status)
                return status.error();
    }
    steps.finish();
    for (const QString &orphan : scan->orphanSidecars)
        warnings.add(root.filePath(orphan) + QStringLiteral(": no image with this name; its captions were skipped"));
    applyForcedSplit(dataset, options);
    warnings.flush();
    return dataset;
}

Status FolderFormat::write(const Dataset &dataset, const ExportOptions &options, const Progress &progress) const
{
    return writeCaptionFolder(dataset, options, progress);
}

} // namespace tandem
