#include "ml/checkpoint.h"

#include "ml/models.h"

#include <ATen/ATen.h>
#include <torch/nn/module.h>
#include <torch/optim/optimizer.h>
#include <torch/serialize/input-archive.h>
#include <torch/serialize/output-archive.h>

#include <cstdio>
#include <fcntl.h>
#include <sstream>
#include <unistd.h>
#include <utility>
#include <vector>

namespace tandem::ml {
namespace {

// Keys of the archive. Tensors are stored as t0, t1, … with their dotted
// module names in one list: names stay readable whatever characters they hold.
const char *const kFormatKey = "tandem_format";
const char *const kConfigKey = "tandem_config";
const char *const kTensorNamesKey = "tandem_tensor_names";
const char *const kAttachmentNamesKey = "tandem_attachment_names";
const char *const kOptimizerKey = "tandem_optimizer";
constexpr int64_t kFormatVersion = 1;

std::string tensorKey(size_t i) { return "t" + std::to_string(i); }
std::string attachmentKey(size_t i) { return "a" + std::to_string(i); }

// Parameters, then buffers (BatchNorm's running statistics): everything the
// model's outputs depend on.
std::vector<std::pair<std::string, at::Tensor>> namedTensors(const torch::nn::Module &model)
{
    std::vector<std::pair<std::string, at::Tensor>> tensors;
    for (const auto &item : model.named_parameters())
        tensors.emplace_back(item.key(), item.value());
    for (const auto &item : model.named_buffers())
        tensors.emplace_back(item.key(), item.value());
    return tensors;
}

std::string joinLines(const std::vector<std::string> &lines)
{
    std::string text;
    for (const auto &line : lines)
        text += line + '\n';
    return text;
}

std::vector<std::string> splitLines(const std::string &text)
{
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
        lines.push_back(line);
    return lines;
}

std::string shapeText(const at::Tensor &t)
{
    std::string text = "[";
    for (int64_t d = 0; d < t.dim(); ++d)
        text += (d ? ", " : "") + std::to_string(t.size(d));
    return text + "]";
}

// Writes the archive to `path` and makes sure the bytes reached the disk.
Outcome writeDurably(torch::serialize::OutputArchive &archive, const std::string &path)
{
    std::FILE *file = std::fopen(path.c_str(), "wb");
    if (!file)
        return Outcome::failure("cannot create " + path);
    bool writeFailed = false;
    // A short write must not reach LibTorch: its stream writer throws, then
    // throws again from its destructor while unwinding, which terminates the
    // program (a full disk would crash it). So every write reports success,
    // nothing more is written after the first failure, and the failure is
    // returned here.
    archive.save_to([&](const void *data, size_t size) -> size_t {
        if (!writeFailed)
            writeFailed = std::fwrite(data, 1, size, file) != size;
        return size;
    });
    writeFailed |= std::fflush(file) != 0 || ::fsync(fileno(file)) != 0;
    writeFailed |= std::fclose(file) != 0;
    if (writeFailed)
        return Outcome::failure("cannot write " + path + " (disk full?)");
    return {};
}

void syncParentFolder(const std::string &path)
{
    const auto slash = path.find_last_of('/');
    const std::string folder = slash == std::string::npos ? "." : (slash == 0 ? "/" : path.substr(0, slash));
    const int fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY);
    if (fd >= 0) {
        ::fsync(fd);
        ::close(fd);
    }
}

// The message without LibTorch's backtrace: users read it in a dialog.
std::string messageOf(const std::exception &e)
{
    if (const auto *torchError = dynamic_cast<const c10::Error *>(&e))
        return torchError->what_without_backtrace();
    return e.what();
}

Outcome openArchive(const std::string &path, torch::serialize::InputArchive &archive)
{
    try {
        archive.load_from(path);
    } catch (const std::exception &e) {
        return Outcome::failure("cannot read checkpoint " + path + ": " + messageOf(e));
    }
    return {};
}

Result<std::string> readString(torch::serialize::InputArchive &archive, const char *key, const std::string &path)
{
    c10::IValue value;
    if (!archive.try_read(key, value) || !value.isString())
        return Result<std::string>::failure(path + " is not a Tandem checkpoint (no " + key + ")");
    return value.toStringRef();
}

// Every problem that keeps the checkpoint out of the model, one per line.
std::vector<std::string> mismatches(const std::vector<std::pair<std::string, at::Tensor>> &modelTensors,
                                    const std::map<std::string, at::Tensor> &stored)
{
    std::vector<std::string> problems;
    for (const auto &[name, tensor] : modelTensors) {
        const auto it = stored.find(name);
        if (it == stored.end())
            problems.push_back("parameter '" + name + "' " + shapeText(tensor) + " of the model is not in the checkpoint");
        else if (!it->second.sizes().equals(tensor.sizes()))
            problems.push_back("parameter '" + name + "' has shape " + shapeText(it->second) + " in the checkpoint but "
                               + shapeText(tensor) + " in the model");
    }
    for (const auto &[name, tensor] : stored) {
        const bool inModel = std::any_of(modelTensors.begin(), modelTensors.end(),
                                         [&](const auto &entry) { return entry.first == name; });
        if (!inModel)
            problems.push_back("checkpoint parameter '" + name + "' " + shapeText(tensor) + " is not in the model");
    }
    return problems;
}

std::string refusal(const std::string &path, const std::vector<std::string> &configDifferences,
                    const std::vector<std::string> &tensorProblems)
{
    constexpr size_t kShown = 6;
    std::string message = "checkpoint " + path + " does not fit this model:";
    for (const auto &difference : configDifferences)
        message += "\n  architecture differs, " + difference + " (checkpoint vs model)";
    for (size_t i = 0; i < tensorProblems.size() && i < kShown; ++i)
        message += "\n  " + tensorProblems[i];
    if (tensorProblems.size() > kShown)
        message += "\n  … and " + std::to_string(tensorProblems.size() - kShown) + " more parameters";
    return message;
}

} // namespace

Outcome saveCheckpoint(const torch::nn::Module &model, const ModelConfig &config, const std::string &path,
                       const torch::optim::Optimizer *optimizer, const Attachments &attachments)
{
    const std::string temporary = path + ".tmp";
    try {
        torch::serialize::OutputArchive archive;
        archive.write(kFormatKey, c10::IValue(kFormatVersion));
        archive.write(kConfigKey, c10::IValue(configToString(config)));
        std::vector<std::string> names;
        for (const auto &[name, tensor] : namedTensors(model)) {
            archive.write(tensorKey(names.size()), tensor.detach().cpu(), true);
            names.push_back(name);
        }
        archive.write(kTensorNamesKey, c10::IValue(joinLines(names)));
        std::vector<std::string> attachmentNames;
        for (const auto &[name, text] : attachments) {
            archive.write(attachmentKey(attachmentNames.size()), c10::IValue(text));
            attachmentNames.push_back(name);
        }
        archive.write(kAttachmentNamesKey, c10::IValue(joinLines(attachmentNames)));
        if (optimizer) {
            torch::serialize::OutputArchive state;
            optimizer->save(state);
            archive.write(kOptimizerKey, state);
        }
        if (Outcome written = writeDurably(archive, temporary); !written) {
            std::remove(temporary.c_str());
            return written;
        }
    } catch (const std::exception &e) {
        std::remove(temporary.c_str());
        return Outcome::failure("cannot save checkpoint " + path + ": " + messageOf(e));
    }
    if (std::rename(temporary.c_str(), path.c_str()) != 0) {
        std::remove(temporary.c_str());
        return Outcome::failure("cannot rename " + temporary + " to " + path);
    }
    syncParentFolder(path);
    return {};
}

Outcome loadCheckpoint(torch::nn::Module &model, const ModelConfig &config, const std::string &path,
                       torch::optim::Optimizer *optimizer)
{
    torch::serialize::InputArchive archive;
    if (Outcome opened = openArchive(path, archive); !opened)
        return opened;
    try {
        const auto configText = readString(archive, kConfigKey, path);
        const auto namesText = readString(archive, kTensorNamesKey, path);
        if (!configText || !namesText)
            return Outcome::failure(configText ? namesText.error() : configText.error());
        const auto stored = configFromString(configText.value());
        if (!stored)
            return Outcome::failure("checkpoint " + path + ": " + stored.error());

        std::map<std::string, at::Tensor> tensors;
        const auto names = splitLines(namesText.value());
        for (size_t i = 0; i < names.size(); ++i) {
            at::Tensor tensor;
            if (!archive.try_read(tensorKey(i), tensor, true))
                return Outcome::failure("checkpoint " + path + " lacks the tensor of '" + names[i] + "'");
            tensors.emplace(names[i], tensor);
        }
        const auto modelTensors = namedTensors(model);
        const auto configDifferences = architectureDifferences(stored.value(), config);
        const auto tensorProblems = mismatches(modelTensors, tensors);
        if (!configDifferences.empty() || !tensorProblems.empty())
            return Outcome::failure(refusal(path, configDifferences, tensorProblems));

        if (optimizer) {
            torch::serialize::InputArchive state;
            if (archive.try_read(kOptimizerKey, state))
                optimizer->load(state);
        }
        torch::NoGradGuard noGrad;
        for (const auto &[name, tensor] : modelTensors)
            const_cast<at::Tensor &>(tensor).copy_(tensors.at(name));
    } catch (const std::exception &e) {
        return Outcome::failure("cannot load checkpoint " + path + ": " + messageOf(e));
    }
    return {};
}

Result<ModelConfig> readCheckpointConfig(const std::string &path)
{
    torch::serialize::InputArchive archive;
    if (Outcome opened = openArchive(path, archive); !opened)
        return Result<ModelConfig>::failure(opened.error());
    const auto text = readString(archive, kConfigKey, path);
    if (!text)
        return Result<ModelConfig>::failure(text.error());
    return configFromString(text.value());
}

Result<Attachments> readCheckpointAttachments(const std::string &path)
{
    torch::serialize::InputArchive archive;
    if (Outcome opened = openArchive(path, archive); !opened)
        return Result<Attachments>::failure(opened.error());
    const auto names = readString(archive, kAttachmentNamesKey, path);
    if (!names)
        return Result<Attachments>::failure(names.error());
    Attachments attachments;
    const auto list = splitLines(names.value());
    for (size_t i = 0; i < list.size(); ++i) {
        c10::IValue value;
        if (!archive.try_read(attachmentKey(i), value) || !value.isString())
            return Result<Attachments>::failure("checkpoint " + path + " lacks the attachment '" + list[i] + "'");
        attachments.emplace(list[i], value.toStringRef());
    }
    return attachments;
}

} // namespace tandem::ml
