// A format plugin whose metadata is fine but whose file does not load: it
// needs a symbol that no library defines (as when a dependency is missing or
// of another version). The catalogue must report it, not crash.
#include "formats/datasetformat.h"

extern int tandemTestSymbolThatNoLibraryDefines;
int *const tandemTestNeedsIt = &tandemTestSymbolThatNoLibraryDefines; // resolved when the file is loaded

class MissingSymbolFormat : public QObject, public tandem::DatasetFormat {
    Q_OBJECT
    Q_PLUGIN_METADATA(IID TandemDatasetFormat_iid FILE "missingsymbol.json")
    Q_INTERFACES(tandem::DatasetFormat)

public:
    int sniff(const QString &) const override { return *tandemTestNeedsIt; }
    tandem::Expected<tandem::Dataset> read(const tandem::ImportOptions &, const tandem::Progress &) const override
    {
        return tandem::Dataset();
    }
    tandem::Status write(const tandem::Dataset &, const tandem::ExportOptions &, const tandem::Progress &) const override
    {
        return {};
    }
};

#include "missingsymbol.moc"
