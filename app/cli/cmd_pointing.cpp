// pointing: how often a model's explanation maps point at the object the
// question (or caption word) names, against the random-map baseline and with
// the model's weights randomised. The scoring lives in core (jobs/pointingjob).
#include "commands.h"
#include "train/trainsettings.h"
#include "modelcli.h"

#include "jobs/pointingjob.h"

#include <QJsonArray>

namespace tandem::cli {

namespace {

QJsonObject tallyJson(const explain::PointingTally &t)
{
    return {{QStringLiteral("hits"), t.hits}, {QStringLiteral("items"), t.items},
            {QStringLiteral("hit_rate"), 100.0 * t.rate()}};
}

QJsonObject resultJson(const PointingResult &r, const PointingRequest &request)
{
    QJsonObject kinds;
    for (const auto &[kind, tally] : r.scores.byKind)
        kinds[kind] = tallyJson(tally);
    QJsonObject o = tallyJson(r.scores.overall);
    o[QStringLiteral("task")] = taskName(r.task);
    o[QStringLiteral("map")] = request.randomMaps ? QStringLiteral("random") : explainMethodName(request.method);
    o[QStringLiteral("randomized_weights")] = request.randomizeWeights;
    o[QStringLiteral("finer_grid")] = request.finerGrid;
    o[QStringLiteral("split")] = request.split;
    o[QStringLiteral("grid_height")] = r.gridHeight;
    o[QStringLiteral("grid_width")] = r.gridWidth;
    o[QStringLiteral("images")] = r.images;
    o[QStringLiteral("unmatched")] = r.scores.unmatched;
    o[r.task == TaskKind::Vqa ? QStringLiteral("by_type") : QStringLiteral("by_word")] = kinds;
    o[QStringLiteral("device")] = r.device;
    return o;
}

QString tallyText(const explain::PointingTally &t)
{
    return QStringLiteral("%1% (%2 of %3)").arg(100.0 * t.rate(), 0, 'f', 1).arg(t.hits).arg(t.items);
}

void printResult(const PointingResult &r, const PointingRequest &request)
{
    const QString map = request.randomMaps ? QStringLiteral("random maps") : explainMethodName(request.method);
    out(QStringLiteral("Pointing game, %1 split, %2 on a %3x%4 grid%5: %6 hits")
            .arg(request.split.isEmpty() ? QStringLiteral("every") : request.split, map)
            .arg(r.gridHeight).arg(r.gridWidth)
            .arg(request.randomizeWeights ? QStringLiteral(", weights randomised") : QString(), tallyText(r.scores.overall)));
    for (const auto &[kind, tally] : r.scores.byKind)
        out(QStringLiteral("  %1 %2").arg(kind, -10).arg(tallyText(tally)));
    if (r.scores.unmatched > 0)
        out(QStringLiteral("  (%1 questions name no region of their image: not scored)").arg(r.scores.unmatched));
}

// ExitOk, or the usage error of an option that does not parse.
int parseRequest(QCommandLineParser &p, PointingRequest &r)
{
    const QString cmd = QStringLiteral("pointing");
    r.project = p.positionalArguments().value(0);
    r.checkpoint = p.value(QStringLiteral("model"));
    r.split = p.value(QStringLiteral("split"));
    r.device = p.value(QStringLiteral("device"));
    if (p.positionalArguments().size() != 1 || r.checkpoint.isEmpty())
        return usageError(QStringLiteral("expected one project path and --model FILE"), cmd);
    const auto method = parseExplainMethod(p.value(QStringLiteral("method")));
    if (!method)
        return usageError(QStringLiteral("--method must be one of: ") + explainMethodNames(), cmd);
    r.method = *method;
    if (p.isSet(QStringLiteral("baseline")) && p.value(QStringLiteral("baseline")) != QLatin1String("random"))
        return usageError(QStringLiteral("--baseline knows one baseline: random"), cmd);
    r.randomMaps = p.isSet(QStringLiteral("baseline"));
    r.randomizeWeights = p.isSet(QStringLiteral("randomize-weights"));
    r.finerGrid = p.isSet(QStringLiteral("finer-grid"));
    if (p.isSet(QStringLiteral("types")))
        r.questionTypes = p.value(QStringLiteral("types")).split(QLatin1Char(','), Qt::SkipEmptyParts);
    bool ok = true;
    if (p.isSet(QStringLiteral("seed")))
        r.seed = p.value(QStringLiteral("seed")).toULongLong(&ok);
    if (!ok || !readInt(p, QStringLiteral("limit"), 1, &r.limit) || !readInt(p, QStringLiteral("threads"), 0, &r.threads))
        return usageError(QStringLiteral("--seed, --limit and --threads need whole numbers (--limit >= 1)"), cmd);
    return ExitOk;
}

} // namespace

void declarePointing(QCommandLineParser &p)
{
    p.addPositionalArgument(QStringLiteral("project"), QStringLiteral("The project file (with regions: the demo generator writes them)."));
    p.addOption({QStringLiteral("model"), QStringLiteral("A VQA or captioning checkpoint written by 'train'."), QStringLiteral("file")});
    p.addOption({QStringLiteral("split"), QStringLiteral("The split to score (default test; \"\" = all)."), QStringLiteral("name"), QStringLiteral("test")});
    p.addOption({QStringLiteral("method"), QStringLiteral("attention, gradcam, hirescam (VQA: gradient x activation per region) or gradient\n"
                                                        "(VQA: the pixels' gradient on a 16x16 grid), occlusion (VQA: the answer's drop when a sliding window is\n"
                                                        "covered, on a grid four times as fine as the regions) or occlusion-features (the same, measured\n"
                                                        "by the change of the fused vector the answer is read from) (default attention)."), QStringLiteral("method"), QStringLiteral("attention")});
    p.addOption({QStringLiteral("finer-grid"), QStringLiteral("gradcam, hirescam: on the vision encoder's stage before the last (twice the grid);\n"
                                                            "occlusion: eight times as fine as the regions.")});
    p.addOption({QStringLiteral("baseline"), QStringLiteral("random: score a uniformly random map per item instead of the model's."), QStringLiteral("name")});
    p.addOption({QStringLiteral("randomize-weights"), QStringLiteral("Draw the model's weights afresh first (the sanity check: the hit rate should fall).")});
    p.addOption({QStringLiteral("types"), QStringLiteral("VQA: the question types scored (default shape,left,top)."), QStringLiteral("list")});
    p.addOption({QStringLiteral("seed"), QStringLiteral("Of the random maps (default 1)."), QStringLiteral("n")});
    p.addOption({QStringLiteral("limit"), QStringLiteral("Score at most N questions (VQA) or images (captions)."), QStringLiteral("n")});
    p.addOption({QStringLiteral("device"), QStringLiteral("auto, cpu or cuda (default auto)."), QStringLiteral("device"), QStringLiteral("auto")});
    p.addOption({QStringLiteral("threads"), QStringLiteral("CPU threads (default: every core)."), QStringLiteral("n")});
    addCommonOptions(p, true, true);
}

int runPointing(QCommandLineParser &p)
{
    PointingRequest request;
    if (const int code = parseRequest(p, request); code != ExitOk)
        return code;
    ProgressBar bar(p.isSet(QStringLiteral("quiet")));
    auto result = playPointingGame(request, bar.progress());
    bar.finish();
    if (!result)
        return fail(result.error());
    if (p.isSet(QStringLiteral("json")))
        printJson(resultJson(*result, request));
    else
        printResult(*result, request);
    return ExitOk;
}

} // namespace tandem::cli
