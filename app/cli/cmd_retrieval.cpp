// embed, retrieve: the subcommands of retrieval models. embed stores the
// vectors of a split's images and captions as a run and scores recall@K;
// retrieve ranks images for a text, or captions for an image.
#include "commands.h"
#include "modelcli.h"

#include <QJsonArray>

namespace tandem::cli {

namespace {

void printRecallTable(const QJsonObject &metrics)
{
    if (metrics.isEmpty()) {
        out(QStringLiteral("No captions: no recall to score"));
        return;
    }
    out(QStringLiteral("Recall (%)     @1     @5    @10"));
    const std::pair<const char *, const char *> rows[] = {{"image -> text", "i2t"}, {"text -> image", "t2i"}};
    for (const auto &[label, key] : rows) {
        QString line = QLatin1String(label);
        for (const char *k : {"1", "5", "10"})
            line += QStringLiteral("%1").arg(metrics.value(QStringLiteral("recall_%1_%2").arg(QLatin1String(key), QLatin1String(k))).toDouble(), 7, 'f', 2);
        out(line);
    }
}

void printEmbedResult(const EmbedResult &r, bool json)
{
    if (json) {
        printJson({{QStringLiteral("run_id"), r.runId}, {QStringLiteral("device"), r.device},
                   {QStringLiteral("dimension"), r.dimension}, {QStringLiteral("images"), r.images},
                   {QStringLiteral("captions"), r.captions}, {QStringLiteral("metrics"), r.metrics}});
        return;
    }
    out(QStringLiteral("Embedded %1 images and %2 captions (%3 dimensions) on %4")
            .arg(r.images).arg(r.captions).arg(r.dimension).arg(r.device));
    out(QStringLiteral("Saved as run %1").arg(r.runId));
    printRecallTable(r.metrics);
}

int parseRetrieve(QCommandLineParser &p, RetrieveRequest &r)
{
    const QString cmd = QStringLiteral("retrieve");
    r.project = p.positionalArguments().value(0);
    r.checkpoint = p.value(QStringLiteral("model"));
    r.text = p.value(QStringLiteral("text")).trimmed();
    r.image = p.value(QStringLiteral("image"));
    r.split = p.value(QStringLiteral("split"));
    r.device = p.value(QStringLiteral("device"));
    int run = 0;
    if (p.positionalArguments().size() != 1)
        return usageError(QStringLiteral("expected one project path"), cmd);
    if (r.text.isEmpty() == r.image.isEmpty())
        return usageError(QStringLiteral("give either --text TEXT or --image ID_OR_NAME"), cmd);
    if (!readInt(p, QStringLiteral("k"), 1, &r.k) || !readInt(p, QStringLiteral("batch"), 1, &r.batchImages)
        || !readInt(p, QStringLiteral("run"), 1, &run))
        return usageError(QStringLiteral("--k, --batch and --run need a number >= 1"), cmd);
    r.embeddingsRun = run;
    if (r.checkpoint.isEmpty() && r.embeddingsRun == 0)
        return usageError(QStringLiteral("expected --model FILE or the --run of 'tandem-cli embed'"), cmd);
    return ExitOk;
}

void printRetrieveResult(const RetrieveRequest &request, const RetrieveResult &r, bool json)
{
    if (json) {
        QJsonArray items;
        for (const RetrievedItem &item : r.items) {
            QJsonObject o{{QStringLiteral("id"), item.id}, {QStringLiteral("image_id"), item.imageId},
                          {QStringLiteral("image"), item.image}, {QStringLiteral("score"), item.score}};
            if (r.ranked == QLatin1String("caption"))
                o[QStringLiteral("caption")] = item.caption;
            items.append(o);
        }
        const QJsonObject query = request.text.isEmpty() ? QJsonObject{{QStringLiteral("image"), request.image}}
                                                         : QJsonObject{{QStringLiteral("text"), request.text}};
        printJson({{QStringLiteral("ranked"), r.ranked}, {QStringLiteral("run_id"), r.runId},
                   {QStringLiteral("query"), query}, {QStringLiteral("results"), items}});
        return;
    }
    int rank = 0;
    for (const RetrievedItem &item : r.items)
        out(r.ranked == QLatin1String("caption")
                ? QStringLiteral("%1  %2  caption %3 of %4: %5").arg(++rank, 3).arg(item.score, 6, 'f', 3).arg(item.id).arg(item.image, item.caption)
                : QStringLiteral("%1  %2  image %3  %4").arg(++rank, 3).arg(item.score, 6, 'f', 3).arg(item.id).arg(item.image));
}

} // namespace

void declareEmbed(QCommandLineParser &p)
{
    declareInferenceOptions(p, /*show=*/false);
}

int runEmbed(QCommandLineParser &p)
{
    InferenceRequest request = inferenceRequest(p);
    if (const int code = checkInferenceArgs(p, QStringLiteral("embed"), request); code != ExitOk)
        return code;
    auto result = runModelJob(p.isSet(QStringLiteral("quiet")),
                              [&](ModelBackend *backend, TrainObserver &observer) { return backend->embed(request, &observer); });
    if (!result)
        return fail(result.error());
    printEmbedResult(*result, p.isSet(QStringLiteral("json")));
    return ExitOk;
}

void declareRetrieve(QCommandLineParser &p)
{
    p.addPositionalArgument(QStringLiteral("project"), QStringLiteral("The project file."));
    const auto add = [&](const char *name, const char *help, const char *value, const char *fallback) {
        p.addOption({QLatin1String(name), QLatin1String(help), QLatin1String(value), QLatin1String(fallback)});
    };
    add("model", "The retrieval checkpoint (default with --run: the one the run was made with).", "file", "");
    add("text", "Rank the images for this text.", "text", "");
    add("image", "Rank the captions for this image (a project image id or name).", "id-or-name", "");
    add("k", "How many results (default 10).", "n", "10");
    add("run", "Rank the vectors stored by this 'embed' run instead of computing them.", "run-id", "");
    add("split", "Without --run: the candidates are this split's (default val; \"\" = all).", "name", "val");
    add("batch", "Images per batch when computing (default 32).", "n", "32");
    add("device", "auto, cpu or cuda (default auto).", "device", "auto");
    addCommonOptions(p, true, true);
}

int runRetrieve(QCommandLineParser &p)
{
    RetrieveRequest request;
    if (const int code = parseRetrieve(p, request); code != ExitOk)
        return code;
    auto result = runModelJob(p.isSet(QStringLiteral("quiet")),
                              [&](ModelBackend *backend, TrainObserver &observer) { return backend->retrieve(request, &observer); });
    if (!result)
        return fail(result.error());
    printRetrieveResult(request, *result, p.isSet(QStringLiteral("json")));
    return ExitOk;
}

} // namespace tandem::cli
