#include "jsonlformat.h"

#include "formats/json.h"
#include "util/text.h"

#include <QFileInfo>
#include <simdjson.h>

namespace tandem::jsonl {

// Parses the first non-blank line of the sample; an object whose keys say
// "image and text" is JSON Lines of ours.
static bool firstLineLooksLikeOurs(const std::string &head)
{
    for (const std::string_view line : text::splitLines(head)) {
        if (text::trimmed(line).empty())
            continue;
        json::Document doc;
        const QByteArray buffer = QByteArray::fromRawData(line.data(), qsizetype(line.size()));
        simdjson::dom::object record;
        if (!doc.parse(buffer, line, QString(), 1, "line") || doc.root().get(record))
            return false;
        simdjson::dom::element value;
        const auto has = [&](const char *key) { return !record.at_key(key).get(value); };
        return (has("image") || has("file_name") || has("file"))
               && (has("caption") || has("captions") || has("qa") || has("question"));
    }
    return false;
}

int sniff(const QString &path)
{
    const QString suffix = QFileInfo(path).suffix().toLower();
    const bool linesName = suffix == QLatin1String("jsonl") || suffix == QLatin1String("ndjson");
    if (!linesName && suffix != QLatin1String("json"))
        return 0;
    const json::Sample sample = json::sample(path);
    if (!sample.startsWithObject())
        return 0;
    if (firstLineLooksLikeOurs(sample.head))
        return linesName ? 95 : 80;
    return linesName ? 20 : 0; // JSON Lines of another schema: read() will say what is missing
}

} // namespace tandem::jsonl
