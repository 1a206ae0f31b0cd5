#pragma once
// The work behind File > Import and File > Export, as the CLI does it: find
// the format, read, write to the store. Runs on a worker thread (disk and
// SQLite only; no widgets) with its own connection to the project.
#include "data/projectstore.h"
#include "formats/datasetformat.h"

namespace tandem {

struct ImportRequest {
    QString project;        // the project to import into
    bool createProject = false; // make `project` first; removed again if the import fails
    QString formatId;       // "" = detect from the first file
    ImportOptions options;
};

struct ExportRequest {
    QString project;
    QString formatId;
    ExportOptions options;
    DatasetFilter filter;
};

struct ExportSummary {
    qint64 images = 0, captions = 0, questions = 0;
};

// All or nothing: a failed or cancelled import leaves the project as it was.
Expected<ImportReport> importDataset(ImportRequest request, const Progress &progress);
Expected<ExportSummary> exportDataset(const ExportRequest &request, const Progress &progress);

// "Imported 5 images (3 new), 12 captions, 0 questions; 1 flagged missing".
QString importSummary(const ImportReport &report);

} // namespace tandem
