#pragma once
// A long job (import, export, making a demo project) run in a worker thread
// behind a modal progress dialog with a Cancel button. Progress arrives through
// queued calls; failures end in an error dialog naming the file, line and
// column; a cancelled job says nothing. The job deletes itself when done.
#include "util/expected.h"
#include "util/progress.h"

#include <QFutureWatcher>
#include <QObject>
#include <QtConcurrent>
#include <atomic>
#include <functional>

class QProgressDialog;
class QWidget;

namespace tandem {

// A modal error box: the message, then where (file, line, column) when known,
// then `note` (e.g. what the failure left unchanged).
void showError(QWidget *parent, const QString &title, const Error &error, const QString &note = {});

// Runs `work` on the thread pool and then `done` with its result on `owner`'s
// thread (not at all if `owner` is gone): the panels' non-modal jobs.
template <typename T>
void inBackground(QObject *owner, std::function<T()> work, std::function<void(const T &)> done)
{
    auto *watcher = new QFutureWatcher<T>(owner);
    QObject::connect(watcher, &QFutureWatcherBase::finished, owner, [watcher, done] {
        done(watcher->result());
        watcher->deleteLater();
    });
    watcher->setFuture(QtConcurrent::run(std::move(work)));
}

class BackgroundJob : public QObject {
    Q_OBJECT
public:
    using Work = std::function<Status(const Progress &progress)>;

    // Starts at once. onSuccess runs on the GUI thread after `work` succeeded.
    static BackgroundJob *start(QWidget *parent, const QString &title, Work work, std::function<void()> onSuccess = {});
    // Added to the error dialog when the job fails.
    void setFailureNote(const QString &note) { m_failureNote = note; }

signals:
    void finished(bool ok);
    void cancelled(); // after the worker stopped; it has changed nothing

private:
    BackgroundJob(QWidget *parent, const QString &title);
    void report(qint64 done, qint64 total, const QString &stage);
    void finish(const Status &status, const std::function<void()> &onSuccess);

    QWidget *m_parent;
    QString m_title;
    QString m_failureNote;
    QProgressDialog *m_dialog;
    std::shared_ptr<std::atomic_bool> m_cancel;
};

} // namespace tandem
