#include "flickrformat.h"

#include "flickrline.h"
#include "formats/formatsupport.h"
#include "formats/textfile.h"
#include "util/text.h"

#include <QFileInfo>
#include <algorithm>

namespace tandem {

using namespace formats;

namespace {

// Reads one token file into `dataset`; several files add to the same images.
class TokenFileReader {
public:
    TokenFileReader(Dataset &dataset, Warnings &warnings)
        : m_dataset(dataset), m_images(dataset), m_warnings(warnings) {}

    Status read(const QString &path, const Progress &progress);

private:
    void addCaption(const FlickrLine &line, const QString &path, int lineNumber);

    Dataset &m_dataset;
    ImageIndex m_images;
    Warnings &m_warnings;
    std::vector<std::vector<std::string>> m_numbersSeen; // per image, to spot repeated name#n
};

Status TokenFileReader::read(const QString &path, const Progress &progress)
{
    Expected<TextFile> file = readTextFile(path);
    if (!file)
        return file.error();
    if (!file->warning.isEmpty())
        m_warnings.add(path + QStringLiteral(": ") + file->warning);
    reserveLarge(m_dataset.captions, m_dataset.captions.size() + countLines(file->view()));
    Steps steps(progress, file->utf8.size(), QStringLiteral("Reading %1").arg(QFileInfo(path).fileName()));
    m_numbersSeen.clear(); // the same name#n in another file (a lemma file) is no repeat
    LineCursor lines(file->view());
    std::string_view raw;
    while (lines.next(raw)) {
        if (steps.cancelled(qint64(lines.consumed())))
            return Error::cancelled();
        if (text::trimmed(raw).empty())
            continue;
        FlickrLine line;
        if (const auto problem = parseFlickrLine(raw, line))
            return Error::input(QStringLiteral("%1 (missing %2)").arg(QLatin1String(flickrLineShape), QLatin1String(problem->what)),
                                path, lines.lineNumber(), columnAt(raw, problem->offset));
        addCaption(line, path, lines.lineNumber());
    }
    steps.finish();
    return {};
}

void TokenFileReader::addCaption(const FlickrLine &line, const QString &path, int lineNumber)
{
    const size_t image = m_images.indexOf(line.image);
    if (line.caption.empty()) {
        m_warnings.add(path, lineNumber, QStringLiteral("empty caption skipped"));
        return;
    }
    m_numbersSeen.resize(m_dataset.images.size());
    std::vector<std::string> &seen = m_numbersSeen[image];
    if (std::find(seen.begin(), seen.end(), line.number) != seen.end())
        m_warnings.add(path, lineNumber, QStringLiteral("%1#%2 appears more than once; both captions kept")
                                             .arg(qstr(m_dataset.images[image].name), qstr(line.number)));
    else
        seen.emplace_back(line.number);
    m_dataset.captions.push_back({image, std::string(line.caption), std::string(line.number)});
}

} // namespace

int FlickrFormat::sniff(const QString &path) const
{
    if (QFileInfo(path).isDir())
        return 0;
    const TextHead head = readTextHead(path);
    std::vector<std::string_view> lines = text::splitLines(head.view());
    if (!head.complete && !lines.empty())
        lines.pop_back(); // cut short by the read limit
    int checked = 0;
    int matched = 0;
    for (std::string_view line : lines) {
        if (text::trimmed(line).empty())
            continue;
        FlickrLine parsed;
        ++checked;
        matched += !parseFlickrLine(line, parsed) && hasFileExtension(parsed.image);
        if (checked == 20)
            break;
    }
    if (checked == 0 || matched * 2 <= checked)
        return 0;
    return matched == checked ? 95 : 60;
}

Expected<Dataset> FlickrFormat::read(const ImportOptions &options, const Progress &progress) const
{
    if (options.files.isEmpty())
        return Error::usage(QStringLiteral("no Flickr token file given"));
    return readEachFile<TokenFileReader>(options, progress);
}

Status FlickrFormat::write(const Dataset &dataset, const ExportOptions &options, const Progress &progress) const
{
    if (options.output.isEmpty())
        return Error::usage(QStringLiteral("no output file given"));
    const std::vector<std::vector<size_t>> byImage = captionsByImage(dataset);
    std::string out;
    out.reserve(dataset.captions.size() * 80);
    Steps steps(progress, qint64(dataset.images.size()), QStringLiteral("Writing captions"));
    for (size_t i = 0; i < dataset.images.size(); ++i) {
        if (steps.cancelled(qint64(i)))
            return Error::cancelled();
        const std::string name = oneLine(dataset.images[i].name);
        int number = 0;
        for (size_t c : byImage[i]) {
            const std::string caption = oneLine(text::trimmed(dataset.captions[c].text));
            if (caption.empty())
                continue; // the reader would skip it anyway
            out.append(name).append("#").append(std::to_string(number++)).append("\t").append(caption).append("\n");
        }
    }
    steps.finish();
    return writeWholeFile(options.output, out);
}

} // namespace tandem
