#include "torchbackend.h"

#include "explain.h"
#include "inference.h"
#include "retrieval.h"
#include "torchscriptexport.h"
#include "trainer.h"

#include "ml/device.h"

#include <c10/util/Exception.h>

namespace tandem::backend {

namespace {

// LibTorch and OpenCV throw; nothing of that crosses the plugin boundary.
template <typename Job>
auto guarded(const QString &project, Job &&job) -> decltype(job())
{
    try {
        return job();
    } catch (const c10::Error &e) {
        return Error::input(QStringLiteral("LibTorch: %1").arg(QString::fromUtf8(e.what_without_backtrace())), project);
    } catch (const std::exception &e) {
        return Error::input(QString::fromUtf8(e.what()), project);
    }
}

} // namespace

QString TorchBackend::version() const
{
    return QStringLiteral("LibTorch %1%2").arg(QString::fromStdString(ml::torchVersion()),
                                               ml::cudaAvailable() ? QStringLiteral(" (CUDA)") : QString());
}

Expected<CheckpointInfo> TorchBackend::inspect(const QString &checkpoint)
{
    return guarded(checkpoint, [&] { return inspectCheckpoint(checkpoint); });
}

Expected<TrainResult> TorchBackend::train(const TrainRequest &request, TrainObserver *observer)
{
    return guarded(request.project, [&] { return runTraining(request, observer); });
}

Expected<InferenceResult> TorchBackend::answer(const InferenceRequest &request, TrainObserver *observer)
{
    return guarded(request.project, [&] { return runAnswers(request, observer); });
}

Expected<InferenceResult> TorchBackend::caption(const InferenceRequest &request, TrainObserver *observer)
{
    return guarded(request.project, [&] { return runCaptions(request, observer); });
}

Expected<InferenceResult> TorchBackend::tag(const InferenceRequest &request, TrainObserver *observer)
{
    return guarded(request.project, [&] { return runTags(request, observer); });
}

Expected<EmbedResult> TorchBackend::embed(const InferenceRequest &request, TrainObserver *observer)
{
    return guarded(request.project, [&] { return runEmbed(request, observer); });
}

Expected<RetrieveResult> TorchBackend::retrieve(const RetrieveRequest &request, TrainObserver *observer)
{
    return guarded(request.project, [&] { return runRetrieve(request, observer); });
}

Expected<AskResult> TorchBackend::ask(const AskRequest &request)
{
    return guarded(request.project, [&] { return runAsk(request); });
}

Expected<ExplainResult> TorchBackend::explain(const ExplainRequest &request)
{
    return guarded(request.project, [&] { return runExplain(request); });
}

Expected<ExportResult> TorchBackend::exportTorchScript(const QString &checkpoint, const QString &folder)
{
    return guarded(checkpoint, [&] { return exportModel(checkpoint, folder); });
}

} // namespace tandem::backend
