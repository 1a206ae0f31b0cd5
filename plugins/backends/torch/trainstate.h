#pragma once
// What a training checkpoint carries besides the weights and the optimizer:
// where the run stands (epoch, next batch, step, the epoch's running loss),
// the run's history, the preprocessing, and the random generator's state, so
// that a resumed run continues exactly as an uninterrupted one would.
#include "taskmodel.h"

#include "ml/checkpoint.h"

#include <QJsonArray>
#include <string>

namespace tandem::backend {

struct TrainState {
    int64_t epoch = 0;       // 0-based epoch to continue with
    int64_t batch = 0;       // the next batch of that epoch
    int64_t step = 0;        // optimizer steps done
    double lossSum = 0;      // over the epoch's steps so far
    int64_t lossCount = 0;
    int imageSize = 64;
    uint64_t seed = 1;
    qint64 runId = 0;
    QJsonArray epochs;       // EpochReport as JSON, one per finished epoch
    QJsonArray curve;        // CurvePoint as JSON (trainsettings.h)
    double seconds = 0;      // training time of the sessions so far
    int bestEpoch = 0;       // 1-based; 0: none yet
    double bestValue = 0;    // its primary validation metric
    std::string rng;         // torch's CPU generator state, hex
};

ml::Attachments makeAttachments(const TextCodec &codec, const TrainState &state);
// The codec and the state of a checkpoint; errors name the missing part.
Expected<TextCodec> codecFromAttachments(const ml::Attachments &attachments, const QString &file);
Expected<TrainState> stateFromAttachments(const ml::Attachments &attachments, const QString &file);
// "image_size" from the preprocess attachment, which inference needs too.
int imageSizeFromAttachments(const ml::Attachments &attachments, int fallback);

std::string captureRng();
void restoreRng(const std::string &hex);

} // namespace tandem::backend
