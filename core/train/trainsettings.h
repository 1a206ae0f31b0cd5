#pragma once
// A training request as its run stores it (runs.config) and back, which is what
// resuming a stored run needs; and the validation metric that picks a run's
// best epoch. Shared by the backend (which writes runs) and the jobs that
// resume them.
#include "train/modelbackend.h"

#include <QJsonArray>
#include <optional>
#include <vector>

namespace tandem {

// Architecture options as `--model-option` and the train dialog take them:
// "key=value" pairs separated by spaces or commas ("coordinate_channels=true
// film_blocks=3"). nullopt where a pair has no key or no '='; the keys and
// values themselves are checked against the model's when training starts.
std::optional<QMap<QString, QString>> parseModelOptions(const QString &text);
// The same pairs as text, by key, separated by spaces: parseModelOptions reads it back.
QString modelOptionsText(const QMap<QString, QString> &options);

QJsonObject trainRequestToJson(const TrainRequest &request);
// The request that continues a stored run from its checkpoint, with the
// architecture the checkpoint holds.
TrainRequest resumeRequestFromJson(const QString &project, const QJsonObject &config);

// Higher is better: VQA accuracy (answer accuracy where questions have one
// answer), CIDEr-D for captions, R@1 + R@5 + R@10 both ways for retrieval.
struct PrimaryMetric {
    QString name;
    double value = 0;
};
std::optional<PrimaryMetric> primaryMetric(TaskKind task, const QJsonObject &validation);

// A run's loss curve as its metrics store it ("curve"): one compact array per point.
QJsonArray curveToJson(const std::vector<CurvePoint> &points);
QJsonValue curvePointToJson(const CurvePoint &point);
std::vector<CurvePoint> curveFromJson(const QJsonArray &points);
// The epochs of a train run's metrics ("epochs"), oldest first.
std::vector<EpochReport> epochsFromJson(const QJsonArray &epochs);
QJsonObject epochToJson(const EpochReport &report);

} // namespace tandem
