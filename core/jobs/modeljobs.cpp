#include "modeljobs.h"

#include "data/projectstore.h"
#include "train/backendregistry.h"

#include <QFileInfo>
#include <mutex>

namespace tandem {

Expected<ModelBackend *> modelBackend()
{
    static std::mutex loading; // the GUI may ask from two workers at once; the plugin loads once
    std::lock_guard<std::mutex> lock(loading);
    return BackendRegistry::instance().backend(QStringLiteral("torch"));
}

Expected<CheckedModel> checkedModel(const QString &checkpoint)
{
    auto backend = modelBackend();
    if (!backend)
        return backend.error();
    auto info = (*backend)->inspect(checkpoint);
    if (!info)
        return info.error();
    return CheckedModel{*backend, std::move(*info)};
}

Expected<ModelRecord> addModel(const QString &project, const QString &checkpoint, const QString &name)
{
    auto model = checkedModel(checkpoint);
    if (!model)
        return model.error();
    const CheckpointInfo *info = &model->info;
    auto store = ProjectStore::open(project);
    if (!store)
        return store.error();
    const QString shown = name.trimmed().isEmpty() ? QFileInfo(checkpoint).completeBaseName() : name.trimmed();
    auto id = models::save(*store, shown, info->architecture, checkpoint);
    if (!id)
        return id.error();
    return models::get(*store, *id);
}

Expected<ModelRunResult> runModel(const InferenceRequest &request, TrainObserver *observer)
{
    auto model = checkedModel(request.checkpoint);
    if (!model)
        return model.error();
    ModelBackend *backend = model->backend;
    const CheckpointInfo *info = &model->info;
    ModelRunResult result;
    result.task = info->task;
    if (info->task == TaskKind::Retrieval) {
        auto embedded = backend->embed(request, observer);
        if (!embedded)
            return embedded.error();
        result.runId = embedded->runId;
        result.metrics = embedded->metrics;
        result.predictions = embedded->images + embedded->captions;
        result.device = embedded->device;
        return result;
    }
    auto inferred = info->task == TaskKind::Vqa       ? backend->answer(request, observer)
                    : info->task == TaskKind::Tagging ? backend->tag(request, observer)
                                                      : backend->caption(request, observer);
    if (!inferred)
        return inferred.error();
    result.runId = inferred->runId;
    result.metrics = inferred->metrics;
    result.predictions = qint64(inferred->answers.size() + inferred->captions.size() + inferred->tags.size());
    result.device = inferred->device;
    return result;
}

Expected<ExportResult> exportModel(const QString &checkpoint, const QString &folder)
{
    auto backend = modelBackend();
    if (!backend)
        return backend.error();
    return (*backend)->exportTorchScript(checkpoint, folder);
}

} // namespace tandem
