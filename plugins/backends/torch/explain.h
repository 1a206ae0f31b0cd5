#pragma once
// One image at a time: the top answers to a typed question (ask) and where a
// model looks (explain: attention maps, Grad-CAM). The last model loaded and the
// last image encoded are kept, so a question typed letter by letter re-runs
// only the text encoder, the fusion and the head.
#include "train/modelbackend.h"

namespace tandem::backend {

Expected<AskResult> runAsk(const AskRequest &request);
Expected<ExplainResult> runExplain(const ExplainRequest &request);

} // namespace tandem::backend
