// project: an embed run's vectors (or vectors from a file) laid out in 2-D by
// PCA, t-SNE or UMAP, the same job as the GUI's Embeddings panel.
#include "cli.h"
#include "commands.h"
#include "jobs/projectionjobs.h"
#include "formats/vectorfile.h"

#include <QFile>
#include <QSaveFile>
#include <QElapsedTimer>

namespace tandem::cli {

void declareProject(QCommandLineParser &p)
{
    p.addPositionalArgument(QStringLiteral("project"), QStringLiteral("The project file (not needed with --input)."), QStringLiteral("[project]"));
    p.addOption({QStringLiteral("run"), QStringLiteral("An embed run (see 'tandem-cli runs'); the layout is stored with it."), QStringLiteral("id")});
    p.addOption({QStringLiteral("input"), QStringLiteral("Instead of --run: vectors made elsewhere, one row per item (.csv or .npy)."), QStringLiteral("file")});
    p.addOption({QStringLiteral("method"), QStringLiteral("pca, tsne or umap (default pca)."), QStringLiteral("method"), QStringLiteral("pca")});
    p.addOption({QStringLiteral("items"), QStringLiteral("With --run: images, captions or both (default both)."), QStringLiteral("items"), QStringLiteral("both")});
    p.addOption({QStringLiteral("perplexity"), QStringLiteral("t-SNE (default 30)."), QStringLiteral("x")});
    p.addOption({QStringLiteral("iterations"), QStringLiteral("t-SNE (default 1000)."), QStringLiteral("n")});
    p.addOption({QStringLiteral("early-exaggeration"), QStringLiteral("t-SNE (default 12)."), QStringLiteral("x")});
    p.addOption({QStringLiteral("learning-rate"), QStringLiteral("t-SNE (default: auto, n / 48) or UMAP (default 1)."), QStringLiteral("x")});
    p.addOption({QStringLiteral("theta"), QStringLiteral("t-SNE's Barnes-Hut accuracy (default 0.5; 0 = exact)."), QStringLiteral("x")});
    p.addOption({QStringLiteral("random-init"), QStringLiteral("t-SNE: start from seeded noise instead of PCA.")});
    p.addOption({QStringLiteral("neighbours"), QStringLiteral("UMAP (default 15)."), QStringLiteral("n")});
    p.addOption({QStringLiteral("min-distance"), QStringLiteral("UMAP (default 0.1)."), QStringLiteral("x")});
    p.addOption({QStringLiteral("epochs"), QStringLiteral("UMAP (default: 500 below 10,000 points, else 200)."), QStringLiteral("n")});
    p.addOption({QStringLiteral("seed"), QStringLiteral("t-SNE and UMAP (default 1)."), QStringLiteral("n")});
    p.addOption({QStringLiteral("threads"), QStringLiteral("CPU threads (default: every core)."), QStringLiteral("n")});
    p.addOption({QStringLiteral("out"), QStringLiteral("Write the coordinates as CSV."), QStringLiteral("file")});
    addCommonOptions(p, true, true);
}

namespace {

// Reads an optional number option into `value`; false when set but not a number in [minimum, maximum].
template <typename T>
bool readNumber(QCommandLineParser &p, const char *name, double minimum, double maximum, T &value)
{
    if (!p.isSet(QLatin1String(name)))
        return true;
    bool ok = false;
    const double v = p.value(QLatin1String(name)).toDouble(&ok);
    if (!ok || v < minimum || v > maximum)
        return false;
    value = T(v);
    return true;
}

int parseSettings(QCommandLineParser &p, ProjectionSettings &s)
{
    const QString cmd = QStringLiteral("project");
    const auto method = explain::parseProjectionMethod(p.value(QStringLiteral("method")));
    if (!method)
        return usageError(QStringLiteral("--method is pca, tsne or umap"), cmd);
    s.method = *method;
    s.tsne.pcaInit = !p.isSet(QStringLiteral("random-init"));
    int seed = 1, threads = 0;
    const bool ok = readNumber(p, "perplexity", 1e-3, 1e6, s.tsne.perplexity)
                    && readNumber(p, "iterations", 1, 1e7, s.tsne.iterations)
                    && readNumber(p, "early-exaggeration", 1, 1e4, s.tsne.earlyExaggeration)
                    && readNumber(p, "theta", 0, 10, s.tsne.theta)
                    && readNumber(p, "neighbours", 2, 1e4, s.umap.neighbours)
                    && readNumber(p, "min-distance", 0, 1e3, s.umap.minDistance)
                    && readNumber(p, "epochs", 1, 1e6, s.umap.epochs)
                    && readNumber(p, "seed", 0, 9e15, seed) && readNumber(p, "threads", 1, 1024, threads)
                    && readNumber(p, "learning-rate", 1e-9, 1e9,
                                  s.method == explain::ProjectionMethod::Umap ? s.umap.learningRate : s.tsne.learningRate);
    if (!ok)
        return usageError(QStringLiteral("a numeric option is out of range or not a number"), cmd);
    s.tsne.earlyIterations = std::min(s.tsne.earlyIterations, s.tsne.iterations);
    s.tsne.seed = s.umap.seed = uint64_t(seed);
    s.tsne.threads = s.umap.threads = threads;
    return ExitOk;
}

// Every few iterations a line on stderr; Ctrl+C cancels.
explain::IterationObserver observerOf(const Progress &progress)
{
    return [&progress](const explain::IterationUpdate &u) {
        progress.report(u.iteration, u.iterations, u.stage);
        return !progress.cancelled();
    };
}

Status writeCsv(const QString &path, const QString &csv)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Text))
        return Error::io(QStringLiteral("cannot write: %1").arg(file.errorString()), path);
    if (file.write(csv.toUtf8()) < 0 || !file.commit())
        return Error::io(QStringLiteral("cannot write: %1").arg(file.errorString()), path);
    return {};
}

QString coordinate(float v) { return QString::number(double(v), 'g', 7); }

QString fileCsv(const VectorFile &file, const explain::Layout &layout)
{
    QString rows = QStringLiteral("row,name,x,y\n");
    for (size_t i = 0; i < file.vectors.rows; ++i) {
        QString name = file.names.value(int(i));
        if (name.contains(QLatin1Char(',')) || name.contains(QLatin1Char('"')))
            name = QLatin1Char('"') + name.replace(QLatin1Char('"'), QLatin1String("\"\"")) + QLatin1Char('"');
        rows += QStringLiteral("%1,%2,%3,%4\n").arg(i + 1).arg(name, coordinate(layout[2 * i]), coordinate(layout[2 * i + 1]));
    }
    return rows;
}

int finish(QCommandLineParser &p, const QString &csv, QJsonObject summary)
{
    if (p.isSet(QStringLiteral("out"))) {
        if (auto s = writeCsv(p.value(QStringLiteral("out")), csv); !s)
            return fail(s.error());
        summary[QStringLiteral("out")] = p.value(QStringLiteral("out"));
    }
    if (p.isSet(QStringLiteral("json"))) {
        printJson(summary);
        return ExitOk;
    }
    out(QStringLiteral("Laid out %1 points by %2 in %3 s%4")
            .arg(summary.value(QStringLiteral("points")).toInteger())
            .arg(summary.value(QStringLiteral("method")).toString())
            .arg(summary.value(QStringLiteral("seconds")).toDouble(), 0, 'f', 2)
            .arg(summary.contains(QStringLiteral("projection_id"))
                     ? QStringLiteral("; stored with run %1").arg(summary.value(QStringLiteral("run_id")).toInteger())
                     : QString()));
    if (summary.contains(QStringLiteral("out")))
        out(QStringLiteral("Wrote %1").arg(summary.value(QStringLiteral("out")).toString()));
    return ExitOk;
}

int projectFile(QCommandLineParser &p, const ProjectionSettings &settings)
{
    auto file = readVectorFile(p.value(QStringLiteral("input")));
    if (!file)
        return fail(file.error());
    ProgressBar bar(p.isSet(QStringLiteral("quiet")));
    QElapsedTimer clock;
    clock.start();
    auto layout = layOut(file->vectors, settings, observerOf(bar.progress()));
    bar.finish();
    if (!layout)
        return fail(layout.error());
    return finish(p, fileCsv(*file, *layout),
                  {{QStringLiteral("method"), explain::projectionMethodName(settings.method)},
                   {QStringLiteral("points"), qint64(file->vectors.rows)}, {QStringLiteral("dimension"), file->vectors.dimension},
                   {QStringLiteral("seconds"), double(clock.elapsed()) / 1000.0},
                   {QStringLiteral("options"), projectionSettingsJson(settings)}});
}

} // namespace

int runProject(QCommandLineParser &p)
{
    const QString cmd = QStringLiteral("project");
    ProjectionSettings settings;
    if (int code = parseSettings(p, settings); code != ExitOk)
        return code;
    if (p.isSet(QStringLiteral("input")) == p.isSet(QStringLiteral("run")))
        return usageError(QStringLiteral("give either --run ID (with a project) or --input FILE"), cmd);
    if (p.isSet(QStringLiteral("input")))
        return projectFile(p, settings);
    ProjectionRequest request;
    request.project = p.positionalArguments().value(0);
    request.settings = settings;
    request.runId = p.value(QStringLiteral("run")).toLongLong();
    const auto items = parseEmbeddedItems(p.value(QStringLiteral("items")));
    if (p.positionalArguments().size() != 1 || request.runId < 1 || !items)
        return usageError(QStringLiteral("expected one project path, --run ID >= 1 and --items images|captions|both"), cmd);
    request.items = *items;
    ProgressBar bar(p.isSet(QStringLiteral("quiet")));
    auto projection = projectRun(request, observerOf(bar.progress()));
    bar.finish();
    if (!projection)
        return fail(projection.error());
    return finish(p, projectionCsv(*projection),
                  {{QStringLiteral("method"), projection->method}, {QStringLiteral("run_id"), projection->runId},
                   {QStringLiteral("projection_id"), projection->id}, {QStringLiteral("points"), qint64(projection->size())},
                   {QStringLiteral("images"), qint64(projection->imageIds.size())},
                   {QStringLiteral("captions"), qint64(projection->captionIds.size())},
                   {QStringLiteral("seconds"), projection->options.value(QStringLiteral("seconds"))},
                   {QStringLiteral("options"), projection->options}});
}

} // namespace tandem::cli
