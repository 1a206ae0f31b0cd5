#pragma once
// British -> American spelling, as Stanford's PTBTokenizer does it to plain
// words when its ptb3Escaping defaults are on (CoreNLP 3.4.x, the version
// pycocoevalcap runs): a fixed word list plus five patterns, applied to the
// word as written (case-sensitive), before the caption is lower-cased.
#include <string>

namespace tandem::eval {

std::string americanize(const std::string &word);

} // namespace tandem::eval
