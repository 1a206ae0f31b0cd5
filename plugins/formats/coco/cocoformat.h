#pragma once
// COCO captions (captions_train2017.json): "images" with numeric ids and file
// names, and "annotations" that each give one caption to an image id.
#include "formats/datasetformat.h"

#include <QObject>

namespace tandem {

namespace coco {
int sniff(const QString &path);
Expected<Dataset> read(const ImportOptions &options, const Progress &progress);
Status write(const Dataset &dataset, const ExportOptions &options, const Progress &progress);
} // namespace coco

class CocoFormat : public QObject, public DatasetFormat {
    Q_OBJECT
    Q_PLUGIN_METADATA(IID TandemDatasetFormat_iid FILE "coco.json")
    Q_INTERFACES(tandem::DatasetFormat)

public:
    int sniff(const QString &path) const override { return coco::sniff(path); }
    Expected<Dataset> read(const ImportOptions &options, const Progress &progress) const override
    {
        return coco::read(options, progress);
    }
    Status write(const Dataset &dataset, const ExportOptions &options, const Progress &progress) const override
    {
        return coco::write(dataset, options, progress);
    }
};

} // namespace tandem
