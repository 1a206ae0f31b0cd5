#include "trainingcurves.h"

#include "train/trainsettings.h"

#include <QFileInfo>
#include <QSet>
#include <cmath>
#include <limits>

namespace tandem {

TrainSeries seriesOf(const TrainRunView &view)
{
    QString name = view.run.name;
    if (name.isEmpty())
        name = QFileInfo(view.run.config.value(QLatin1String("checkpoint")).toString()).completeBaseName();
    return {view.run.id, QStringLiteral("%1 · run %2").arg(name).arg(view.run.id), view.run.task(), view.curve, view.epochs};
}

std::vector<double> smoothDebiased(const std::vector<double> &values, double weight)
{
    std::vector<double> out;
    out.reserve(values.size());
    double last = 0, decay = 1;
    for (double v : values) {
        last = last * weight + (1 - weight) * v;
        decay *= weight;
        out.push_back(weight > 0 ? last / (1 - decay) : v);
    }
    return out;
}

double curveX(const CurvePoint &p, CurveAxis axis)
{
    switch (axis) {
    case CurveAxis::Step:
        return double(p.step);
    case CurveAxis::Epoch:
        return p.epoch;
    case CurveAxis::Time:
        return p.seconds / 60.0;
    }
    return 0;
}

double epochEndX(const std::vector<CurvePoint> &curve, int epoch, CurveAxis axis)
{
    for (const CurvePoint &p : curve)
        if (std::abs(p.epoch - epoch) < 1e-9)
            return curveX(p, axis);
    return std::numeric_limits<double>::quiet_NaN();
}

QString axisTitle(CurveAxis axis)
{
    switch (axis) {
    case CurveAxis::Step:
        return QStringLiteral("step");
    case CurveAxis::Epoch:
        return QStringLiteral("epoch");
    case CurveAxis::Time:
        return QStringLiteral("minutes");
    }
    return {};
}

QStringList validationKeys(const std::vector<TrainSeries> &series)
{
    QStringList keys;
    const auto add = [&](const QString &key) {
        if (!keys.contains(key) && key != QLatin1String("questions"))
            keys << key;
    };
    for (const TrainSeries &s : series)
        for (const EpochReport &e : s.epochs)
            for (auto it = e.validation.begin(); it != e.validation.end(); ++it) {
                if (it.value().isDouble())
                    add(it.key());
                const QJsonObject nested = it.value().toObject();
                for (auto n = nested.begin(); n != nested.end(); ++n)
                    if (n.value().isDouble())
                        add(it.key() + QLatin1Char('/') + n.key());
            }
    keys.sort();
    return keys;
}

std::optional<double> validationValue(const QJsonObject &validation, const QString &key)
{
    const int slash = int(key.indexOf(QLatin1Char('/')));
    const QJsonValue value = slash < 0 ? validation.value(key) : validation.value(key.left(slash)).toObject().value(key.mid(slash + 1));
    return value.isDouble() ? std::optional<double>(value.toDouble()) : std::nullopt;
}

namespace {

QString csvText(const QString &text)
{
    QString quoted = text;
    quoted.replace(QLatin1Char('"'), QStringLiteral("\"\""));
    return QLatin1Char('"') + quoted + QLatin1Char('"');
}

QStringList numericKeys(const std::vector<TrainSeries> &series)
{
    QStringList keys;
    QSet<QString> seen;
    for (const TrainSeries &s : series)
        for (const EpochReport &e : s.epochs)
            for (auto it = e.validation.begin(); it != e.validation.end(); ++it)
                if (it.value().isDouble() && !seen.contains(it.key())) {
                    seen.insert(it.key());
                    keys << it.key();
                }
    keys.sort();
    return keys;
}

} // namespace

QString curvesCsv(const std::vector<TrainSeries> &series, double smoothing)
{
    const QStringList metrics = numericKeys(series);
    QString csv = QStringLiteral("run_id,run,step,epoch,minutes,loss,smoothed_loss,learning_rate,samples_per_second");
    for (const QString &key : metrics)
        csv += QStringLiteral(",val_") + key;
    csv += QLatin1Char('\n');
    for (const TrainSeries &s : series) {
        std::vector<double> losses;
        for (const CurvePoint &p : s.curve)
            losses.push_back(p.loss);
        const std::vector<double> smoothed = smoothDebiased(losses, smoothing);
        for (size_t i = 0; i < s.curve.size(); ++i) {
            const CurvePoint &p = s.curve[i];
            csv += QStringLiteral("%1,%2,%3,%4,%5,%6,%7,%8,%9").arg(s.runId).arg(csvText(s.name)).arg(p.step)
                       .arg(p.epoch, 0, 'g', 10).arg(p.seconds / 60.0, 0, 'g', 8).arg(p.loss, 0, 'g', 10)
                       .arg(smoothed[i], 0, 'g', 10).arg(p.learningRate, 0, 'g', 8).arg(p.samplesPerSecond, 0, 'g', 8);
            const int epoch = int(std::lround(p.epoch));
            const EpochReport *report = nullptr;
            if (std::abs(p.epoch - epoch) < 1e-9)
                for (const EpochReport &e : s.epochs)
                    if (e.epoch == epoch)
                        report = &e;
            for (const QString &key : metrics)
                csv += QLatin1Char(',') + (report && report->validation.value(key).isDouble()
                                               ? QString::number(report->validation.value(key).toDouble(), 'g', 10)
                                               : QString());
            csv += QLatin1Char('\n');
        }
    }
    return csv;
}

} // namespace tandem
