#pragma once
// Tandem's own models written as models made elsewhere: the same computation
// as TorchScript source (torch::jit::Module::define) over the checkpoint's
// tensors, with a manifest (train/modelmanifest.h) that feeds it as Tandem
// does (its image size, no normalisation, Tandem's tokenizer and vocabulary).
// So far: models with the cnn or resnet vision encoder and the gru text encoder, VQA
// with any fusion (the attending ones return their map too) and retrieval
// dual encoders; others are refused, naming what is supported.
#include "train/modelbackend.h"

namespace tandem::backend {

Expected<ExportResult> exportModel(const QString &checkpoint, const QString &folder);

} // namespace tandem::backend
