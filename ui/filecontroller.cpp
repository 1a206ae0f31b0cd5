#include "filecontroller.h"

#include "backgroundjob.h"
#include "data/projectstore.h"
#include "datasetdialogs.h"
#include "demo/sortofclevr.h"
#include "formats/formatregistry.h"
#include "settings.h"

#include <QAction>
#include <QApplication>
#include <QFileDialog>
#include <QFileInfo>
#include <QInputDialog>
#include <QMenu>
#include <QMessageBox>
#include <numeric>

namespace tandem {

FileController::FileController(QWidget *window) : QObject(window), m_window(window)
{
    m_fileActions = {
        makeAction(tr("&New Project…"), QKeySequence::New, tr("Create an empty project file"), &FileController::newProject),
        makeAction(tr("New &Demo Project…"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_N),
                   tr("Generate a Sort-of-CLEVR project with captions and questions, to try things out"),
                   &FileController::newDemoProject),
        makeAction(tr("&Open…"), QKeySequence::Open, tr("Open a project file"), &FileController::openProject)};
    m_import = makeAction(tr("&Import…"), QKeySequence(Qt::CTRL | Qt::Key_I),
                          tr("Add a dataset (COCO, VQA, Flickr, CSV, JSONL, folder) to this project"), &FileController::importDataset);
    m_export = makeAction(tr("&Export…"), QKeySequence(Qt::CTRL | Qt::Key_E),
                          tr("Write this project, or part of it, in a dataset format"), &FileController::exportDataset);
    setProject({});
}

QAction *FileController::makeAction(const QString &text, const QKeySequence &shortcut, const QString &tip,
                                    void (FileController::*slot)())
{
    auto *action = new QAction(text, this);
    action->setShortcut(shortcut);
    action->setToolTip(QStringLiteral("%1 (%2)").arg(tip, shortcut.toString(QKeySequence::NativeText)));
    connect(action, &QAction::triggered, this, slot);
    return action;
}

void FileController::fillMenu(QMenu *menu)
{
    menu->addActions(m_fileActions);
    m_recent = menu->addMenu(tr("Open &Recent"));
    connect(m_recent, &QMenu::aboutToShow, this, &FileController::fillRecentMenu);
    fillRecentMenu();
    menu->addSeparator();
    menu->addAction(m_import);
    menu->addAction(m_export);
    menu->addSeparator();
    QAction *quit = menu->addAction(tr("&Quit"), QKeySequence::Quit, m_window, &QWidget::close);
    quit->setToolTip(tr("Quit (everything is already saved)"));
}

void FileController::setProject(const QString &path, const QStringList &splits)
{
    m_project = path;
    m_splits = splits;
    m_import->setEnabled(!path.isEmpty());
    m_export->setEnabled(!path.isEmpty());
}

void FileController::fillRecentMenu()
{
    m_recent->clear();
    for (const QString &path : settings::recentProjects.value()) {
        QAction *action = m_recent->addAction(QFileInfo(path).fileName(), this, [this, path] { emit openRequested(path); });
        action->setToolTip(path);
        action->setEnabled(QFileInfo::exists(path));
    }
    if (m_recent->isEmpty())
        m_recent->addAction(tr("(none)"))->setEnabled(false);
    m_recent->addSeparator();
    m_recent->addAction(tr("Clear Recent Projects"), this, [] { settings::recentProjects.setValue({}); });
}

QString FileController::askNewProjectPath(const QString &title)
{
    QString path = QFileDialog::getSaveFileName(m_window, title, settings::lastFolder.value(), tr("Tandem projects (*.tandem)"));
    if (!path.isEmpty() && QFileInfo(path).suffix().isEmpty())
        path += QStringLiteral(".tandem");
    if (!path.isEmpty() && QFileInfo::exists(path)) {
        showError(m_window, title, Error::usage(tr("%1 already exists; open it, or choose another name.").arg(path)));
        return {};
    }
    return path;
}

void FileController::newProject()
{
    const QString path = askNewProjectPath(tr("New Project"));
    if (path.isEmpty())
        return;
    BackgroundJob::start(m_window, tr("Creating the project"), [path](const Progress &) -> Status {
        auto store = ProjectStore::create(path);
        return store ? Status() : Status(store.error());
    }, [this, path] { emit openRequested(path); });
}

void FileController::newDemoProject()
{
    bool ok = false;
    const int images = QInputDialog::getInt(m_window, tr("New Demo Project"), tr("Number of images:"),
                                            settings::demoImages.value(), 1, 1'000'000, 100, &ok);
    if (!ok)
        return;
    const QString path = askNewProjectPath(tr("New Demo Project"));
    if (path.isEmpty())
        return;
    settings::demoImages.setValue(images);
    BackgroundJob::start(m_window, tr("Making the demo project"), [path, images](const Progress &progress) -> Status {
        DemoOptions options;
        options.images = images;
        const QFileInfo info(path);
        const QString media = info.absolutePath() + QLatin1Char('/') + info.completeBaseName() + QStringLiteral("_images");
        auto dataset = generateDemo(options, media, progress);
        if (!dataset)
            return dataset.error();
        auto store = ProjectStore::create(path);
        if (!store)
            return store.error();
        auto report = store->importDataset(*dataset, media, progress);
        return report ? Status() : Status(report.error());
    }, [this, path] { emit openRequested(path); });
}

void FileController::openProject()
{
    const QString path = QFileDialog::getOpenFileName(m_window, tr("Open Project"), settings::lastFolder.value(),
                                                      tr("Tandem projects (*.tandem);;All files (*)"));
    if (!path.isEmpty())
        emit openRequested(path);
}

void FileController::importDataset()
{
    if (const QString missing = missingFormatsMessage(); !missing.isEmpty()) {
        showError(m_window, tr("Import Dataset"), Error::usage(missing));
        return;
    }
    ImportDialog dialog(m_window);
    if (dialog.exec() != QDialog::Accepted)
        return;
    ImportOptions options = dialog.options();
    const QString project = m_project;
    QString formatId = dialog.formatId();
    auto report = std::make_shared<ImportReport>();
    BackgroundJob::start(m_window, tr("Importing"), [options, formatId, project, report](const Progress &progress) mutable -> Status {
        for (const QString &file : options.files)
            if (!QFileInfo::exists(file))
                return Error::input(QStringLiteral("no such file or folder"), file);
        FormatRegistry &registry = FormatRegistry::instance();
        if (formatId.isEmpty()) {
            auto detected = registry.detect(options.files.first());
            if (!detected)
                return detected.error();
            formatId = *detected;
        }
        const DatasetFormat *format = registry.format(formatId);
        if (!format)
            return Error::usage(QStringLiteral("the %1 format plugin cannot be loaded").arg(formatId));
        const QFileInfo first(options.files.first());
        if (options.imagesDir.isEmpty())
            options.imagesDir = first.isDir() ? first.absoluteFilePath() : first.absolutePath();
        auto dataset = format->read(options, progress);
        if (!dataset)
            return dataset.error();
        auto store = ProjectStore::open(project); // this thread's own connection
        if (!store)
            return store.error();
        auto imported = store->importDataset(*dataset, options.imagesDir, progress);
        if (!imported)
            return imported.error();
        *report = *imported;
        return {};
    }, [this, report] {
        emit projectModified(tr("Imported %1 images, %2 captions, %3 questions; %4 flagged")
                                 .arg(report->imagesAdded + report->imagesUpdated).arg(report->captions).arg(report->questions)
                                 .arg(std::accumulate(report->flags.cbegin(), report->flags.cend(), qint64(0))));
    });
}

void FileController::exportDataset()
{
    if (const QString missing = missingFormatsMessage(); !missing.isEmpty()) {
        showError(m_window, tr("Export Dataset"), Error::usage(missing));
        return;
    }
    ExportDialog dialog(m_splits, m_window);
    if (dialog.exec() != QDialog::Accepted)
        return;
    const QString project = m_project, formatId = dialog.formatId();
    const ExportOptions options = dialog.options();
    const DatasetFilter filter = dialog.filter();
    BackgroundJob::start(m_window, tr("Exporting"), [project, formatId, options, filter](const Progress &progress) -> Status {
        const DatasetFormat *format = FormatRegistry::instance().format(formatId);
        if (!format)
            return Error::usage(QStringLiteral("the %1 format plugin cannot be loaded").arg(formatId));
        auto store = ProjectStore::open(project);
        if (!store)
            return store.error();
        auto dataset = store->loadDataset(filter);
        if (!dataset)
            return dataset.error();
        return format->write(*dataset, options, progress);
    }, [this, options] { emit message(tr("Exported to %1").arg(options.output)); });
}

} // namespace tandem
