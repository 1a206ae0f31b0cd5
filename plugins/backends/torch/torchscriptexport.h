#pragma once
// Tandem's own models written as models made elsewhere: the same computation
// as TorchScript source (torch::jit::Module::define) over the checkpoint's
// tensors, with a manifest (train/modelmanifest.h) that feeds it as Tandem
// does (its image size, no normalisation, Tandem's tokenizer and vocabulary).
// Every built-in model: VQA with every encoder and fusion (the attending
// fusions return their map too), the attention captioner (greedy decoding)
// and retrieval dual encoders.
#include "train/modelbackend.h"

namespace tandem::backend {

Expected<ExportResult> exportModel(const QString &checkpoint, const QString &folder);

} // namespace tandem::backend
