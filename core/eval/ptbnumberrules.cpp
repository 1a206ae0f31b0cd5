// Rules of PTBLexer.flex for numbers, dates, fractions, phone numbers, money,
// URLs and e-mail addresses. Macro names in the comments are those of the .flex file.
#include "eval/ptbruleset.h"

#include <algorithm>
#include <utility>
#include <vector>

namespace tandem::eval::ptb {
namespace {

using T = Transform;

// Characters URL and e-mail rules never cross: [ \t\n\f\r\"<>|()]
bool breaksUrl(char32_t c) { return isOneOf(c, " \t\n\f\r\"<>|()"); }

// ...and those a URL may not end with: [ \t\n\f\r\"<>|.!?(){},-]
bool cannotEndUrl(char32_t c) { return breaksUrl(c) || isOneOf(c, ".!?{},-"); }

// "/" [^breaks]+ [^cannot end], or whatever tail [^breaks]+[^cannot end] is longest.
std::size_t urlTail(const Text &s, std::size_t i)
{
    const std::size_t run = runOf(s, i, [](char32_t c) { return !breaksUrl(c); });
    for (std::size_t n = run; n >= 2; --n) {
        if (!cannotEndUrl(s[i + n - 1]))
            return n;
    }
    return 0;
}

// Dot-separated labels from i, each a non-empty run of `label` characters;
// every length that ends a label followed by a dot ("x." "x.y.").
template <typename Pred>
std::vector<std::size_t> dottedLabels(const Text &s, std::size_t i, Pred label)
{
    std::vector<std::size_t> ends;
    std::size_t n = 0;
    for (;;) {
        const std::size_t run = runOf(s, i + n, label);
        if (run == 0 || at(s, i + n + run) != '.')
            return ends;
        n += run + 1;
        ends.push_back(n);
    }
}

// FRAC = ({DIGIT}{1,4}[- \u00A0])?{DIGIT}{1,4}(\\?\/|\u2044){DIGIT}{1,4}
std::size_t fractionCore(const Text &s, std::size_t i)
{
    const std::size_t numerator = runOf(s, i, isDigit);
    if (numerator < 1 || numerator > 4)
        return 0;
    std::size_t n = numerator;
    if (at(s, i + n) == '\\' && at(s, i + n + 1) == '/')
        n += 2;
    else if (at(s, i + n) == '/' || at(s, i + n) == 0x2044)
        n += 1;
    else
        return 0;
    const std::size_t denominator = std::min<std::size_t>(4, runOf(s, i + n, isDigit));
    return denominator ? n + denominator : 0;
}

// A fixed-shape pattern: each piece is a character class repeated least..most times.
struct Piece {
    bool (*accepts)(char32_t);
    std::size_t least, most;
};

// Longest length the pieces match one after another from i, or -1.
long longestSequence(const Text &s, std::size_t i, const Piece *piece, const Piece *end)
{
    if (piece == end)
        return 0;
    std::size_t available = 0;
    while (available < piece->most && i + available < s.size() && piece->accepts(s[i + available]))
        ++available;
    long best = -1;
    for (long take = static_cast<long>(available); take >= static_cast<long>(piece->least); --take) {
        const long rest = longestSequence(s, i + take, piece + 1, end);
        if (rest >= 0)
            best = std::max(best, take + rest);
    }
    return best;
}

} // namespace

// FULLURL = https?:\/\/[^ \t\n\f\r\"<>|()]+[^ \t\n\f\r\"<>|.!?(){},-]
Match fullUrl(const Text &s, std::size_t p)
{
    const std::size_t scheme = std::max(literal(s, p, "http://"), literal(s, p, "https://"));
    const std::size_t tail = scheme ? urlTail(s, p + scheme) : 0;
    return tail ? whole(scheme + tail, T::Url) : Match{};
}

// LIKELYURL = ((www\.([^ \t\n\f\r\"<>|.!?(){},]+\.)+[a-zA-Z]{2,4})
//             |(([^ \t\n\f\r\"`'<>|.!?(){},-_$]+\.)+(com|net|org|edu)))
//             (\/[^ \t\n\f\r\"<>|()]+[^ \t\n\f\r\"<>|.!?(){},-])?
// (",-_" in the second class is a range: no digits or capitals there.)
Match likelyUrl(const Text &s, std::size_t p)
{
    std::size_t host = 0;
    if (const std::size_t www = literal(s, p, "www.")) {
        auto label = [](char32_t c) { return !breaksUrl(c) && !isOneOf(c, ".!?{},"); };
        for (std::size_t n : dottedLabels(s, p + www, label)) {
            const std::size_t letters = std::min<std::size_t>(4, runOf(s, p + www + n, isAsciiLetter));
            if (letters >= 2)
                host = std::max(host, www + n + letters);
        }
    }
    auto label = [](char32_t c) { return !breaksUrl(c) && !isOneOf(c, "`'.!?{}$") && !(c >= ',' && c <= '_'); };
    for (std::size_t n : dottedLabels(s, p, label)) {
        if (const std::size_t tld = longestLiteral(s, p + n, {"com", "net", "org", "edu"}))
            host = std::max(host, n + tld);
    }
    if (host == 0)
        return {};
    const std::size_t path = at(s, p + host) == '/' ? urlTail(s, p + host + 1) : 0;
    return whole(host + (path ? path + 1 : 0), T::Url);
}

// EMAIL = [a-zA-Z0-9][^ \t\n\f\r\"<>|()\u00A0]*@([^ \t\n\f\r\"<>|().\u00A0]+\.)*([^ \t\n\f\r\"<>|().\u00A0]+)
Match email(const Text &s, std::size_t p)
{
    if (!isAsciiAlnum(at(s, p)))
        return {};
    auto inAddress = [](char32_t c) { return !breaksUrl(c) && c != 0xA0; };
    auto inLabel = [](char32_t c) { return !breaksUrl(c) && c != 0xA0 && c != '.'; };
    const std::size_t run = 1 + runOf(s, p + 1, inAddress);
    std::size_t best = 0;
    for (std::size_t at_ = 1; at_ < run; ++at_) {
        if (s[p + at_] != '@')
            continue;
        std::size_t end = at_ + 1 + runOf(s, p + at_ + 1, inLabel);
        if (end == at_ + 1)
            continue;
        while (at(s, p + end) == '.' && runOf(s, p + end + 1, inLabel) > 0)
            end += 1 + runOf(s, p + end + 1, inLabel);
        best = std::max(best, end);
    }
    return whole(best, T::Keep);
}

// DATE = {DIGIT}{1,2}[\-\/]{DIGIT}{1,2}[\-\/]{DIGIT}{2,4}
Match date(const Text &s, std::size_t p)
{
    auto field = [&](std::size_t i, std::size_t least, std::size_t most) {
        const std::size_t n = runOf(s, i, isDigit);
        return (n >= least && n <= most) ? n : 0; // a shorter field would leave a digit before the separator
    };
    auto separator = [&](std::size_t i) { return at(s, i) == '-' || at(s, i) == '/'; };
    const std::size_t a = field(p, 1, 2);
    if (!a || !separator(p + a))
        return {};
    const std::size_t b = field(p + a + 1, 1, 2);
    if (!b || !separator(p + a + 1 + b))
        return {};
    const std::size_t c = std::min<std::size_t>(4, runOf(s, p + a + b + 2, isDigit));
    return c >= 2 ? whole(a + b + 2 + c, T::EscapeSlash) : Match{};
}

// NUMBER = [\-+]?{NUM}, NUM = {DIGIT}+|{DIGIT}*([.:,\u00AD\u066B\u066C]{DIGIT}+)+
Match number(const Text &s, std::size_t p)
{
    std::size_t n = isOneOf(at(s, p), "-+") ? 1 : 0;
    const std::size_t leading = runOf(s, p + n, isDigit);
    n += leading;
    bool grouped = false;
    for (;;) {
        const char32_t c = at(s, p + n);
        const bool joint = isOneOf(c, ".:,") || c == 0xAD || c == 0x66B || c == 0x66C;
        const std::size_t digits = joint ? runOf(s, p + n + 1, isDigit) : 0;
        if (digits == 0)
            break;
        n += 1 + digits;
        grouped = true;
    }
    return (leading || grouped) ? whole(n, T::NoSoftHyphens) : Match{};
}

Match fraction(const Text &s, std::size_t p)
{
    std::size_t best = fractionCore(s, p);
    const std::size_t integer = runOf(s, p, isDigit);
    const char32_t gap = at(s, p + integer);
    if (integer >= 1 && integer <= 4 && (gap == '-' || gap == ' ' || gap == 0xA0)) {
        if (const std::size_t rest = fractionCore(s, p + integer + 1))
            best = std::max(best, integer + 1 + rest);
    }
    return whole(best, T::Fraction);
}

// FRAC2 = [\u00BC\u00BD\u00BE\u2153-\u215E]
Match fractionChar(const Text &s, std::size_t p)
{
    const char32_t c = at(s, p);
    return ((c >= 0xBC && c <= 0xBE) || (c >= 0x2153 && c <= 0x215E)) ? whole(1, T::FractionChar) : Match{};
}

// DOLSIGN = ([A-Z]*\$|#)
Match dolsign(const Text &s, std::size_t p)
{
    const std::size_t upper = runOf(s, p, isAsciiUpper);
    if (at(s, p + upper) == '$')
        return whole(upper + 1, T::Keep);
    return at(s, p) == '#' ? whole(1, T::Keep) : Match{};
}

Match dolsign2(const Text &s, std::size_t p) { return isCurrencyChar(at(s, p)) ? whole(1, T::Currency) : Match{}; }

// PHONE = (\([0-9]{2,3}\)[ \u00A0]?|(\+\+?)?([0-9]{2,4}[\- \u00A0])?[0-9]{2,4}[\- \u00A0])
//         [0-9]{3,4}[\- \u00A0]?[0-9]{3,5}
//       | ((\+\+?)?[0-9]{2,4}\.)?[0-9]{2,4}\.[0-9]{3,4}\.[0-9]{3,5}
Match phone(const Text &s, std::size_t p)
{
    constexpr auto d = isAsciiDigit;
    constexpr auto open = [](char32_t c) { return c == '('; };
    constexpr auto close = [](char32_t c) { return c == ')'; };
    constexpr auto space = [](char32_t c) { return c == ' ' || c == 0xA0; };
    constexpr auto gap = [](char32_t c) { return c == '-' || c == ' ' || c == 0xA0; };
    constexpr auto plus = [](char32_t c) { return c == '+'; };
    constexpr auto dot = [](char32_t c) { return c == '.'; };
    static const Piece area[] = {{open, 1, 1}, {d, 2, 3}, {close, 1, 1}, {space, 0, 1},
                                 {d, 3, 4}, {gap, 0, 1}, {d, 3, 5}};
    static const Piece longForm[] = {{plus, 0, 2}, {d, 2, 4}, {gap, 1, 1}, {d, 2, 4},
                                     {gap, 1, 1}, {d, 3, 4}, {gap, 0, 1}, {d, 3, 5}};
    static const Piece shortForm[] = {{plus, 0, 2}, {d, 2, 4}, {gap, 1, 1},
                                      {d, 3, 4}, {gap, 0, 1}, {d, 3, 5}};
    static const Piece dottedLong[] = {{plus, 0, 2}, {d, 2, 4}, {dot, 1, 1}, {d, 2, 4},
                                       {dot, 1, 1}, {d, 3, 4}, {dot, 1, 1}, {d, 3, 5}};
    static const Piece dottedShort[] = {{d, 2, 4}, {dot, 1, 1}, {d, 3, 4}, {dot, 1, 1}, {d, 3, 5}};
    long best = 0;
    for (const auto &[first, last] : {std::pair(std::begin(area), std::end(area)),
                                      std::pair(std::begin(longForm), std::end(longForm)),
                                      std::pair(std::begin(shortForm), std::end(shortForm)),
                                      std::pair(std::begin(dottedLong), std::end(dottedLong)),
                                      std::pair(std::begin(dottedShort), std::end(dottedShort))})
        best = std::max(best, longestSequence(s, p, first, last));
    return whole(static_cast<std::size_t>(best), T::Phone);
}

} // namespace tandem::eval::ptb
