#include "demodialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace tandem {

DemoDialog::DemoDialog(const DemoOptions &initial, QWidget *parent) : QDialog(parent)
{
    setWindowTitle(tr("New Demo Project"));
    m_images = new QSpinBox(this);
    m_images->setRange(1, 1'000'000);
    m_images->setSingleStep(100);
    m_images->setValue(initial.images);
    m_images->setToolTip(tr("Sort-of-CLEVR scenes to make; 10% go to val and 10% to test."));
    m_imageSize = new QSpinBox(this);
    m_imageSize->setRange(32, 4096);
    m_imageSize->setSuffix(tr(" px"));
    m_imageSize->setValue(initial.imageSize);
    m_objectSize = new QSpinBox(this);
    m_objectSize->setSpecialValueText(tr("Automatic (a seventh of the image)"));
    m_objectSize->setSuffix(tr(" px"));
    m_objectSize->setToolTip(tr("Each object's width. Even sizes are made odd, so that objects centre on a pixel."));
    m_palette = new QComboBox(this);
    m_palette->addItem(tr("Muted, antialiased (Tandem)"), int(DemoPalette::Muted));
    m_palette->addItem(tr("Pure, hard edges (relational-networks generator)"), int(DemoPalette::Pure));
    m_palette->setCurrentIndex(m_palette->findData(int(initial.palette)));
    m_wording = new QComboBox(this);
    m_wording->addItem(tr("Standard: “What shape is the red object?”"), int(DemoWording::Standard));
    m_wording->addItem(tr("Alternate: “What is the shape of the red object?”"), int(DemoWording::Alternate));
    m_wording->setCurrentIndex(m_wording->findData(int(initial.wording)));
    m_wording->setToolTip(tr("Another generator's question templates, to check that a model does not depend on "
                             "the exact words."));
    m_seed = new QSpinBox(this);
    m_seed->setRange(0, 1'000'000'000);
    m_seed->setValue(int(initial.seed));
    m_seed->setToolTip(tr("The same options and seed make the same scenes, byte for byte."));
    updateObjectSizeRange();
    m_objectSize->setValue(initial.objectSize);
    m_images->setObjectName(QStringLiteral("images"));
    m_imageSize->setObjectName(QStringLiteral("image_size"));
    m_objectSize->setObjectName(QStringLiteral("object_size"));
    m_palette->setObjectName(QStringLiteral("colors"));
    m_wording->setObjectName(QStringLiteral("wording"));
    m_seed->setObjectName(QStringLiteral("seed"));
    connect(m_imageSize, qOverload<int>(&QSpinBox::valueChanged), this, &DemoDialog::updateObjectSizeRange);

    auto *form = new QFormLayout;
    form->addRow(tr("&Images:"), m_images);
    form->addRow(tr("Image &size:"), m_imageSize);
    form->addRow(tr("&Object size:"), m_objectSize);
    form->addRow(tr("&Colours:"), m_palette);
    form->addRow(tr("&Wording:"), m_wording);
    form->addRow(tr("S&eed:"), m_seed);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("Create…"));
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(buttons);
}

// validateDemoOptions() admits 3 pixels to a fifth of the image; 0 is "automatic".
void DemoDialog::updateObjectSizeRange()
{
    m_objectSize->setRange(2, std::max(3, m_imageSize->value() / 5)); // 2: the special value, "automatic"
}

DemoOptions DemoDialog::options() const
{
    DemoOptions options;
    options.images = m_images->value();
    options.imageSize = m_imageSize->value();
    options.objectSize = m_objectSize->value() == m_objectSize->minimum() ? 0 : m_objectSize->value();
    options.palette = DemoPalette(m_palette->currentData().toInt());
    options.wording = DemoWording(m_wording->currentData().toInt());
    options.seed = quint64(m_seed->value());
    return options;
}

} // namespace tandem
