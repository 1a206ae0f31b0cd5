#include "datasetdialogs.h"

#include "formats/formatregistry.h"
#include "settings.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>

namespace tandem {

namespace {

const QString kFolderFormat = QStringLiteral("folder");
const QString kVqaFormat = QStringLiteral("vqa");

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

QLineEdit *lineEdit(const QString &objectName, const QString &placeholder, QWidget *parent)
{
    auto *edit = new QLineEdit(parent);
    edit->setObjectName(objectName);
    edit->setPlaceholderText(placeholder);
    edit->setClearButtonEnabled(true);
    return edit;
}

QComboBox *formatCombo(QWidget *parent)
{
    auto *combo = new QComboBox(parent);
    combo->setObjectName(QStringLiteral("format"));
    for (const FormatInfo &info : FormatRegistry::instance().formats()) {
        const QString kinds = info.captions && info.questions ? QObject::tr("captions, questions")
                              : info.questions                ? QObject::tr("questions")
                                                              : QObject::tr("captions");
        combo->addItem(QStringLiteral("%1 (%2)").arg(info.name, kinds), info.id);
        combo->setItemData(combo->count() - 1, info.description, Qt::ToolTipRole);
    }
    return combo;
}

QPushButton *addButtons(QDialog *dialog, QFormLayout *form)
{
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, dialog);
    QObject::connect(buttons, &QDialogButtonBox::accepted, dialog, &QDialog::accept);
    QObject::connect(buttons, &QDialogButtonBox::rejected, dialog, &QDialog::reject);
    form->addRow(buttons);
    return buttons->button(QDialogButtonBox::Ok);
}

QString withProjectSuffix(const QString &path)
{
    return path.isEmpty() || !QFileInfo(path).suffix().isEmpty() ? path : path + QStringLiteral(".tandem");
}

} // namespace

QString missingFormatsMessage()
{
    if (!FormatRegistry::instance().formats().isEmpty())
        return {};
    return QObject::tr("No dataset format plugins were found. They are looked for in $TANDEM_PLUGIN_PATH and in the "
                       "plugins folder next to the program; reinstall Tandem if that folder is empty.");
}

ImportDialog::ImportDialog(const QString &openProject, QWidget *parent) : QDialog(parent)
{
    setWindowTitle(tr("Import Dataset"));
    auto *form = new QFormLayout(this);
    m_target = new QComboBox(this);
    m_target->setObjectName(QStringLiteral("target"));
    if (!openProject.isEmpty())
        m_target->addItem(tr("This project (%1)").arg(QFileInfo(openProject).fileName()), openProject);
    m_target->addItem(tr("A new project"), QString());
    m_newProject = lineEdit(QStringLiteral("newProject"), tr("the new project file, e.g. flickr30k.tandem"), this);
    m_newProjectRow = withBrowse(m_newProject, this, [this] { browseNewProject(); });
    m_format = formatCombo(this);
    m_format->insertItem(0, tr("Detect from the file"), QString());
    m_format->setCurrentIndex(0);
    m_format->setToolTip(tr("The dataset format; detection reads the first few kilobytes of the first file"));
    m_files = lineEdit(QStringLiteral("files"), {}, this);
    m_files->setToolTip(tr("Several files are separated by ';'"));
    m_images = lineEdit(QStringLiteral("images"), tr("default: the folder of the first file"), this);
    m_images->setToolTip(tr("The folder that the image names in the annotations are relative to"));
    m_split = new QComboBox(this);
    m_split->setObjectName(QStringLiteral("split"));
    m_split->setEditable(true);
    m_split->addItems({QString(), QStringLiteral("train"), QStringLiteral("val"), QStringLiteral("test")});
    m_split->lineEdit()->setPlaceholderText(tr("as the file says"));
    m_split->setToolTip(tr("Put every imported image in this split; empty keeps what the file says"));
    m_imagePattern = lineEdit(QStringLiteral("imagePattern"), QStringLiteral("COCO_{subtype}_{id:012}.jpg"), this);
    m_imagePattern->setToolTip(tr("VQA only: the file name of an image id"));
    form->addRow(tr("&Into:"), m_target);
    form->addRow(tr("&New project:"), m_newProjectRow);
    form->addRow(tr("&Format:"), m_format);
    form->addRow(tr("F&iles:"), withBrowse(m_files, this, [this] { browseFiles(); }));
    form->addRow(tr("I&mages folder:"), withBrowse(m_images, this, [this] { browseImages(); }));
    form->addRow(tr("&Split:"), m_split);
    form->addRow(tr("VQA image &names:"), m_imagePattern);
    m_ok = addButtons(this, form);
    for (QLineEdit *edit : {m_files, m_newProject})
        connect(edit, &QLineEdit::textChanged, this, &ImportDialog::update);
    for (QComboBox *combo : {m_target, m_format})
        connect(combo, &QComboBox::currentIndexChanged, this, &ImportDialog::update);
    update();
    resize(680, sizeHint().height());
}

QString ImportDialog::formatId() const
{
    return m_format->currentData().toString();
}

bool ImportDialog::intoNewProject() const
{
    return m_target->currentData().toString().isEmpty();
}

QString ImportDialog::newProjectPath() const
{
    return withProjectSuffix(m_newProject->text().trimmed());
}

void ImportDialog::update()
{
    const QString format = formatId();
    m_files->setPlaceholderText(format == kFolderFormat ? tr("a folder of images with .txt captions")
                                : format == kVqaFormat  ? tr("the questions file; the annotations file")
                                                        : tr("the annotation file(s); a folder for the folder format"));
    m_imagePattern->setEnabled(format.isEmpty() || format == kVqaFormat);
    m_newProjectRow->setEnabled(intoNewProject());
    m_ok->setEnabled(!m_files->text().trimmed().isEmpty() && (!intoNewProject() || !newProjectPath().isEmpty()));
}

void ImportDialog::browseFiles()
{
    const QString start = settings::lastFolder.value();
    if (formatId() == kFolderFormat) {
        const QString folder = QFileDialog::getExistingDirectory(this, tr("Image Folder"), start);
        if (!folder.isEmpty())
            m_files->setText(folder);
        return;
    }
    const QStringList files = QFileDialog::getOpenFileNames(
        this, tr("Annotation Files"), start, tr("Annotations (*.json *.jsonl *.ndjson *.csv *.tsv *.txt *.token);;All files (*)"));
    if (!files.isEmpty())
        m_files->setText(files.join(QLatin1Char(';')));
}

void ImportDialog::browseImages()
{
    const QString folder = QFileDialog::getExistingDirectory(this, tr("Images Folder"), settings::lastFolder.value());
    if (!folder.isEmpty())
        m_images->setText(folder);
}

void ImportDialog::browseNewProject()
{
    const QString path = QFileDialog::getSaveFileName(this, tr("New Project"), settings::lastFolder.value(),
                                                      tr("Tandem projects (*.tandem)"));
    if (!path.isEmpty())
        m_newProject->setText(withProjectSuffix(path));
}

void ImportDialog::accept()
{
    if (intoNewProject() && QFileInfo::exists(newProjectPath())) {
        QMessageBox::warning(this, windowTitle(), tr("%1 already exists; choose another name for the new project.")
                                                      .arg(newProjectPath()));
        return;
    }
    QDialog::accept();
}

ImportRequest ImportDialog::request() const
{
    ImportRequest request;
    request.createProject = intoNewProject();
    request.project = request.createProject ? newProjectPath() : m_target->currentData().toString();
    request.formatId = formatId();
    for (const QString &file : m_files->text().split(QLatin1Char(';'), Qt::SkipEmptyParts))
        request.options.files << file.trimmed();
    request.options.imagesDir = m_images->text().trimmed();
    request.options.split = m_split->currentText().trimmed();
    if (m_imagePattern->isEnabled())
        request.options.imagePattern = m_imagePattern->text().trimmed();
    return request;
}

ExportDialog::ExportDialog(const QString &project, const QStringList &splits, QWidget *parent)
    : QDialog(parent), m_project(project)
{
    setWindowTitle(tr("Export Dataset"));
    auto *form = new QFormLayout(this);
    m_format = formatCombo(this);
    m_output = lineEdit(QStringLiteral("output"), {}, this);
    m_split = new QComboBox(this);
    m_split->setObjectName(QStringLiteral("split"));
    m_split->addItem(tr("Every split"), QString());
    for (const QString &split : splits)
        m_split->addItem(split, split);
    m_status = new QComboBox(this);
    m_status->setObjectName(QStringLiteral("status"));
    m_status->addItem(tr("Every status"), -1);
    for (int s = 0; s < 4; ++s)
        m_status->addItem(statusName(ReviewStatus(s)), s);
    m_status->setToolTip(tr("Export only images with this review status, e.g. verified"));
    m_skipFlagged = new QCheckBox(tr("Leave out missing and corrupt images"), this);
    m_skipFlagged->setObjectName(QStringLiteral("skipFlagged"));
    m_skipFlagged->setChecked(true);
    m_copyImages = new QCheckBox(tr("Copy the image files next to their captions"), this);
    m_copyImages->setObjectName(QStringLiteral("copyImages"));
    form->addRow(tr("&Format:"), m_format);
    form->addRow(tr("&Output:"), withBrowse(m_output, this, [this] { browseOutput(); }));
    form->addRow(tr("&Split:"), m_split);
    form->addRow(tr("S&tatus:"), m_status);
    form->addRow(QString(), m_skipFlagged);
    form->addRow(QString(), m_copyImages);
    m_ok = addButtons(this, form);
    connect(m_output, &QLineEdit::textChanged, this, &ExportDialog::update);
    connect(m_format, &QComboBox::currentIndexChanged, this, &ExportDialog::update);
    update();
    resize(620, sizeHint().height());
}

QString ExportDialog::formatId() const
{
    return m_format->currentData().toString();
}

// The folder format writes a folder of sidecars; VQA writes questions.json and
// annotations.json into a folder. The rest write one file.
bool ExportDialog::writesFolder() const
{
    return formatId() == kFolderFormat || formatId() == kVqaFormat;
}

void ExportDialog::update()
{
    m_output->setPlaceholderText(writesFolder() ? tr("the folder to write into") : tr("the file to write"));
    m_copyImages->setEnabled(formatId() == kFolderFormat);
    m_ok->setEnabled(m_format->count() > 0 && !m_output->text().trimmed().isEmpty());
}

void ExportDialog::browseOutput()
{
    const QString start = settings::lastFolder.value();
    const QString path = writesFolder() ? QFileDialog::getExistingDirectory(this, tr("Export To Folder"), start)
                                        : QFileDialog::getSaveFileName(this, tr("Export To File"), start);
    if (!path.isEmpty())
        m_output->setText(path);
}

ExportRequest ExportDialog::request() const
{
    ExportRequest request;
    request.project = m_project;
    request.formatId = formatId();
    request.options.output = m_output->text().trimmed();
    request.options.copyImages = m_copyImages->isEnabled() && m_copyImages->isChecked();
    request.filter.split = m_split->currentData().toString();
    if (const int status = m_status->currentData().toInt(); status >= 0)
        request.filter.status = ReviewStatus(status);
    request.filter.skipFlagged = m_skipFlagged->isChecked();
    return request;
}

} // namespace tandem
