// ROUGE-L as pycocoevalcap's rouge/rouge.py computes it.
#include "eval/captioninput.h"
#include "eval/captionmetrics.h"
#include "eval/pymath.h"
#include "eval/unicodetext.h"

#include <algorithm>
#include <cmath>

namespace tandem::eval {
namespace {

constexpr double kBeta = 1.2;

std::size_t longestCommonSubsequence(const std::vector<std::string> &a, const std::vector<std::string> &b)
{
    std::vector<std::size_t> previous(b.size() + 1, 0);
    std::vector<std::size_t> current(b.size() + 1, 0);
    for (const std::string &word : a) {
        for (std::size_t j = 1; j <= b.size(); ++j)
            current[j] = word == b[j - 1] ? previous[j - 1] + 1 : std::max(previous[j], current[j - 1]);
        std::swap(previous, current);
    }
    return previous[b.size()];
}

double rougeOfImage(const Sentences &references, const std::string &candidate)
{
    // The reference splits on single spaces: "" is one empty token.
    const std::vector<std::string> candidateTokens = text::splitOnSpace(candidate);
    double precision = 0;
    double recall = 0;
    for (const std::string &reference : references) {
        const std::vector<std::string> referenceTokens = text::splitOnSpace(reference);
        const auto lcs = static_cast<double>(longestCommonSubsequence(referenceTokens, candidateTokens));
        precision = std::max(precision, lcs / static_cast<double>(candidateTokens.size()));
        recall = std::max(recall, lcs / static_cast<double>(referenceTokens.size()));
    }
    if (precision == 0 || recall == 0)
        return 0.0;
    const double betaSquared = std::pow(kBeta, 2);
    return ((1 + betaSquared) * precision * recall) / (recall + betaSquared * precision);
}

} // namespace

RougeScores rougeL(const std::vector<Sentences> &references, const Sentences &candidates)
{
    checkCaptionInput(references, candidates);
    RougeScores scores;
    scores.perImage.reserve(candidates.size());
    for (std::size_t i = 0; i < candidates.size(); ++i)
        scores.perImage.push_back(rougeOfImage(references[i], candidates[i]));
    scores.corpus = numpyMean(scores.perImage);
    return scores;
}

} // namespace tandem::eval
