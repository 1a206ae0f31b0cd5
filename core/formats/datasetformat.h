#pragma once
// A dataset file format (COCO captions, VQA v2, JSONL, ...). Each format is a
// Qt plugin (see plugins/formats): the interface lives here, in the core, so
// the CLI, the GUI and third-party formats all meet in one place.
#include "data/dataset.h"
#include "util/expected.h"
#include "util/progress.h"

#include <QFileInfo>
#include <QObject>
#include <QString>
#include <QStringList>

namespace tandem {

struct ImportOptions {
    QStringList files;     // annotation files (VQA: questions and annotations), or one folder
    QString imagesDir;     // where image names are resolved; default: resolvedImagesDir()
    QString split;         // forces a split for every image ("" keeps what the file says)
    QString imagePattern;  // VQA only: how image ids become file names
};

// Where image names are resolved: imagesDir when given; else the input itself
// when it is a folder (folder format), else the first file's folder.
inline QString resolvedImagesDir(const ImportOptions &options)
{
    if (!options.imagesDir.isEmpty() || options.files.isEmpty())
        return options.imagesDir;
    const QFileInfo first(options.files.first());
    return first.isDir() ? first.absoluteFilePath() : first.absolutePath();
}

struct ExportOptions {
    QString output;        // a file, or a folder for formats that write several files
    bool copyImages = false; // folder format: copy the image files next to the sidecars
};

class DatasetFormat {
public:
    virtual ~DatasetFormat() = default;

    // 0: cannot be this format; 100: certainly is. Looks at the first few KB only.
    virtual int sniff(const QString &path) const = 0;

    // Reads the whole dataset. Malformed input returns an Error naming file,
    // line and column; recoverable oddities go to Dataset::warnings.
    virtual Expected<Dataset> read(const ImportOptions &options, const Progress &progress) const = 0;

    // Writes the dataset. Never writes outside options.output.
    virtual Status write(const Dataset &dataset, const ExportOptions &options,
                         const Progress &progress) const = 0;
};

} // namespace tandem

#define TandemDatasetFormat_iid "org.tandem.DatasetFormat/1.0"
Q_DECLARE_INTERFACE(tandem::DatasetFormat, TandemDatasetFormat_iid)
