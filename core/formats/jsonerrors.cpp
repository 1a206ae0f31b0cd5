// Error-path code for json.h: finding where a JSON text goes wrong, and where
// a value sits. simdjson reports neither, and QJsonDocument's offsets land up
// to a token late and accept input simdjson refuses (bad escapes, "1."), so a
// small scanner of our own gives exact positions. Never on the success path.
#include "json.h"

#include "util/text.h"

#include <vector>

namespace tandem::json {

namespace {

constexpr size_t npos = std::string_view::npos;

bool isSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
bool isDigit(char c) { return c >= '0' && c <= '9'; }
bool isHex(char c) { return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

size_t skipSpace(std::string_view s, size_t p)
{
    while (p < s.size() && isSpace(s[p]))
        ++p;
    return p;
}

// p at an opening quote; returns the offset after the closing one, or npos.
size_t skipString(std::string_view s, size_t p)
{
    for (++p; p < s.size(); ++p) {
        if (s[p] == '\\')
            ++p;
        else if (s[p] == '"')
            return p + 1;
    }
    return npos;
}

// Skips one value of valid JSON; returns the offset after it, or npos.
size_t skipValue(std::string_view s, size_t p)
{
    if (p >= s.size())
        return npos;
    if (s[p] == '"')
        return skipString(s, p);
    if (s[p] != '{' && s[p] != '[') {
        while (p < s.size() && !isSpace(s[p]) && s[p] != ',' && s[p] != '}' && s[p] != ']')
            ++p;
        return p;
    }
    int depth = 0;
    while (p < s.size()) {
        const char c = s[p];
        if (c == '"') {
            p = skipString(s, p);
            if (p == npos)
                return npos;
            continue;
        }
        if (c == '{' || c == '[')
            ++depth;
        else if ((c == '}' || c == ']') && --depth == 0)
            return p + 1;
        ++p;
    }
    return npos;
}

// From the first member or element of the container opened at p, to the
// value of `step` (a key or an index); npos if absent.
size_t descend(std::string_view s, size_t p, const Path &step)
{
    const char open = step.isKey() ? '{' : '[';
    const char close = step.isKey() ? '}' : ']';
    if (p >= s.size() || s[p] != open)
        return npos;
    p = skipSpace(s, p + 1);
    for (size_t index = 0; p < s.size() && s[p] != close; ++index) {
        if (step.isKey()) {
            const size_t keyEnd = skipString(s, p);
            if (keyEnd == npos)
                return npos;
            const bool match = s.substr(p + 1, keyEnd - p - 2) == step.keyName();
            p = skipSpace(s, keyEnd);
            if (p >= s.size() || s[p] != ':')
                return npos;
            p = skipSpace(s, p + 1);
            if (match)
                return p;
        } else if (index == step.arrayIndex()) {
            return p;
        }
        p = skipSpace(s, skipValue(s, p));
        if (p >= s.size() || s[p] != ',')
            return npos;
        p = skipSpace(s, p + 1);
    }
    return npos;
}

// A validating scan: the first offset where the text stops being JSON.
class SyntaxScan {
public:
    explicit SyntaxScan(std::string_view s) : m_s(s) {}

    struct Problem {
        size_t offset = npos; // npos: the text is valid
        std::string expected;
        bool atEnd = false;
        size_t unclosed = npos; // the innermost container or string left open
    };
    Problem run();

private:
    enum class Want { Value, ValueOrClose, KeyOrClose, Key, Colon, CommaOrClose, End };

    bool value(Want *next);
    bool string();
    bool number();
    bool literal();
    Want afterValue() const { return m_open.empty() ? Want::End : Want::CommaOrClose; }
    bool fail(size_t offset, std::string expected);

    std::string_view m_s;
    size_t m_p = 0;
    std::vector<size_t> m_open; // offsets of unclosed '{' and '['
    Problem m_problem;
};

bool SyntaxScan::fail(size_t offset, std::string expected)
{
    m_problem.offset = offset;
    m_problem.expected = std::move(expected);
    m_problem.atEnd = offset >= m_s.size();
    if (m_problem.atEnd && m_problem.unclosed == npos && !m_open.empty())
        m_problem.unclosed = m_open.back();
    return false;
}

SyntaxScan::Problem SyntaxScan::run()
{
    Want want = Want::Value;
    for (;;) {
        m_p = skipSpace(m_s, m_p);
        if (m_p >= m_s.size()) {
            if (want != Want::End)
                fail(m_p, want == Want::Colon ? "':'"
                          : want == Want::CommaOrClose ? (m_s[m_open.back()] == '{' ? "',' or '}'" : "',' or ']'")
                          : want == Want::Key || want == Want::KeyOrClose ? "a quoted key"
                                                                          : "a value");
            return m_problem;
        }
        const char c = m_s[m_p];
        const bool ok = [&] {
            switch (want) {
            case Want::ValueOrClose:
                if (c == ']') {
                    m_open.pop_back();
                    ++m_p;
                    want = afterValue();
                    return true;
                }
                [[fallthrough]];
            case Want::Value:
                return value(&want);
            case Want::KeyOrClose:
                if (c == '}') {
                    m_open.pop_back();
                    ++m_p;
                    want = afterValue();
                    return true;
                }
                [[fallthrough]];
            case Want::Key: {
                const char *expected = want == Want::KeyOrClose ? "a quoted key or '}'" : "a quoted key after ','";
                want = Want::Colon;
                return c == '"' ? string() : fail(m_p, expected);
            }
            case Want::Colon:
                want = Want::Value;
                return c == ':' ? (++m_p, true) : fail(m_p, "':' after the key");
            case Want::CommaOrClose: {
                const bool object = m_s[m_open.back()] == '{';
                if (c == ',') {
                    want = object ? Want::Key : Want::Value;
                    ++m_p;
                    return true;
                }
                if (c == (object ? '}' : ']')) {
                    m_open.pop_back();
                    ++m_p;
                    want = afterValue();
                    return true;
                }
                return fail(m_p, object ? "',' or '}'" : "',' or ']'");
            }
            case Want::End:
                return fail(m_p, "nothing more after the top-level value");
            }
            return false;
        }();
        if (!ok)
            return m_problem;
    }
}

bool SyntaxScan::value(Want *next)
{
    const char c = m_s[m_p];
    if (c == '{' || c == '[') {
        m_open.push_back(m_p++);
        *next = c == '{' ? Want::KeyOrClose : Want::ValueOrClose;
        return true;
    }
    const bool ok = c == '"' ? string() : (c == '-' || isDigit(c)) ? number() : literal();
    *next = afterValue();
    return ok;
}

bool SyntaxScan::string()
{
    const size_t start = m_p;
    for (size_t p = m_p + 1; p < m_s.size(); ++p) {
        const auto c = static_cast<unsigned char>(m_s[p]);
        if (c == '"') {
            m_p = p + 1;
            return true;
        }
        if (c < 0x20)
            return fail(p, "'\"' to close the string, or an escape such as \\n for a control character");
        if (c != '\\')
            continue;
        ++p;
        if (p < m_s.size() && std::string_view("\"\\/bfnrt").find(m_s[p]) != npos)
            continue;
        if (p < m_s.size() && m_s[p] == 'u') {
            size_t hex = 0;
            while (hex < 4 && p + 1 + hex < m_s.size() && isHex(m_s[p + 1 + hex]))
                ++hex;
            if (hex == 4) {
                p += 4;
                continue;
            }
            if (p + 1 + hex < m_s.size())
                return fail(p + 1 + hex, "four hex digits after \\u");
            break;
        }
        if (p < m_s.size())
            return fail(p - 1, "an escape: \\\" \\\\ \\/ \\b \\f \\n \\r \\t or \\uXXXX");
    }
    m_problem.unclosed = start;
    return fail(m_s.size(), "'\"'");
}

bool SyntaxScan::number()
{
    size_t p = m_p;
    const auto digits = [&] {
        const size_t start = p;
        while (p < m_s.size() && isDigit(m_s[p]))
            ++p;
        return p > start;
    };
    if (m_s[p] == '-')
        ++p;
    if (p < m_s.size() && m_s[p] == '0')
        ++p;
    else if (!digits())
        return fail(p, "a digit");
    if (p < m_s.size() && m_s[p] == '.' && (++p, !digits()))
        return fail(p, "a digit after the decimal point");
    if (p < m_s.size() && (m_s[p] == 'e' || m_s[p] == 'E')) {
        ++p;
        if (p < m_s.size() && (m_s[p] == '+' || m_s[p] == '-'))
            ++p;
        if (!digits())
            return fail(p, "a digit in the exponent");
    }
    m_p = p;
    return true;
}

bool SyntaxScan::literal()
{
    for (const std::string_view word : {"true", "false", "null"}) {
        if (m_s.substr(m_p, word.size()) == word) {
            m_p += word.size();
            return true;
        }
        if (word.substr(0, m_s.size() - m_p) == m_s.substr(m_p)) // "tr" at the very end
            return fail(m_s.size(), "the rest of '" + std::string(word) + "'");
    }
    return fail(m_p, "a value (a string, number, object, array, true, false or null)");
}

// What the scanner found where it stopped: "'x'", "a line break", ...
QString describeAt(std::string_view s, size_t offset)
{
    const auto c = static_cast<unsigned char>(s[offset]);
    if (c == '\n' || c == '\r')
        return QStringLiteral("a line break");
    if (c < 0x20)
        return QStringLiteral("control character U+%1").arg(c, 4, 16, QLatin1Char('0'));
    size_t length = 1;
    while (offset + length < s.size() && (static_cast<unsigned char>(s[offset + length]) & 0xC0) == 0x80)
        ++length;
    return QLatin1Char('\'') + QString::fromUtf8(s.data() + offset, qsizetype(length)) + QLatin1Char('\'');
}

} // namespace

size_t offsetOf(std::string_view json, const Path &path)
{
    std::vector<const Path *> steps;
    for (const Path *step = &path; step->parent(); step = step->parent())
        steps.push_back(step);
    size_t p = skipSpace(json, 0);
    for (auto step = steps.rbegin(); step != steps.rend() && p != npos; ++step)
        p = descend(json, p, **step);
    return p;
}

Error syntaxError(std::string_view text, const QString &file, int firstLine, const char *unit,
                  const char *parserMessage)
{
    const QString unitName = QLatin1String(unit);
    if (text::trimmed(text).empty())
        return Error::input(QStringLiteral("the %1 is empty: expected a JSON value").arg(unitName), file);
    const SyntaxScan::Problem problem = SyntaxScan(text).run();
    if (problem.offset == npos) // valid JSON beyond simdjson's limits (nesting depth, huge numbers)
        return Error::input(QStringLiteral("cannot parse JSON: %1").arg(QLatin1String(parserMessage)), file,
                            std::string_view(unit) == "line" ? firstLine : 0);
    const auto where = [&](size_t offset) {
        const text::Position pos = text::positionOf(text, offset);
        return text::Position{firstLine + pos.line - 1, pos.column};
    };
    QString message;
    size_t offset = problem.offset;
    if (problem.atEnd) {
        offset = text.find_last_not_of(" \t\r\n") + 1; // just after the last character
        message = QStringLiteral("unexpected end of %1 (truncated?): expected %2")
                      .arg(unitName, QString::fromStdString(problem.expected));
        if (problem.unclosed != npos) {
            const text::Position open = where(problem.unclosed);
            const char *what = text[problem.unclosed] == '{' ? "object" : text[problem.unclosed] == '[' ? "array" : "string";
            message += QStringLiteral("; the %1 that starts at line %2, column %3 is not closed")
                           .arg(QLatin1String(what)).arg(open.line).arg(open.column);
        }
    } else {
        message = QStringLiteral("expected %1, found %2")
                      .arg(QString::fromStdString(problem.expected), describeAt(text, offset));
    }
    const text::Position pos = where(offset);
    return Error::input(message, file, pos.line, pos.column);
}

} // namespace tandem::json
