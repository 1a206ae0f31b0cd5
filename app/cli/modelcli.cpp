#include "modelcli.h"

#include "jobs/modeljobs.h"

#include <cmath>

namespace tandem::cli {

bool readInt(QCommandLineParser &p, const QString &name, int minimum, int *value)
{
    if (!p.isSet(name))
        return true;
    bool ok = false;
    *value = p.value(name).toInt(&ok);
    return ok && *value >= minimum;
}

QString metricsText(const QJsonObject &metrics)
{
    QStringList parts;
    for (auto it = metrics.begin(); it != metrics.end(); ++it)
        if (it.value().isDouble()) {
            const double v = it.value().toDouble();
            parts << QStringLiteral("%1 %2").arg(it.key(), v == std::floor(v) ? QString::number(qint64(v)) : QString::number(v, 'f', 2));
        }
    return parts.join(QStringLiteral(", "));
}

void declareInferenceOptions(QCommandLineParser &p, bool show)
{
    p.addPositionalArgument(QStringLiteral("project"), QStringLiteral("The project file."));
    p.addOption({QStringLiteral("model"), QStringLiteral("The checkpoint written by 'train'."), QStringLiteral("file")});
    p.addOption({QStringLiteral("split"), QStringLiteral("The split to run on (default val; \"\" = all)."), QStringLiteral("name"), QStringLiteral("val")});
    p.addOption({QStringLiteral("save"), QStringLiteral("Store the predictions in the project as a run of this name."), QStringLiteral("name")});
    p.addOption({QStringLiteral("batch"), QStringLiteral("Images per batch (default 32)."), QStringLiteral("n"), QStringLiteral("32")});
    p.addOption({QStringLiteral("device"), QStringLiteral("auto, cpu or cuda (default auto)."), QStringLiteral("device"), QStringLiteral("auto")});
    if (show)
        p.addOption({QStringLiteral("show"), QStringLiteral("Print at most this many predictions (default 10)."), QStringLiteral("n"), QStringLiteral("10")});
    addCommonOptions(p, true, true);
}

InferenceRequest inferenceRequest(QCommandLineParser &p)
{
    InferenceRequest r;
    r.project = p.positionalArguments().value(0);
    r.checkpoint = p.value(QStringLiteral("model"));
    r.split = p.value(QStringLiteral("split"));
    r.saveAs = p.value(QStringLiteral("save"));
    r.device = p.value(QStringLiteral("device"));
    return r;
}

int checkInferenceArgs(QCommandLineParser &p, const QString &command, InferenceRequest &r)
{
    if (p.positionalArguments().size() != 1 || r.checkpoint.isEmpty())
        return usageError(QStringLiteral("expected one project path and --model FILE"), command);
    if (!readInt(p, QStringLiteral("batch"), 1, &r.batchImages))
        return usageError(QStringLiteral("--batch needs a number >= 1"), command);
    return ExitOk;
}

} // namespace tandem::cli
