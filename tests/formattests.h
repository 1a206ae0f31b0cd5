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

// The file names in a folder, sorted: to check a writer wrote nothing else.
inline QStringList entries(const QString &folder)
{
    return QDir(folder).entryList(QDir::Files | QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name);
}

} // namespace tandem::test
