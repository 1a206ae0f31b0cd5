#include "inference.h"

#include "data/embeddingstore.h"
#include "projectdata.h"
#include "trainstate.h"

#include "ml/device.h"

#include <c10/core/InferenceMode.h>

#include <QFileInfo>

namespace tandem::backend {

namespace {

Expected<LoadedModel> loadExternal(const InferenceRequest &request, std::optional<TaskKind> task)
{
    auto manifest = readManifest(request.checkpoint);
    if (!manifest)
        return manifest.error();
    if (task && taskKindOf(manifest->task) != *task)
        return Error::usage(QStringLiteral("this model is a %1 model, not a %2 model")
                                .arg(manifestTaskName(manifest->task), taskName(*task)));
    ml::configureThreads(request.threads);
    const ml::DeviceChoice device = ml::chooseDevice(request.device.toStdString());
    if (!device.error.empty())
        return Error::usage(QString::fromStdString(device.error));
    LoadedModel loaded;
    loaded.device = device.cuda ? c10::Device(c10::kCUDA, 0) : c10::Device(c10::kCPU);
    loaded.deviceName = QString::fromStdString(device.description);
    loaded.model.task = taskKindOf(manifest->task);
    loaded.imageSize = manifest->width;
    auto external = loadExternalModel(std::move(*manifest), loaded.device);
    if (!external)
        return external.error();
    loaded.external = std::move(*external);
    return loaded;
}

} // namespace

Expected<LoadedModel> loadModel(const InferenceRequest &request, std::optional<TaskKind> task)
{
    const QString file = request.checkpoint;
    if (!QFileInfo::exists(file))
        return Error::input(QStringLiteral("no such checkpoint"), file);
    if (isManifestPath(file))
        return loadExternal(request, task);
    auto config = ml::readCheckpointConfig(file.toStdString());
    auto attachments = ml::readCheckpointAttachments(file.toStdString());
    if (!config || !attachments)
        return Error::input(QString::fromStdString(config ? attachments.error() : config.error()), file);
    if (task && taskOf(config.value()) != *task)
        return Error::usage(QStringLiteral("this checkpoint is a %1 model, not a %2 model")
                                .arg(QString::fromStdString(config->task), taskName(*task)));
    auto codec = codecFromAttachments(attachments.value(), file);
    if (!codec)
        return codec.error();
    ml::configureThreads(request.threads);
    const ml::DeviceChoice device = ml::chooseDevice(request.device.toStdString());
    if (!device.error.empty())
        return Error::usage(QString::fromStdString(device.error));
    LoadedModel loaded{makeTaskModel(config.value()), codec.value(), imageSizeFromAttachments(attachments.value(), 64),
                       device.cuda ? c10::Device(c10::kCUDA, 0) : c10::Device(c10::kCPU),
                       QString::fromStdString(device.description), nullptr};
    if (auto s = ml::loadCheckpoint(*loaded.model.module, loaded.model.config, file.toStdString()); !s)
        return Error::input(QString::fromStdString(s.error()), file);
    loaded.model.module->to(loaded.device);
    loaded.model.module->eval();
    return loaded;
}

Expected<CheckpointInfo> inspectCheckpoint(const QString &file)
{
    if (!QFileInfo(file).isFile())
        return Error::input(QStringLiteral("no such checkpoint"), file);
    if (isManifestPath(file))
        return inspectManifest(file);
    auto config = ml::readCheckpointConfig(file.toStdString());
    if (!config)
        return Error::input(QStringLiteral("not a Tandem checkpoint: %1").arg(QString::fromStdString(config.error())), file);
    CheckpointInfo info;
    info.task = taskOf(config.value());
    info.architecture = configJson(config.value());
    info.summary = QStringLiteral("%1: %2 + %3").arg(taskName(info.task), QString::fromStdString(config->vision),
                                                    QString::fromStdString(config->task == "caption" ? "attention captioner" : config->text));
    if (info.task == TaskKind::Vqa)
        info.summary += QStringLiteral(" + %1").arg(QString::fromStdString(config->fusion));
    return info;
}

PredictOptions predictOptions(const InferenceRequest &request, const LoadedModel &loaded, TrainObserver *observer)
{
    PredictOptions options;
    options.imageSize = loaded.imageSize;
    options.batchImages = std::max(1, request.batchImages);
    options.beam = std::max(1, request.beam);
    options.maxWords = std::max(0, request.maxLength);
    options.lengthPenalty = request.lengthPenalty;
    options.device = loaded.device;
    options.cancelled = [observer] { return observer && observer->cancelRequested(); };
    options.progress = [observer](size_t done, size_t total) {
        if (observer)
            observer->stepDone({qint64(done), qint64(total), 1, 1, 0, 0, 0, 0});
    };
    return options;
}

namespace {

// Opens the project and the model, runs `predict` in inference mode and, when
// the request names a run, stores the result with `save` (which returns the run id).
template <typename Result, typename Predict, typename Save>
Expected<Result> infer(const InferenceRequest &request, TrainObserver *observer, std::optional<TaskKind> task,
                       Predict &&predict, Save &&save)
{
    auto store = ProjectStore::open(request.project);
    if (!store)
        return store.error();
    auto data = loadSplit(*store, request.split, request.imageIds);
    if (!data)
        return data.error();
    if (data->images.empty())
        return Error::input(QStringLiteral("the split '%1' has no usable images").arg(request.split), request.project);
    auto loaded = loadModel(request, task);
    if (!loaded)
        return loaded.error();
    Result result;
    try {
        c10::InferenceMode inference; // thread-local: set here, in the thread that runs the model
        predict(*data, *loaded, predictOptions(request, *loaded, observer), result);
    } catch (const CancelledError &) {
        return Error::cancelled();
    }
    if (request.saveAs.isEmpty())
        return result;
    auto run = save(*store, result);
    if (!run)
        return run.error();
    result.runId = *run;
    return result;
}

} // namespace

Expected<InferenceResult> runAnswers(const InferenceRequest &request, TrainObserver *observer)
{
    return infer<InferenceResult>(
        request, observer, TaskKind::Vqa,
        [](const SplitData &data, LoadedModel &loaded, const PredictOptions &options, InferenceResult &result) {
            result.device = loaded.deviceName;
            result.answers = loaded.external ? externalAnswers(*loaded.external, data, options)
                                             : predictAnswers(loaded.model, data, loaded.codec, options);
            result.metrics = scoreAnswers(result.answers, data);
        },
        [&](ProjectStore &store, const InferenceResult &result) {
            return saveAnswers(store, request, result.metrics, result.answers);
        });
}

Expected<InferenceResult> runCaptions(const InferenceRequest &request, TrainObserver *observer)
{
    return infer<InferenceResult>(
        request, observer, TaskKind::Caption,
        [](const SplitData &data, LoadedModel &loaded, const PredictOptions &options, InferenceResult &result) {
            result.device = loaded.deviceName;
            result.captions = loaded.external ? externalCaptions(*loaded.external, data, options)
                                              : predictCaptions(loaded.model, data, loaded.codec, options);
            result.metrics = scoreCaptionPredictions(result.captions, data);
        },
        [&](ProjectStore &store, const InferenceResult &result) {
            return saveCaptions(store, request, result.metrics, result.captions);
        });
}

Expected<InferenceResult> runTags(const InferenceRequest &request, TrainObserver *observer)
{
    return infer<InferenceResult>(
        request, observer, TaskKind::Tagging,
        [&](const SplitData &data, LoadedModel &loaded, const PredictOptions &options, InferenceResult &result) {
            result.device = loaded.deviceName;
            result.tags = externalTags(*loaded.external, data, options, request.tagThreshold, request.maxTags);
            result.metrics = scoreTags(result.tags, data);
        },
        [&](ProjectStore &store, const InferenceResult &result) {
            return saveTags(store, request, result.metrics, result.tags);
        });
}

Expected<EmbedResult> runEmbed(const InferenceRequest &request, TrainObserver *observer)
{
    InferenceRequest named = request;
    if (named.saveAs.isEmpty())
        named.saveAs = QStringLiteral("embed %1").arg(QFileInfo(request.checkpoint).completeBaseName());
    SplitEmbeddings embeddings;
    TaskKind task = TaskKind::Retrieval;
    return infer<EmbedResult>(
        named, observer, std::nullopt, // VQA and caption models give their pooled image features
        [&](const SplitData &data, LoadedModel &loaded, const PredictOptions &options, EmbedResult &result) {
            task = loaded.model.task;
            embeddings = loaded.external ? externalEmbeddings(*loaded.external, data, allImages(data), options)
                                         : predictEmbeddings(loaded.model, data, allImages(data), loaded.codec, options);
            result.device = loaded.deviceName;
            result.dimension = embeddings.images.dimension;
            result.images = qint64(embeddings.images.size());
            result.captions = qint64(embeddings.captions.size());
            result.metrics = recallMetrics(embeddings);
        },
        [&](ProjectStore &store, const EmbedResult &result) {
            return saveEmbeddings(store, named, task, result.metrics, embeddings);
        });
}

} // namespace tandem::backend
