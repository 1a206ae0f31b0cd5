#pragma once
// Caption tokenisation as the COCO caption evaluation does it.
//
// pycocoevalcap pipes every caption, one per line, through Stanford CoreNLP
// 3.4.1's PTBTokenizer (-preserveLines -lowerCase, default PTB3 escaping),
// then drops the tokens in its PUNCTUATIONS list and joins the rest with
// spaces. This is a hand port of that tokenizer's rules (PTBLexer.flex of that
// era) rather than an approximation by regexes, so ordinary captions tokenise
// identically, including the PTB quirks:
//   - clitics split: "don't" -> do n't, "can't" -> ca n't, "cannot" -> can not,
//     "dog's" -> dog 's, "we'll" -> we 'll; "o'clock" stays one word;
//   - hyphenated words, "and/or" (escaped to and\/or) and numbers such as
//     3.5, 1,000 or 10:30 stay one token; ( ) [ ] { } < > become -lrb- -rrb-
//     -lcb- -rcb-, which survive the filter because they are lower-cased
//     before it; !! and ?! and symbols such as % & are kept;
//   - abbreviations keep their period: "etc." "mr." "no." "ft." "u.s." and a
//     single letter before a period ("the letter a." -> ... a.);
//   - British spellings are americanized ("colour" -> color, "grey" -> gray).
//
// Known differences from the Java tokenizer (all rare in captions):
//   - URLs, e-mail addresses, phone numbers and super/subscript digits are not
//     recognised as single tokens; HTML letter entities (&eacute;) are not
//     parsed.
//   - Letter and digit classes outside Latin, Greek and Cyrillic are
//     approximated by Unicode block, and lower-casing covers only those
//     scripts (see unicodetext.h).
//   - Every caption is tokenised as if followed by a newline; in the
//     reference the last caption of a batch is not, which only matters when
//     it ends in an acronym without its final period ("U.S").
//   - A caption holding \r, \f, \v, U+0085, U+2028 or U+2029 becomes two
//     lines in the reference run (only \n is replaced), which shifts every
//     later caption onto the wrong image; here those are plain whitespace.
//   - ptbTokenize() does not repeat the period after an abbreviation that
//     ends a sentence ("etc." "."), which the Java lexer does when the next
//     line starts with a capital; the COCO filter drops that "." anyway.
//   - The rules follow the 2012-2014 PTBLexer.flex; the jar pycocoevalcap
//     ships may differ in details that were not visible in that source.
//
// Checked against that .flex file's rules compiled with JFlex (with the
// options above) on 30,000 generated lines full of these cases: identical
// after the COCO filter.
#include <string>
#include <vector>

namespace tandem::eval {

// The tokens PTBTokenizer prints for one line of text, lower-cased.
std::vector<std::string> ptbTokenize(const std::string &utf8Text);

// The caption as pycocoevalcap's PTBTokenizer.tokenize returns it: the PTB
// tokens without the punctuation tokens, joined by single spaces.
std::string cocoTokenize(const std::string &caption);

} // namespace tandem::eval
