#include "eval/ptbrules.h"

#include "eval/ptbruleset.h"

#include <algorithm>

// Punctuation, quote, bracket, symbol and whitespace rules of PTBLexer.flex,
// and the table that tries every rule in the order of the .flex file.
namespace tandem::eval::ptb {
namespace {

using T = Transform;

// DBLQUOT = \"|&quot;
std::size_t doubleQuote(const Text &s, std::size_t p) { return at(s, p) == '"' ? 1 : literal(s, p, "&quot;"); }

// SGML = <\/?[A-Za-z!?][^>\r\n]*>
Match sgml(const Text &s, std::size_t p)
{
    if (at(s, p) != '<')
        return {};
    std::size_t i = p + 1;
    if (at(s, i) == '/')
        ++i;
    if (!isAsciiLetter(at(s, i)) && at(s, i) != '!' && at(s, i) != '?')
        return {};
    ++i;
    i += runOf(s, i, [](char32_t c) { return c != '>' && c != '\r' && c != '\n'; });
    return at(s, i) == '>' ? whole(i + 1 - p, T::Sgml) : Match{};
}

// SPMDASH = &(MD|mdash|ndash);|[\u0096\u0097\u2013\u2014\u2015]
Match spmdash(const Text &s, std::size_t p)
{
    const char32_t c = at(s, p);
    if (c == 0x96 || c == 0x97 || (c >= 0x2013 && c <= 0x2015))
        return whole(1, T::Dash);
    const std::size_t n = longestLiteral(s, p, {"&md;", "&mdash;", "&ndash;"});
    return n ? whole(n, T::Dash) : Match{};
}

Match spamp(const Text &s, std::size_t p)
{
    const std::size_t n = literal(s, p, "&amp;");
    return n ? whole(n, T::Ampersand) : Match{};
}

// SPPUNC = &(HT|TL|UR|LR|QC|QL|QR|odq|cdq|#[0-9]+);
Match sppunc(const Text &s, std::size_t p)
{
    if (at(s, p) != '&')
        return {};
    std::size_t n = longestLiteral(s, p + 1, {"ht", "tl", "ur", "lr", "qc", "ql", "qr", "odq", "cdq"});
    if (n == 0 && at(s, p + 1) == '#') {
        const std::size_t digits = runOf(s, p + 2, isAsciiDigit);
        n = digits ? digits + 1 : 0;
    }
    return (n && at(s, p + 1 + n) == ';') ? whole(n + 2, T::Keep) : Match{};
}

// {DBLQUOT}/[A-Za-z0-9$]
Match openingDoubleQuote(const Text &s, std::size_t p)
{
    const std::size_t q = doubleQuote(s, p);
    return (q && (isAsciiAlnum(at(s, p + q)) || at(s, p + q) == '$')) ? withContext(q, 1, T::QuoteLeft) : Match{};
}

Match closingDoubleQuote(const Text &s, std::size_t p) { return whole(doubleQuote(s, p), T::QuoteRight); }

// The literal text "0x7f" (JFlex reads that regex as four characters): skipped.
Match del(const Text &s, std::size_t p) { return whole(literal(s, p, "0x7f"), T::Skip); }

// OPBRAC, CLBRAC, \{, \}, \(, \)
Match bracket(const Text &s, std::size_t p)
{
    switch (at(s, p)) {
    case '<': case '[': case '(': return whole(1, T::OpenParen);
    case '>': case ']': case ')': return whole(1, T::CloseParen);
    case '{': return whole(1, T::OpenBrace);
    case '}': return whole(1, T::CloseBrace);
    default: break;
    }
    if (const std::size_t n = literal(s, p, "&lt;"))
        return whole(n, T::OpenParen);
    return whole(literal(s, p, "&gt;"), T::CloseParen);
}

Match hyphens(const Text &s, std::size_t p)
{
    return whole(runOf(s, p, [](char32_t c) { return c == '-'; }), T::Hyphens);
}

// LDOTS = \.{3,5}|(\.[ \u00A0]){2,4}\.|[\u0085\u2026]
Match ellipsis(const Text &s, std::size_t p)
{
    if (at(s, p) == 0x85 || at(s, p) == 0x2026)
        return whole(1, T::Ellipsis);
    std::size_t best = 0;
    const std::size_t dots = runOf(s, p, [](char32_t c) { return c == '.'; });
    if (dots >= 3)
        best = std::min<std::size_t>(dots, 5);
    std::size_t spaced = 0;
    auto dotThenSpace = [&](std::size_t k) {
        const char32_t after = at(s, p + 2 * k + 1);
        return at(s, p + 2 * k) == '.' && (after == ' ' || after == 0xA0);
    };
    while (spaced < 4 && dotThenSpace(spaced))
        ++spaced;
    for (; spaced >= 2; --spaced) {
        if (at(s, p + 2 * spaced) == '.') {
            best = std::max(best, 2 * spaced + 1);
            break;
        }
    }
    return whole(best, T::Ellipsis);
}

// FNMARKS = @+|#+|_+
Match footnoteMarks(const Text &s, std::size_t p)
{
    const char32_t c = at(s, p);
    if (c != '@' && c != '#' && c != '_')
        return {};
    return whole(runOf(s, p, [c](char32_t x) { return x == c; }), T::Keep);
}

// ASTS = \*+|(\\\*){1,3}
Match asterisks(const Text &s, std::size_t p)
{
    std::size_t escaped = 0;
    while (escaped < 3 && at(s, p + 2 * escaped) == '\\' && at(s, p + 2 * escaped + 1) == '*')
        ++escaped;
    const std::size_t plain = runOf(s, p, [](char32_t c) { return c == '*'; });
    return whole(std::max(plain, 2 * escaped), T::EscapeStar);
}

Match inSentencePunct(const Text &s, std::size_t p) { return whole(isInSentencePunct(at(s, p)) ? 1 : 0, T::Keep); }

Match questionMarks(const Text &s, std::size_t p)
{
    return whole(runOf(s, p, [](char32_t c) { return c == '?' || c == '!'; }), T::Keep);
}

// [.¡¿\u037E\u0589\u061F\u06D4\u0700-\u0702\u07FA\u3002]
Match sentenceEnd(const Text &s, std::size_t p)
{
    const char32_t c = at(s, p);
    const bool end = c == '.' || c == 0xA1 || c == 0xBF || c == 0x37E || c == 0x589 || c == 0x61F
        || c == 0x6D4 || (c >= 0x700 && c <= 0x702) || c == 0x7FA || c == 0x3002;
    return whole(end ? 1 : 0, T::Keep);
}

Match equalsSign(const Text &s, std::size_t p) { return whole(at(s, p) == '=' ? 1 : 0, T::Keep); }

Match slash(const Text &s, std::size_t p) { return whole(at(s, p) == '/' ? 1 : 0, T::EscapeSlash); }

// '/[A-Za-z][^ \t\n\r\u00A0]: an opening single quote.
Match openingSingleQuote(const Text &s, std::size_t p)
{
    const char32_t after = at(s, p + 2);
    const bool context = p + 2 < s.size() && !isOneOf(after, " \t\n\r") && after != 0xA0;
    return (at(s, p) == '\'' && isAsciiLetter(at(s, p + 1)) && context) ? withContext(1, 2, T::QuoteLeft) : Match{};
}

// QUOTES = {APOS}|''|[`\u2018...\u00BB]{1,2}
Match quotes(const Text &s, std::size_t p)
{
    std::size_t n = std::max(apos(s, p), literal(s, p, "''"));
    n = std::max(n, std::min<std::size_t>(2, runOf(s, p, isQuoteChar)));
    return whole(n, T::QuoteRight);
}

Match fakeDuckFeet(const Text &s, std::size_t p) { return whole(longestLiteral(s, p, {"<<", ">>"}), T::Keep); }

Match miscSymbol(const Text &s, std::size_t p) { return whole(isMiscSymbol(at(s, p)) ? 1 : 0, T::Keep); }

// \0|{SPACES}|[\u200B\u200E-\u200F\uFEFF]
Match spaces(const Text &s, std::size_t p)
{
    const char32_t c = at(s, p);
    if (p < s.size() && (c == 0 || c == 0x200B || c == 0x200E || c == 0x200F || c == 0xFEFF))
        return whole(1, T::Skip);
    return whole(runOf(s, p, isSpace), T::Skip);
}

Match newline(const Text &s, std::size_t p)
{
    if (at(s, p) == '\r' && at(s, p + 1) == '\n')
        return whole(2, T::Skip);
    return whole(isNewline(at(s, p)) ? 1 : 0, T::Skip);
}

Match nbspEntity(const Text &s, std::size_t p) { return whole(literal(s, p, "&nbsp;"), T::Skip); }
using Rule = Match (*)(const Text &, std::size_t);

// Every rule, in the order of PTBLexer.flex (that order breaks ties). Not
// ported, as rare in captions (see ptbtokenizer.h): SUBSUPNUM; the ACRONYM
// rule before a sentence start (its token equals ABBREV2's); FRACSTB3 of the
// strict-Treebank state, which pycocoevalcap does not use.
constexpr Rule kRules[] = {
    cannotRule, sgml, spmdash, spamp, sppunc, wordBeforeRedaux, swordBeforeSredaux, word,
    apoword, apoword2, fullUrl, likelyUrl, email, twitter, redauxBeforeNonLetter, sredauxRule,
    date, number, fraction, fractionChar, tbspec, thing3, dolsign, dolsign2, abbrev1Rule,
    abbrev2, abbrev4BeforeSpace, acroBeforeSpace, tbspec2, wordWithPeriod, phone,
    openingDoubleQuote, closingDoubleQuote, del, bracket, hyphens, ellipsis, footnoteMarks,
    asterisks, inSentencePunct, questionMarks, sentenceEnd, equalsSign, slash, hthingWithPeriod,
    hthingRule, thingWithPeriod, thingRule, thingaWithPeriod, thingaRule, openingSingleQuote,
    redauxRule, quotes, fakeDuckFeet, miscSymbol, spaces, newline, nbspEntity,
};

} // namespace

Match longestMatch(const std::u32string &text, std::size_t pos)
{
    Match best;
    for (Rule rule : kRules)
        best = longer(best, rule(text, pos)); // ties keep the earlier rule
    return best;
}

} // namespace tandem::eval::ptb
