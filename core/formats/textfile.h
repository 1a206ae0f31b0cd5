#pragma once
// Files as the format plugins read and write them: whole and decoded to UTF-8
// (with spare room for simdjson when asked), or just their head (and tail) for
// sniff(); walked line by line, with line/column positions for messages; and
// written atomically.
#include "util/expected.h"
#include "util/text.h"

#include <QByteArray>
#include <QString>
#include <string>
#include <string_view>

namespace tandem::formats {

// A whole file decoded to UTF-8 (see text::toUtf8). `warning` is non-empty
// when the bytes were not UTF-8 and were converted. The buffer keeps at least
// `padding` bytes of spare capacity after its end (simdjson reads past the
// end of what it parses), and asks for huge pages when large.
struct TextFile {
    QByteArray utf8;
    QString warning;
    std::string_view view() const { return {utf8.constData(), size_t(utf8.size())}; }
};
Expected<TextFile> readTextFile(const QString &path, qsizetype padding = 0);

// The first bytes of a file, decoded, for sniff(). `complete` is false when the
// file goes on, so its last line may be cut short. With `tailBytes`, `tail`
// holds the file's last bytes, decoded, when the file is longer than head and
// tail together (COCO puts "annotations" after every image). Empty when unreadable.
struct TextHead {
    QByteArray utf8;
    bool complete = true;
    QByteArray tail;
    std::string_view view() const { return {utf8.constData(), size_t(utf8.size())}; }
};
TextHead readTextHead(const QString &path, qint64 maxBytes = 8192, qint64 tailBytes = 0);

// 1-based column, counted in characters, of a byte offset into one line.
int columnAt(std::string_view line, size_t offset);

// Walks the lines of a text without storing them all; the same line ends as
// text::splitLines (\n, \r\n, a lone \r).
class LineCursor {
public:
    explicit LineCursor(std::string_view text) : m_text(text) {}
    bool next(std::string_view &line);
    int lineNumber() const { return m_line; } // 1-based, of the line next() returned
    size_t consumed() const { return m_pos; } // bytes, for progress

private:
    std::string_view m_text;
    size_t m_pos = 0;
    int m_line = 0;
};

// An upper bound on the number of lines, for reserving memory up front
// rather than growing (and touching pages again); see formats::reserveLarge.
size_t countLines(std::string_view text);

// Line and column of byte offsets into one text, for messages. Cheap when
// asked in increasing order (each byte is looked at once); see text::positionOf.
class LineCounter {
public:
    explicit LineCounter(std::string_view text) : m_text(text) {}
    text::Position at(size_t offset);

private:
    std::string_view m_text;
    size_t m_offset = 0;
    size_t m_lineStart = 0;
    int m_line = 1;
};

// Writes `bytes` to `path` through QSaveFile: a failed write leaves the old
// file (or none), never half a file.
Status writeWholeFile(const QString &path, std::string_view bytes);

} // namespace tandem::formats
