#include "train/trainpresets.h"

namespace tandem {
namespace {

// VQA's recipe (docs/performance.md, "Mixed features" and "The recipe as the
// preset"): CoordConv planes, a full-resolution pixel path whose maximum joins
// each region, a question gate on the region features before FiLM, FiLM's
// attention over the regions and each region's offset from the attended one,
// measured between where the pixel path finds the objects (object_positions);
// with batches of 8 images (four times the steps of 32). It leaves the
// answer-prior plateau where the plain model at batch 32 stays on it; the
// attention counts and the offsets answer "closest" and "furthest".
void applyVqaRecipe(TrainPresetValues &v, TrainPreset preset)
{
    // Fourteen epochs, not ten: some seeds learn "closest" and "furthest" only
    // in epoch 7 or 8 and need the epochs after that (docs/performance.md).
    if (preset == TrainPreset::Standard)
        v.epochs = 14;
    v.batchImages = 8;
    v.modelOptions = {{QStringLiteral("coordinate_channels"), QStringLiteral("true")},
                      {QStringLiteral("pixel_channels"), QStringLiteral("32")},
                      {QStringLiteral("film_gate"), QStringLiteral("true")},
                      {QStringLiteral("film_attention"), QStringLiteral("true")},
                      {QStringLiteral("film_relative"), QStringLiteral("true")},
                      {QStringLiteral("object_positions"), QStringLiteral("true")}};
}

} // namespace

TrainPresetValues trainPresetValues(TrainPreset preset, TaskKind task)
{
    TrainPresetValues v;
    switch (preset) {
    case TrainPreset::Quick:
        v = {3, 16, 2e-3, 0, true, {}};
        break;
    case TrainPreset::Thorough:
        v = {30, 32, 1e-3, 5, true, {}};
        break;
    case TrainPreset::Standard:
        v = {10, 32, 1e-3, 0, true, {}};
        break;
    }
    if (task != TaskKind::Caption)
        v.selfCriticalEpochs = 0;
    v.augment = task != TaskKind::Vqa;
    if (task == TaskKind::Vqa && preset != TrainPreset::Quick)
        applyVqaRecipe(v, preset);
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
    request.modelOptions = v.modelOptions;
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
