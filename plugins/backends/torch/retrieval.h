#pragma once
// The retrieval job of the torch backend: a text ranks images, an image ranks
// captions, over the vectors an embed run stored or over a split embedded on the fly.
#include "train/modelbackend.h"

namespace tandem::backend {

Expected<RetrieveResult> runRetrieve(const RetrieveRequest &request, TrainObserver *observer);

} // namespace tandem::backend
