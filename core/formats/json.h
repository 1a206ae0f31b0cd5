#pragma once
// JSON code shared by the format plugins (COCO, VQA, JSONL): simdjson DOM
// parsing whose errors name file, line and column; typed field access whose
// errors name the JSON path ("annotations[12].caption: expected a string,
// found a number"); string escaping and atomic file writes for the writers.
//
// simdjson is only forward-declared here, so that tandem_core's other users do
// not compile its 1 MB header: plugins that walk the DOM include <simdjson.h>
// and link simdjson::simdjson themselves.
#include "util/expected.h"

#include <QByteArray>
#include <QString>
#include <QStringList>
#include <charconv>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace simdjson::dom {
class parser;
class element;
class array;
class object;
} // namespace simdjson::dom

namespace tandem::json {

// A file's text as UTF-8 (formats::readTextFile; a conversion warning naming
// the file is appended to *warnings). The buffer keeps spare capacity after its
// end so that Document can parse it, or any line of it, without a copy.
Expected<QByteArray> readText(const QString &path, QStringList *warnings);

// Where a value sits in a document: "annotations[12].caption". Built on the
// stack while descending (no allocation); made into text only for errors.
class Path {
public:
    Path() = default; // the document's top level
    Path key(std::string_view name) const { return Path(this, name, 0); }
    Path index(size_t i) const { return Path(this, {}, i); }

    std::string toString() const;
    const Path *parent() const { return m_parent; }
    bool isKey() const { return m_key.data() != nullptr; }
    std::string_view keyName() const { return m_key; }
    size_t arrayIndex() const { return m_index; }

private:
    Path(const Path *parent, std::string_view key, size_t index) : m_parent(parent), m_key(key), m_index(index) {}
    const Path *m_parent = nullptr;
    std::string_view m_key;
    size_t m_index = 0;
};

// Byte offset of the value at `path` in valid JSON text, or npos when it
// cannot be found (an escaped key, say). Walks the text: for errors only.
size_t offsetOf(std::string_view json, const Path &path);

// Why text that simdjson refused is malformed, with line and column: a small
// validating scan of the text (error path only). `unit` is "file" or "line".
Error syntaxError(std::string_view text, const QString &file, int firstLine, const char *unit,
                  const char *parserMessage);

// An id ("id": 397133 or "id": "abc") as a map key. Integers, and strings
// that spell one exactly, are numbers, so "42" and 42 name the same thing.
struct IdKey {
    bool numeric = false;
    int64_t number = 0;
    std::string_view text; // when not numeric; points into the document
    std::string toString() const;
};

// Ids to indexes, without turning every number into a string. Small
// non-negative numbers (COCO's image ids: 118k of them below 600k) go to a
// direct table, a cache miss less per lookup than a hash map; others to hashes.
class IdIndex {
public:
    void reserve(size_t count);
    static constexpr size_t npos = size_t(-1);
    size_t find(const IdKey &id) const; // npos when absent
    // Stores id -> index unless the id is known; returns the stored index and
    // whether it was added.
    std::pair<size_t, bool> insert(const IdKey &id, size_t index);

private:
    bool fitsTable(int64_t number, size_t index);
    size_t findNumber(int64_t number) const;

    std::vector<uint32_t> m_table; // number -> index + 1; 0 when absent
    size_t m_count = 0;
    std::unordered_map<int64_t, size_t> m_numbers;
    std::unordered_map<std::string, size_t> m_texts;
};

// A parsed document (or one JSONL line) and the context its errors need.
// Reuse one Document for many lines: simdjson keeps its buffers.
class Document {
public:
    Document();
    ~Document();
    Document(const Document &) = delete;
    Document &operator=(const Document &) = delete;

    // Parses `text`, which lies inside `buffer` (from readText: no copy is
    // made when the buffer's spare capacity covers simdjson's padding).
    // `firstLine` is the line number of the text's first line in the file.
    Status parse(const QByteArray &buffer, std::string_view text, const QString &file,
                 int firstLine = 1, const char *unit = "file");

    // After a successful parse of a whole file: frees the parser's working
    // buffers (4 bytes per input byte) and stops using the text, which the
    // caller may then free; the tree stays. Errors read the file again to
    // find their line and column.
    void releaseInput();

    simdjson::dom::element root() const;
    const QString &file() const;

    // "<path>: <message>" at the path's line and column.
    Error error(const Path &at, const QString &message) const;

    // Typed access. Required fields that are missing, and values of the wrong
    // type, give "<path>: expected <type>, found <type>".
    Expected<simdjson::dom::object> object(const simdjson::dom::element &value, const Path &at) const;
    Expected<simdjson::dom::array> array(const simdjson::dom::element &value, const Path &at) const;
    Expected<simdjson::dom::array> array(const simdjson::dom::object &parent, std::string_view key,
                                         const Path &at) const;
    Expected<std::string_view> string(const simdjson::dom::element &value, const Path &at) const;
    Expected<std::string_view> string(const simdjson::dom::object &parent, std::string_view key,
                                      const Path &at) const;
    // Missing or null: "".
    Expected<std::string_view> optionalString(const simdjson::dom::object &parent, std::string_view key,
                                              const Path &at) const;
    // An id is an integer or a string: as a key, or as text ("397133").
    Expected<IdKey> idKey(const simdjson::dom::element &value, const Path &at) const;
    Expected<IdKey> idKey(const simdjson::dom::object &parent, std::string_view key, const Path &at) const;
    Expected<std::string> id(const simdjson::dom::element &value, const Path &at) const;
    Expected<std::string> id(const simdjson::dom::object &parent, std::string_view key, const Path &at) const;
    Expected<std::string> optionalId(const simdjson::dom::object &parent, std::string_view key,
                                     const Path &at) const;
    // A size (width, height): an integer from 0 to INT_MAX; missing or null: 0.
    Expected<int> optionalSize(const simdjson::dom::object &parent, std::string_view key, const Path &at) const;

private:
    Expected<simdjson::dom::element> required(const simdjson::dom::object &parent, std::string_view key,
                                              const Path &at, const char *expected) const;
    Error wrongType(const simdjson::dom::element &value, const Path &at, const char *expected) const;

    struct State;
    std::unique_ptr<State> d;
};

// The member `key` of `parent`; false when it is absent or null.
bool find(const simdjson::dom::object &parent, std::string_view key, simdjson::dom::element *value);

// "a string", "a number", "an array", ...: what a value is, for messages.
const char *describe(const simdjson::dom::element &value);

// A quick look for sniff(): the first and last few KB of a file as UTF-8
// (formats::readTextHead). COCO puts "annotations" after every image, so the
// head alone can miss it.
struct Sample {
    std::string head;
    std::string tail; // empty for small files (the head holds all of it)
    bool startsWithObject() const;
    bool has(std::string_view key) const; // hasKey in the head or the tail
};
Sample sample(const QString &path, int bytes = 4096);

// True when the text holds "key" followed by ':' (a key, not a string value).
bool hasKey(std::string_view text, std::string_view key);

// Appends `s` as a quoted JSON string: control characters escaped, other
// text kept as UTF-8 (invalid UTF-8 becomes U+FFFD, so the output parses).
void appendString(std::string &out, std::string_view s);

inline void appendNumber(std::string &out, int64_t n)
{
    char digits[24];
    out.append(digits, std::to_chars(digits, digits + sizeof digits, n).ptr);
}

// Writes `contents` to `path` atomically (formats::writeWholeFile), creating
// its folder; a path that is a folder is a usage error.
Status writeFile(const QString &path, std::string_view contents);

} // namespace tandem::json
