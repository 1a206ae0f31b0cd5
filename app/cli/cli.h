#pragma once
// Shared plumbing of tandem-cli's subcommands: exit codes, option parsing,
// the progress bar, cancellation on Ctrl+C and --json output.
#include "util/expected.h"
#include "util/progress.h"

#include <QCommandLineParser>
#include <QJsonObject>
#include <QString>
#include <QStringList>
#include <functional>

namespace tandem::cli {

// Documented in `tandem-cli --help` and the README.
enum ExitCode : int {
    ExitOk = 0,
    ExitFailure = 1,    // the job ran and found a problem (e.g. flagged images with --strict)
    ExitUsage = 2,      // bad command line
    ExitInput = 3,      // an input file is malformed or unreadable
    ExitStore = 4,      // the project database failed
    ExitIo = 5,         // writing output failed
    ExitCancelled = 130 // Ctrl+C; nothing was changed
};

struct Command {
    QString name;
    QString summary;
    QString description; // shown by --help, after the summary
    std::function<void(QCommandLineParser &)> declare;     // adds options and positionals
    std::function<int(QCommandLineParser &)> run;
};

const std::vector<Command> &commands();

// Prints "tandem-cli: <error>" on stderr and returns its exit code.
int fail(const Error &error);
int usageError(const QString &message, const QString &command);

// A progress bar on stderr (a terminal), stage lines otherwise; silent with --quiet.
// Ctrl+C sets the cancel flag it hands to the job.
class ProgressBar {
public:
    explicit ProgressBar(bool quiet);
    ~ProgressBar();
    const Progress &progress() const { return m_progress; }
    void finish();

private:
    void draw(qint64 done, qint64 total, const QString &stage);
    Progress m_progress;
    bool m_quiet;
    bool m_tty;
    QString m_stage;
    qint64 m_lastDrawMs = -1;
    int m_lastWidth = 0;
};

void printJson(const QJsonObject &object);
void addCommonOptions(QCommandLineParser &parser, bool json, bool progress);
void out(const QString &line); // stdout, UTF-8, newline

} // namespace tandem::cli
