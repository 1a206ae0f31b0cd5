#include "filecontroller.h"

#include "backgroundjob.h"
#include "data/projectstore.h"
#include "datasetdialogs.h"
#include "demodialog.h"
#include "demo/sortofclevr.h"
#include "settings.h"

#include <QAction>
#include <QApplication>
#include <QFileDialog>
#include <QFileInfo>
#include <QMenu>
#include <QMessageBox>

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
    m_import->setEnabled(true); // with no project open, into a new one
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
    DemoOptions initial;
    initial.images = settings::demoImages.value();
    DemoDialog dialog(initial, m_window);
    if (dialog.exec() != QDialog::Accepted)
        return;
    const DemoOptions options = dialog.options();
    const QString path = askNewProjectPath(tr("New Demo Project"));
    if (path.isEmpty())
        return;
    settings::demoImages.setValue(options.images);
    BackgroundJob::start(m_window, tr("Making the demo project"), [path, options](const Progress &progress) -> Status {
        DemoRequest request;
        request.project = path;
        request.options = options;
        auto report = makeDemoProject(request, progress);
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
    ImportDialog dialog(m_project, m_window);
    if (dialog.exec() != QDialog::Accepted)
        return;
    const ImportRequest request = dialog.request();
    auto report = std::make_shared<ImportReport>();
    BackgroundJob *job = BackgroundJob::start(m_window, tr("Importing"), [request, report](const Progress &progress) -> Status {
        auto imported = tandem::importDataset(request, progress);
        if (!imported)
            return imported.error();
        *report = std::move(*imported);
        return {};
    }, [this, request, report] {
        if (request.createProject) {
            emit openRequested(request.project);
            emit message(importSummary(*report));
        } else {
            emit projectModified(importSummary(*report));
        }
    });
    job->setFailureNote(request.createProject ? tr("Nothing was imported and no project was created.")
                                              : tr("Nothing was imported: the project is unchanged."));
    connect(job, &BackgroundJob::cancelled, this,
            [this] { emit message(tr("Import cancelled: nothing was imported.")); });
}

void FileController::exportDataset()
{
    if (const QString missing = missingFormatsMessage(); !missing.isEmpty()) {
        showError(m_window, tr("Export Dataset"), Error::usage(missing));
        return;
    }
    ExportDialog dialog(m_project, m_splits, m_window);
    if (dialog.exec() != QDialog::Accepted)
        return;
    const ExportRequest request = dialog.request();
    auto summary = std::make_shared<ExportSummary>();
    BackgroundJob *job = BackgroundJob::start(m_window, tr("Exporting"), [request, summary](const Progress &progress) -> Status {
        auto exported = tandem::exportDataset(request, progress);
        if (!exported)
            return exported.error();
        *summary = *exported;
        return {};
    }, [this, request, summary] {
        emit message(tr("Exported %L1 images, %L2 captions, %L3 questions to %4 (%5)")
                         .arg(summary->images).arg(summary->captions).arg(summary->questions)
                         .arg(request.options.output, request.formatId));
    });
    connect(job, &BackgroundJob::cancelled, this, [this] { emit message(tr("Export cancelled.")); });
}

} // namespace tandem
