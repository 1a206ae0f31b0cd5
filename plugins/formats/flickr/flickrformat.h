#pragma once
// Flickr8k / Flickr30k token files, one caption a line:
//   1000268201_693b08cb0e.jpg#0<TAB>A child in a pink dress is climbing up stairs .
// Flickr8k's lemma file has the same shape. The number after '#' becomes the
// caption's extId; the writer numbers each image's captions 0..n-1.
#include "formats/datasetformat.h"

#include <QObject>

namespace tandem {

class FlickrFormat : public QObject, public DatasetFormat {
    Q_OBJECT
    Q_PLUGIN_METADATA(IID TandemDatasetFormat_iid FILE "flickr.json")
    Q_INTERFACES(tandem::DatasetFormat)

public:
    int sniff(const QString &path) const override;
    Expected<Dataset> read(const ImportOptions &options, const Progress &progress) const override;
    Status write(const Dataset &dataset, const ExportOptions &options, const Progress &progress) const override;
};

} // namespace tandem
