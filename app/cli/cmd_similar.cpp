// similar: "more like this" (the images nearest one image) and near-duplicate
// pairs, from an embed run's stored vectors; the Embeddings panel's jobs.
#include "cli.h"
#include "commands.h"
#include "jobs/similarityjobs.h"

#include <QJsonArray>

namespace tandem::cli {

void declareSimilar(QCommandLineParser &p)
{
    p.addPositionalArgument(QStringLiteral("project"), QStringLiteral("The project file."));
    p.addOption({QStringLiteral("run"), QStringLiteral("An embed run (see 'tandem-cli runs')."), QStringLiteral("id")});
    p.addOption({QStringLiteral("image"), QStringLiteral("The images nearest this one (a project image id or name)."), QStringLiteral("id-or-name")});
    p.addOption({QStringLiteral("k"), QStringLiteral("With --image: how many (default 10)."), QStringLiteral("n"), QStringLiteral("10")});
    p.addOption({QStringLiteral("duplicates"), QStringLiteral("Instead: pairs of images at least --threshold alike.")});
    p.addOption({QStringLiteral("threshold"), QStringLiteral("With --duplicates: the cosine (default 0.95)."), QStringLiteral("x"), QStringLiteral("0.95")});
    p.addOption({QStringLiteral("limit"), QStringLiteral("With --duplicates: at most this many pairs (default 100)."), QStringLiteral("n"), QStringLiteral("100")});
    addCommonOptions(p, true, false);
}

namespace {

QJsonObject imageJson(const SimilarImage &image)
{
    return {{QStringLiteral("image_id"), image.imageId}, {QStringLiteral("image"), image.image}, {QStringLiteral("score"), image.score}};
}

int printSimilar(const std::vector<SimilarImage> &images, bool json)
{
    if (json) {
        QJsonArray items;
        for (const SimilarImage &image : images)
            items.append(imageJson(image));
        printJson({{QStringLiteral("results"), items}});
        return ExitOk;
    }
    int rank = 0;
    for (const SimilarImage &image : images)
        out(QStringLiteral("%1  %2  image %3  %4").arg(++rank, 3).arg(image.score, 6, 'f', 3).arg(image.imageId).arg(image.image));
    return ExitOk;
}

int printDuplicates(const std::vector<DuplicatePair> &pairs, double threshold, bool json)
{
    if (json) {
        QJsonArray items;
        for (const DuplicatePair &pair : pairs)
            items.append(QJsonObject{{QStringLiteral("score"), pair.score}, {QStringLiteral("first"), imageJson(pair.first)},
                                     {QStringLiteral("second"), imageJson(pair.second)}});
        printJson({{QStringLiteral("threshold"), threshold}, {QStringLiteral("pairs"), items}});
        return ExitOk;
    }
    out(QStringLiteral("%1 pairs at cosine >= %2").arg(pairs.size()).arg(threshold));
    for (const DuplicatePair &pair : pairs)
        out(QStringLiteral("%1  %2 (%3)  %4 (%5)").arg(pair.score, 6, 'f', 3).arg(pair.first.image).arg(pair.first.imageId)
                .arg(pair.second.image).arg(pair.second.imageId));
    return ExitOk;
}

} // namespace

int runSimilar(QCommandLineParser &p)
{
    const QString cmd = QStringLiteral("similar");
    const QString project = p.positionalArguments().value(0);
    const qint64 run = p.value(QStringLiteral("run")).toLongLong();
    if (p.positionalArguments().size() != 1 || run < 1)
        return usageError(QStringLiteral("expected one project path and --run ID of an embed run"), cmd);
    const bool json = p.isSet(QStringLiteral("json"));
    if (p.isSet(QStringLiteral("duplicates")) == p.isSet(QStringLiteral("image")))
        return usageError(QStringLiteral("give either --image ID_OR_NAME or --duplicates"), cmd);
    bool ok = true;
    if (p.isSet(QStringLiteral("image"))) {
        const int k = p.value(QStringLiteral("k")).toInt(&ok);
        if (!ok || k < 1)
            return usageError(QStringLiteral("--k needs a number >= 1"), cmd);
        auto images = similarImages(project, run, p.value(QStringLiteral("image")), k);
        return images ? printSimilar(*images, json) : fail(images.error());
    }
    bool limitOk = true;
    const double threshold = p.value(QStringLiteral("threshold")).toDouble(&ok);
    const int limit = p.value(QStringLiteral("limit")).toInt(&limitOk);
    if (!ok || !limitOk)
        return usageError(QStringLiteral("--threshold and --limit need numbers"), cmd);
    auto pairs = nearDuplicates(project, run, threshold, limit);
    return pairs ? printDuplicates(*pairs, threshold, json) : fail(pairs.error());
}

} // namespace tandem::cli
