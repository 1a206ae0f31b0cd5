#include "csvformat.h"

#include "csvcolumns.h"
#include "formats/csvreader.h"
#include "formats/formatsupport.h"
#include "formats/textfile.h"
#include "util/text.h"

#include <QFileInfo>
#include <algorithm>

namespace tandem {

using namespace formats;

namespace {

bool allBlank(const std::vector<CsvCell> &cells)
{
    return std::all_of(cells.begin(), cells.end(), [](const CsvCell &c) { return text::trimmed(c.text).empty(); });
}

// The next record that is not blank.
bool nextNonBlank(CsvReader &csv)
{
    while (csv.next())
        if (!allBlank(csv.cells()))
            return true;
    return false;
}

// Reads one CSV file into `dataset`; several files add to the same images.
class CsvFileReader {
public:
    CsvFileReader(Dataset &dataset, Warnings &warnings)
        : m_dataset(dataset), m_images(dataset), m_warnings(warnings) {}

    Status read(const QString &path, const Progress &progress);

private:
    Status readRows(CsvReader &csv, const CsvColumns &columns, qint64 size, const Progress &progress);
    Status checkCellCount(const CsvReader &csv, const CsvColumns &columns);
    void addRow(const std::vector<CsvCell> &cells, const CsvColumns &columns);
    void setSplit(size_t image, const CsvCell &cell);
    void addTags(size_t image, std::string_view cell);
    Error errorAt(size_t offset, const QString &message);

    Dataset &m_dataset;
    ImageIndex m_images;
    Warnings &m_warnings;
    QString m_path;
    LineCounter m_lines{{}};
    int m_emptyCaptions = 0;
};

Status CsvFileReader::read(const QString &path, const Progress &progress)
{
    Expected<TextFile> file = readTextFile(path);
    if (!file)
        return file.error();
    if (!file->warning.isEmpty())
        m_warnings.add(path + QStringLiteral(": ") + file->warning);
    m_path = path;
    m_lines = LineCounter(file->view());
    m_emptyCaptions = 0;

    reserveLarge(m_dataset.captions, m_dataset.captions.size() + countLines(file->view()));
    CsvReader csv(file->view(), CsvReader::sniffDelimiter(file->view()));
    if (!nextNonBlank(csv)) {
        if (const CsvProblem *problem = csv.problem())
            return errorAt(problem->offset, problem->message);
        return Error::input(QStringLiteral("empty file: expected a header line such as 'image,caption'"), path, 1, 1);
    }
    const CsvHeaderResult header = mapCsvHeader(csv.cells());
    if (!header.problem.isEmpty())
        return errorAt(csv.recordBegin(), header.problem);
    if (Status status = readRows(csv, header.columns, file->utf8.size(), progress); !status)
        return status;
    if (m_emptyCaptions > 0)
        m_warnings.add(QStringLiteral("%1: %2 rows have an empty caption; their images were kept without it")
                           .arg(path).arg(m_emptyCaptions));
    return {};
}

Status CsvFileReader::readRows(CsvReader &csv, const CsvColumns &columns, qint64 size, const Progress &progress)
{
    Steps steps(progress, size, QStringLiteral("Reading %1").arg(QFileInfo(m_path).fileName()));
    while (csv.next()) {
        if (steps.cancelled(qint64(csv.consumed())))
            return Error::cancelled();
        if (allBlank(csv.cells()))
            continue;
        if (Status status = checkCellCount(csv, columns); !status)
            return status;
        addRow(csv.cells(), columns);
    }
    if (const CsvProblem *problem = csv.problem())
        return errorAt(problem->offset, problem->message);
    steps.finish();
    return {};
}

Status CsvFileReader::checkCellCount(const CsvReader &csv, const CsvColumns &columns)
{
    const std::vector<CsvCell> &cells = csv.cells();
    if (cells.size() == columns.count)
        return {};
    // Point at the first cell too many, or where the missing delimiter should be.
    const size_t offset = cells.size() > columns.count ? cells[columns.count].begin : cells.back().end;
    return errorAt(offset, QStringLiteral("expected %1 cells as in the header, found %2")
                               .arg(columns.count).arg(cells.size()));
}

void CsvFileReader::addRow(const std::vector<CsvCell> &cells, const CsvColumns &columns)
{
    const CsvCell &imageCell = cells[size_t(columns.image)];
    const std::string_view name = text::trimmed(imageCell.text);
    if (name.empty()) {
        m_warnings.add(m_path, m_lines.at(imageCell.begin).line, QStringLiteral("row without an image name skipped"));
        return;
    }
    const size_t image = m_images.indexOf(name);
    if (columns.split >= 0)
        setSplit(image, cells[size_t(columns.split)]);
    if (columns.tags >= 0)
        addTags(image, cells[size_t(columns.tags)].text);
    const std::string_view caption = text::trimmed(cells[size_t(columns.caption)].text);
    if (caption.empty()) {
        ++m_emptyCaptions; // also how an image without captions is listed
        return;
    }
    const std::string_view id = columns.captionId >= 0 ? text::trimmed(cells[size_t(columns.captionId)].text) : std::string_view();
    m_dataset.captions.push_back({image, std::string(caption), std::string(id)});
}

void CsvFileReader::setSplit(size_t image, const CsvCell &cell)
{
    const std::string split = normalizeSplit(cell.text);
    std::string &current = m_dataset.images[image].split;
    if (split.empty() || split == current)
        return;
    if (current.empty()) {
        current = split;
        return;
    }
    m_warnings.add(m_path, m_lines.at(cell.begin).line,
                   QStringLiteral("%1 is in split '%2' already; '%3' ignored")
                       .arg(qstr(m_dataset.images[image].name), qstr(current), qstr(split)));
}

void CsvFileReader::addTags(size_t image, std::string_view cell)
{
    std::vector<std::string> &tags = m_dataset.images[image].tags;
    while (!cell.empty()) {
        const size_t semicolon = std::min(cell.find(';'), cell.size());
        const std::string_view tag = text::trimmed(cell.substr(0, semicolon));
        if (!tag.empty() && std::find(tags.begin(), tags.end(), tag) == tags.end())
            tags.emplace_back(tag);
        cell.remove_prefix(std::min(semicolon + 1, cell.size()));
    }
}

Error CsvFileReader::errorAt(size_t offset, const QString &message)
{
    const text::Position at = m_lines.at(offset);
    return Error::input(message, m_path, at.line, at.column);
}

// One output row: image, caption, split and, when any image has them, tags.
void appendRow(std::string &out, const DatasetImage &image, std::string_view caption, bool withTags)
{
    appendCsvCell(out, image.name);
    out += ',';
    appendCsvCell(out, caption);
    out += ',';
    appendCsvCell(out, image.split);
    if (withTags) {
        std::string tags;
        for (const std::string &tag : image.tags)
            tags.append(tags.empty() ? "" : ";").append(tag);
        out += ',';
        appendCsvCell(out, tags);
    }
    out += "\r\n"; // RFC 4180 line ends
}

} // namespace

int CsvFormat::sniff(const QString &path) const
{
    const QFileInfo info(path);
    if (info.isDir())
        return 0;
    const QString suffix = info.suffix().toLower();
    const bool csvName = suffix == QLatin1String("csv") || suffix == QLatin1String("tsv");
    const TextHead head = readTextHead(path);
    CsvReader csv(head.view(), CsvReader::sniffDelimiter(head.view()));
    if (nextNonBlank(csv) && mapCsvHeader(csv.cells()).problem.isEmpty())
        return csvName ? 90 : 80;
    return csvName ? 5 : 0; // read() will say what the header lacks
}

Expected<Dataset> CsvFormat::read(const ImportOptions &options, const Progress &progress) const
{
    if (options.files.isEmpty())
        return Error::usage(QStringLiteral("no CSV file given"));
    return readEachFile<CsvFileReader>(options, progress);
}

Status CsvFormat::write(const Dataset &dataset, const ExportOptions &options, const Progress &progress) const
{
    if (options.output.isEmpty())
        return Error::usage(QStringLiteral("no output file given"));
    const bool withTags = std::any_of(dataset.images.begin(), dataset.images.end(),
                                      [](const DatasetImage &image) { return !image.tags.empty(); });
    const std::vector<std::vector<size_t>> byImage = captionsByImage(dataset);
    std::string out = withTags ? "image,caption,split,tags\r\n" : "image,caption,split\r\n";
    out.reserve(dataset.captions.size() * 80);
    Steps steps(progress, qint64(dataset.images.size()), QStringLiteral("Writing captions"));
    for (size_t i = 0; i < dataset.images.size(); ++i) {
        if (steps.cancelled(qint64(i)))
            return Error::cancelled();
        if (byImage[i].empty())
            appendRow(out, dataset.images[i], {}, withTags); // keeps the image and its split
        for (size_t c : byImage[i])
            appendRow(out, dataset.images[i], dataset.captions[c].text, withTags);
    }
    steps.finish();
    return writeWholeFile(options.output, out);
}

} // namespace tandem
