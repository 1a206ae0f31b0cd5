#include "traindialog.h"

#include "train/trainpresets.h"

#include "train/fusioncatalog.h"
#include "train/trainsettings.h"

#include <QCheckBox>
#include <QDateTime>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace tandem {

namespace {

QSpinBox *spinBox(int low, int high, const QString &tip)
{
    auto *box = new QSpinBox;
    box->setRange(low, high);
    box->setToolTip(tip);
    return box;
}

} // namespace

QMap<QString, QString> trainRequestProblems(const TrainRequest &r)
{
    QMap<QString, QString> problems;
    if (r.epochs < 1)
        problems[QStringLiteral("epochs")] = QObject::tr("at least one epoch");
    if (!(r.learningRate > 0 && r.learningRate <= 1))
        problems[QStringLiteral("learning_rate")] = QObject::tr("a number above 0 and at most 1, e.g. 0.001 or 1e-3");
    if (r.selfCriticalEpochs > r.epochs)
        problems[QStringLiteral("self_critical")] = QObject::tr("at most the number of epochs (%1)").arg(r.epochs);
    if (r.selfCriticalEpochs > 0 && r.task != TaskKind::Caption)
        problems[QStringLiteral("self_critical")] = QObject::tr("only captioning learns from sampled captions");
    if (r.trainSplit.isEmpty())
        problems[QStringLiteral("splits")] = QObject::tr("name the split to learn from");
    else if (r.trainSplit == r.valSplit)
        problems[QStringLiteral("splits")] = QObject::tr("validate on another split than the one it learns from");
    if (r.name.trimmed().isEmpty())
        problems[QStringLiteral("name")] = QObject::tr("the model needs a name");
    return problems;
}

TrainDialog::TrainDialog(const QString &project, const std::vector<ModelRecord> &models, QWidget *parent, Mode mode)
    : QDialog(parent), m_project(project), m_models(models), m_mode(mode)
{
    setWindowTitle(mode == Mode::Compare ? tr("Compare Fusion Methods") : tr("Train a Model"));
    auto *layout = new QVBoxLayout(this);
    auto *form = new QFormLayout;
    buildForm(form);
    layout->addLayout(form);
    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_buttons->button(QDialogButtonBox::Ok)->setText(mode == Mode::Compare ? tr("Start Comparison") : tr("Start Training"));
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(m_buttons);
    applyPreset(Preset::Standard);
    taskChanged();
}

void TrainDialog::buildForm(QFormLayout *form)
{
    m_task = new QComboBox;
    m_task->addItem(tr("Visual question answering"), int(TaskKind::Vqa));
    m_task->addItem(tr("Captioning"), int(TaskKind::Caption));
    m_task->addItem(tr("Retrieval (dual encoder)"), int(TaskKind::Retrieval));
    m_task->setToolTip(tr("What the model learns: answers to the questions, captions, or matching images and captions"));
    m_start = new QComboBox;
    m_start->setToolTip(tr("From scratch, or fine-tune a model of this project: its weights, vocabulary and architecture"));
    m_vision = new QComboBox;
    m_vision->addItems({QStringLiteral("cnn"), QStringLiteral("resnet")});
    m_vision->setToolTip(tr("cnn: a small convolutional encoder; resnet: residual blocks, deeper and slower"));
    m_text = new QComboBox;
    m_text->addItems({QStringLiteral("gru"), QStringLiteral("transformer")});
    m_text->setToolTip(tr("gru: a recurrent encoder; transformer: self-attention over the words"));
    m_fusion = new QComboBox;
    for (const FusionInfo &f : fusionCatalog()) {
        m_fusion->addItem(QStringLiteral("%1 — %2").arg(f.name, f.title), f.name);
        m_fusion->setItemData(m_fusion->count() - 1, QStringLiteral("%1\n%2").arg(f.summary, f.formula), Qt::ToolTipRole);
    }
    m_preset = new QComboBox;
    for (Preset preset : {Preset::Quick, Preset::Standard, Preset::Thorough})
        m_preset->addItem(QString(), int(preset)); // labelled with the task's epochs by labelPresets
    m_preset->addItem(tr("Custom"), int(Preset::Custom));
    labelPresets(TaskKind::Vqa);
    m_preset->setToolTip(tr("Sets epochs, batch, learning rate and (VQA) the architecture options of the recipe that "
                            "learns Sort-of-CLEVR; changing one of them makes it Custom"));
    m_epochs = spinBox(1, 10000, tr("Passes over the train split; the validation split is scored after each"));
    m_batch = spinBox(1, 4096, tr("Images per step, each with all its questions or captions"));
    m_learningRate = new QLineEdit;
    m_learningRate->setToolTip(tr("Peak learning rate of AdamW, after a linear warm-up; then a cosine down to 0"));
    m_imageSize = spinBox(16, 1024, tr("Images are resized to this many pixels square"));
    m_imageSize->setValue(64);
    m_selfCritical = spinBox(0, 10000, tr("Captioning: the last N epochs learn from the CIDEr-D of sampled captions"));
    m_seed = spinBox(0, 1 << 30, tr("Seed of the weights, the data order and the augmentation: the same seed, the same run"));
    m_seed->setValue(1);
    m_curriculum = spinBox(0, 10000, tr("VQA: the first N epochs learn from the shorter half of the questions only "
                                        "(by word count: Sort-of-CLEVR's non-relational ones), then from all"));
    m_modelOptions = new QLineEdit;
    m_modelOptions->setPlaceholderText(tr("e.g. coordinate_channels=true film_attention=true"));
    // Wide enough for the longest preset's options (VQA's recipe), set once: not per preset applied.
    m_modelOptions->setMinimumWidth(m_modelOptions->fontMetrics().horizontalAdvance(
                                        modelOptionsText(trainPresetValues(TrainPreset::Standard, TaskKind::Vqa).modelOptions))
                                    + 16);
    m_modelOptions->setToolTip(tr("Architecture settings as a checkpoint names them, KEY=VALUE separated by spaces: "
                                  "vision_channels, vision_stages, coordinate_channels, pixel_channels, object_positions, fusion_hidden, "
                                  "film_blocks, film_context, film_attention, film_gate, film_relative, text_pooling, dropout … "
                                  "(docs/models.md)"));
    m_augment = new QCheckBox(tr("Small shifts and brightness changes"));
    m_augment->setToolTip(tr("Off for data whose questions depend on positions (\"is it on the left?\")"));
    m_bf16 = new QCheckBox(tr("bfloat16 arithmetic (faster on CPUs with AVX-512 BF16 or AMX)"));
    m_bf16->setToolTip(tr("Training steps multiply in bfloat16; weights, losses and validation stay float32 "
                          "(docs/performance.md measures the speed and the accuracy)"));
    m_device = new QComboBox;
    m_device->addItem(tr("Auto (CUDA when available)"), QStringLiteral("auto"));
    m_device->addItem(tr("CPU"), QStringLiteral("cpu"));
    m_device->addItem(tr("CUDA"), QStringLiteral("cuda"));
    m_name = new QLineEdit;
    m_name->setToolTip(tr("The model's name in the project"));
    m_trainSplit = new QComboBox;
    m_valSplit = new QComboBox;
    for (QComboBox *box : {m_trainSplit, m_valSplit}) {
        box->setEditable(true);
        box->addItems({QStringLiteral("train"), QStringLiteral("val"), QStringLiteral("test")});
    }
    m_valSplit->setCurrentText(QStringLiteral("val"));
    m_trainSplit->setToolTip(tr("The split the model learns from"));
    m_valSplit->setToolTip(tr("The split scored after every epoch; its metric picks the epoch the model keeps"));
    auto *splits = new QWidget;
    auto *splitRow = new QHBoxLayout(splits);
    splitRow->setContentsMargins(0, 0, 0, 0);
    splitRow->addWidget(m_trainSplit);
    splitRow->addWidget(new QLabel(tr("validated on")));
    splitRow->addWidget(m_valSplit);

    form->addRow(tr("&Task:"), m_task);
    form->addRow(tr("&Start from:"), m_start);
    form->addRow(tr("&Vision encoder:"), m_vision);
    form->addRow(tr("Te&xt encoder:"), m_text);
    if (m_mode == Mode::Compare) {
        m_fusions = new QListWidget;
        for (const FusionInfo &f : fusionCatalog()) {
            auto *item = new QListWidgetItem(QStringLiteral("%1 — %2").arg(f.name, f.title), m_fusions);
            item->setData(Qt::UserRole, f.name);
            item->setToolTip(QStringLiteral("%1\n%2").arg(f.summary, f.formula));
            item->setCheckState(f.name == QLatin1String("film") || f.name == QLatin1String("concat")
                                        || f.name == QLatin1String("gmu") ? Qt::Checked : Qt::Unchecked);
        }
        m_fusions->setMaximumHeight(150);
        form->addRow(tr("&Fusions:"), withProblem(m_fusions, QStringLiteral("fusions")));
        connect(m_fusions, &QListWidget::itemChanged, this, &TrainDialog::validate);
        m_task->setEnabled(false);
        m_start->setEnabled(false);
        m_fusion->hide();
    } else {
        form->addRow(tr("&Fusion:"), m_fusion);
    }
    form->addRow(tr("Spl&its:"), withProblem(splits, QStringLiteral("splits")));
    form->addRow(tr("&Preset:"), m_preset);
    form->addRow(tr("&Epochs:"), withProblem(m_epochs, QStringLiteral("epochs")));
    form->addRow(tr("&Batch (images):"), m_batch);
    form->addRow(tr("&Learning rate:"), withProblem(m_learningRate, QStringLiteral("learning_rate")));
    form->addRow(tr("&Image size:"), m_imageSize);
    form->addRow(tr("Self-&critical epochs:"), withProblem(m_selfCritical, QStringLiteral("self_critical")));
    form->addRow(tr("C&urriculum epochs:"), m_curriculum);
    form->addRow(tr("&Architecture options:"), withProblem(m_modelOptions, QStringLiteral("model_options")));
    form->addRow(tr("Au&gmentation:"), m_augment);
    form->addRow(tr("See&d:"), m_seed);
    form->addRow(tr("&Device:"), m_device);
    form->addRow(tr("P&recision:"), m_bf16);
    form->addRow(m_mode == Mode::Compare ? tr("Comparison &name:") : tr("&Name:"), withProblem(m_name, QStringLiteral("name")));

    connect(m_task, &QComboBox::currentIndexChanged, this, &TrainDialog::taskChanged);
    connect(m_start, &QComboBox::currentIndexChanged, this, &TrainDialog::startChanged);
    connect(m_preset, &QComboBox::currentIndexChanged, this,
            [this] { applyPreset(Preset(m_preset->currentData().toInt())); });
    const auto custom = [this] {
        if (!m_applyingPreset)
            m_preset->setCurrentIndex(m_preset->findData(int(Preset::Custom)));
        validate();
    };
    for (QSpinBox *box : {m_epochs, m_batch, m_selfCritical})
        connect(box, &QSpinBox::valueChanged, this, custom);
    for (QLineEdit *line : {m_learningRate, m_modelOptions})
        connect(line, &QLineEdit::textChanged, this, custom);
    connect(m_name, &QLineEdit::textChanged, this, &TrainDialog::validate);
    for (QComboBox *box : {m_trainSplit, m_valSplit})
        connect(box, &QComboBox::currentTextChanged, this, &TrainDialog::validate);
}

// The field with a red line under it that says what is wrong, hidden while nothing is.
QWidget *TrainDialog::withProblem(QWidget *field, const QString &key)
{
    auto *box = new QWidget;
    auto *layout = new QVBoxLayout(box);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(1);
    layout->addWidget(field);
    auto *problem = new QLabel(box);
    problem->setObjectName(QStringLiteral("problem_") + key);
    problem->setStyleSheet(QStringLiteral("color: #c0392b;"));
    problem->hide();
    layout->addWidget(problem);
    m_problems[key] = problem;
    return box;
}

void TrainDialog::applyPreset(Preset preset)
{
    if (preset == Preset::Custom)
        return;
    m_applyingPreset = true;
    const TaskKind task = TaskKind(m_task->currentData().toInt());
    const TrainPresetValues v = trainPresetValues(TrainPreset(int(preset)), task);
    m_epochs->setValue(v.epochs);
    m_batch->setValue(v.batchImages);
    m_learningRate->setText(QString::number(v.learningRate));
    m_selfCritical->setValue(v.selfCriticalEpochs);
    m_modelOptions->setText(modelOptionsText(v.modelOptions));
    m_modelOptions->setCursorPosition(0); // the start of a long list, not its end
    m_preset->setCurrentIndex(m_preset->findData(int(preset)));
    m_applyingPreset = false;
    validate();
}

// "Standard (14 epochs)": the epochs are the task's (VQA's standard preset has more).
void TrainDialog::labelPresets(TaskKind task)
{
    const std::pair<Preset, QString> labels[] = {{Preset::Quick, tr("Quick")}, {Preset::Standard, tr("Standard")},
                                                 {Preset::Thorough, tr("Thorough")}};
    for (const auto &[preset, label] : labels)
        m_preset->setItemText(m_preset->findData(int(preset)),
                              tr("%1 (%2 epochs)").arg(label).arg(trainPresetValues(TrainPreset(int(preset)), task).epochs));
}

void TrainDialog::taskChanged()
{
    const TaskKind task = TaskKind(m_task->currentData().toInt());
    labelPresets(task);
    m_fusion->setEnabled(task == TaskKind::Vqa);
    m_selfCritical->setEnabled(task == TaskKind::Caption);
    m_curriculum->setEnabled(task == TaskKind::Vqa);
    applyPreset(Preset(m_preset->currentData().toInt())); // batch and model options differ by task
    if (task != TaskKind::Vqa)
        m_curriculum->setValue(0);
    if (task != TaskKind::Caption)
        m_selfCritical->setValue(0);
    m_augment->setChecked(trainPresetValues(TrainPreset::Standard, task).augment); // VQA: positions matter
    const QString previous = m_start->currentData().toString();
    m_start->clear();
    m_start->addItem(tr("Scratch"), QString());
    for (const ModelRecord &m : m_models)
        if (m.task() == task)
            m_start->addItem(tr("Fine-tune “%1”").arg(m.name), m.checkpoint);
    m_start->setCurrentIndex(std::max(0, m_start->findData(previous)));
    if (m_mode == Mode::Compare)
        m_name->setText(tr("fusions %1").arg(QDateTime::currentDateTime().toString(QStringLiteral("yyyy-MM-dd hh:mm"))));
    else if (m_name->text().isEmpty() || m_name->isModified() == false)
        m_name->setText(QStringLiteral("%1 %2").arg(taskName(task), task == TaskKind::Vqa ? m_fusion->currentData().toString() : QString()).trimmed());
    startChanged();
}

void TrainDialog::startChanged()
{
    const bool fineTune = !m_start->currentData().toString().isEmpty();
    for (QWidget *w : {static_cast<QWidget *>(m_vision), static_cast<QWidget *>(m_text), static_cast<QWidget *>(m_imageSize),
                       static_cast<QWidget *>(m_modelOptions)})
        w->setEnabled(!fineTune); // the checkpoint's architecture
    m_fusion->setEnabled(!fineTune && TaskKind(m_task->currentData().toInt()) == TaskKind::Vqa);
    validate();
}

TrainRequest TrainDialog::request() const
{
    TrainRequest r;
    r.project = m_project;
    r.task = TaskKind(m_task->currentData().toInt());
    r.initFrom = m_start->currentData().toString();
    r.vision = m_vision->currentText();
    r.text = m_text->currentText();
    r.fusion = m_fusion->currentData().toString();
    r.epochs = m_epochs->value();
    r.batchImages = m_batch->value();
    bool ok = false;
    r.learningRate = m_learningRate->text().trimmed().toDouble(&ok);
    if (!ok)
        r.learningRate = 0;
    r.imageSize = m_imageSize->value();
    r.selfCriticalEpochs = m_selfCritical->value();
    r.curriculumEpochs = m_curriculum->value();
    if (m_modelOptions->isEnabled())
        r.modelOptions = parseModelOptions(m_modelOptions->text()).value_or(QMap<QString, QString>());
    r.augment = m_augment->isChecked();
    r.bf16 = m_bf16->isChecked();
    r.seed = quint64(m_seed->value());
    r.device = m_device->currentData().toString();
    r.name = m_name->text().trimmed();
    r.trainSplit = m_trainSplit->currentText().trimmed();
    r.valSplit = m_valSplit->currentText().trimmed();
    return r;
}

CompareRequest TrainDialog::compareRequest() const
{
    CompareRequest c;
    c.base = request();
    c.name = c.base.name;
    if (m_fusions)
        for (int i = 0; i < m_fusions->count(); ++i)
            if (m_fusions->item(i)->checkState() == Qt::Checked)
                c.fusions << m_fusions->item(i)->data(Qt::UserRole).toString();
    return c;
}

void TrainDialog::validate()
{
    if (!m_buttons)
        return;
    QMap<QString, QString> problems = trainRequestProblems(request());
    if (m_modelOptions->isEnabled() && !parseModelOptions(m_modelOptions->text()))
        problems[QStringLiteral("model_options")] = tr("KEY=VALUE pairs separated by spaces, e.g. coordinate_channels=true");
    if (m_mode == Mode::Compare && compareRequest().fusions.size() < 2)
        problems[QStringLiteral("fusions")] = tr("tick at least two fusion methods");
    for (auto it = m_problems.begin(); it != m_problems.end(); ++it) {
        it.value()->setText(problems.value(it.key()));
        it.value()->setVisible(problems.contains(it.key()));
    }
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(problems.isEmpty());
}

} // namespace tandem
