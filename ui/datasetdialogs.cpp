#include "datasetdialogs.h"

#include "formats/formatregistry.h"
#include "settings.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QPushButton>

namespace tandem {

namespace {

// A line edit with a "Browse…" button beside it.
QWidget *withBrowse(QLineEdit *edit, QWidget *parent, std::function<void()> browse)
{
    auto *row = new QWidget(parent);
    auto *layout = new QHBoxLayout(row);
    layout->setContentsMargins(0, 0, 0, 0);
    auto *button = new QPushButton(QObject::tr("Browse…"), row);
    QObject::connect(button, &QPushButton::clicked, row, browse);
    layout->addWidget(edit, 1);
    layout->addWidget(button);
    return row;
}

void addFormats(QComboBox *combo)
{
    for (const FormatInfo &info : FormatRegistry::instance().formats()) {
        const QString kinds = info.captions && info.questions ? QObject::tr("captions, questions")
                              : info.questions                ? QObject::tr("questions")
                                                              : QObject::tr("captions");
        combo->addItem(QStringLiteral("%1 (%2)").arg(info.name, kinds), info.id);
        combo->setItemData(combo->count() - 1, info.description, Qt::ToolTipRole);
    }
}

QDialogButtonBox *addButtons(QDialog *dialog, QFormLayout *form)
{
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, dialog);
    QObject::connect(buttons, &QDialogButtonBox::accepted, dialog, &QDialog::accept);
    QObject::connect(buttons, &QDialogButtonBox::rejected, dialog, &QDialog::reject);
    form->addRow(buttons);
    return buttons;
}

} // namespace

QString missingFormatsMessage()
{
    if (!FormatRegistry::instance().formats().isEmpty())
        return {};
    return QObject::tr("No dataset format plugins were found. They are looked for in $TANDEM_PLUGIN_PATH and in the "
                       "plugins folder next to the program; reinstall Tandem if that folder is empty.");
}

ImportDialog::ImportDialog(QWidget *parent) : QDialog(parent)
{
    setWindowTitle(tr("Import Dataset"));
    auto *form = new QFormLayout(this);
    m_format = new QComboBox(this);
    m_format->addItem(tr("Detect from the file"), QString());
    addFormats(m_format);
    m_format->setToolTip(tr("The dataset format; detection reads the first few kilobytes of the first file"));
    m_files = new QLineEdit(this);
    m_files->setPlaceholderText(tr("annotation file(s); VQA: questions and annotations; folder format: a folder"));
    m_files->setToolTip(tr("Several files are separated by ';'"));
    m_images = new QLineEdit(this);
    m_images->setPlaceholderText(tr("default: the folder of the first file"));
    m_images->setToolTip(tr("The folder that the image names in the annotations are relative to"));
    m_split = new QComboBox(this);
    m_split->setEditable(true);
    m_split->addItems({QString(), QStringLiteral("train"), QStringLiteral("val"), QStringLiteral("test")});
    m_split->setToolTip(tr("Put every imported image in this split; empty keeps what the file says"));
    form->addRow(tr("&Format:"), m_format);
    form->addRow(tr("F&iles:"), withBrowse(m_files, this, [this] { browseFiles(); }));
    form->addRow(tr("I&mages folder:"), withBrowse(m_images, this, [this] { browseImages(); }));
    form->addRow(tr("&Split:"), m_split);
    m_ok = addButtons(this, form)->button(QDialogButtonBox::Ok);
    connect(m_files, &QLineEdit::textChanged, this, &ImportDialog::updateOk);
    updateOk();
    resize(640, sizeHint().height());
}

void ImportDialog::browseFiles()
{
    const QStringList files = QFileDialog::getOpenFileNames(this, tr("Annotation Files"), settings::lastFolder.value(),
                                                            tr("Annotations (*.json *.jsonl *.csv *.tsv *.txt *.token);;All files (*)"));
    if (!files.isEmpty())
        m_files->setText(files.join(QLatin1Char(';')));
}

void ImportDialog::browseImages()
{
    const QString folder = QFileDialog::getExistingDirectory(this, tr("Images Folder"), settings::lastFolder.value());
    if (!folder.isEmpty())
        m_images->setText(folder);
}

void ImportDialog::updateOk()
{
    m_ok->setEnabled(!m_files->text().trimmed().isEmpty());
}

QString ImportDialog::formatId() const
{
    return m_format->currentData().toString();
}

ImportOptions ImportDialog::options() const
{
    ImportOptions options;
    for (const QString &file : m_files->text().split(QLatin1Char(';'), Qt::SkipEmptyParts))
        options.files << file.trimmed();
    options.imagesDir = m_images->text().trimmed();
    options.split = m_split->currentText().trimmed();
    return options;
}

ExportDialog::ExportDialog(const QStringList &splits, QWidget *parent) : QDialog(parent)
{
    setWindowTitle(tr("Export Dataset"));
    auto *form = new QFormLayout(this);
    m_format = new QComboBox(this);
    addFormats(m_format);
    m_output = new QLineEdit(this);
    m_output->setPlaceholderText(tr("a file, or a folder for the folder format"));
    m_split = new QComboBox(this);
    m_split->addItem(tr("Every split"), QString());
    for (const QString &split : splits)
        m_split->addItem(split, split);
    m_status = new QComboBox(this);
    m_status->addItem(tr("Every status"), -1);
    for (int s = 0; s < 4; ++s)
        m_status->addItem(statusName(ReviewStatus(s)), s);
    m_status->setToolTip(tr("Export only images with this review status, e.g. verified"));
    m_skipFlagged = new QCheckBox(tr("Leave out missing and corrupt images"), this);
    m_skipFlagged->setChecked(true);
    m_copyImages = new QCheckBox(tr("Copy the image files (folder format)"), this);
    form->addRow(tr("&Format:"), m_format);
    form->addRow(tr("&Output:"), withBrowse(m_output, this, [this] { browseOutput(); }));
    form->addRow(tr("&Split:"), m_split);
    form->addRow(tr("S&tatus:"), m_status);
    form->addRow(QString(), m_skipFlagged);
    form->addRow(QString(), m_copyImages);
    QPushButton *ok = addButtons(this, form)->button(QDialogButtonBox::Ok);
    const auto update = [this, ok] { ok->setEnabled(m_format->count() > 0 && !m_output->text().trimmed().isEmpty()); };
    connect(m_output, &QLineEdit::textChanged, this, update);
    update();
    resize(600, sizeHint().height());
}

void ExportDialog::browseOutput()
{
    const FormatInfo *info = FormatRegistry::instance().info(formatId());
    const bool folder = info && info->extensions.contains(QString());
    const QString path = folder ? QFileDialog::getExistingDirectory(this, tr("Export To Folder"), settings::lastFolder.value())
                                : QFileDialog::getSaveFileName(this, tr("Export To File"), settings::lastFolder.value());
    if (!path.isEmpty())
        m_output->setText(path);
}

QString ExportDialog::formatId() const
{
    return m_format->currentData().toString();
}

ExportOptions ExportDialog::options() const
{
    ExportOptions options;
    options.output = m_output->text().trimmed();
    options.copyImages = m_copyImages->isChecked();
    return options;
}

DatasetFilter ExportDialog::filter() const
{
    DatasetFilter filter;
    filter.split = m_split->currentData().toString();
    if (const int status = m_status->currentData().toInt(); status >= 0)
        filter.status = ReviewStatus(status);
    filter.skipFlagged = m_skipFlagged->isChecked();
    return filter;
}

} // namespace tandem
