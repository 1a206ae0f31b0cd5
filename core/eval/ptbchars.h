#pragma once
// Character classes of Stanford's PTBLexer.flex, and the literal matching its
// %caseless scanner does. Internal to the PTB tokenizer.
#include <cstddef>
#include <initializer_list>
#include <string>

namespace tandem::eval::ptb {

using Text = std::u32string;

// The character at i, or 0 past the end (0 belongs to no class used here).
inline char32_t at(const Text &s, std::size_t i) { return i < s.size() ? s[i] : 0; }

inline bool isAsciiLetter(char32_t c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
inline bool isAsciiUpper(char32_t c) { return c >= 'A' && c <= 'Z'; }
inline bool isAsciiDigit(char32_t c) { return c >= '0' && c <= '9'; }
inline bool isAsciiAlnum(char32_t c) { return isAsciiLetter(c) || isAsciiDigit(c); }
inline bool isOneOf(char32_t c, const char *set)
{
    for (; *set; ++set)
        if (c == static_cast<unsigned char>(*set))
            return true;
    return false;
}

bool isLetter(char32_t c);   // JFlex [:letter:] (Java's Character.isLetter), approximated
bool isDigit(char32_t c);    // JFlex [:digit:] for the common decimal-digit blocks
bool isWordChar(char32_t c); // the WORD macro: letters, soft hyphen, combining marks
bool isSpace(char32_t c);    // SPACE
bool isNewline(char32_t c);  // NEWLINE (single characters; \r\n is two)
bool isHyphen(char32_t c);   // HYPHEN
bool isInSentencePunct(char32_t c); // INSENTP
bool isMiscSymbol(char32_t c);      // MISCSYMBOL
bool isQuoteChar(char32_t c);       // the one-or-two-character class inside QUOTES
bool isCurrencyChar(char32_t c);    // DOLSIGN2

// Number of characters from i on that satisfy pred.
template <typename Pred>
std::size_t runOf(const Text &s, std::size_t i, Pred pred)
{
    std::size_t n = 0;
    while (i + n < s.size() && pred(s[i + n]))
        ++n;
    return n;
}

// Length of `pattern` at i, or 0. ASCII letters compare caselessly, as the
// %caseless scanner does; a letter after '!' must match exactly (the .flex
// file wrote it as a one-letter class, which %caseless does not widen).
std::size_t literal(const Text &s, std::size_t i, const char *pattern);
std::size_t longestLiteral(const Text &s, std::size_t i, std::initializer_list<const char *> patterns);

} // namespace tandem::eval::ptb
