#pragma once
// Input checks shared by the caption metrics (internal).
#include "eval/captionmetrics.h"

namespace tandem::eval {

// Throws std::invalid_argument unless there is at least one image, as many
// candidates as reference lists, and every image has a reference.
void checkCaptionInput(const std::vector<Sentences> &references, const Sentences &candidates);

} // namespace tandem::eval
