#pragma once
// The token rules of Stanford's PTBLexer.flex (CoreNLP 3.4-era), hand-ported.
// Internal to ptbtokenizer.cpp; see ptbtokenizer.h for what is and is not covered.
//
// The lexer is JFlex: at each position every rule is tried, the longest match
// wins (trailing context counts towards the length, as in JFlex), and among
// equally long matches the rule written first in the .flex file wins.
#include <cstddef>
#include <string>

namespace tandem::eval::ptb {

// How the matched text becomes the token (the rule's action in the .flex file).
enum class Transform {
    Keep,            // the text as written
    Skip,            // whitespace: no token
    Word,            // soft hyphens removed, then americanized
    NoSoftHyphens,   // soft hyphens removed
    QuoteLeft,       // LaTeX quotes: ` and ``
    QuoteRight,      // LaTeX quotes: ' and ''
    Dash,            // --
    Ellipsis,        // ...
    OpenParen,       // -LRB-
    CloseParen,      // -RRB-
    OpenBrace,       // -LCB-
    CloseBrace,      // -RCB-
    Hyphens,         // 3 or 4 hyphens become --, others stay
    EscapeSlash,     // / becomes \/
    EscapeStar,      // * becomes \*
    Fraction,        // \/ escaped, spaces become no-break spaces
    FractionChar,    // ½ becomes 1\/2
    Sgml,            // spaces become no-break spaces
    Currency,        // £ becomes #, € becomes $, ...
    Ampersand,       // &amp; becomes &
    Url,             // / and * escaped with a backslash
    Phone,           // spaces become no-break spaces, ( ) become -LRB- -RRB-
};

struct Match {
    std::size_t length = 0;      // what the rule matched, trailing context included
    std::size_t tokenLength = 0; // what the token consumes
    Transform transform = Transform::Keep;
};

// The winning rule at position `pos` of `text`; length 0 when no rule matches
// (the lexer then deletes that character, as its "untokenizable" default does).
Match longestMatch(const std::u32string &text, std::size_t pos);

} // namespace tandem::eval::ptb
