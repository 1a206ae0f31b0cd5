#pragma once
// An image folder with .txt sidecar captions, as text-to-image training sets
// are prepared: photo.jpg takes its captions from photo.txt, one a line.
// Image names are paths relative to the folder; a first folder named train,
// val (valid, validation) or test sets the split.
#include "formats/datasetformat.h"

#include <QObject>

namespace tandem {

class FolderFormat : public QObject, public DatasetFormat {
    Q_OBJECT
    Q_PLUGIN_METADATA(IID TandemDatasetFormat_iid FILE "folder.json")
    Q_INTERFACES(tandem::DatasetFormat)

public:
    int sniff(const QString &path) const override;
    // options.files[0] is the folder. Each image's sourcePath is set to its file.
    Expected<Dataset> read(const ImportOptions &options, const Progress &progress) const override;
    // options.output is a folder; see folderwriter.h.
    Status write(const Dataset &dataset, const ExportOptions &options, const Progress &progress) const override;
};

} // namespace tandem
