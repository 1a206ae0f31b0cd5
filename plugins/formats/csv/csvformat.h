#pragma once
// CSV caption tables: a header, then one row per caption. Rows naming the same
// image add captions to one image. The delimiter (',', ';', '|' or TAB) is
// found from the header, and cells are trimmed, so Kaggle's Flickr30k
// `image_name| comment_number| comment` reads as is.
#include "formats/datasetformat.h"

#include <QObject>

namespace tandem {

class CsvFormat : public QObject, public DatasetFormat {
    Q_OBJECT
    Q_PLUGIN_METADATA(IID TandemDatasetFormat_iid FILE "csv.json")
    Q_INTERFACES(tandem::DatasetFormat)

public:
    int sniff(const QString &path) const override;
    Expected<Dataset> read(const ImportOptions &options, const Progress &progress) const override;
    Status write(const Dataset &dataset, const ExportOptions &options, const Progress &progress) const override;
};

} // namespace tandem
