#include "acceptrundialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QPushButton>
#include <QRadioButton>
#include <QVBoxLayout>

namespace tandem {

AcceptRunDialog::AcceptRunDialog(const std::vector<RunRecord> &runs, int selectedImages, QWidget *parent)
    : QDialog(parent)
{
    setWindowTitle(tr("Accept Suggestions"));
    m_run = new QComboBox(this);
    for (const RunRecord &run : runs)
        if (run.kind == RunKind::Infer && run.task() != TaskKind::Retrieval)
            m_run->addItem(tr("%1 — %2 (run %3)").arg(run.name, run.startedAt.left(16)).arg(run.id), run.id);
    m_minScore = new QDoubleSpinBox(this);
    m_minScore->setRange(-1000, 1);
    m_minScore->setDecimals(2);
    m_minScore->setSingleStep(0.05);
    m_minScore->setValue(0.9);
    m_minScore->setToolTip(tr("Answers: their probability (0–1). Captions: their log-probability (negative; "
                              "-1000 takes all)."));
    m_selection = new QRadioButton(tr("The %n selected image(s)", nullptr, selectedImages), this);
    auto *all = new QRadioButton(tr("Every image of the run"), this);
    (selectedImages > 0 ? m_selection : all)->setChecked(true);
    m_selection->setEnabled(selectedImages > 0);
    auto *form = new QFormLayout;
    form->addRow(tr("Run:"), m_run);
    form->addRow(tr("Score at least:"), m_minScore);
    form->addRow(tr("Over:"), m_selection);
    form->addRow(QString(), all);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("Accept"));
    buttons->button(QDialogButtonBox::Ok)->setEnabled(m_run->count() > 0);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(buttons);
}

qint64 AcceptRunDialog::runId() const
{
    return m_run->currentData().toLongLong();
}

double AcceptRunDialog::minScore() const
{
    return m_minScore->value();
}

bool AcceptRunDialog::selectionOnly() const
{
    return m_selection->isChecked();
}

} // namespace tandem
