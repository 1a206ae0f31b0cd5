#pragma once
// The inference jobs of the torch backend: answers and captions for a split,
// scored against the project's own answers and captions, optionally stored.
#include "train/modelbackend.h"

namespace tandem::backend {

Expected<InferenceResult> runAnswers(const InferenceRequest &request, TrainObserver *observer);
Expected<InferenceResult> runCaptions(const InferenceRequest &request, TrainObserver *observer);

} // namespace tandem::backend
