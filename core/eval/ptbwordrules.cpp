// Word-like rules of PTBLexer.flex: words and their clitics ('s n't), words
// with apostrophes or hyphens, abbreviations and acronyms. Macro names in the
// comments are those of the .flex file.
#include "eval/ptbruleset.h"

#include <algorithm>
#include <vector>

namespace tandem::eval::ptb {
namespace {

using T = Transform;

// APOSETCETERA = {APOS}|[\u0091\u2018\u201B]
std::size_t aposEtc(const Text &s, std::size_t i)
{
    const char32_t c = at(s, i);
    return (c == 0x91 || c == 0x2018 || c == 0x201B) ? 1 : apos(s, i);
}

// REDAUX = {APOS}([msdMSD]|re|ve|ll)
std::size_t redaux(const Text &s, std::size_t i)
{
    const std::size_t a = apos(s, i);
    if (a == 0)
        return 0;
    if (isOneOf(at(s, i + a), "msdMSD"))
        return a + 1;
    const std::size_t rest = longestLiteral(s, i + a, {"re", "ve", "ll"});
    return rest ? a + rest : 0;
}

// SREDAUX = n{APOSETCETERA}t
std::size_t sredaux(const Text &s, std::size_t i)
{
    if (!isOneOf(at(s, i), "nN"))
        return 0;
    const std::size_t a = aposEtc(s, i + 1);
    return (a && isOneOf(at(s, i + 1 + a), "tT")) ? a + 2 : 0;
}

std::size_t wordLength(const Text &s, std::size_t i) { return runOf(s, i, isWordChar); }

bool isAlnum(char32_t c) { return isLetter(c) || isDigit(c); }

// ACRO = [A-Za-z](\.[A-Za-z])+ | (Canada|Sino|Korean|EU|Japan|non)-U\.S | U\.S\.-(U\.K|U\.S\.S\.R)
// Every length the alternatives can match (rules that follow ACRO with
// something else may need a shorter one).
std::vector<std::size_t> acroLengths(const Text &s, std::size_t i)
{
    std::vector<std::size_t> lengths;
    if (!isAsciiLetter(at(s, i)))
        return lengths; // every alternative starts with a letter
    for (std::size_t n = 1; at(s, i + n) == '.' && isAsciiLetter(at(s, i + n + 1)); n += 2)
        lengths.push_back(n + 2);
    for (const char *form : {"canada-u.s", "sino-u.s", "korean-u.s", "eu-u.s", "japan-u.s",
                             "non-u.s", "u.s.-u.k", "u.s.-u.s.s.r"}) {
        if (const std::size_t n = literal(s, i, form))
            lengths.push_back(n);
    }
    return lengths;
}

// ABBREV1 = ({ABMONTH}|{ABDAYS}|{ABSTATE}|{ABCOMP}|{ABNUM}|{ABPTIT}|etc|al|seq)\.
std::size_t abbrev1(const Text &s, std::size_t i)
{
    if (!isAsciiLetter(at(s, i)))
        return 0;
    static const char *const words[] = {
        // ABMONTH
        "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
        // ABDAYS
        "mon", "tue", "tues", "wed", "thu", "thurs", "fri",
        // ABSTATE (the .flex file capitalises a few to keep common words out)
        "ala", "ariz", "!ark", "calif", "colo", "conn", "dak", "del", "fla", "ga", "!ill", "ind",
        "kan", "kans", "ky", "la", "!mass", "md", "mich", "minn", "!miss", "mo", "mont", "neb",
        "nev", "okla", "!ore", "pa", "penn", "tenn", "tex", "va", "vt", "!wash", "wis", "wisc",
        "wyo",
        // ABCOMP
        "inc", "co", "cos", "corp", "pty", "ptys", "ppty", "pptys", "ltd", "plc", "bancorp",
        "dept", "bhd", "assn", "univ", "intl", "sys",
        // ABNUM, ABPTIT, and the rest
        "no", "nos", "prop", "ph", "tel", "est", "ext", "sq", "ft", "jr", "sr", "bros", "ed.d",
        "ph.d", "blvd", "rd", "esq", "etc", "al", "seq"};
    std::size_t best = 0;
    for (const char *word : words) {
        const std::size_t n = literal(s, i, word);
        if (n && at(s, i + n) == '.')
            best = std::max(best, n + 1);
    }
    return best;
}

// Every length ABBREV4 can match:
// [A-Za-z]|{ABTITLE}|vs|Alex|Wm|Jos|Cie|a\.k\.a|cf|TREAS|{ACRO}|{ABCOMP2}
std::vector<std::size_t> abbrev4Lengths(const Text &s, std::size_t i)
{
    static const char *const words[] = {
        // ABTITLE
        "mr", "mrs", "ms", "!miss", "dr", "drs", "prof", "profs", "sen", "sens", "rep", "reps",
        "atty", "attys", "lt", "col", "gen", "messrs", "gov", "govs", "adm", "rev", "maj", "sgt",
        "cpl", "pvt", "mt", "capt", "st", "ste", "ave", "pres", "lieut", "hon", "brig", "comdr",
        "cmdr", "pfc", "spc", "supt", "supts", "det",
        // the rest, then ABCOMP2 (M[ft]g keeps its class)
        "vs", "alex", "wm", "jos", "cie", "a.k.a", "cf", "treas", "invt", "elec", "natl", "m!fg",
        "m!tg"};
    if (!isAsciiLetter(at(s, i)))
        return {}; // every alternative starts with a letter
    std::vector<std::size_t> lengths = acroLengths(s, i);
    lengths.push_back(1);
    for (const char *word : words) {
        if (const std::size_t n = literal(s, i, word))
            lengths.push_back(n);
    }
    return lengths;
}

// THING segment: ([dDoOlL]{APOSETCETERA}([:letter:]|[:digit:]))?([:letter:]|[:digit:])+
std::size_t thingSegment(const Text &s, std::size_t i)
{
    const std::size_t plain = runOf(s, i, isAlnum);
    if (isOneOf(at(s, i), "dDoOlL")) {
        const std::size_t a = aposEtc(s, i + 1);
        if (a && isAlnum(at(s, i + 1 + a))) {
            const std::size_t rest = runOf(s, i + 2 + a, isAlnum);
            if (rest > 0)
                return 2 + a + rest;
        }
    }
    return plain;
}

// THING = segment ({HYPHEN} segment)*
std::size_t thing(const Text &s, std::size_t i)
{
    std::size_t n = thingSegment(s, i);
    if (n == 0)
        return 0;
    while (isHyphen(at(s, i + n))) {
        const std::size_t next = thingSegment(s, i + n + 1);
        if (next == 0)
            break;
        n += 1 + next;
    }
    return n;
}

// HTHING = [A-Za-z0-9][A-Za-z0-9.,\u00AD]*(-([A-Za-z0-9\u00AD]+|{ACRO}\.))+
std::size_t hthing(const Text &s, std::size_t i)
{
    if (!isAsciiAlnum(at(s, i)))
        return 0;
    auto head = [](char32_t c) { return isAsciiAlnum(c) || c == '.' || c == ',' || c == 0xAD; };
    auto part = [](char32_t c) { return isAsciiAlnum(c) || c == 0xAD; };
    std::size_t n = 1 + runOf(s, i + 1, head);
    bool hyphenated = false;
    while (at(s, i + n) == '-') {
        std::size_t next = runOf(s, i + n + 1, part);
        for (std::size_t acro : acroLengths(s, i + n + 1)) {
            if (at(s, i + n + 1 + acro) == '.')
                next = std::max(next, acro + 1);
        }
        if (next == 0)
            break;
        n += 1 + next;
        hyphenated = true;
    }
    return hyphenated ? n : 0;
}

// THINGA = [A-Z]+(([+&]|{SPAMP})[A-Z]+)+
std::size_t thinga(const Text &s, std::size_t i)
{
    std::size_t n = runOf(s, i, isAsciiUpper);
    if (n == 0)
        return 0;
    bool joined = false;
    for (;;) {
        const char32_t c = at(s, i + n);
        const std::size_t joint = (c == '+' || c == '&') ? std::max<std::size_t>(1, literal(s, i + n, "&amp;")) : 0;
        const std::size_t next = joint ? runOf(s, i + n + joint, isAsciiUpper) : 0;
        if (next == 0)
            break;
        n += joint + next;
        joined = true;
    }
    return joined ? n : 0;
}

// X\./{INSENTP}: a token with its period, when , ; or : follows.
Match withPeriodBeforePunct(const Text &s, std::size_t p, std::size_t n, Transform t)
{
    if (n && at(s, p + n) == '.' && isInSentencePunct(at(s, p + n + 1)))
        return withContext(n + 1, 1, t);
    return {};
}

// THING3 = [A-Za-z0-9]+(-[A-Za-z]+){0,2}(\\?\/[A-Za-z0-9]+(-[A-Za-z]+){0,2}){1,2}: and/or
std::size_t thing3Part(const Text &s, std::size_t i)
{
    std::size_t n = runOf(s, i, isAsciiAlnum);
    for (int k = 0; n && k < 2 && at(s, i + n) == '-'; ++k) {
        const std::size_t letters = runOf(s, i + n + 1, isAsciiLetter);
        if (letters == 0)
            break;
        n += 1 + letters;
    }
    return n;
}

} // namespace

// APOS = ['\u0092\u2019]|&apos;
std::size_t apos(const Text &s, std::size_t i)
{
    const char32_t c = at(s, i);
    if (c == '\'' || c == 0x92 || c == 0x2019)
        return 1;
    return literal(s, i, "&apos;");
}

// "cannot" is two tokens: "can" now, "not" next (the rule pushes back 3).
Match cannotRule(const Text &s, std::size_t p)
{
    return literal(s, p, "cannot") ? Match{6, 3, T::Keep} : Match{};
}

// {WORD}/{REDAUX}
Match wordBeforeRedaux(const Text &s, std::size_t p)
{
    const std::size_t w = wordLength(s, p);
    const std::size_t r = w ? redaux(s, p + w) : 0;
    return r ? withContext(w, r, T::Word) : Match{};
}

// {SWORD}/{SREDAUX}, SWORD = [A-Za-z\u00AD]*[A-MO-Za-mo-z](\u00AD)*: the word before n't.
Match swordBeforeSredaux(const Text &s, std::size_t p)
{
    const std::size_t run = runOf(s, p, [](char32_t c) { return isAsciiLetter(c) || c == 0xAD; });
    Match best;
    for (std::size_t end = p + 1; end <= p + run; ++end) {
        std::size_t last = end;
        while (last > p && s[last - 1] == 0xAD)
            --last;
        if (last == p || !isAsciiLetter(s[last - 1]) || isOneOf(s[last - 1], "nN"))
            continue;
        if (const std::size_t r = sredaux(s, end))
            best = longer(best, withContext(end - p, r, T::NoSoftHyphens));
    }
    return best;
}

Match word(const Text &s, std::size_t p) { return whole(wordLength(s, p), T::Word); }

// APOWORD: words with an inner or leading apostrophe that stay one token.
Match apoword(const Text &s, std::size_t p)
{
    std::size_t best = 0;
    const std::size_t a = apos(s, p);
    if (a && isOneOf(at(s, p + a), "nN")) // {APOS}n{APOS}?
        best = a + 1 + apos(s, p + a + 1);
    if (isOneOf(at(s, p), "lLdDjJ") && apos(s, p + 1)) // [lLdDjJ]{APOS}
        best = std::max(best, 1 + apos(s, p + 1));
    for (const char *stem : {"dunkin", "somethin", "ol"}) { // Dunkin{APOS}|somethin{APOS}|ol{APOS}
        const std::size_t n = literal(s, p, stem);
        if (n && apos(s, p + n))
            best = std::max(best, n + apos(s, p + n));
    }
    if (a) { // {APOS}em|{APOS}till?|{APOS}cause|{APOS}[2-9]0s
        if (const std::size_t tail = longestLiteral(s, p + a, {"em", "til", "till", "cause"}))
            best = std::max(best, a + tail);
        if (at(s, p + a) >= '2' && at(s, p + a) <= '9' && at(s, p + a + 1) == '0' && isOneOf(at(s, p + a + 2), "sS"))
            best = std::max(best, a + 3);
    }
    // [A-HJ-XZn]{APOSETCETERA}[:letter:]{2}[:letter:]*
    const char32_t first = at(s, p);
    if ((isAsciiUpper(first) && first != 'I' && first != 'Y') || first == 'n') {
        const std::size_t b = aposEtc(s, p + 1);
        const std::size_t letters = b ? runOf(s, p + 1 + b, isLetter) : 0;
        if (letters >= 2)
            best = std::max(best, 1 + b + letters);
    }
    // [:letter:][:letter:]*[aeiouyAEIOUY]{APOSETCETERA}[aeiouA-Z][:letter:]*
    const std::size_t head = runOf(s, p, isLetter);
    if (head >= 2 && isOneOf(s[p + head - 1], "aeiouyAEIOUY")) {
        const std::size_t b = aposEtc(s, p + head);
        const char32_t next = at(s, p + head + b);
        if (b && (isOneOf(next, "aeiou") || isAsciiUpper(next)))
            best = std::max(best, head + b + runOf(s, p + head + b, isLetter));
    }
    best = std::max(best, longestLiteral(s, p, {"cont'd.", "cont'd", "'twas", "nor'easter", "c'mon",
                                                "e'er", "s'mores", "ev'ry", "li'l", "nat'l"}));
    return whole(best, T::Keep);
}

// {APOWORD2}/[:letter:], APOWORD2 = y{APOS}
Match apoword2(const Text &s, std::size_t p)
{
    const std::size_t a = isOneOf(at(s, p), "yY") ? apos(s, p + 1) : 0;
    return (a && isLetter(at(s, p + 1 + a))) ? withContext(1 + a, 1, T::Keep) : Match{};
}

// TWITTER = @[a-zA-Z_][a-zA-Z_0-9]* | #{WORD}
Match twitter(const Text &s, std::size_t p)
{
    if (at(s, p) == '@' && (isAsciiLetter(at(s, p + 1)) || at(s, p + 1) == '_'))
        return whole(1 + runOf(s, p + 1, [](char32_t c) { return isAsciiAlnum(c) || c == '_'; }), T::Keep);
    const std::size_t w = at(s, p) == '#' ? wordLength(s, p + 1) : 0;
    return w ? whole(1 + w, T::Keep) : Match{};
}

// {REDAUX}/[^A-Za-z]
Match redauxBeforeNonLetter(const Text &s, std::size_t p)
{
    const std::size_t r = redaux(s, p);
    return (r && p + r < s.size() && !isAsciiLetter(s[p + r])) ? withContext(r, 1, T::QuoteRight) : Match{};
}

Match sredauxRule(const Text &s, std::size_t p) { return whole(sredaux(s, p), T::QuoteRight); }

// TBSPEC = -(RRB|LRB|RCB|LCB|RSB|LSB)-|C\.D\.s|pro-|anti-|S(&|&amp;)P-500|S(&|&amp;)Ls|Cap{APOS}n|c{APOS}est
Match tbspec(const Text &s, std::size_t p)
{
    std::size_t n = longestLiteral(s, p, {"-rrb-", "-lrb-", "-rcb-", "-lcb-", "-rsb-", "-lsb-", "c.d.s",
                                          "pro-", "anti-", "s&p-500", "s&amp;p-500", "s&ls", "s&amp;ls"});
    if (literal(s, p, "cap")) {
        const std::size_t a = apos(s, p + 3);
        if (a && isOneOf(at(s, p + 3 + a), "nN"))
            n = std::max(n, 4 + a);
    }
    if (isOneOf(at(s, p), "cC")) {
        const std::size_t a = apos(s, p + 1);
        if (a && literal(s, p + 1 + a, "est"))
            n = std::max(n, 4 + a);
    }
    return whole(n, T::Ampersand);
}

Match thing3(const Text &s, std::size_t p)
{
    std::size_t n = thing3Part(s, p);
    int slashes = 0;
    while (n && slashes < 2) {
        const std::size_t slash = at(s, p + n) == '\\' ? 1 : 0;
        if (at(s, p + n + slash) != '/')
            break;
        const std::size_t part = thing3Part(s, p + n + slash + 1);
        if (part == 0)
            break;
        n += slash + 1 + part;
        ++slashes;
    }
    return slashes ? whole(n, T::EscapeSlash) : Match{};
}

// {ABBREV1}/{SENTEND} and {ABBREV1}: both give the abbreviation with its
// period (the first also re-reads the period, which the COCO filter drops).
Match abbrev1Rule(const Text &s, std::size_t p) { return whole(abbrev1(s, p), T::Keep); }

// ABBREV2 = {ABBREV4}\.
Match abbrev2(const Text &s, std::size_t p)
{
    std::size_t best = 0;
    for (std::size_t n : abbrev4Lengths(s, p)) {
        if (at(s, p + n) == '.')
            best = std::max(best, n + 1);
    }
    return whole(best, T::Keep);
}

// {ABBREV4}/{SPACE}
Match abbrev4BeforeSpace(const Text &s, std::size_t p)
{
    Match best;
    for (std::size_t n : abbrev4Lengths(s, p)) {
        if (isSpace(at(s, p + n)))
            best = longer(best, withContext(n, 1, T::Keep));
    }
    return best;
}

// {ACRO}/{SPACENL}
Match acroBeforeSpace(const Text &s, std::size_t p)
{
    Match best;
    for (std::size_t n : acroLengths(s, p)) {
        if (isSpace(at(s, p + n)) || isNewline(at(s, p + n)))
            best = longer(best, withContext(n, 1, T::Keep));
    }
    return best;
}

// {TBSPEC2}/{SPACENL}, TBSPEC2 = {APOS}[0-9][0-9]
Match tbspec2(const Text &s, std::size_t p)
{
    const std::size_t a = apos(s, p);
    const char32_t after = at(s, p + a + 2);
    if (a && isAsciiDigit(at(s, p + a)) && isAsciiDigit(at(s, p + a + 1)) && (isSpace(after) || isNewline(after)))
        return withContext(a + 2, 1, T::Keep);
    return {};
}

Match wordWithPeriod(const Text &s, std::size_t p)
{
    return withPeriodBeforePunct(s, p, wordLength(s, p), T::NoSoftHyphens);
}

Match hthingWithPeriod(const Text &s, std::size_t p)
{
    return withPeriodBeforePunct(s, p, hthing(s, p), T::NoSoftHyphens);
}

Match hthingRule(const Text &s, std::size_t p) { return whole(hthing(s, p), T::NoSoftHyphens); }

Match thingWithPeriod(const Text &s, std::size_t p) { return withPeriodBeforePunct(s, p, thing(s, p), T::Keep); }

Match thingRule(const Text &s, std::size_t p) { return whole(thing(s, p), T::Keep); }

Match thingaWithPeriod(const Text &s, std::size_t p) { return withPeriodBeforePunct(s, p, thinga(s, p), T::Ampersand); }

Match thingaRule(const Text &s, std::size_t p) { return whole(thinga(s, p), T::Ampersand); }

Match redauxRule(const Text &s, std::size_t p) { return whole(redaux(s, p), T::QuoteRight); }

} // namespace tandem::eval::ptb
