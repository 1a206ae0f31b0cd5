#include "backgroundjob.h"

#include <QElapsedTimer>
#include <QFutureWatcher>
#include <QMessageBox>
#include <QProgressDialog>
#include <QtConcurrent>

namespace tandem {

static QString tr(const char *text)
{
    return QCoreApplication::translate("BackgroundJob", text);
}


void showError(QWidget *parent, const QString &title, const Error &error, const QString &note)
{
    QMessageBox box(QMessageBox::Critical, title, error.message, QMessageBox::Ok, parent);
    QStringList informative;
    if (!error.file.isEmpty())
        informative << (error.line > 0 ? tr("In %1, line %2, column %3.").arg(error.file).arg(error.line).arg(error.column)
                                       : tr("In %1.").arg(error.file));
    if (!note.isEmpty())
        informative << note;
    box.setInformativeText(informative.join(QStringLiteral("\n\n")));
    if (!error.file.isEmpty())
        box.setDetailedText(error.toString()); // file:line:column, to paste into an editor
    box.exec();
}

BackgroundJob::BackgroundJob(QWidget *parent, const QString &title)
    : QObject(parent), m_parent(parent), m_title(title), m_dialog(new QProgressDialog(parent)),
      m_cancel(std::make_shared<std::atomic_bool>(false))
{
    m_dialog->setWindowTitle(title);
    m_dialog->setLabelText(title + QChar(0x2026));
    m_dialog->setWindowModality(Qt::WindowModal);
    m_dialog->setMinimumDuration(300);
    m_dialog->setRange(0, 0);
    m_dialog->setAutoClose(false);
    m_dialog->setAutoReset(false);
    // Stay on screen after Cancel (QProgressDialog would hide itself) until the
    // worker has rolled back, so the user sees the cancel is under way.
    disconnect(m_dialog, SIGNAL(canceled()), m_dialog, SLOT(cancel()));
    connect(m_dialog, &QProgressDialog::canceled, this, [this] {
        m_cancel->store(true);
        m_dialog->setLabelText(tr("Cancelling…"));
        m_dialog->setRange(0, 0);
    });
}

BackgroundJob *BackgroundJob::start(QWidget *parent, const QString &title, Work work, std::function<void()> onSuccess)
{
    auto *job = new BackgroundJob(parent, title);
    auto *watcher = new QFutureWatcher<Status>(job);
    connect(watcher, &QFutureWatcherBase::finished, job, [job, watcher, onSuccess] { job->finish(watcher->result(), onSuccess); });
    auto throttle = std::make_shared<QElapsedTimer>();
    throttle->start();
    // The callback runs on the worker; at most ~20 updates a second cross to the GUI thread.
    Progress progress([job, throttle](qint64 done, qint64 total, const QString &stage) {
        if (throttle->elapsed() < 50 && done < total)
            return;
        throttle->restart();
        QMetaObject::invokeMethod(job, [job, done, total, stage] { job->report(done, total, stage); }, Qt::QueuedConnection);
    }, job->m_cancel.get());
    watcher->setFuture(QtConcurrent::run([work = std::move(work), progress]() { return work(progress); }));
    return job;
}

void BackgroundJob::report(qint64 done, qint64 total, const QString &stage)
{
    if (m_cancel->load())
        return;
    // QProgressDialog counts in int: scale large totals down.
    const int divisor = total > 1'000'000'000 ? 1000 : 1;
    m_dialog->setRange(0, int(total / divisor));
    m_dialog->setValue(int(std::min(done, total) / divisor));
    if (!stage.isEmpty())
        m_dialog->setLabelText(QStringLiteral("%1: %2…").arg(m_title, stage));
}

void BackgroundJob::finish(const Status &status, const std::function<void()> &onSuccess)
{
    m_dialog->hide(); // not close(): that would emit canceled()
    m_dialog->deleteLater();
    if (status && onSuccess)
        onSuccess();
    else if (!status && status.error().kind != ErrorKind::Cancelled)
        showError(m_parent, m_title, status.error(), m_failureNote);
    else if (!status)
        emit cancelled();
    emit finished(status.ok());
    deleteLater();
}

} // namespace tandem
