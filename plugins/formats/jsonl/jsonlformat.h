#pragma once
// JSON Lines: one object per line, {"image": "a.jpg", "captions": [...],
// "qa": [{"question": ..., "answers": [...]}], "split": ..., "tags": [...],
// "id": ...}. Lines for the same image merge. Line numbers in errors are the
// file's own, so an editor can jump to them.
#include "formats/datasetformat.h"

#include <QObject>

namespace tandem {

namespace jsonl {
int sniff(const QString &path);
Expected<Dataset> read(const ImportOptions &options, const Progress &progress);
Status write(const Dataset &dataset, const ExportOptions &options, const Progress &progress);
} // namespace jsonl

class JsonlFormat : public QObject, public DatasetFormat {
    Q_OBJECT
    Q_PLUGIN_METADATA(IID TandemDatasetFormat_iid FILE "jsonl.json")
    Q_INTERFACES(tandem::DatasetFormat)

public:
    int sniff(const QString &path) const override { return jsonl::sniff(path); }
    Expected<Dataset> read(const ImportOptions &options, const Progress &progress) const override
    {
        return jsonl::read(options, progress);
    }
    Status write(const Dataset &dataset, const ExportOptions &options, const Progress &progress) const override
    {
        return jsonl::write(dataset, options, progress);
    }
};

} // namespace tandem
