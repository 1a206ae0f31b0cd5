#pragma once
// The rule functions of the PTB lexer, grouped by file (internal to
// ptbrules.cpp, which tries them in the order of PTBLexer.flex). Each returns
// the match at position p of the text, length 0 when the rule does not apply.
#include "eval/ptbchars.h"
#include "eval/ptbrules.h"

namespace tandem::eval::ptb {

inline Match whole(std::size_t length, Transform t) { return {length, length, t}; }
// A rule with trailing context: `token` is consumed, `context` only looked at.
inline Match withContext(std::size_t token, std::size_t context, Transform t) { return {token + context, token, t}; }
// The longer match; the first one on ties, as JFlex prefers the earlier rule.
inline Match longer(const Match &a, const Match &b) { return b.length > a.length ? b : a; }

// APOS = ['\u0092\u2019]|&apos;  (length at i, 0 when absent)
std::size_t apos(const Text &s, std::size_t i);

// ptbwordrules.cpp: words, clitics, abbreviations
Match cannotRule(const Text &s, std::size_t p);
Match wordBeforeRedaux(const Text &s, std::size_t p);
Match swordBeforeSredaux(const Text &s, std::size_t p);
Match word(const Text &s, std::size_t p);
Match apoword(const Text &s, std::size_t p);
Match apoword2(const Text &s, std::size_t p);
Match twitter(const Text &s, std::size_t p);
Match redauxBeforeNonLetter(const Text &s, std::size_t p);
Match sredauxRule(const Text &s, std::size_t p);
Match tbspec(const Text &s, std::size_t p);
Match thing3(const Text &s, std::size_t p);
Match abbrev1Rule(const Text &s, std::size_t p);
Match abbrev2(const Text &s, std::size_t p);
Match abbrev4BeforeSpace(const Text &s, std::size_t p);
Match acroBeforeSpace(const Text &s, std::size_t p);
Match tbspec2(const Text &s, std::size_t p);
Match wordWithPeriod(const Text &s, std::size_t p);
Match hthingWithPeriod(const Text &s, std::size_t p);
Match hthingRule(const Text &s, std::size_t p);
Match thingWithPeriod(const Text &s, std::size_t p);
Match thingRule(const Text &s, std::size_t p);
Match thingaWithPeriod(const Text &s, std::size_t p);
Match thingaRule(const Text &s, std::size_t p);
Match redauxRule(const Text &s, std::size_t p);

// ptbnumberrules.cpp: numbers, dates, fractions, phone numbers, money, URLs, e-mail
Match fullUrl(const Text &s, std::size_t p);
Match likelyUrl(const Text &s, std::size_t p);
Match email(const Text &s, std::size_t p);
Match date(const Text &s, std::size_t p);
Match number(const Text &s, std::size_t p);
Match fraction(const Text &s, std::size_t p);
Match fractionChar(const Text &s, std::size_t p);
Match dolsign(const Text &s, std::size_t p);
Match dolsign2(const Text &s, std::size_t p);
Match phone(const Text &s, std::size_t p);

} // namespace tandem::eval::ptb
