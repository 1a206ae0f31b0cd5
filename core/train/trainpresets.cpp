#include "train/trainpresets.h"

namespace tandem {

TrainPresetValues trainPresetValues(TrainPreset preset, TaskKind task)
{
    TrainPresetValues v;
    switch (preset) {
    case TrainPreset::Quick:
        v = {3, 16, 2e-3, 0, true};
        break;
    case TrainPreset::Thorough:
        v = {30, 32, 1e-3, 5, true};
        break;
    case TrainPreset::Standard:
        v = {10, 32, 1e-3, 0, true};
        break;
    }
    if (task != TaskKind::Caption)
        v.selfCriticalEpochs = 0;
    v.augment = task != TaskKind::Vqa;
    return v;
}

void applyTrainPreset(TrainRequest &request, TrainPreset preset)
{
    const TrainPresetValues v = trainPresetValues(preset, request.task);
    request.epochs = v.epochs;
    request.batchImages = v.batchImages;
    request.learningRate = v.learningRate;
    request.selfCriticalEpochs = v.selfCriticalEpochs;
    request.augment = v.augment;
}

QString trainPresetName(TrainPreset preset)
{
    switch (preset) {
    case TrainPreset::Quick:
        return QStringLiteral("quick");
    case TrainPreset::Thorough:
        return QStringLiteral("thorough");
    case TrainPreset::Standard:
        break;
    }
    return QStringLiteral("standard");
}

std::optional<TrainPreset> parseTrainPreset(const QString &name)
{
    for (TrainPreset p : {TrainPreset::Quick, TrainPreset::Standard, TrainPreset::Thorough})
        if (name == trainPresetName(p))
            return p;
    return std::nullopt;
}

} // namespace tandem
