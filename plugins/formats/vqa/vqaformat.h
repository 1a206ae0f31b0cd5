#pragma once
// VQA v2: a questions file ({"data_subtype": "train2014", "questions": [...]})
// and, for the train and val sets, an annotations file with ten human answers
// per question. Neither names image files: names come from a pattern over the
// image id, by default COCO's "COCO_{subtype}_{id:012}.jpg".
#include "formats/datasetformat.h"

#include <QObject>
#include <string>
#include <vector>

namespace tandem {

namespace vqa {

int sniff(const QString &path);
Expected<Dataset> read(const ImportOptions &options, const Progress &progress);
Status write(const Dataset &dataset, const ExportOptions &options, const Progress &progress);

// How image ids become file names: {subtype} is the data_subtype, {id} the
// image id, {id:012} the id zero-padded to 12 digits.
class NamePattern {
public:
    static constexpr const char *kDefault = "COCO_{subtype}_{id:012}.jpg";
    static Expected<NamePattern> compile(const QString &pattern);

    bool usesSubtype() const;
    std::string apply(std::string_view subtype, std::string_view id) const;

private:
    struct Piece {
        enum Kind { Text, Subtype, Id } kind = Text;
        std::string text;
        int width = 0; // Id: pad with zeros to this many digits
    };
    std::vector<Piece> m_pieces;
};

// Splits a name made by the default pattern: "COCO_val2014_000000262148.jpg"
// gives "val2014" and 262148. False for any other name.
bool parseDefaultName(std::string_view name, std::string *subtype, int64_t *id);

} // namespace vqa

class VqaFormat : public QObject, public DatasetFormat {
    Q_OBJECT
    Q_PLUGIN_METADATA(IID TandemDatasetFormat_iid FILE "vqa.json")
    Q_INTERFACES(tandem::DatasetFormat)

public:
    int sniff(const QString &path) const override { return vqa::sniff(path); }
    Expected<Dataset> read(const ImportOptions &options, const Progress &progress) const override
    {
        return vqa::read(options, progress);
    }
    Status write(const Dataset &dataset, const ExportOptions &options, const Progress &progress) const override
    {
        return vqa::write(dataset, options, progress);
    }
};

} // namespace tandem
