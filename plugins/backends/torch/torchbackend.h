#pragma once
// The LibTorch model backend: training and inference for the built-in models
// of tandem_ml on the CPU or, with a CUDA build of LibTorch, the GPU.
#include "train/modelbackend.h"

#include <QObject>

namespace tandem::backend {

class TorchBackend : public QObject, public ModelBackend {
    Q_OBJECT
    Q_PLUGIN_METADATA(IID TandemModelBackend_iid FILE "torch.json")
    Q_INTERFACES(tandem::ModelBackend)

public:
    QString version() const override;
    Expected<CheckpointInfo> inspect(const QString &checkpoint) override;
    Expected<TrainResult> train(const TrainRequest &request, TrainObserver *observer) override;
    Expected<InferenceResult> answer(const InferenceRequest &request, TrainObserver *observer) override;
    Expected<InferenceResult> caption(const InferenceRequest &request, TrainObserver *observer) override;
    Expected<InferenceResult> tag(const InferenceRequest &request, TrainObserver *observer) override;
    Expected<EmbedResult> embed(const InferenceRequest &request, TrainObserver *observer) override;
    Expected<RetrieveResult> retrieve(const RetrieveRequest &request, TrainObserver *observer) override;
    Expected<AskResult> ask(const AskRequest &request) override;
    Expected<ExplainResult> explain(const ExplainRequest &request) override;
    Expected<ExportResult> exportTorchScript(const QString &checkpoint, const QString &folder) override;
};

} // namespace tandem::backend
