#include "eval/americanize.h"

#include <algorithm>
#include <unordered_map>

namespace tandem::eval {
namespace {

const std::unordered_map<std::string, std::string> &spellings()
{
    static const std::unordered_map<std::string, std::string> map = {
        {"anaesthetic", "anesthetic"}, {"analogue", "analog"}, {"analogues", "analogs"},
        {"analyse", "analyze"}, {"analysed", "analyzed"}, {"analysing", "analyzing"},
        {"armoured", "armored"}, {"cancelled", "canceled"}, {"cancelling", "canceling"},
        {"candour", "candor"}, {"capitalise", "capitalize"}, {"capitalised", "capitalized"},
        {"capitalisation", "capitalization"}, {"centre", "center"}, {"chimaeric", "chimeric"},
        {"clamour", "clamor"}, {"coloured", "colored"}, {"colouring", "coloring"},
        {"colourful", "colorful"}, {"defence", "defense"}, {"Defence", "Defense"},
        {"discolour", "discolor"}, {"discolours", "discolors"}, {"discoloured", "discolored"},
        {"discolouring", "discoloring"}, {"encyclopaedia", "encyclopedia"},
        {"endeavour", "endeavor"}, {"endeavours", "endeavors"}, {"endeavoured", "endeavored"},
        {"endeavouring", "endeavoring"}, {"fervour", "fervor"}, {"favour", "favor"},
        {"favours", "favors"}, {"favoured", "favored"}, {"favouring", "favoring"},
        {"favourite", "favorite"}, {"favourites", "favorites"}, {"fibre", "fiber"},
        {"fibres", "fibers"}, {"finalise", "finalize"}, {"finalised", "finalized"},
        {"finalising", "finalizing"}, {"flavour", "flavor"}, {"flavours", "flavors"},
        {"flavoured", "flavored"}, {"flavouring", "flavoring"}, {"glamour", "glamour"},
        {"grey", "gray"}, {"harbour", "harbor"}, {"harbours", "harbors"},
        {"homologue", "homolog"}, {"homologues", "homologs"}, {"honour", "honor"},
        {"honours", "honors"}, {"honoured", "honored"}, {"honouring", "honoring"},
        {"honourable", "honorable"}, {"humour", "humor"}, {"humours", "humors"},
        {"humoured", "humored"}, {"humouring", "humoring"}, {"kerb", "curb"},
        {"labelled", "labeled"}, {"labelling", "labeling"}, {"labour", "labor"},
        {"Labour", "Labor"}, {"labours", "labors"}, {"laboured", "labored"},
        {"labouring", "laboring"}, {"leant", "leaned"}, {"learnt", "learned"},
        {"localise", "localize"}, {"localised", "localized"}, {"manoeuvre", "maneuver"},
        {"manoeuvres", "maneuvers"}, {"maximise", "maximize"}, {"maximised", "maximized"},
        {"maximising", "maximizing"}, {"meagre", "meager"}, {"minimise", "minimize"},
        {"minimised", "minimized"}, {"minimising", "minimizing"}, {"modernise", "modernize"},
        {"modernised", "modernized"}, {"modernising", "modernizing"},
        {"misdemeanour", "misdemeanor"}, {"misdemeanours", "misdemeanors"},
        {"neighbour", "neighbor"}, {"neighbours", "neighbors"},
        {"neighbourhood", "neighborhood"}, {"neighbourhoods", "neighborhoods"},
        {"oestrogen", "estrogen"}, {"oestrogens", "estrogens"},
        {"organisation", "organization"}, {"organisations", "organizations"},
        {"penalise", "penalize"}, {"penalised", "penalized"}, {"popularise", "popularize"},
        {"popularised", "popularized"}, {"popularises", "popularizes"},
        {"popularising", "popularizing"}, {"practise", "practice"}, {"practised", "practiced"},
        {"pressurise", "pressurize"}, {"pressurised", "pressurized"},
        {"pressurises", "pressurizes"}, {"pressurising", "pressurizing"},
        {"realise", "realize"}, {"realised", "realized"}, {"realising", "realizing"},
        {"realises", "realizes"}, {"recognise", "recognize"}, {"recognised", "recognized"},
        {"recognising", "recognizing"}, {"recognises", "recognizes"}, {"rumoured", "rumored"},
        {"rumouring", "rumoring"}, {"savour", "savor"}, {"savours", "savors"},
        {"savoured", "savored"}, {"savouring", "savoring"}, {"splendour", "splendor"},
        {"splendours", "splendors"}, {"theatre", "theater"}, {"theatres", "theaters"},
        {"titre", "titer"}, {"titres", "titers"}, {"travelled", "traveled"},
        {"travelling", "traveling"},
    };
    return map;
}

bool endsWith(const std::string &s, const std::string &suffix)
{
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

bool contains(const std::string &s, const std::string &part) { return s.find(part) != std::string::npos; }

// "haem(at)?o" -> "hem$1o", everywhere in the word.
bool replaceHaem(std::string &word)
{
    std::string out;
    bool found = false;
    for (std::size_t i = 0; i < word.size();) {
        if (word.compare(i, 4, "haem") == 0 && (word.compare(i + 4, 3, "ato") == 0 || word.compare(i + 4, 1, "o") == 0)) {
            const bool at = word.compare(i + 4, 3, "ato") == 0;
            out += at ? "hemato" : "hemo";
            i += at ? 7 : 5;
            found = true;
        } else {
            out += word[i++];
        }
    }
    if (found)
        word = out;
    return found;
}

// "([lL]euk)aem" -> "$1em", everywhere in the word.
bool replaceLeukaem(std::string &word)
{
    bool found = false;
    for (std::size_t i = 0; i + 7 <= word.size(); ++i) {
        if ((word[i] == 'l' || word[i] == 'L') && word.compare(i + 1, 6, "eukaem") == 0) {
            word.erase(i + 4, 1);
            found = true;
        }
    }
    return found;
}

bool isLowerAscii(const std::string &s)
{
    return std::all_of(s.begin(), s.end(), [](char c) { return c >= 'a' && c <= 'z'; });
}

bool isOurException(const std::string &word)
{
    static const char *const exceptions[] = {
        "abatjour", "beflour", "bonjour", "calambour", "carrefour", "cornflour", "contour",
        "detour", "devour", "dortour", "dyvour", "downpour", "giaour", "glamour", "holour",
        "inpour", "outpour", "pandour", "paramour", "pompadour", "recontour", "repour",
        "ryeflour", "sompnour", "tambour", "troubadour", "tregetour", "velour"};
    return std::any_of(std::begin(exceptions), std::end(exceptions),
                       [&](const char *e) { return contains(word, e); });
}

// "^([a-z]{3,})our(s?)$" -> "$1or$2", unless the word is a listed exception.
bool replaceOur(std::string &word)
{
    if (!isLowerAscii(word) || isOurException(word))
        return false;
    const std::string suffix = endsWith(word, "ours") ? "ours" : endsWith(word, "our") ? "our" : "";
    if (suffix.empty() || word.size() < suffix.size() + 3)
        return false;
    word = word.substr(0, word.size() - suffix.size()) + (suffix == "ours" ? "ors" : "or");
    return true;
}

} // namespace

std::string americanize(const std::string &word)
{
    const auto known = spellings().find(word);
    if (known != spellings().end())
        return known->second;
    std::string out = word;
    if (replaceHaem(out))
        return out;
    if (endsWith(out, "aemia"))
        return out.substr(0, out.size() - 5) + "emia";
    if (replaceLeukaem(out))
        return out;
    if (endsWith(out, "programme"))
        return out.substr(0, out.size() - 9) + "program";
    if (endsWith(out, "programmes"))
        return out.substr(0, out.size() - 10) + "programs";
    replaceOur(out);
    return out;
}

} // namespace tandem::eval
