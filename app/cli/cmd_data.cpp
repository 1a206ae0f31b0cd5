// demo, import and export: the subcommands that move data in and out.
#include "cli.h"
#include "commands.h"

#include "formats/formatregistry.h"
#include "jobs/datasetjobs.h"

#include <QFileInfo>
#include <QJsonArray>

namespace tandem::cli {

namespace {

QJsonObject reportJson(const ImportReport &r)
{
    QJsonObject flags;
    for (auto it = r.flags.cbegin(); it != r.flags.cend(); ++it)
        flags[it.key()] = it.value();
    return {{QStringLiteral("images_added"), r.imagesAdded}, {QStringLiteral("images_updated"), r.imagesUpdated},
            {QStringLiteral("captions"), r.captions},        {QStringLiteral("questions"), r.questions},
            {QStringLiteral("answers"), r.answers},          {QStringLiteral("flagged"), flags},
            {QStringLiteral("warnings"), QJsonArray::fromStringList(r.warnings)}};
}

void printReport(const ImportReport &r, const QString &project)
{
    out(QStringLiteral("Imported %1 images (%2 new), %3 captions, %4 questions with %5 answers into %6")
            .arg(r.imagesAdded + r.imagesUpdated)
            .arg(r.imagesAdded)
            .arg(r.captions)
            .arg(r.questions)
            .arg(r.answers)
            .arg(project));
    for (auto it = r.flags.cbegin(); it != r.flags.cend(); ++it)
        out(QStringLiteral("  flagged %1: %2").arg(it.key()).arg(it.value()));
    if (!r.flags.isEmpty())
        out(QStringLiteral("  ('tandem-cli info %1' lists the flagged images)").arg(project));
    const int shown = std::min<int>(int(r.warnings.size()), 10);
    for (int i = 0; i < shown; ++i)
        out(QStringLiteral("  warning: %1").arg(r.warnings[i]));
    if (r.warnings.size() > shown)
        out(QStringLiteral("  ... and %1 more warnings (--json lists them all)").arg(r.warnings.size() - shown));
}

int finishImport(const Expected<ImportReport> &report, QCommandLineParser &p, const QString &project,
                 ProgressBar &bar)
{
    bar.finish();
    if (!report)
        return fail(report.error());
    if (p.isSet(QStringLiteral("json")))
        printJson(reportJson(*report));
    else
        printReport(*report, project);
    return ExitOk;
}

} // namespace

void declareDemo(QCommandLineParser &p)
{
    p.addPositionalArgument(QStringLiteral("project"), QStringLiteral("The project file to create, e.g. demo.tandem."));
    p.addOption({QStringLiteral("images"), QStringLiteral("Number of images (default 500)."), QStringLiteral("n"), QStringLiteral("500")});
    p.addOption({QStringLiteral("size"), QStringLiteral("Image width and height in pixels (default 128)."), QStringLiteral("px"), QStringLiteral("128")});
    p.addOption({QStringLiteral("object-size"), QStringLiteral("Object width in pixels, made odd (default: about a seventh of --size)."), QStringLiteral("px"), QStringLiteral("0")});
    p.addOption({QStringLiteral("colors"), QStringLiteral("muted (default: Tandem's colours, antialiased) or pure (the relational-networks "
                                                          "generator's pure colours, hard edges)."), QStringLiteral("palette"), QStringLiteral("muted")});
    p.addOption({QStringLiteral("wording"), QStringLiteral("Question templates: standard (\"What shape is the red object?\") or alternate "
                                                           "(\"What is the shape of the red object?\", \"... nearest to ...\")."), QStringLiteral("style"), QStringLiteral("standard")});
    p.addOption({QStringLiteral("questions"), QStringLiteral("Questions per image, half relational (default 20)."), QStringLiteral("n"), QStringLiteral("20")});
    p.addOption({QStringLiteral("seed"), QStringLiteral("Random seed (default 1)."), QStringLiteral("n"), QStringLiteral("1")});
    p.addOption({QStringLiteral("media"), QStringLiteral("Folder for the images (default: <project>_images next to the project)."), QStringLiteral("dir")});
    addCommonOptions(p, true, true);
}

int runDemo(QCommandLineParser &p)
{
    if (p.positionalArguments().size() != 1)
        return usageError(QStringLiteral("expected one project path"), QStringLiteral("demo"));
    DemoRequest request;
    request.project = p.positionalArguments().first();
    DemoOptions &options = request.options;
    bool ok[5];
    options.images = p.value(QStringLiteral("images")).toInt(&ok[0]);
    options.imageSize = p.value(QStringLiteral("size")).toInt(&ok[1]);
    options.questionsPerImage = p.value(QStringLiteral("questions")).toInt(&ok[2]);
    options.seed = p.value(QStringLiteral("seed")).toULongLong(&ok[3]);
    options.objectSize = p.value(QStringLiteral("object-size")).toInt(&ok[4]);
    if (!ok[0] || !ok[1] || !ok[2] || !ok[3] || !ok[4] || options.images < 1 || options.imageSize < 32 || options.questionsPerImage < 0)
        return usageError(QStringLiteral("--images, --size (>= 32), --object-size, --questions and --seed take non-negative numbers"), QStringLiteral("demo"));
    if (!parseDemoPalette(p.value(QStringLiteral("colors")), options.palette))
        return usageError(QStringLiteral("--colors must be muted or pure"), QStringLiteral("demo"));
    if (!parseDemoWording(p.value(QStringLiteral("wording")), options.wording))
        return usageError(QStringLiteral("--wording must be standard or alternate"), QStringLiteral("demo"));
    if (auto valid = validateDemoOptions(options); !valid)
        return fail(valid.error());
    if (QFileInfo::exists(request.project))
        return usageError(QStringLiteral("%1 already exists; choose a new project path").arg(request.project), QStringLiteral("demo"));
    request.media = p.value(QStringLiteral("media"));
    ProgressBar bar(p.isSet(QStringLiteral("quiet")));
    return finishImport(makeDemoProject(request, bar.progress()), p, request.project, bar);
}

void declareImport(QCommandLineParser &p)
{
    p.addPositionalArgument(QStringLiteral("project"), QStringLiteral("The project file (created if it does not exist)."));
    p.addPositionalArgument(QStringLiteral("files"), QStringLiteral("Annotation file(s), or a folder for --format folder. "
                                                                     "VQA v2: the questions file and the annotations file."), QStringLiteral("files..."));
    p.addOption({{QStringLiteral("f"), QStringLiteral("format")}, QStringLiteral("coco, vqa, flickr, csv, jsonl or folder (default: detected)."), QStringLiteral("format")});
    p.addOption({QStringLiteral("images"), QStringLiteral("Folder the image names are relative to (default: the annotation file's folder)."), QStringLiteral("dir")});
    p.addOption({QStringLiteral("split"), QStringLiteral("Put every image in this split (train, val, test)."), QStringLiteral("split")});
    p.addOption({QStringLiteral("image-pattern"), QStringLiteral("VQA: file name of an image id (default COCO_{subtype}_{id:012}.jpg)."), QStringLiteral("pattern")});
    addCommonOptions(p, true, true);
}

int runImport(QCommandLineParser &p)
{
    const QStringList positional = p.positionalArguments();
    if (positional.size() < 2)
        return usageError(QStringLiteral("expected a project and at least one file"), QStringLiteral("import"));
    ImportRequest request;
    request.project = positional.first();
    request.createProject = !QFileInfo::exists(request.project);
    ImportOptions &options = request.options;
    options.files = positional.mid(1);
    for (const QString &file : options.files)
        if (!QFileInfo::exists(file))
            return fail(Error::input(QStringLiteral("no such file or folder"), file));
    FormatRegistry &registry = FormatRegistry::instance();
    request.formatId = p.value(QStringLiteral("format"));
    if (!request.formatId.isEmpty() && !registry.format(request.formatId))
        return usageError(QStringLiteral("unknown format '%1' (known: %2)").arg(request.formatId, registry.ids().join(QStringLiteral(", "))), QStringLiteral("import"));
    options.imagesDir = p.value(QStringLiteral("images"));
    options.split = p.value(QStringLiteral("split"));
    options.imagePattern = p.value(QStringLiteral("image-pattern"));

    ProgressBar bar(p.isSet(QStringLiteral("quiet")));
    return finishImport(importDataset(request, bar.progress()), p, request.project, bar);
}

void declareExport(QCommandLineParser &p)
{
    p.addPositionalArgument(QStringLiteral("project"), QStringLiteral("The project file."));
    p.addPositionalArgument(QStringLiteral("output"), QStringLiteral("The file to write (a folder for vqa and folder)."));
    p.addOption({{QStringLiteral("f"), QStringLiteral("format")}, QStringLiteral("coco, vqa, flickr, csv, jsonl or folder."), QStringLiteral("format")});
    p.addOption({QStringLiteral("split"), QStringLiteral("Only images of this split."), QStringLiteral("split")});
    p.addOption({QStringLiteral("status"), QStringLiteral("Only images with this review status (unlabeled, predicted, verified, rejected)."), QStringLiteral("status")});
    p.addOption({QStringLiteral("skip-flagged"), QStringLiteral("Leave out missing or corrupt images.")});
    p.addOption({QStringLiteral("copy-images"), QStringLiteral("folder format: copy the image files too.")});
    addCommonOptions(p, true, true);
}

int runExport(QCommandLineParser &p)
{
    const QStringList positional = p.positionalArguments();
    if (positional.size() != 2)
        return usageError(QStringLiteral("expected a project and an output path"), QStringLiteral("export"));
    if (!p.isSet(QStringLiteral("format")))
        return usageError(QStringLiteral("--format is required"), QStringLiteral("export"));
    FormatRegistry &registry = FormatRegistry::instance();
    ExportRequest request;
    request.project = positional[0];
    request.formatId = p.value(QStringLiteral("format"));
    const QString &formatId = request.formatId;
    if (!registry.format(formatId))
        return usageError(QStringLiteral("unknown format '%1' (known: %2)").arg(formatId, registry.ids().join(QStringLiteral(", "))), QStringLiteral("export"));
    DatasetFilter &filter = request.filter;
    filter.split = p.value(QStringLiteral("split"));
    filter.skipFlagged = p.isSet(QStringLiteral("skip-flagged"));
    if (p.isSet(QStringLiteral("status"))) {
        ReviewStatus status;
        if (!parseStatus(p.value(QStringLiteral("status")), &status))
            return usageError(QStringLiteral("unknown status '%1'").arg(p.value(QStringLiteral("status"))), QStringLiteral("export"));
        filter.status = status;
    }
    ExportOptions &options = request.options;
    options.output = positional[1];
    options.copyImages = p.isSet(QStringLiteral("copy-images"));
    ProgressBar bar(p.isSet(QStringLiteral("quiet")));
    const auto written = exportDataset(request, bar.progress());
    bar.finish();
    if (!written)
        return fail(written.error());
    if (p.isSet(QStringLiteral("json")))
        printJson({{QStringLiteral("output"), options.output}, {QStringLiteral("format"), formatId},
                   {QStringLiteral("images"), written->images},
                   {QStringLiteral("captions"), written->captions},
                   {QStringLiteral("questions"), written->questions}});
    else
        out(QStringLiteral("Exported %1 images, %2 captions, %3 questions to %4 (%5)")
                .arg(written->images).arg(written->captions).arg(written->questions)
                .arg(options.output, formatId));
    return ExitOk;
}

} // namespace tandem::cli
