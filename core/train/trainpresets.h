#pragma once
// Training presets: the settings a user gets without tuning, the same in the
// train dialog and `tandem-cli train --preset` (standard unless told). Per
// task: augmentation (shifts) stays off for VQA, whose questions talk about
// positions ("is it on the left?"); captions and retrieval keep it.
#include "train/modelbackend.h"

#include <QMap>
#include <QString>
#include <optional>

namespace tandem {

enum class TrainPreset { Quick, Standard, Thorough };

struct TrainPresetValues {
    int epochs = 10;
    int batchImages = 32;
    double learningRate = 1e-3;
    int selfCriticalEpochs = 0; // captions
    bool augment = true;
    // Architecture options the preset's recipe needs, as `--model-option` takes
    // them; options the user gives override them.
    QMap<QString, QString> modelOptions;
};

TrainPresetValues trainPresetValues(TrainPreset preset, TaskKind task);
// Sets epochs, batch, learning rate, self-critical epochs, augmentation and
// the recipe's model options for request.task (replacing request.modelOptions).
void applyTrainPreset(TrainRequest &request, TrainPreset preset);
QString trainPresetName(TrainPreset preset); // "quick", "standard", "thorough"
std::optional<TrainPreset> parseTrainPreset(const QString &name);

} // namespace tandem
