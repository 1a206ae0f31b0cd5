#pragma once
// Helpers shared by the tests: temporary projects, data files, and running
// the real tandem-cli binary.
#include "data/dataset.h"

#include <QByteArray>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>

namespace tandem::test {

QString dataPath(const QString &name);             // tests/data/<name>
void writeFile(const QString &path, const QByteArray &bytes); // creates folders; QFAIL-free (throws on failure)
QByteArray readFile(const QString &path);

struct CliResult {
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};
CliResult runCli(const QStringList &arguments, int timeoutMs = 120000);
// `tandem-cli train` for one epoch on 32-pixel images, one thread, with these
// --model-option keys; the checkpoint's path, "" (and a warning) on failure.
QString trainTinyModel(const QString &project, const QString &checkpoint, const QString &task,
                       const QStringList &modelOptions);

// Captions, questions and answers of a dataset as sorted "image|text" lines,
// for comparing two datasets regardless of order and ids.
QStringList captionLines(const Dataset &dataset);
QStringList questionLines(const Dataset &dataset);

} // namespace tandem::test
