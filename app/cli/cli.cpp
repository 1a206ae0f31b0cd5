#include "cli.h"

#include <QDateTime>
#include <QJsonDocument>
#include <csignal>
#include <cstdio>
#include <unistd.h>

namespace tandem::cli {

namespace {

std::atomic_bool g_cancel{false};

void onInterrupt(int)
{
    if (g_cancel.exchange(true))
        std::_Exit(ExitCancelled); // second Ctrl+C: the user really means it
}

int exitCodeFor(ErrorKind kind)
{
    switch (kind) {
    case ErrorKind::Usage: return ExitUsage;
    case ErrorKind::Input: return ExitInput;
    case ErrorKind::Store: return ExitStore;
    case ErrorKind::Io: return ExitIo;
    case ErrorKind::Cancelled: return ExitCancelled;
    }
    return ExitFailure;
}

} // namespace

int fail(const Error &error)
{
    const QString text = error.kind == ErrorKind::Cancelled
                             ? QStringLiteral("cancelled; the project is unchanged")
                             : error.toString();
    std::fprintf(stderr, "tandem-cli: %s\n", text.toUtf8().constData());
    return exitCodeFor(error.kind);
}

int usageError(const QString &message, const QString &command)
{
    std::fprintf(stderr, "tandem-cli %s: %s\nTry 'tandem-cli %s --help'.\n", qPrintable(command),
                 message.toUtf8().constData(), qPrintable(command));
    return ExitUsage;
}

ProgressBar::ProgressBar(bool quiet)
    : m_quiet(quiet), m_tty(isatty(STDERR_FILENO))
{
    g_cancel = false;
    std::signal(SIGINT, onInterrupt);
    std::signal(SIGTERM, onInterrupt);
    m_progress = Progress([this](qint64 done, qint64 total, const QString &stage) { draw(done, total, stage); },
                          &g_cancel);
}

ProgressBar::~ProgressBar()
{
    finish();
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
}

void ProgressBar::draw(qint64 done, qint64 total, const QString &stage)
{
    if (m_quiet)
        return;
    const bool newStage = stage != m_stage;
    m_stage = stage;
    if (!m_tty) {
        if (newStage)
            std::fprintf(stderr, "%s...\n", stage.toUtf8().constData());
        return;
    }
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    if (!newStage && now - m_lastDrawMs < 100 && done < total)
        return; // ten frames a second is plenty
    m_lastDrawMs = now;
    const double fraction = total > 0 ? std::min(1.0, double(done) / double(total)) : 0.0;
    const int width = 30;
    const int filled = int(fraction * width);
    const QString bar = QString(filled, QLatin1Char('#')) + QString(width - filled, QLatin1Char('-'));
    QString line = QStringLiteral("%1 [%2] %3% %4/%5")
                       .arg(stage.leftJustified(16), bar)
                       .arg(int(fraction * 100), 3)
                       .arg(done)
                       .arg(total);
    const int pad = std::max(0, m_lastWidth - int(line.size()));
    m_lastWidth = int(line.size());
    std::fprintf(stderr, "\r%s%s", line.toUtf8().constData(), QString(pad, QLatin1Char(' ')).toUtf8().constData());
    std::fflush(stderr);
}

void ProgressBar::finish()
{
    if (m_tty && m_lastWidth > 0 && !m_quiet)
        std::fprintf(stderr, "\r%s\r", QString(m_lastWidth, QLatin1Char(' ')).toUtf8().constData());
    m_lastWidth = 0;
}

void printJson(const QJsonObject &object)
{
    std::fputs(QJsonDocument(object).toJson(QJsonDocument::Indented).constData(), stdout);
}

void addCommonOptions(QCommandLineParser &parser, bool json, bool progress)
{
    if (json)
        parser.addOption({QStringLiteral("json"), QStringLiteral("Print the result as JSON on stdout.")});
    if (progress)
        parser.addOption({{QStringLiteral("q"), QStringLiteral("quiet")}, QStringLiteral("No progress on stderr.")});
}

void out(const QString &line)
{
    std::fputs(line.toUtf8().constData(), stdout);
    std::fputc('\n', stdout);
}

} // namespace tandem::cli
