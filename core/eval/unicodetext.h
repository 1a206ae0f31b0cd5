#pragma once
// UTF-8 helpers for the metric code. The reference metrics are Python, so
// these mirror Python's str semantics (split(), split(" "), strip(), lower())
// closely enough for the scores to agree, without pulling Qt into eval/.
#include <string>
#include <vector>

namespace tandem::eval::text {

std::u32string decodeUtf8(const std::string &utf8); // invalid bytes become U+FFFD
std::string encodeUtf8(const std::u32string &text);

bool isPythonSpace(char32_t c); // Python's str.isspace() for one character

// str.split(): runs of whitespace (Unicode, as Python 3 sees it) separate words.
std::vector<std::string> splitWhitespace(const std::string &utf8);
// str.split(" "): every single space separates, so "" gives one empty word.
std::vector<std::string> splitOnSpace(const std::string &utf8);
// str.strip()
std::string strip(const std::string &utf8);

// Simple one-to-one lower-casing: ASCII, Latin-1, Latin Extended-A, Greek and
// Cyrillic. Python and Java map a few more characters (and İ to two); captions
// and answers outside those scripts keep their case.
char32_t toLower(char32_t c);
std::u32string toLower(std::u32string text);
std::string toLower(const std::string &utf8);

std::string join(const std::vector<std::string> &words, const std::string &separator);

} // namespace tandem::eval::text
