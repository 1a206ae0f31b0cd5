#include "eval/unicodetext.h"

namespace tandem::eval::text {
namespace {

constexpr char32_t kReplacement = 0xFFFD;

// Length of the UTF-8 sequence a lead byte starts, 0 when it cannot start one.
int sequenceLength(unsigned char lead)
{
    if (lead < 0x80)
        return 1;
    if (lead >= 0xC2 && lead <= 0xDF)
        return 2;
    if (lead >= 0xE0 && lead <= 0xEF)
        return 3;
    if (lead >= 0xF0 && lead <= 0xF4)
        return 4;
    return 0;
}

bool isContinuation(unsigned char byte) { return (byte & 0xC0) == 0x80; }

} // namespace

std::u32string decodeUtf8(const std::string &utf8)
{
    std::u32string out;
    out.reserve(utf8.size());
    for (std::size_t i = 0; i < utf8.size();) {
        const auto lead = static_cast<unsigned char>(utf8[i]);
        const int length = sequenceLength(lead);
        bool valid = length > 0 && i + length <= utf8.size();
        for (int k = 1; valid && k < length; ++k)
            valid = isContinuation(static_cast<unsigned char>(utf8[i + k]));
        if (!valid) {
            out.push_back(kReplacement);
            ++i;
            continue;
        }
        char32_t c = length == 1 ? lead : lead & (0xFF >> (length + 1));
        for (int k = 1; k < length; ++k)
            c = (c << 6) | (static_cast<unsigned char>(utf8[i + k]) & 0x3F);
        const bool overlong = (length == 3 && c < 0x800) || (length == 4 && c < 0x10000);
        const bool surrogate = c >= 0xD800 && c <= 0xDFFF;
        out.push_back(overlong || surrogate || c > 0x10FFFF ? kReplacement : c);
        i += length;
    }
    return out;
}

std::string encodeUtf8(const std::u32string &text)
{
    std::string out;
    out.reserve(text.size());
    for (char32_t c : text) {
        if (c < 0x80) {
            out.push_back(static_cast<char>(c));
        } else if (c < 0x800) {
            out.push_back(static_cast<char>(0xC0 | (c >> 6)));
            out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
        } else if (c < 0x10000) {
            out.push_back(static_cast<char>(0xE0 | (c >> 12)));
            out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
            out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
        } else {
            out.push_back(static_cast<char>(0xF0 | (c >> 18)));
            out.push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
            out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
            out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
        }
    }
    return out;
}

bool isPythonSpace(char32_t c)
{
    return (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x20) || c == 0x85 || c == 0xA0
        || c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029
        || c == 0x202F || c == 0x205F || c == 0x3000;
}

std::vector<std::string> splitWhitespace(const std::string &utf8)
{
    std::vector<std::string> words;
    const std::u32string text = decodeUtf8(utf8);
    std::u32string word;
    for (char32_t c : text) {
        if (!isPythonSpace(c)) {
            word.push_back(c);
        } else if (!word.empty()) {
            words.push_back(encodeUtf8(word));
            word.clear();
        }
    }
    if (!word.empty())
        words.push_back(encodeUtf8(word));
    return words;
}

std::vector<std::string> splitOnSpace(const std::string &utf8)
{
    std::vector<std::string> words(1);
    for (char c : utf8) {
        if (c == ' ')
            words.emplace_back();
        else
            words.back().push_back(c);
    }
    return words;
}

std::string strip(const std::string &utf8)
{
    const std::u32string text = decodeUtf8(utf8);
    std::size_t begin = 0;
    std::size_t end = text.size();
    while (begin < end && isPythonSpace(text[begin]))
        ++begin;
    while (end > begin && isPythonSpace(text[end - 1]))
        --end;
    return encodeUtf8(text.substr(begin, end - begin));
}

char32_t toLower(char32_t c)
{
    if (c < 0x80)
        return c >= 'A' && c <= 'Z' ? c + 32 : c;
    if ((c >= 0xC0 && c <= 0xDE && c != 0xD7) || (c >= 0x391 && c <= 0x3AB && c != 0x3A2)
        || (c >= 0x410 && c <= 0x42F))
        return c + 0x20;
    if (c >= 0x400 && c <= 0x40F)
        return c + 0x50;
    if (c == 0x178)
        return 0xFF;
    const bool evenUpper = (c >= 0x100 && c <= 0x137) || (c >= 0x14A && c <= 0x177);
    const bool oddUpper = (c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E);
    if ((evenUpper && c % 2 == 0) || (oddUpper && c % 2 == 1))
        return c + 1;
    return c;
}

std::u32string toLower(std::u32string text)
{
    for (char32_t &c : text)
        c = toLower(c);
    return text;
}

std::string toLower(const std::string &utf8) { return encodeUtf8(toLower(decodeUtf8(utf8))); }

std::string join(const std::vector<std::string> &words, const std::string &separator)
{
    std::string out;
    for (std::size_t i = 0; i < words.size(); ++i) {
        if (i > 0)
            out += separator;
        out += words[i];
    }
    return out;
}

} // namespace tandem::eval::text
