#include "eval/ptbchars.h"

#include <algorithm>

namespace tandem::eval::ptb {
namespace {

bool inRange(char32_t c, char32_t first, char32_t last) { return c >= first && c <= last; }

// Punctuation, digits and signs inside the scripts that are otherwise letters.
bool isNonLetterInScripts(char32_t c)
{
    return inRange(c, 0x589, 0x58A) || c == 0x5BE || c == 0x5C0 || c == 0x5C3 || c == 0x5C6
        || inRange(c, 0x5F3, 0x5F4) || inRange(c, 0x600, 0x60F) || inRange(c, 0x61B, 0x61F)
        || inRange(c, 0x660, 0x66D) || c == 0x6D4 || inRange(c, 0x6F0, 0x6F9)
        || inRange(c, 0x700, 0x70D) || inRange(c, 0x7C0, 0x7C9) || inRange(c, 0x7F6, 0x7F9)
        || inRange(c, 0x964, 0x96F) || c == 0xE3F || inRange(c, 0xE4F, 0xE5B) || c == 0x1FBD;
}

bool isEastAsianLetter(char32_t c)
{
    return inRange(c, 0x3041, 0x3096) || (inRange(c, 0x309D, 0x30FF) && c != 0x30FB)
        || inRange(c, 0x3105, 0x318E) || inRange(c, 0x31A0, 0x31BF) || inRange(c, 0x31F0, 0x31FF)
        || inRange(c, 0x3400, 0x4DBF) || inRange(c, 0x4E00, 0xA48C) || inRange(c, 0xAC00, 0xD7A3)
        || inRange(c, 0xF900, 0xFAFF) || inRange(c, 0xFF21, 0xFF3A) || inRange(c, 0xFF41, 0xFF5A)
        || inRange(c, 0xFF66, 0xFFDC);
}

char32_t asciiLower(char32_t c) { return isAsciiUpper(c) ? c + 32 : c; }

} // namespace

bool isLetter(char32_t c)
{
    if (c < 0x80)
        return isAsciiLetter(c);
    if (c < 0xC0)
        return c == 0xAA || c == 0xB5 || c == 0xBA;
    if (c <= 0x2C1)
        return c != 0xD7 && c != 0xF7;
    if (c < 0x370)
        return inRange(c, 0x2C6, 0x2D1) || inRange(c, 0x2E0, 0x2E4) || c == 0x2EC || c == 0x2EE;
    if (c < 0x400)
        return c != 0x375 && c != 0x37E && c != 0x384 && c != 0x385 && c != 0x387 && c != 0x3F6;
    if (c < 0x530)
        return !inRange(c, 0x482, 0x489);
    if (c < 0x2000)
        return !isNonLetterInScripts(c);
    // Java 6-era JFlex scans UTF-16 code units, so characters beyond the BMP
    // (emoji) arrive as surrogates that no rule matches.
    return isEastAsianLetter(c);
}

bool isDigit(char32_t c)
{
    return isAsciiDigit(c) || inRange(c, 0x660, 0x669) || inRange(c, 0x6F0, 0x6F9)
        || inRange(c, 0x7C0, 0x7C9) || inRange(c, 0x966, 0x96F) || inRange(c, 0xFF10, 0xFF19);
}

bool isWordChar(char32_t c)
{
    return isLetter(c) || c == 0xAD || inRange(c, 0x2C2, 0x37D) || c == 0x384 || c == 0x385
        || c == 0x3F6 || inRange(c, 0x483, 0x487);
}

bool isSpace(char32_t c)
{
    return c == ' ' || c == '\t' || c == 0xA0 || inRange(c, 0x2000, 0x200A) || c == 0x3000;
}

bool isNewline(char32_t c)
{
    return c == '\r' || c == '\n' || c == 0x2028 || c == 0x2029 || c == 0x0B || c == 0x0C || c == 0x85;
}

bool isHyphen(char32_t c) { return c == '-' || c == '_' || c == 0x58A || c == 0x2010 || c == 0x2011; }

bool isInSentencePunct(char32_t c) { return c == ',' || c == ';' || c == ':' || c == 0x3001; }

bool isMiscSymbol(char32_t c)
{
    if (c < 0x80)
        return isOneOf(c, "+%&~^|\\");
    return c == 0xA6 || c == 0xA7 || c == 0xA8 || c == 0xA9 || c == 0xAC || c == 0xAE || c == 0xAF
        || inRange(c, 0xB0, 0xBA) || c == 0xD7 || c == 0xF7 || c == 0x387 || c == 0x5BE
        || c == 0x5C0 || c == 0x5C3 || c == 0x5C6 || c == 0x5F3 || c == 0x5F4
        || inRange(c, 0x600, 0x603) || inRange(c, 0x606, 0x60A) || c == 0x60C || c == 0x614
        || c == 0x61B || c == 0x61E || c == 0x66A || c == 0x66D || inRange(c, 0x703, 0x70D)
        || inRange(c, 0x7F6, 0x7F8) || c == 0x964 || c == 0x965 || c == 0xE4F || c == 0x1FBD
        || c == 0x2016 || c == 0x2017 || inRange(c, 0x2020, 0x2023) || inRange(c, 0x2030, 0x2038)
        || c == 0x203B || inRange(c, 0x203E, 0x2042) || c == 0x2044 || inRange(c, 0x207A, 0x207F)
        || inRange(c, 0x208A, 0x208E) || inRange(c, 0x2100, 0x214F) || inRange(c, 0x2190, 0x21FF)
        || inRange(c, 0x2200, 0x2BFF) || c == 0x3012 || c == 0x30FB || inRange(c, 0xFF01, 0xFF0F)
        || inRange(c, 0xFF1A, 0xFF20) || inRange(c, 0xFF3B, 0xFF40) || inRange(c, 0xFF5B, 0xFF65);
}

bool isQuoteChar(char32_t c)
{
    return c == '`' || inRange(c, 0x2018, 0x201F) || inRange(c, 0x91, 0x94) || c == 0x2039
        || c == 0x203A || c == 0xAB || c == 0xBB;
}

bool isCurrencyChar(char32_t c)
{
    return inRange(c, 0xA2, 0xA5) || c == 0x80 || c == 0x20A0 || c == 0x20AC || c == 0x60B
        || c == 0xE3F || c == 0x20A4 || c == 0xFFE0 || c == 0xFFE1 || c == 0xFFE5 || c == 0xFFE6;
}

std::size_t literal(const Text &s, std::size_t i, const char *pattern)
{
    std::size_t n = 0;
    for (const char *p = pattern; *p; ++p, ++n) {
        const bool exact = *p == '!';
        if (exact)
            ++p;
        const char32_t want = static_cast<unsigned char>(*p);
        const char32_t got = at(s, i + n);
        if (exact ? got != want : asciiLower(got) != asciiLower(want))
            return 0;
    }
    return n;
}

std::size_t longestLiteral(const Text &s, std::size_t i, std::initializer_list<const char *> patterns)
{
    std::size_t best = 0;
    for (const char *pattern : patterns)
        best = std::max(best, literal(s, i, pattern));
    return best;
}

} // namespace tandem::eval::ptb
