#include "eval/ptbtokenizer.h"

#include "eval/americanize.h"
#include "eval/ptbrules.h"
#include "eval/unicodetext.h"

#include <algorithm>

namespace tandem::eval {
namespace {

using ptb::Transform;
using Text = std::u32string;

Text replaceAll(Text text, char32_t from, const Text &to)
{
    Text out;
    for (char32_t c : text) {
        if (c == from)
            out += to;
        else
            out.push_back(c);
    }
    return out;
}

Text replaceAll(const Text &text, const Text &from, const Text &to)
{
    Text out;
    for (std::size_t i = 0; i < text.size();) {
        if (text.compare(i, from.size(), from) == 0) {
            out += to;
            i += from.size();
        } else {
            out.push_back(text[i++]);
        }
    }
    return out;
}

// A backslash before every `c` that has none yet (PTBLexer's delimit()).
Text escape(const Text &text, char32_t c)
{
    Text out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == c && (i == 0 || text[i - 1] != U'\\'))
            out.push_back(U'\\');
        out.push_back(text[i]);
    }
    return out;
}

Text withoutSoftHyphens(const Text &text)
{
    Text out = replaceAll(text, U'\u00AD', U"");
    return out.empty() ? U"-" : out;
}

// PTBLexer's latexQuotes(): straight quotes by direction, curly ones by shape.
Text latexQuotes(Text text, bool opening)
{
    text = replaceAll(text, U"&apos;", opening ? U"`" : U"'");
    text = replaceAll(text, U'\'', opening ? U"`" : U"'");
    text = replaceAll(text, U"&quot;", opening ? U"``" : U"''");
    text = replaceAll(text, U'"', opening ? U"``" : U"''");
    for (char32_t c : {U'\u0091', U'\u2018', U'\u201B', U'\u2039'})
        text = replaceAll(text, c, U"`");
    for (char32_t c : {U'\u0092', U'\u2019', U'\u203A'})
        text = replaceAll(text, c, U"'");
    for (char32_t c : {U'\u0093', U'\u201C', U'\u00AB'})
        text = replaceAll(text, c, U"``");
    for (char32_t c : {U'\u0094', U'\u201D', U'\u00BB'})
        text = replaceAll(text, c, U"''");
    return text;
}

Text currency(Text text)
{
    text = replaceAll(text, U'\u00A2', U"cents");
    text = replaceAll(text, U'\u00A3', U"#");
    for (char32_t c : {U'\u0080', U'\u00A4', U'\u20A0', U'\u20AC'})
        text = replaceAll(text, c, U"$");
    return text;
}

// ½ and friends; the original maps U+2153 twice, so ⅔ and the rest stay.
Text fractionChar(Text text)
{
    text = replaceAll(text, U'\u00BC', U"1\\/4");
    text = replaceAll(text, U'\u00BD', U"1\\/2");
    text = replaceAll(text, U'\u00BE', U"3\\/4");
    return replaceAll(text, U'\u2153', U"1\\/3");
}

// "&amp;" in any case becomes "&" (PTBLexer's normalizeAmp()).
Text withoutAmpersandEntities(const Text &text)
{
    Text out;
    for (std::size_t i = 0; i < text.size();) {
        if (text::toLower(text.substr(i, 5)) == U"&amp;") {
            out.push_back(U'&');
            i += 5;
        } else {
            out.push_back(text[i++]);
        }
    }
    return out;
}

Text americanized(const Text &text)
{
    return text::decodeUtf8(americanize(text::encodeUtf8(withoutSoftHyphens(text))));
}

Text applyTransform(Transform transform, const Text &text)
{
    switch (transform) {
    case Transform::Keep: case Transform::Skip: return text;
    case Transform::Word: return americanized(text);
    case Transform::NoSoftHyphens: return withoutSoftHyphens(text);
    case Transform::QuoteLeft: return latexQuotes(text, true);
    case Transform::QuoteRight: return latexQuotes(text, false);
    case Transform::Dash: return U"--";
    case Transform::Ellipsis: return U"...";
    case Transform::OpenParen: return U"-LRB-";
    case Transform::CloseParen: return U"-RRB-";
    case Transform::OpenBrace: return U"-LCB-";
    case Transform::CloseBrace: return U"-RCB-";
    case Transform::Hyphens: return (text.size() == 3 || text.size() == 4) ? U"--" : text;
    case Transform::EscapeSlash: return escape(text, U'/');
    case Transform::EscapeStar: return escape(text, U'*');
    case Transform::Url: return escape(escape(text, U'/'), U'*');
    case Transform::Phone:
        return replaceAll(replaceAll(replaceAll(text, U' ', U"\u00A0"), U'(', U"-LRB-"), U')', U"-RRB-");
    case Transform::Fraction: return replaceAll(escape(text, U'/'), U' ', U"\u00A0");
    case Transform::FractionChar: return fractionChar(text);
    case Transform::Sgml: return replaceAll(text, U' ', U"\u00A0");
    case Transform::Currency: return currency(text);
    case Transform::Ampersand: return withoutAmpersandEntities(text);
    }
    return text;
}

// pycocoevalcap's PUNCTUATIONS. The bracket tokens are listed upper-case but
// compared after -lowerCase, so they never match; kept verbatim on purpose.
bool isCocoPunctuation(const std::string &token)
{
    static const char *const punctuation[] = {"''", "'", "``", "`", "-LRB-", "-RRB-", "-LCB-", "-RCB-",
                                              ".", "?", "!", ",", ":", "-", "--", "...", ";"};
    return std::any_of(std::begin(punctuation), std::end(punctuation),
                       [&](const char *p) { return token == p; });
}

} // namespace

std::vector<std::string> ptbTokenize(const std::string &utf8Text)
{
    // Each caption is a line of the file the reference tokenizes.
    const Text text = text::decodeUtf8(utf8Text) + U"\n";
    std::vector<std::string> tokens;
    for (std::size_t pos = 0; pos < text.size();) {
        const ptb::Match match = ptb::longestMatch(text, pos);
        if (match.length == 0) { // untokenizable: the lexer deletes it
            ++pos;
            continue;
        }
        if (match.transform != Transform::Skip) {
            const Text token = applyTransform(match.transform, text.substr(pos, match.tokenLength));
            tokens.push_back(text::encodeUtf8(text::toLower(token)));
        }
        pos += match.tokenLength;
    }
    return tokens;
}

std::string cocoTokenize(const std::string &caption)
{
    std::vector<std::string> kept;
    for (std::string &token : ptbTokenize(caption)) {
        if (!isCocoPunctuation(token))
            kept.push_back(std::move(token));
    }
    return text::join(kept, " ");
}

} // namespace tandem::eval
