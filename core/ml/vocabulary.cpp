#include "ml/vocabulary.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <map>

namespace tandem::ml {
namespace {

const char *const kSpecialWords[] = {"<pad>", "<unk>", "<bos>", "<eos>"};

bool isAsciiLetterOrDigit(char c)
{
    return std::isalnum(static_cast<unsigned char>(c)) != 0;
}

bool isSplitPunctuation(const std::string &text, size_t i)
{
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c >= 0x80 || !std::ispunct(c))
        return false;
    // "what's", "left-most": joiners between two letters or digits stay in the word.
    const bool joiner = c == '\'' || c == '-';
    const bool inside = i > 0 && i + 1 < text.size() && isAsciiLetterOrDigit(text[i - 1])
                        && isAsciiLetterOrDigit(text[i + 1]);
    return !(joiner && inside);
}

// Most frequent first, ties in byte order: deterministic ids for the same input.
std::vector<std::string> byFrequency(const std::map<std::string, int> &counts, int minCount)
{
    std::vector<std::pair<std::string, int>> kept;
    for (const auto &[key, count] : counts)
        if (count >= minCount)
            kept.emplace_back(key, count);
    std::stable_sort(kept.begin(), kept.end(),
                     [](const auto &a, const auto &b) { return a.second > b.second; });
    std::vector<std::string> keys;
    for (auto &entry : kept)
        keys.push_back(std::move(entry.first));
    return keys;
}

std::vector<std::string> splitLines(const std::string &text)
{
    std::vector<std::string> lines;
    size_t start = 0;
    while (start < text.size()) {
        size_t end = text.find('\n', start);
        if (end == std::string::npos)
            end = text.size();
        std::string line = text.substr(start, end - start);
        if (!line.empty() && line.back() == '\r')
            line.pop_back();
        lines.push_back(std::move(line));
        start = end + 1;
    }
    return lines;
}

std::string jsonQuoted(const std::string &s)
{
    std::string out = "\"";
    for (const char ch : s) {
        const unsigned char c = static_cast<unsigned char>(ch);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += ch;
        } else if (c < 0x20) {
            char buffer[8];
            std::snprintf(buffer, sizeof buffer, "\\u%04x", c);
            out += buffer;
        } else {
            out += ch;
        }
    }
    return out + "\"";
}

void appendUtf8(std::string &out, unsigned codePoint)
{
    if (codePoint < 0x80) {
        out += char(codePoint);
    } else if (codePoint < 0x800) {
        out += char(0xC0 | (codePoint >> 6));
        out += char(0x80 | (codePoint & 0x3F));
    } else {
        out += char(0xE0 | (codePoint >> 12));
        out += char(0x80 | ((codePoint >> 6) & 0x3F));
        out += char(0x80 | (codePoint & 0x3F));
    }
}

// Reads the array of strings that follows "words": in a JSON object. Enough
// JSON for what toJson() writes and for hand-edited files (white space,
// escapes, \uXXXX in the basic plane).
class WordArrayReader {
public:
    explicit WordArrayReader(const std::string &json) : m_json(json) {}

    Result<std::vector<std::string>> read()
    {
        const size_t key = m_json.find("\"words\"");
        if (key == std::string::npos)
            return fail("no \"words\" key");
        m_pos = key + 7;
        if (!expect(':') || !expect('['))
            return fail("expected \"words\": [");
        std::vector<std::string> words;
        skipSpace();
        if (peek() == ']')
            return words;
        while (true) {
            std::string word;
            if (!readString(word))
                return fail("expected a string");
            words.push_back(std::move(word));
            skipSpace();
            if (peek() == ',') {
                ++m_pos;
                continue;
            }
            if (peek() == ']')
                return words;
            return fail("expected , or ]");
        }
    }

private:
    Result<std::vector<std::string>> fail(const std::string &what) const
    {
        return Result<std::vector<std::string>>::failure("vocabulary JSON, byte " + std::to_string(m_pos)
                                                         + ": " + what);
    }
    void skipSpace()
    {
        while (m_pos < m_json.size() && std::isspace(static_cast<unsigned char>(m_json[m_pos])))
            ++m_pos;
    }
    char peek() const { return m_pos < m_json.size() ? m_json[m_pos] : '\0'; }
    bool expect(char c)
    {
        skipSpace();
        if (peek() != c)
            return false;
        ++m_pos;
        return true;
    }
    bool readString(std::string &out)
    {
        if (!expect('"'))
            return false;
        while (m_pos < m_json.size()) {
            const char c = m_json[m_pos++];
            if (c == '"')
                return true;
            if (c != '\\') {
                out += c;
                continue;
            }
            if (m_pos >= m_json.size())
                return false;
            const char e = m_json[m_pos++];
            switch (e) {
            case 'n': out += '\n'; break;
            case 't': out += '\t'; break;
            case 'r': out += '\r'; break;
            case 'b': out += '\b'; break;
            case 'f': out += '\f'; break;
            case 'u': {
                if (m_pos + 4 > m_json.size())
                    return false;
                appendUtf8(out, unsigned(std::stoul(m_json.substr(m_pos, 4), nullptr, 16)));
                m_pos += 4;
                break;
            }
            default: out += e; // \" \\ \/
            }
        }
        return false;
    }

    const std::string &m_json;
    size_t m_pos = 0;
};

} // namespace

std::vector<std::string> tokenize(const std::string &text)
{
    std::vector<std::string> tokens;
    std::string current;
    const auto flush = [&] {
        if (!current.empty())
            tokens.push_back(std::move(current));
        current.clear();
    };
    for (size_t i = 0; i < text.size(); ++i) {
        const unsigned char c = static_cast<unsigned char>(text[i]);
        if (c < 0x80 && std::isspace(c)) {
            flush();
        } else if (isSplitPunctuation(text, i)) {
            flush();
            tokens.emplace_back(1, char(c));
        } else {
            current += c < 0x80 ? char(std::tolower(c)) : char(c);
        }
    }
    flush();
    return tokens;
}

Vocabulary::Vocabulary()
{
    for (const char *special : kSpecialWords)
        add(special);
}

void Vocabulary::add(const std::string &word)
{
    if (m_ids.emplace(word, size()).second)
        m_words.push_back(word);
}

Vocabulary Vocabulary::build(const std::vector<std::string> &texts, int minCount, size_t maxWords)
{
    std::map<std::string, int> counts;
    for (const auto &text : texts)
        for (const auto &token : tokenize(text))
            ++counts[token];
    Vocabulary vocabulary;
    for (const auto &word : byFrequency(counts, std::max(1, minCount))) {
        if (maxWords > 0 && size_t(vocabulary.size()) >= maxWords)
            break;
        vocabulary.add(word);
    }
    return vocabulary;
}

int64_t Vocabulary::id(const std::string &word) const
{
    const auto it = m_ids.find(word);
    return it == m_ids.end() ? kUnk : it->second;
}

const std::string &Vocabulary::word(int64_t id) const
{
    return id >= 0 && id < size() ? m_words[size_t(id)] : m_words[size_t(kUnk)];
}

std::vector<int64_t> Vocabulary::encode(const std::string &text, bool withBosEos) const
{
    std::vector<int64_t> ids;
    if (withBosEos)
        ids.push_back(kBos);
    for (const auto &token : tokenize(text))
        ids.push_back(id(token));
    if (withBosEos)
        ids.push_back(kEos);
    return ids;
}

std::string Vocabulary::decode(const std::vector<int64_t> &ids) const
{
    std::string text;
    for (const int64_t id : ids) {
        if (id == kEos)
            break;
        if (id == kPad || id == kBos)
            continue;
        if (!text.empty())
            text += ' ';
        text += word(id);
    }
    return text;
}

std::string Vocabulary::toText() const
{
    std::string text;
    for (const auto &word : m_words)
        text += word + '\n';
    return text;
}

std::string Vocabulary::toJson() const
{
    std::string json = "{\"words\":[";
    for (size_t i = 0; i < m_words.size(); ++i)
        json += (i ? "," : "") + jsonQuoted(m_words[i]);
    return json + "]}\n";
}

Result<Vocabulary> Vocabulary::fromWords(std::vector<std::string> words)
{
    for (int64_t i = 0; i < kSpecials; ++i)
        if (size_t(i) >= words.size() || words[size_t(i)] != kSpecialWords[i])
            return Result<Vocabulary>::failure("vocabulary entry " + std::to_string(i) + " must be "
                                               + kSpecialWords[i]);
    Vocabulary vocabulary;
    for (size_t i = size_t(kSpecials); i < words.size(); ++i) {
        if (words[i].empty() || vocabulary.contains(words[i]))
            return Result<Vocabulary>::failure("vocabulary entry " + std::to_string(i)
                                               + " is empty or repeated: '" + words[i] + "'");
        vocabulary.add(words[i]);
    }
    return vocabulary;
}

Result<Vocabulary> Vocabulary::fromText(const std::string &text)
{
    auto lines = splitLines(text);
    while (!lines.empty() && lines.back().empty())
        lines.pop_back();
    return fromWords(std::move(lines));
}

Result<Vocabulary> Vocabulary::fromJson(const std::string &json)
{
    auto words = WordArrayReader(json).read();
    if (!words)
        return Result<Vocabulary>::failure(words.error());
    return fromWords(std::move(words).value());
}

LabelSet LabelSet::build(const std::vector<std::string> &labels, int minCount)
{
    std::map<std::string, int> counts;
    for (const auto &label : labels)
        if (!label.empty() && label.find('\n') == std::string::npos)
            ++counts[label];
    LabelSet set;
    for (auto &label : byFrequency(counts, std::max(1, minCount))) {
        set.m_indices.emplace(label, set.size());
        set.m_labels.push_back(std::move(label));
    }
    return set;
}

int64_t LabelSet::index(const std::string &label) const
{
    const auto it = m_indices.find(label);
    return it == m_indices.end() ? -1 : it->second;
}

const std::string &LabelSet::label(int64_t index) const
{
    static const std::string none;
    return index >= 0 && index < size() ? m_labels[size_t(index)] : none;
}

std::string LabelSet::toText() const
{
    std::string text;
    for (const auto &label : m_labels)
        text += label + '\n';
    return text;
}

Result<LabelSet> LabelSet::fromText(const std::string &text)
{
    LabelSet set;
    for (auto &line : splitLines(text)) {
        if (line.empty())
            continue;
        if (!set.m_indices.emplace(line, set.size()).second)
            return Result<LabelSet>::failure("answer '" + line + "' is listed twice");
        set.m_labels.push_back(std::move(line));
    }
    return set;
}

} // namespace tandem::ml
