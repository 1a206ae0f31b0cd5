#include "textfile.h"

#include "util/memory.h"

#include <QFile>
#include <QSaveFile>
#include <algorithm>
#include <cstdint>

namespace tandem::formats {

// QFile::readAll, but into a buffer on huge pages with `padding` bytes to spare.
static QByteArray readAllBytes(QFile &file, qsizetype padding)
{
    const qint64 size = file.size();
    if (size <= 0 || file.isSequential())
        return file.readAll();
    QByteArray bytes;
    bytes.reserve(size + padding);
    memory::preferHugePages(bytes.constData(), size_t(bytes.capacity()));
    bytes.resize(size);
    qint64 done = 0;
    while (done < size) {
        const qint64 n = file.read(bytes.data() + done, size - done);
        if (n <= 0)
            break; // the file shrank while we read it: keep what there is
        done += n;
    }
    bytes.truncate(done);
    if (!file.atEnd())
        bytes += file.readAll(); // the file grew while we read it
    return bytes;
}

Expected<TextFile> readTextFile(const QString &path, qsizetype padding)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return Error::input(QStringLiteral("cannot read the file: %1").arg(file.errorString()), path);
    QByteArray bytes = readAllBytes(file, padding);
    if (file.error() != QFileDevice::NoError)
        return Error::input(QStringLiteral("cannot read the file: %1").arg(file.errorString()), path);
    text::Decoded decoded = text::toUtf8(std::move(bytes));
    if (decoded.utf8.capacity() - decoded.utf8.size() < padding)
        decoded.utf8.reserve(decoded.utf8.size() + padding); // converted, or read by readAll()
    return TextFile{std::move(decoded.utf8), std::move(decoded.warning)};
}

static bool isUtf16(const QByteArray &head)
{
    return head.startsWith("\xFF\xFE") || head.startsWith("\xFE\xFF");
}

TextHead readTextHead(const QString &path, qint64 maxBytes, qint64 tailBytes)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    TextHead head;
    QByteArray bytes = file.read(maxBytes);
    head.complete = file.atEnd();
    const qint64 size = file.size();
    if (tailBytes > 0 && size > maxBytes + tailBytes && file.seek((size - tailBytes) & ~qint64(1))) {
        // Even, to keep UTF-16 aligned; the tail has no BOM of its own: lend it the head's.
        head.tail = text::toUtf8((isUtf16(bytes) ? bytes.left(2) : QByteArray()) + file.readAll()).utf8;
    }
    // A cut in the middle of a UTF-8 sequence must not turn the head into "Windows-1252".
    if (!head.complete && !isUtf16(bytes))
        while (!bytes.isEmpty() && (static_cast<unsigned char>(bytes.back()) & 0x80))
            bytes.chop(1);
    head.utf8 = text::toUtf8(std::move(bytes)).utf8;
    return head;
}

int columnAt(std::string_view line, size_t offset)
{
    return text::positionOf(line, offset).column;
}

bool LineCursor::next(std::string_view &line)
{
    if (m_pos >= m_text.size())
        return false;
    size_t end = m_pos;
    while (end < m_text.size() && m_text[end] != '\n' && m_text[end] != '\r')
        ++end;
    line = m_text.substr(m_pos, end - m_pos);
    m_pos = end;
    if (m_pos < m_text.size() && m_text[m_pos] == '\r')
        ++m_pos;
    if (m_pos < m_text.size() && m_text[m_pos] == '\n') // \n alone, or the end of \r\n
        ++m_pos;
    ++m_line;
    return true;
}

size_t countLines(std::string_view text)
{
    const auto newlines = size_t(std::count(text.begin(), text.end(), '\n'));
    return 1 + (newlines > 0 ? newlines : size_t(std::count(text.begin(), text.end(), '\r')));
}

text::Position LineCounter::at(size_t offset)
{
    offset = std::min(offset, m_text.size());
    if (offset < m_offset)
        *this = LineCounter(m_text);
    for (; m_offset < offset; ++m_offset) {
        const char c = m_text[m_offset];
        const bool crlf = c == '\r' && m_offset + 1 < m_text.size() && m_text[m_offset + 1] == '\n';
        if ((c == '\n' || c == '\r') && !crlf) {
            ++m_line;
            m_lineStart = m_offset + 1;
        }
    }
    return {m_line, columnAt(m_text.substr(m_lineStart), offset - m_lineStart)};
}

Status writeWholeFile(const QString &path, std::string_view bytes)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return Error::io(QStringLiteral("cannot write the file: %1").arg(file.errorString()), path);
    if (file.write(bytes.data(), qint64(bytes.size())) != qint64(bytes.size()) || !file.commit())
        return Error::io(QStringLiteral("cannot write the file: %1").arg(file.errorString()), path);
    return {};
}

} // namespace tandem::formats
