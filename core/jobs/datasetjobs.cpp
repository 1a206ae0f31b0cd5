#include "datasetjobs.h"

#include "formats/formatregistry.h"

#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>

namespace tandem {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("DatasetJobs", text);
}

Expected<const DatasetFormat *> findFormat(const QString &formatId, const QString &firstFile)
{
    const FormatRegistry &registry = FormatRegistry::instance();
    QString id = formatId;
    if (id.isEmpty()) {
        auto detected = registry.detect(firstFile);
        if (!detected)
            return detected.error();
        id = *detected;
    }
    if (const DatasetFormat *format = registry.format(id))
        return format;
    return Error::usage(tr("The %1 format plugin cannot be loaded.").arg(id));
}

// A project made for this import is removed unless the import succeeds, so a
// failed first import leaves no empty project behind.
struct CreatedProject {
    QString path;
    bool keep = false;
    ~CreatedProject()
    {
        if (path.isEmpty() || keep)
            return;
        for (const char *suffix : {"", "-wal", "-shm"})
            QFile::remove(path + QLatin1String(suffix));
    }
};

// Into `project`, made first when `create` says so.
Expected<ImportReport> importInto(const QString &project, bool create, const Dataset &dataset,
                                  const QString &imagesDir, const Progress &progress)
{
    CreatedProject created;
    if (create)
        created.path = project;
    auto store = create ? ProjectStore::create(project) : ProjectStore::open(project);
    if (!store)
        return store.error();
    auto report = store->importDataset(dataset, imagesDir, progress);
    created.keep = report.ok();
    return report;
}

} // namespace

Expected<ImportReport> importDataset(ImportRequest request, const Progress &progress)
{
    ImportOptions &options = request.options;
    if (options.files.isEmpty())
        return Error::usage(tr("Name the annotation file(s) or folder to import."));
    for (const QString &file : options.files)
        if (!QFileInfo::exists(file))
            return Error::input(tr("No such file or folder."), file);
    auto format = findFormat(request.formatId, options.files.first());
    if (!format)
        return format.error();
    options.imagesDir = resolvedImagesDir(options);
    progress.report(0, 0, tr("Reading"));
    auto dataset = (*format)->read(options, progress);
    if (!dataset)
        return dataset.error();
    return importInto(request.project, request.createProject, *dataset, options.imagesDir, progress);
}

QString defaultDemoMedia(const QString &project)
{
    const QFileInfo info(project);
    return info.absolutePath() + QLatin1Char('/') + info.completeBaseName() + QStringLiteral("_images");
}

Expected<ImportReport> makeDemoProject(const DemoRequest &request, const Progress &progress)
{
    if (QFileInfo::exists(request.project))
        return Error::usage(tr("%1 already exists; choose a new project path").arg(request.project));
    const QString media = request.media.isEmpty() ? defaultDemoMedia(request.project) : request.media;
    auto dataset = generateDemo(request.options, media, progress);
    if (!dataset)
        return dataset.error();
    return importInto(request.project, true, *dataset, media, progress);
}

Expected<ExportSummary> exportDataset(const ExportRequest &request, const Progress &progress)
{
    const DatasetFormat *format = FormatRegistry::instance().format(request.formatId);
    if (!format)
        return Error::usage(tr("The %1 format plugin cannot be loaded.").arg(request.formatId));
    auto store = ProjectStore::open(request.project);
    if (!store)
        return store.error();
    progress.report(0, 0, tr("Reading the project"));
    auto dataset = store->loadDataset(request.filter);
    if (!dataset)
        return dataset.error();
    if (Status written = format->write(*dataset, request.options, progress); !written)
        return written.error();
    return ExportSummary{qint64(dataset->images.size()), qint64(dataset->captions.size()), qint64(dataset->questions.size())};
}

QString importSummary(const ImportReport &report)
{
    QString text = tr("Imported %L1 images (%L2 new), %L3 captions, %L4 questions")
                       .arg(report.imagesAdded + report.imagesUpdated)
                       .arg(report.imagesAdded)
                       .arg(report.captions)
                       .arg(report.questions);
    QStringList flagged;
    for (auto it = report.flags.cbegin(); it != report.flags.cend(); ++it)
        flagged << tr("%L1 %2").arg(it.value()).arg(it.key());
    if (!flagged.isEmpty())
        text += tr("; flagged: %1").arg(flagged.join(QStringLiteral(", ")));
    if (!report.warnings.isEmpty())
        text += tr("; %L1 warnings").arg(report.warnings.size());
    return text;
}

} // namespace tandem
