#pragma once
// What the training dashboard plots, without widgets: a run's series (loss
// curve and epochs), the x of each point by step, epoch or time, the smoothed
// curve (an exponential moving average with TensorBoard's debiasing), and the
// CSV export.
#include "jobs/trainjobs.h"

#include <QString>
#include <vector>

namespace tandem {

enum class CurveAxis { Step, Epoch, Time };

struct TrainSeries {
    qint64 runId = 0;            // 0: a run that has not reported its id yet
    QString name;
    std::optional<TaskKind> task;
    std::vector<CurvePoint> curve;
    std::vector<EpochReport> epochs;
};
TrainSeries seriesOf(const TrainRunView &view);

// TensorBoard's smoothing: last = last * w + (1 - w) * v, divided by 1 - w^n so
// that the first points are not pulled towards 0. w = 0: the values as they are.
std::vector<double> smoothDebiased(const std::vector<double> &values, double weight);

double curveX(const CurvePoint &point, CurveAxis axis); // time in minutes
// The x where epoch `epoch` (1-based) ended, from the curve point that closed it; NaN if none.
double epochEndX(const std::vector<CurvePoint> &curve, int epoch, CurveAxis axis);
QString axisTitle(CurveAxis axis);

// The validation values an epoch report holds, flattened: "answer_accuracy",
// "vqa_accuracy_per_answer_type/yes/no", … (numbers only, "questions" left out).
QStringList validationKeys(const std::vector<TrainSeries> &series);
std::optional<double> validationValue(const QJsonObject &validation, const QString &key);

// One row per curve point of every series: run, step, epoch, minutes, loss,
// smoothed loss, learning rate, samples/s, then each validation metric on the
// row that ends its epoch.
QString curvesCsv(const std::vector<TrainSeries> &series, double smoothing);

} // namespace tandem
