#pragma once
// The dataset jobs, one function each, called by `tandem-cli demo / import /
// export` and by the GUI's File menu alike: find the format, read, write to the
// store. Synchronous: run them on a worker thread (disk and SQLite only; no
// widgets); each opens its own connection to the project.
#include "data/projectstore.h"
#include "demo/sortofclevr.h"
#include "formats/datasetformat.h"

namespace tandem {

struct ImportRequest {
    QString project;        // the project to import into
    bool createProject = false; // make `project` first (refused if it exists); removed again if the import fails
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

struct DemoRequest {
    QString project;        // a new project file; refused if it exists
    QString media;          // the images' folder; "" = <project>_images beside the project
    DemoOptions options;
};

// All or nothing: a failed or cancelled import leaves the project as it was.
Expected<ImportReport> importDataset(ImportRequest request, const Progress &progress);
// Generates Sort-of-CLEVR scenes and imports them into a new project (removed again on failure).
Expected<ImportReport> makeDemoProject(const DemoRequest &request, const Progress &progress);
// The media folder makeDemoProject() uses for `project` when the request names none.
QString defaultDemoMedia(const QString &project);
Expected<ExportSummary> exportDataset(const ExportRequest &request, const Progress &progress);

// "Imported 5 images (3 new), 12 captions, 0 questions; 1 flagged missing".
QString importSummary(const ImportReport &report);

} // namespace tandem
