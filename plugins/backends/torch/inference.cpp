#include "inference.h"

#include "projectdata.h"
#include "taskmodel.h"
#include "trainstate.h"

#include "ml/device.h"

#include <c10/core/InferenceMode.h>

#include <QFileInfo>

namespace tandem::backend {

namespace {

struct LoadedModel {
    TaskModel model;
    TextCodec codec;
    int imageSize = 64;
    c10::Device device = c10::kCPU;
};

Expected<LoadedModel> loadModel(const InferenceRequest &request, const std::string &task)
{
    const QString file = request.checkpoint;
    if (!QFileInfo::exists(file))
        return Error::input(QStringLiteral("no such checkpoint"), file);
    auto config = ml::readCheckpointConfig(file.toStdString());
    auto attachments = ml::readCheckpointAttachments(file.toStdString());
    if (!config || !attachments)
        return Error::input(QString::fromStdString(config ? attachments.error() : config.error()), file);
    if (config->task != task)
        return Error::usage(QStringLiteral("this checkpoint is a %1 model, not a %2 model")
                                .arg(QString::fromStdString(config->task), QString::fromStdString(task)));
    auto codec = codecFromAttachments(attachments.value(), file);
    if (!codec)
        return codec.error();
    ml::configureThreads(request.threads);
    const ml::DeviceChoice device = ml::chooseDevice(request.device.toStdString());
    if (!device.error.empty())
        return Error::usage(QString::fromStdString(device.error));
    LoadedModel loaded{makeTaskModel(config.value()), codec.value(), imageSizeFromAttachments(attachments.value(), 64),
                       device.cuda ? c10::Device(c10::kCUDA, 0) : c10::Device(c10::kCPU)};
    if (auto s = ml::loadCheckpoint(*loaded.model.module, loaded.model.config, file.toStdString()); !s)
        return Error::input(QString::fromStdString(s.error()), file);
    loaded.model.module->to(loaded.device);
    loaded.model.module->eval();
    return loaded;
}

PredictOptions predictOptions(const InferenceRequest &request, const LoadedModel &loaded, TrainObserver *observer)
{
    PredictOptions options;
    options.imageSize = loaded.imageSize;
    options.batchImages = std::max(1, request.batchImages);
    options.beam = std::max(1, request.beam);
    options.maxWords = std::max(1, request.maxLength);
    options.device = loaded.device;
    options.cancelled = [observer] { return observer && observer->cancelRequested(); };
    return options;
}

// Opens the project and the model, runs `predict` in inference mode and stores the result when asked.
template <typename Predict>
Expected<InferenceResult> infer(const InferenceRequest &request, TrainObserver *observer, const std::string &task,
                                Predict &&predict)
{
    auto store = ProjectStore::open(request.project);
    if (!store)
        return store.error();
    auto data = loadSplit(*store, request.split);
    if (!data)
        return data.error();
    if (data->images.empty())
        return Error::input(QStringLiteral("the split '%1' has no usable images").arg(request.split), request.project);
    auto loaded = loadModel(request, task);
    if (!loaded)
        return loaded.error();
    InferenceResult result;
    try {
        c10::InferenceMode inference; // thread-local: set here, in the thread that runs the model
        predict(*store, *data, *loaded, predictOptions(request, *loaded, observer), result);
    } catch (const CancelledError &) {
        return Error::cancelled();
    }
    return result;
}

} // namespace

Expected<InferenceResult> runAnswers(const InferenceRequest &request, TrainObserver *observer)
{
    Status saved;
    auto result = infer(request, observer, "vqa",
                        [&](ProjectStore &store, const SplitData &data, LoadedModel &loaded, const PredictOptions &options,
                            InferenceResult &result) {
                            result.answers = predictAnswers(loaded.model, data, loaded.codec, options);
                            result.metrics = scoreAnswers(result.answers, data);
                            if (request.saveAs.isEmpty())
                                return;
                            auto run = saveAnswers(store, request, result.metrics, result.answers);
                            if (run)
                                result.runId = *run;
                            else
                                saved = run.error();
                        });
    if (result && !saved)
        return saved.error();
    return result;
}

Expected<InferenceResult> runCaptions(const InferenceRequest &request, TrainObserver *observer)
{
    Status saved;
    auto result = infer(request, observer, "caption",
                        [&](ProjectStore &store, const SplitData &data, LoadedModel &loaded, const PredictOptions &options,
                            InferenceResult &result) {
                            result.captions = predictCaptions(loaded.model, data, loaded.codec, options);
                            result.metrics = scoreCaptionPredictions(result.captions, data);
                            if (request.saveAs.isEmpty())
                                return;
                            auto run = saveCaptions(store, request, result.metrics, result.captions);
                            if (run)
                                result.runId = *run;
                            else
                                saved = run.error();
                        });
    if (result && !saved)
        return saved.error();
    return result;
}

} // namespace tandem::backend
