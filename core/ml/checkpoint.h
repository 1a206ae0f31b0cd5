#pragma once
// Checkpoints: a model's tensors, its architecture config, optionally the
// optimizer's state and named texts (vocabulary, answer list) in one file.
// Saving is atomic; loading refuses a checkpoint that does not fit the model
// and then leaves the model untouched.
#include "ml/result.h"

#include <map>
#include <string>

namespace torch::nn {
class Module;
}
namespace torch::optim {
class Optimizer;
}

namespace tandem::ml {

struct ModelConfig;

// Named texts stored with the tensors ("vocabulary" -> Vocabulary::toText(), …).
using Attachments = std::map<std::string, std::string>;

// Writes path + ".tmp", flushes it to disk and renames it over path, so that a
// crash or a full disk never leaves a half-written checkpoint under the name.
Outcome saveCheckpoint(const torch::nn::Module &model, const ModelConfig &config, const std::string &path,
                       const torch::optim::Optimizer *optimizer = nullptr, const Attachments &attachments = {});

// Loads into model only if the checkpoint's config has the same architecture
// as `config` and every parameter and buffer has the model's shape; otherwise
// the message names each differing config key and parameter with both shapes.
// With an optimizer, its state is restored too (when the checkpoint has one).
Outcome loadCheckpoint(torch::nn::Module &model, const ModelConfig &config, const std::string &path,
                       torch::optim::Optimizer *optimizer = nullptr);

// The config a checkpoint was saved with, to build the matching model.
Result<ModelConfig> readCheckpointConfig(const std::string &path);
Result<Attachments> readCheckpointAttachments(const std::string &path);

// Convenience for the assembled models, which know their config.
template <typename Model>
Outcome saveModel(const Model &model, const std::string &path, const torch::optim::Optimizer *optimizer = nullptr,
                  const Attachments &attachments = {})
{
    return saveCheckpoint(*model, model->config(), path, optimizer, attachments);
}
template <typename Model>
Outcome loadModel(Model &model, const std::string &path, torch::optim::Optimizer *optimizer = nullptr)
{
    return loadCheckpoint(*model, model->config(), path, optimizer);
}

} // namespace tandem::ml
