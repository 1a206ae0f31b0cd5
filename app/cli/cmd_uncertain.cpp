// rank-uncertain: the images a model was least sure about, to label first.
#include "cli.h"
#include "commands.h"
#include "jobs/uncertaintyjobs.h"

#include <QJsonArray>

namespace tandem::cli {

void declareRankUncertain(QCommandLineParser &p)
{
    p.addPositionalArgument(QStringLiteral("project"), QStringLiteral("The project file."));
    p.addOption({QStringLiteral("run"), QStringLiteral("A stored answer or caption run (default: the newest)."), QStringLiteral("id")});
    p.addOption({QStringLiteral("by"), QStringLiteral("margin, entropy (VQA), logprob (captions) or auto (default)."),
                 QStringLiteral("measure"), QStringLiteral("auto")});
    p.addOption({QStringLiteral("limit"), QStringLiteral("How many images (default 50)."), QStringLiteral("n"), QStringLiteral("50")});
    p.addOption({QStringLiteral("labeled-too"), QStringLiteral("Also images already verified or rejected.")});
    p.addOption({QStringLiteral("diverse"), QStringLiteral("An embed run: images alike to one ranked above them move to the end."),
                 QStringLiteral("run")});
    p.addOption({QStringLiteral("diversity"), QStringLiteral("With --diverse: the cosine from which two images count as alike "
                                                             "(default 0.95)."), QStringLiteral("x"), QStringLiteral("0.95")});
    addCommonOptions(p, true, false);
}

namespace {

void printRanking(const UncertaintyRanking &r, bool json)
{
    if (json) {
        QJsonArray items;
        for (const UncertainImage &image : r.images) {
            QJsonObject o{{QStringLiteral("image_id"), image.imageId}, {QStringLiteral("image"), image.image},
                          {QStringLiteral("uncertainty"), image.uncertainty}};
            if (image.nearDuplicateOf)
                o[QStringLiteral("near_duplicate_of")] = image.nearDuplicateOf;
            items.append(o);
        }
        printJson({{QStringLiteral("run_id"), r.runId}, {QStringLiteral("measure"), r.measure},
                   {QStringLiteral("candidates"), r.candidates}, {QStringLiteral("images"), items}});
        return;
    }
    out(QStringLiteral("Least sure first (run %1, %2; %3 images scored)").arg(r.runId).arg(r.measure).arg(r.candidates));
    int rank = 0;
    for (const UncertainImage &image : r.images)
        out(QStringLiteral("%1  %2  image %3  %4%5").arg(++rank, 3).arg(image.uncertainty, 7, 'f', 4).arg(image.imageId)
                .arg(image.image, image.nearDuplicateOf ? QStringLiteral("  (like image %1)").arg(image.nearDuplicateOf) : QString()));
}

} // namespace

int runRankUncertain(QCommandLineParser &p)
{
    const QString cmd = QStringLiteral("rank-uncertain");
    UncertaintyRequest request;
    request.project = p.positionalArguments().value(0);
    request.runId = p.value(QStringLiteral("run")).toLongLong();
    request.diversityRun = p.value(QStringLiteral("diverse")).toLongLong();
    request.labeledToo = p.isSet(QStringLiteral("labeled-too"));
    bool limitOk = false, diversityOk = false;
    request.limit = p.value(QStringLiteral("limit")).toInt(&limitOk);
    request.diversity = p.value(QStringLiteral("diversity")).toDouble(&diversityOk);
    const auto measure = predictions::parseUncertainty(p.value(QStringLiteral("by")));
    if (p.positionalArguments().size() != 1 || !measure || !limitOk || !diversityOk)
        return usageError(QStringLiteral("expected one project path, --by margin|entropy|logprob|auto and numeric "
                                         "--limit and --diversity"), cmd);
    request.measure = *measure;
    auto ranking = rankUncertain(request);
    if (!ranking)
        return fail(ranking.error());
    printRanking(*ranking, p.isSet(QStringLiteral("json")));
    return ExitOk;
}

} // namespace tandem::cli
