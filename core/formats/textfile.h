#pragma once
// Text files as the text-based formats read them: whole, decoded to UTF-8,
// walked line by line, with line/column positions for messages; and written
// atomically.
#include "util/expected.h"
#include "util/text.h"

#include <QByteArray>
#include <QString>
#include <string>
#include <string_view>
#include <vector>

namespace tandem::formats {

// A whole file decoded to UTF-8 (see text::toUtf8). `warning` is non-empty
// when the bytes were not UTF-8 and were converted.
struct TextFile {
    QByteArray utf8;
    QString warning;
    std::string_view view() const { return {utf8.constData(), size_t(utf8.size())}; }
};
Expected<TextFile> readTextFile(const QString &path);

// The first bytes of a file, decoded, for sniff(). `complete` is false when the
// file goes on, so its last line may be cut short. Empty when unreadable.
struct TextHead {
    QByteArray utf8;
    bool complete = true;
    std::string_view view() const { return {utf8.constData(), size_t(utf8.size())}; }
};
TextHead readTextHead(const QString &path, qint64 maxBytes = 8192);

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
// rather than growing (and touching pages again); see prefault.
size_t countLines(std::string_view text);

// Asks the kernel to map a large buffer's pages now, in one call. Under
// virtualisation each page first touched one by one costs a fault of ~12 us
// (a 500k-row CSV touches ~40k pages); populated in bulk, a quarter of that
// (measured here). A hint only: does nothing where unsupported.
void prefault(void *data, size_t bytes);

template <typename T>
void reserveAndPrefault(std::vector<T> &vector, size_t count)
{
    vector.reserve(count);
    prefault(vector.data() + vector.size(), (vector.capacity() - vector.size()) * sizeof(T));
}

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

// Writes `bytes` to `path` atomically (QSaveFile).
Status writeWholeFile(const QString &path, const std::string &bytes);

} // namespace tandem::formats
