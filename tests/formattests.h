#pragma once
// Helpers for the format-plugin tests (test_format_*.cpp): load a plugin,
// read files or bytes, and watch progress and cancellation.
#include "formats/datasetformat.h"
#include "formats/formatregistry.h"
#include "testsupport.h"

#include <QDir>
#include <QTemporaryDir>
#include <QTest>
#include <atomic>
#include <functional>
#include <random>

namespace tandem::test {

inline DatasetFormat *formatOrFail(const QString &id)
{
    DatasetFormat *format = FormatRegistry::instance().format(id);
    if (!format)
        qFatal("format plugin %s not found (TANDEM_PLUGIN_PATH=%s)", qPrintable(id), qgetenv("TANDEM_PLUGIN_PATH").constData());
    return format;
}

inline Expected<Dataset> readFiles(const DatasetFormat *format, const QStringList &files, const QString &split = {},
                                   const QString &imagePattern = {})
{
    ImportOptions options;
    options.files = files;
    options.split = split;
    options.imagePattern = imagePattern;
    return format->read(options, Progress());
}

// Writes bytes to a file of that name in `dir` and returns its path.
inline QString fileWith(const QTemporaryDir &dir, const QString &name, const QByteArray &bytes)
{
    const QString path = dir.filePath(name);
    writeFile(path, bytes);
    return path;
}

inline Status writeTo(const DatasetFormat *format, const Dataset &dataset, const QString &output)
{
    ExportOptions options;
    options.output = output;
    return format->write(dataset, options, Progress());
}

// Counts progress reports, and cancels once `cancelAfter` of them have come.
struct ProgressProbe {
    std::atomic_bool cancel{false};
    int reports = 0;
    int cancelAfter = -1;
    Progress progress()
    {
        return Progress(
            [this](qint64, qint64, const QString &) {
                if (++reports == cancelAfter)
                    cancel = true;
            },
            &cancel);
    }
};

// The error of a failed result, for QVERIFY2 (which evaluates its message even on success).
template <typename T>
QByteArray whyText(const Expected<T> &result)
{
    return result ? QByteArray() : result.error().toString().toUtf8();
}
#define why(result) tandem::test::whyText(result).constData()

// Reading `files` and writing to `output` with a job cancelled before it
// starts: both stop with a Cancelled error. (What the writer left is the
// caller's to check.)
inline void checkCancelsBeforeStart(const DatasetFormat *format, const QStringList &files, const QString &output)
{
    ProgressProbe cancelled;
    cancelled.cancel = true;
    auto dataset = readFiles(format, files);
    QVERIFY2(dataset, why(dataset));
    ImportOptions options;
    options.files = files;
    auto read = format->read(options, cancelled.progress());
    QVERIFY(!read);
    QCOMPARE(read.error().kind, ErrorKind::Cancelled);
    ExportOptions out;
    out.output = output;
    const Status written = format->write(*dataset, out, cancelled.progress());
    QVERIFY(!written);
    QCOMPARE(written.error().kind, ErrorKind::Cancelled);
}

// Random bytes drawn from the characters that matter to a parser (`alphabet`,
// a string literal): every input read with `read` gives a dataset or an Input
// error naming a position, never a crash.
template <size_t N>
void checkGarbageNeverCrashes(const char (&alphabet)[N], const std::function<Expected<Dataset>(const QByteArray &)> &read)
{
    std::mt19937 random(20240601);
    std::uniform_int_distribution<int> length(0, 60);
    std::uniform_int_distribution<size_t> pick(0, N - 2);
    for (int round = 0; round < 300; ++round) {
        QByteArray bytes;
        for (int i = length(random); i > 0; --i)
            bytes += alphabet[pick(random)];
        auto dataset = read(bytes);
        if (!dataset) {
            QCOMPARE(dataset.error().kind, ErrorKind::Input);
            QVERIFY2(dataset.error().line >= 1 && dataset.error().column >= 1, qPrintable(dataset.error().toString() + " in: " + QString::fromUtf8(bytes)));
        }
    }
}

// The file names in a folder, sorted: to check a writer wrote nothing else.
inline QStringList entries(const QString &folder)
{
    return QDir(folder).entryList(QDir::Files | QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name);
}

} // namespace tandem::test
