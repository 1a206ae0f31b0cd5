#include "json.h"

#include "formats/textfile.h"
#include "util/memory.h"
#include "util/text.h"

#include <QFileInfo>
#include <algorithm>
#include <charconv>
#include <climits>
#include <simdjson.h>

namespace tandem::json {

using simdjson::dom::element;
using simdjson::dom::element_type;

Expected<QByteArray> readText(const QString &path, QStringList *warnings)
{
    Expected<formats::TextFile> file = formats::readTextFile(path, simdjson::SIMDJSON_PADDING);
    if (!file)
        return file.error();
    if (!file->warning.isEmpty() && warnings)
        warnings->append(QFileInfo(path).fileName() + QStringLiteral(": ") + file->warning);
    return std::move(file->utf8);
}

std::string Path::toString() const
{
    std::string out;
    if (!m_parent)
        return out;
    out = m_parent->toString();
    if (isKey()) {
        if (!out.empty())
            out += '.';
        out += m_key;
    } else {
        out += '[' + std::to_string(m_index) + ']';
    }
    return out;
}

// Sizes the parser for a large document up front so that its buffers (tape,
// strings, structural indexes: several bytes per input byte) get huge pages.
// The pointers are simdjson's documented-as-private members; the sizes are
// lower bounds of what document::allocate() and stage 1 request.
static void reserveLarge(simdjson::dom::parser &parser, simdjson::dom::document &doc, size_t length)
{
    constexpr size_t kLarge = size_t(8) << 20;
    if (length < kLarge || parser.capacity() >= length || parser.allocate(length) != simdjson::SUCCESS
        || doc.allocate(length) != simdjson::SUCCESS) // parsing would size it, too late to advise
        return;
    memory::preferHugePages(doc.tape.get(), (length + 3) * sizeof(uint64_t));
    memory::preferHugePages(doc.string_buf.get(), 5 * length / 3);
    memory::preferHugePages(parser.implementation->structural_indexes.get(), (length + 3) * sizeof(uint32_t));
}

struct Document::State {
    simdjson::dom::parser parser;  // stage-1 buffers: needed while parsing only
    simdjson::dom::document doc;   // the tape and strings that `root` points into
    element root;
    std::string_view text;         // empty after releaseInput()
    bool textReleased = false;     // errors then read the file again for their positions
    QString file;
    int firstLine = 1;
    bool singleLine = false; // a JSONL line: its line number is known even without a column
};

Document::Document() : d(std::make_unique<State>()) {}
Document::~Document() = default;

Status Document::parse(const QByteArray &buffer, std::string_view text, const QString &file, int firstLine,
                       const char *unit)
{
    d->text = text;
    d->textReleased = false;
    d->file = file;
    d->firstLine = firstLine;
    d->singleLine = std::string_view(unit) == "line";
    // simdjson reads up to simdjson::SIMDJSON_PADDING bytes past the end: parse in place
    // when the buffer's allocation covers them, else let simdjson copy.
    const char *allocationEnd = buffer.constData() + buffer.capacity();
    const bool padded = text.data() >= buffer.constData()
                        && text.data() + text.size() + simdjson::SIMDJSON_PADDING <= allocationEnd;
    reserveLarge(d->parser, d->doc, text.size());
    const simdjson::error_code code = d->parser.parse_into_document(d->doc, text.data(), text.size(), !padded).get(d->root);
    if (code)
        return syntaxError(text, file, firstLine, unit, simdjson::error_message(code));
    return {};
}

void Document::releaseInput()
{
    d->parser = simdjson::dom::parser();
    d->text = {};
    d->textReleased = true;
}

element Document::root() const { return d->root; }
const QString &Document::file() const { return d->file; }

Error Document::error(const Path &at, const QString &message) const
{
    const std::string path = at.toString();
    const QString text = path.empty() ? message : QString::fromStdString(path) + QStringLiteral(": ") + message;
    Expected<QByteArray> reread = d->textReleased ? readText(d->file, nullptr) : Expected<QByteArray>(QByteArray());
    const std::string_view source = d->textReleased && reread ? std::string_view(reread->constData(), size_t(reread->size()))
                                                              : d->text;
    const size_t offset = offsetOf(source, at);
    if (offset == std::string_view::npos)
        return Error::input(text, d->file, d->singleLine ? d->firstLine : 0);
    const text::Position pos = text::positionOf(source, offset);
    return Error::input(text, d->file, d->firstLine + pos.line - 1, pos.column);
}

Error Document::wrongType(const element &value, const Path &at, const char *expected) const
{
    return error(at, QStringLiteral("expected %1, found %2").arg(QLatin1String(expected), QLatin1String(describe(value))));
}

Expected<element> Document::required(const simdjson::dom::object &parent, std::string_view key, const Path &at,
                                     const char *expected) const
{
    element value;
    if (parent.at_key(key).get(value))
        return error(at, QStringLiteral("missing \"%1\" (expected %2)")
                             .arg(QString::fromUtf8(key.data(), qsizetype(key.size())), QLatin1String(expected)));
    return value;
}

Expected<simdjson::dom::object> Document::object(const element &value, const Path &at) const
{
    simdjson::dom::object object;
    if (value.get(object))
        return wrongType(value, at, "an object");
    return object;
}

Expected<simdjson::dom::array> Document::array(const element &value, const Path &at) const
{
    simdjson::dom::array array;
    if (value.get(array))
        return wrongType(value, at, "an array");
    return array;
}

Expected<simdjson::dom::array> Document::array(const simdjson::dom::object &parent, std::string_view key,
                                               const Path &at) const
{
    auto value = required(parent, key, at, "an array");
    if (!value)
        return value.error();
    return array(*value, at.key(key));
}

Expected<std::string_view> Document::string(const element &value, const Path &at) const
{
    std::string_view text;
    if (value.get(text))
        return wrongType(value, at, "a string");
    return text;
}

Expected<std::string_view> Document::string(const simdjson::dom::object &parent, std::string_view key,
                                            const Path &at) const
{
    auto value = required(parent, key, at, "a string");
    if (!value)
        return value.error();
    return string(*value, at.key(key));
}

Expected<std::string_view> Document::optionalString(const simdjson::dom::object &parent, std::string_view key,
                                                    const Path &at) const
{
    element value;
    if (!find(parent, key, &value))
        return std::string_view();
    return string(value, at.key(key));
}

// "42" -> 42; "042", "+42", "4.2", "x" stay text (they would not print back the same).
static bool spellsNumber(std::string_view text, int64_t *number)
{
    const char *end = text.data() + text.size();
    const auto parsed = std::from_chars(text.data(), end, *number);
    if (parsed.ec != std::errc() || parsed.ptr != end || text.empty())
        return false;
    const std::string_view digits = text[0] == '-' ? text.substr(1) : text;
    return digits.size() == 1 || digits[0] != '0';
}

std::string IdKey::toString() const
{
    if (!numeric)
        return std::string(text);
    char digits[24];
    return std::string(digits, std::to_chars(digits, digits + sizeof digits, number).ptr);
}

void IdIndex::reserve(size_t count) { m_count = std::max(m_count, count); }

// The table may grow to 8 entries per id expected (at least 1M): 4 bytes each.
bool IdIndex::fitsTable(int64_t number, size_t index)
{
    const size_t limit = std::max<size_t>(size_t(1) << 20, 8 * m_count);
    if (number < 0 || size_t(number) >= limit || index >= UINT32_MAX)
        return false;
    if (size_t(number) >= m_table.size())
        m_table.resize(std::min(limit, std::max(size_t(number) + 1, 2 * m_table.size())), 0);
    return true;
}

size_t IdIndex::findNumber(int64_t number) const
{
    if (number >= 0 && size_t(number) < m_table.size() && m_table[size_t(number)] != 0)
        return m_table[size_t(number)] - 1;
    if (m_numbers.empty())
        return npos;
    const auto found = m_numbers.find(number);
    return found == m_numbers.end() ? npos : found->second;
}

size_t IdIndex::find(const IdKey &id) const
{
    if (id.numeric)
        return findNumber(id.number);
    const auto found = m_texts.find(std::string(id.text));
    return found == m_texts.end() ? npos : found->second;
}

std::pair<size_t, bool> IdIndex::insert(const IdKey &id, size_t index)
{
    if (!id.numeric) {
        const auto [stored, added] = m_texts.try_emplace(std::string(id.text), index);
        return {stored->second, added};
    }
    if (const size_t known = findNumber(id.number); known != npos)
        return {known, false};
    if (fitsTable(id.number, index))
        m_table[size_t(id.number)] = uint32_t(index + 1);
    else {
        if (m_numbers.empty())
            m_numbers.reserve(m_count);
        m_numbers.emplace(id.number, index);
    }
    return {index, true};
}

Expected<IdKey> Document::idKey(const element &value, const Path &at) const
{
    IdKey key;
    if (!value.get(key.number))
        key.numeric = true;
    else if (!value.get(key.text))
        key.numeric = spellsNumber(key.text, &key.number);
    else
        return wrongType(value, at, value.is_uint64() ? "an id below 2^63" : "an id (an integer or a string)");
    return key;
}

Expected<IdKey> Document::idKey(const simdjson::dom::object &parent, std::string_view key, const Path &at) const
{
    auto value = required(parent, key, at, "an id (an integer or a string)");
    if (!value)
        return value.error();
    return idKey(*value, at.key(key));
}

Expected<std::string> Document::id(const element &value, const Path &at) const
{
    auto key = idKey(value, at);
    if (!key)
        return key.error();
    return key->toString();
}

Expected<std::string> Document::id(const simdjson::dom::object &parent, std::string_view key, const Path &at) const
{
    auto value = required(parent, key, at, "an id (an integer or a string)");
    if (!value)
        return value.error();
    return id(*value, at.key(key));
}

Expected<std::string> Document::optionalId(const simdjson::dom::object &parent, std::string_view key,
                                           const Path &at) const
{
    element value;
    if (!find(parent, key, &value))
        return std::string();
    return id(value, at.key(key));
}

Expected<int> Document::optionalSize(const simdjson::dom::object &parent, std::string_view key, const Path &at) const
{
    element value;
    if (!find(parent, key, &value))
        return 0;
    int64_t size = 0;
    if (value.get(size))
        return wrongType(value, at.key(key), "a whole number");
    if (size < 0 || size > INT_MAX)
        return error(at.key(key), QStringLiteral("%1 is out of range (expected 0 to %2)").arg(size).arg(INT_MAX));
    return int(size);
}

bool find(const simdjson::dom::object &parent, std::string_view key, element *value)
{
    return !parent.at_key(key).get(*value) && !value->is_null();
}

const char *describe(const element &value)
{
    switch (value.type()) {
    case element_type::ARRAY: return "an array";
    case element_type::OBJECT: return "an object";
    case element_type::INT64:
    case element_type::UINT64: return "a number";
    case element_type::DOUBLE: return "a decimal number";
    case element_type::STRING: return "a string";
    case element_type::BOOL: return "true or false";
    case element_type::NULL_VALUE: return "null";
    }
    return "a value";
}

bool Sample::startsWithObject() const
{
    const std::string_view start = text::trimmed(head);
    return !start.empty() && start.front() == '{';
}

bool Sample::has(std::string_view key) const
{
    return hasKey(head, key) || hasKey(tail, key);
}

Sample sample(const QString &path, int bytes)
{
    const formats::TextHead head = formats::readTextHead(path, bytes, bytes);
    return {head.utf8.toStdString(), head.tail.toStdString()};
}

bool hasKey(std::string_view text, std::string_view key)
{
    const std::string quoted = '"' + std::string(key) + '"';
    for (size_t at = text.find(quoted); at != std::string_view::npos; at = text.find(quoted, at + 1)) {
        const std::string_view rest = text::trimmed(text.substr(at + quoted.size()));
        if (!rest.empty() && rest.front() == ':')
            return true;
    }
    return false;
}

} // namespace tandem::json
