#include "text.h"

#include <QStringDecoder>
#include <simdjson.h>

namespace tandem::text {

bool isValidUtf8(std::string_view bytes)
{
    return simdjson::validate_utf8(bytes.data(), bytes.size());
}

static QByteArray fromUtf16(const QByteArray &bytes, QStringDecoder::Encoding encoding)
{
    QStringDecoder decoder(encoding, QStringDecoder::Flag::ConvertInitialBom);
    return QString(decoder(bytes)).toUtf8();
}

// Windows-1252 is what "not UTF-8" almost always means for caption files made
// on Windows; its C1 range maps to typographic quotes and dashes.
static QByteArray fromWindows1252(const QByteArray &bytes)
{
    static const char16_t c1[32] = {
        0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
        0x2039, 0x0152, 0x008D, 0x017D, 0x008F, 0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
        0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178};
    QString out;
    out.reserve(bytes.size());
    for (char ch : bytes) {
        const auto b = static_cast<unsigned char>(ch);
        out.append(b >= 0x80 && b < 0xA0 ? QChar(c1[b - 0x80]) : QChar(b));
    }
    return out.toUtf8();
}

Decoded toUtf8(QByteArray bytes)
{
    if (bytes.startsWith("\xEF\xBB\xBF"))
        bytes.remove(0, 3);
    else if (bytes.startsWith("\xFF\xFE"))
        return {fromUtf16(bytes.mid(2), QStringDecoder::Utf16LE), {}};
    else if (bytes.startsWith("\xFE\xFF"))
        return {fromUtf16(bytes.mid(2), QStringDecoder::Utf16BE), {}};
    if (isValidUtf8({bytes.constData(), size_t(bytes.size())}))
        return {std::move(bytes), {}};
    return {fromWindows1252(bytes),
            QStringLiteral("text is not valid UTF-8; read it as Windows-1252 (Latin-1)")};
}

Position positionOf(std::string_view utf8, size_t offset)
{
    Position pos;
    offset = std::min(offset, utf8.size());
    for (size_t i = 0; i < offset; ++i) {
        const auto b = static_cast<unsigned char>(utf8[i]);
        if (b == '\r' && i + 1 < utf8.size() && utf8[i + 1] == '\n')
            continue; // \r\n: the \n ends the line
        if (b == '\n' || b == '\r') { // the line ends splitLines accepts
            ++pos.line;
            pos.column = 1;
        } else if ((b & 0xC0) != 0x80) { // count code points, not continuation bytes
            ++pos.column;
        }
    }
    return pos;
}

std::vector<std::string_view> splitLines(std::string_view text)
{
    std::vector<std::string_view> lines;
    size_t start = 0;
    for (size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '\n' && text[i] != '\r')
            continue;
        lines.push_back(text.substr(start, i - start));
        if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n')
            ++i;
        start = i + 1;
    }
    if (start < text.size())
        lines.push_back(text.substr(start));
    return lines;
}

std::string_view trimmed(std::string_view s)
{
    const auto isSpace = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v'; };
    while (!s.empty() && isSpace(s.front()))
        s.remove_prefix(1);
    while (!s.empty() && isSpace(s.back()))
        s.remove_suffix(1);
    return s;
}

std::string lower(std::string_view s)
{
    std::string out(s);
    for (char &c : out)
        if (c >= 'A' && c <= 'Z')
            c = char(c - 'A' + 'a');
    return out;
}

bool endsWith(std::string_view s, std::string_view suffix)
{
    return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

} // namespace tandem::text
