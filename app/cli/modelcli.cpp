#include "modelcli.h"

#include "jobs/modeljobs.h"

#include <QDateTime>
#include <cmath>
#include <cstdio>
#include <unistd.h>

namespace tandem::cli {

namespace {

QString clock(double seconds)
{
    const qint64 s = qint64(seconds + 0.5);
    return s >= 3600 ? QStringLiteral("%1:%2:%3").arg(s / 3600).arg(s / 60 % 60, 2, 10, QLatin1Char('0')).arg(s % 60, 2, 10, QLatin1Char('0'))
                     : QStringLiteral("%1:%2").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
}

} // namespace

LineObserver::LineObserver(const Progress &progress, bool quiet)
    : CancelObserver(progress), m_quiet(quiet), m_tty(isatty(STDERR_FILENO))
{
}

LineObserver::~LineObserver() { clearLine(); }

void LineObserver::started(const QString &device, qint64 totalSteps)
{
    if (!m_quiet)
        std::fprintf(stderr, "training on %s, %lld steps\n", qPrintable(device), static_cast<long long>(totalSteps));
}

void LineObserver::stepDone(const TrainProgress &p)
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    if (m_quiet || !m_tty || (now - m_lastDraw < 100 && p.step < p.totalSteps))
        return;
    m_lastDraw = now;
    draw(QStringLiteral("epoch %1/%2  step %3/%4  loss %5  lr %6  %7 samples/s  ETA %8")
             .arg(p.epoch).arg(p.epochs).arg(p.step).arg(p.totalSteps)
             .arg(p.loss, 0, 'f', 4).arg(p.learningRate, 0, 'e', 2)
             .arg(p.samplesPerSecond, 0, 'f', 0).arg(clock(p.etaSeconds)));
}

void LineObserver::epochDone(const EpochReport &r)
{
    if (m_quiet)
        return;
    clearLine();
    const QString val = metricsText(r.validation);
    std::fprintf(stderr, "epoch %d: train loss %.4f%s (%.1f s)\n", r.epoch, r.trainLoss,
                 val.isEmpty() ? "" : qPrintable(QStringLiteral(", val ") + val), r.seconds);
}

void LineObserver::draw(const QString &line)
{
    const int pad = std::max(0, m_width - int(line.size()));
    m_width = int(line.size());
    std::fprintf(stderr, "\r%s%s", line.toUtf8().constData(), QString(pad, QLatin1Char(' ')).toUtf8().constData());
    std::fflush(stderr);
}

void LineObserver::clearLine()
{
    if (m_width > 0)
        std::fprintf(stderr, "\r%s\r", QString(m_width, QLatin1Char(' ')).toUtf8().constData());
    m_width = 0;
}


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
