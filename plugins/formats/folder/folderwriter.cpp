#include "folderwriter.h"

#include "folderscan.h"
#include "formats/formatsupport.h"
#include "formats/textfile.h"
#include "util/paths.h"
#include "util/text.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <map>

namespace tandem {

using namespace formats;

namespace {

class FolderWriter {
public:
    explicit FolderWriter(const QString &output) : m_output(output) {}

    Status open();
    // Sidecars are gathered first: photo.jpg and photo.png share photo.txt.
    void addCaptions(const DatasetImage &image, const std::vector<size_t> &captions, const Dataset &dataset);
    Status copyImage(const DatasetImage &image);
    Status writeSidecars(const Progress &progress);

private:
    Status prepareTarget(const QString &path) const;
    bool resolvesInside(const QString &dir) const;

    QString m_output;
    QString m_canonicalRoot;
    std::map<QString, std::string> m_sidecars; // relative path -> text, sorted for a steady order
};

Status FolderWriter::open()
{
    if (!QDir().mkpath(m_output))
        return Error::io(QStringLiteral("cannot create the output folder"), m_output);
    m_canonicalRoot = QFileInfo(m_output).canonicalFilePath();
    return {};
}

void FolderWriter::addCaptions(const DatasetImage &image, const std::vector<size_t> &captions, const Dataset &dataset)
{
    std::string lines;
    for (size_t c : captions) {
        const std::string caption = oneLine(text::trimmed(dataset.captions[c].text));
        if (!caption.empty())
            lines.append(caption).append("\n");
    }
    if (lines.empty())
        return;
    const QString relative = paths::sanitizedRelative(qstr(image.name));
    m_sidecars[withoutExtension(relative) + QStringLiteral(".txt")] += lines;
}

Status FolderWriter::copyImage(const DatasetImage &image)
{
    const QFileInfo source(image.sourcePath);
    if (image.sourcePath.isEmpty() || !source.isFile() || !source.isReadable())
        return {}; // nothing to copy: the sidecar is still written
    const QString relative = paths::sanitizedRelative(qstr(image.name));
    if (relative.endsWith(QLatin1String(".txt"), Qt::CaseInsensitive))
        return {}; // would overwrite its own sidecar
    const QString target = paths::insideFolder(m_output, relative);
    if (QFileInfo(target).canonicalFilePath() == source.canonicalFilePath())
        return {}; // exporting into the folder it came from
    if (Status status = prepareTarget(target); !status)
        return status;
    QFile::remove(target); // QFile::copy does not overwrite
    if (!QFile::copy(source.absoluteFilePath(), target))
        return Error::io(QStringLiteral("cannot copy %1 here").arg(source.absoluteFilePath()), target);
    return {};
}

Status FolderWriter::writeSidecars(const Progress &progress)
{
    Steps steps(progress, qint64(m_sidecars.size()), QStringLiteral("Writing captions"));
    qint64 done = 0;
    for (const auto &[relative, lines] : m_sidecars) {
        if (steps.cancelled(done++))
            return Error::cancelled();
        const QString target = paths::insideFolder(m_output, relative);
        if (Status status = prepareTarget(target); !status)
            return status;
        if (Status status = writeWholeFile(target, lines); !status)
            return status;
    }
    steps.finish();
    return {};
}

// The nearest folder on the way up from `dir` that exists (or is a link).
QString nearestExisting(QString dir)
{
    while (!QFileInfo::exists(dir) && !QFileInfo(dir).isSymLink()) {
        const QString parent = QFileInfo(dir).absolutePath();
        if (parent == dir)
            break;
        dir = parent;
    }
    return dir;
}

bool FolderWriter::resolvesInside(const QString &dir) const
{
    const QString canonical = QFileInfo(dir).canonicalFilePath(); // "" for a dangling link
    return !canonical.isEmpty()
           && (canonical == m_canonicalRoot || canonical.startsWith(m_canonicalRoot + QLatin1Char('/')));
}

// Creates the target's folder, but only once symbolic links already in the
// output folder are known not to lead out of it: mkpath would follow them.
Status FolderWriter::prepareTarget(const QString &path) const
{
    const QFileInfo target(path);
    const QString folder = target.absolutePath();
    if (!resolvesInside(nearestExisting(folder)))
        return Error::io(QStringLiteral("refusing to write outside the output folder (a symbolic link leads out of it)"), path);
    if (!QDir().mkpath(folder) || !resolvesInside(folder))
        return Error::io(QStringLiteral("cannot create the folder inside the output folder"), folder);
    if (target.isSymLink())
        return Error::io(QStringLiteral("refusing to write through a symbolic link"), path);
    return {};
}

} // namespace

Status writeCaptionFolder(const Dataset &dataset, const ExportOptions &options, const Progress &progress)
{
    if (options.output.isEmpty())
        return Error::usage(QStringLiteral("no output folder given"));
    FolderWriter writer(options.output);
    if (Status status = writer.open(); !status)
        return status;
    const std::vector<std::vector<size_t>> byImage = captionsByImage(dataset);
    const QString stage = options.copyImages ? QStringLiteral("Copying images") : QStringLiteral("Collecting captions");
    Steps steps(progress, qint64(dataset.images.size()), stage);
    for (size_t i = 0; i < dataset.images.size(); ++i) {
        if (steps.cancelled(qint64(i)))
            return Error::cancelled();
        writer.addCaptions(dataset.images[i], byImage[i], dataset);
        if (options.copyImages)
            if (Status status = writer.copyImage(dataset.images[i]); !status)
                return status;
    }
    return writer.writeSidecars(progress);
}

} // namespace tandem
