#pragma once
// Text helpers shared by every importer: decoding whatever bytes users bring
// (BOMs, UTF-16, Latin-1/Windows-1252) into UTF-8, and byte offsets into
// line/column positions for error messages.
#include <QByteArray>
#include <QString>
#include <string>
#include <string_view>
#include <vector>

namespace tandem::text {

struct Decoded {
    QByteArray utf8;   // always valid UTF-8, BOM removed
    QString warning;   // non-empty when the input was not UTF-8 and was converted
};

// Strips a UTF-8 BOM, converts UTF-16 (with BOM) and invalid UTF-8 (read as
// Windows-1252) to UTF-8. Never fails: every byte sequence decodes to something.
Decoded toUtf8(QByteArray bytes);

bool isValidUtf8(std::string_view bytes);

struct Position {
    int line = 1;
    int column = 1;
};
// 1-based line and column (in characters) of a byte offset into UTF-8 text.
// Lines end as in splitLines: \n, \r\n or a lone \r.
Position positionOf(std::string_view utf8, size_t offset);

// Splits into lines, accepting \n, \r\n and lone \r line ends.
std::vector<std::string_view> splitLines(std::string_view text);

std::string_view trimmed(std::string_view s);
std::string lower(std::string_view s);
bool endsWith(std::string_view s, std::string_view suffix);

} // namespace tandem::text
