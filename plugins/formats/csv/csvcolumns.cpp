#include "csvcolumns.h"

#include "util/text.h"

#include <QStringList>
#include <algorithm>
#include <string_view>

namespace tandem {

namespace {

using Names = std::vector<std::string_view>;
const Names imageNames = {"image", "image_name", "filename", "file_name", "file", "path"};
const Names captionNames = {"caption", "comment", "text", "description"};
const Names splitNames = {"split"};
const Names tagNames = {"tags"};
const Names captionIdNames = {"caption_id", "comment_number", "caption_number"};

QString listed(const Names &names)
{
    QStringList out;
    for (std::string_view name : names)
        out << QString::fromLatin1(name.data(), qsizetype(name.size()));
    return out.join(QStringLiteral(", "));
}

// The first column whose name is one of `names`, or -1.
int findColumn(const std::vector<std::string> &header, const Names &names)
{
    for (size_t i = 0; i < header.size(); ++i)
        if (std::find(names.begin(), names.end(), header[i]) != names.end())
            return int(i);
    return -1;
}

} // namespace

CsvHeaderResult mapCsvHeader(const std::vector<CsvCell> &header)
{
    std::vector<std::string> names;
    for (const CsvCell &cell : header)
        names.push_back(text::lower(text::trimmed(cell.text)));
    CsvHeaderResult result;
    CsvColumns &c = result.columns;
    c.count = header.size();
    c.image = findColumn(names, imageNames);
    c.caption = findColumn(names, captionNames);
    c.split = findColumn(names, splitNames);
    c.tags = findColumn(names, tagNames);
    c.captionId = findColumn(names, captionIdNames);
    if (c.image < 0)
        result.problem = QStringLiteral("the header has no image column: expected one of %1").arg(listed(imageNames));
    else if (c.caption < 0)
        result.problem = QStringLiteral("the header has no caption column: expected one of %1").arg(listed(captionNames));
    return result;
}

} // namespace tandem
