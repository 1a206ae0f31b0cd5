#pragma once
// The training job of the torch backend (see TrainRequest for its options).
#include "train/modelbackend.h"

namespace tandem::backend {

Expected<TrainResult> runTraining(const TrainRequest &request, TrainObserver *observer);

} // namespace tandem::backend
