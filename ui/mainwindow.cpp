#include "mainwindow.h"

#include "data/projectstore.h"

#include <QFileInfo>
#include <QFutureWatcher>
#include <QLabel>
#include <QStatusBar>
#include <QtConcurrent>

namespace tandem {

MainWindow::MainWindow(QWidget *parent) : QMainWindow(parent)
{
    setWindowTitle(tr("Tandem"));
    m_summary = new QLabel(tr("No project open. Create one with tandem-cli demo or tandem-cli import."), this);
    m_summary->setAlignment(Qt::AlignCenter);
    m_summary->setWordWrap(true);
    setCentralWidget(m_summary);
    resize(1280, 800);
}

void MainWindow::openProject(const QString &path)
{
    setWindowTitle(tr("%1 — Tandem").arg(QFileInfo(path).fileName()));
    statusBar()->showMessage(tr("Opening %1…").arg(path));
    using Result = Expected<ProjectInfo>;
    auto *watcher = new QFutureWatcher<Result>(this);
    connect(watcher, &QFutureWatcher<Result>::finished, this, [this, watcher] {
        const Result result = watcher->result();
        watcher->deleteLater();
        if (result)
            showInfo(*result);
        else
            showError(result.error().toString());
    });
    // Each thread opens its own connection: one SQLite connection per thread.
    watcher->setFuture(QtConcurrent::run([path]() -> Result {
        auto store = ProjectStore::open(path);
        if (!store)
            return store.error();
        return store->info(0);
    }));
}

void MainWindow::showInfo(const ProjectInfo &info)
{
    m_summary->setText(tr("<h2>%1</h2><p>%2 images · %3 captions · %4 questions (%5 answers)</p>")
                           .arg(QFileInfo(info.path).fileName().toHtmlEscaped())
                           .arg(info.images)
                           .arg(info.captions)
                           .arg(info.questions)
                           .arg(info.answers));
    statusBar()->showMessage(tr("%1 images, %2 flagged").arg(info.images).arg(info.images - info.flags.value(QStringLiteral("ok"))));
}

void MainWindow::showError(const QString &message)
{
    m_summary->setText(tr("<p>Cannot open the project:</p><p>%1</p>").arg(message.toHtmlEscaped()));
    statusBar()->showMessage(message);
}

} // namespace tandem
