#include "testsupport.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <stdexcept>

namespace tandem::test {

QString dataPath(const QString &name)
{
    return QStringLiteral(TANDEM_TEST_DATA "/") + name;
}

void writeFile(const QString &path, const QByteArray &bytes)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size())
        throw std::runtime_error("cannot write " + path.toStdString());
}

QByteArray readFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        throw std::runtime_error("cannot read " + path.toStdString());
    return file.readAll();
}

CliResult runCli(const QStringList &arguments, int timeoutMs)
{
    QProcess process;
    process.start(QStringLiteral(TANDEM_CLI_PATH), arguments);
    CliResult result;
    if (!process.waitForFinished(timeoutMs)) {
        process.kill();
        process.waitForFinished();
        result.err = "timed out";
        return result;
    }
    result.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    result.out = process.readAllStandardOutput();
    result.err = process.readAllStandardError();
    return result;
}

QStringList captionLines(const Dataset &dataset)
{
    QStringList lines;
    for (const DatasetCaption &c : dataset.captions)
        lines << QString::fromStdString(dataset.images[c.image].name + "|" + c.text);
    lines.sort();
    return lines;
}

QStringList questionLines(const Dataset &dataset)
{
    QStringList lines;
    for (const DatasetQuestion &q : dataset.questions) {
        std::string line = dataset.images[q.image].name + "|" + q.text + "|" + q.answerType + "|"
                           + q.questionType + "|" + q.multipleChoiceAnswer;
        for (const DatasetAnswer &a : q.answers)
            line += "|" + a.text;
        lines << QString::fromStdString(line);
    }
    lines.sort();
    return lines;
}

QString trainTinyModel(const QString &project, const QString &checkpoint, const QString &task,
                       const QStringList &modelOptions)
{
    QStringList args{QStringLiteral("train"), project, QStringLiteral("--task"), task, QStringLiteral("--epochs"),
                     QStringLiteral("1"), QStringLiteral("--batch"), QStringLiteral("8"), QStringLiteral("--image-size"),
                     QStringLiteral("32"), QStringLiteral("--threads"), QStringLiteral("1"), QStringLiteral("--device"),
                     QStringLiteral("cpu"), QStringLiteral("--checkpoint"), checkpoint, QStringLiteral("-q")};
    for (const QString &option : modelOptions)
        args << QStringLiteral("--model-option") << option;
    const CliResult r = runCli(args);
    if (r.exitCode != 0)
        qWarning("train failed: %s", r.err.constData());
    return r.exitCode == 0 ? checkpoint : QString();
}

} // namespace tandem::test
