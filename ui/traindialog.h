#pragma once
// Train dialog: task, encoders, fusion, hyperparameters with presets (quick /
// standard / thorough), split sizes, device, self-critical epochs for
// captions, a curriculum and architecture options (as `--model-option`), and
// where to start (from scratch, or fine-tuning a model of the project). A bad
// value is refused with a message next to its field.
#include "data/runstore.h"
#include "jobs/comparejobs.h"

#include <QDialog>
#include <QMap>
#include <vector>

class QCheckBox;
class QComboBox;
class QDialogButtonBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QListWidget;
class QSpinBox;

namespace tandem {

// What is wrong with a request, by field ("epochs", "learning_rate", "self_critical", "name").
QMap<QString, QString> trainRequestProblems(const TrainRequest &request);

class TrainDialog : public QDialog {
    Q_OBJECT
public:
    // Compare: the same settings for one VQA model per ticked fusion method, under a comparison name.
    enum class Mode { Train, Compare };
    TrainDialog(const QString &project, const std::vector<ModelRecord> &models, QWidget *parent = nullptr,
                Mode mode = Mode::Train);
    TrainRequest request() const;
    CompareRequest compareRequest() const;

    enum class Preset { Quick, Standard, Thorough, Custom }; // the first three as TrainPreset
    void applyPreset(Preset preset);

private:
    void buildForm(QFormLayout *form);
    QWidget *withProblem(QWidget *field, const QString &key);
    void taskChanged();
    void labelPresets(TaskKind task);
    void startChanged();
    void validate();

    QString m_project;
    std::vector<ModelRecord> m_models;
    Mode m_mode;
    QListWidget *m_fusions = nullptr;
    QComboBox *m_task, *m_start, *m_vision, *m_text, *m_fusion, *m_preset, *m_device, *m_trainSplit, *m_valSplit;
    QSpinBox *m_epochs, *m_batch, *m_imageSize, *m_selfCritical, *m_curriculum, *m_seed;
    QLineEdit *m_learningRate, *m_name, *m_modelOptions;
    QCheckBox *m_augment, *m_bf16;
    QMap<QString, QLabel *> m_problems;
    QDialogButtonBox *m_buttons = nullptr;
    bool m_applyingPreset = false;
};

} // namespace tandem
