// BLEU as pycocoevalcap's bleu/bleu_scorer.py computes it (option "closest").
#include "eval/captioninput.h"
#include "eval/captionmetrics.h"
#include "eval/ngrams.h"
#include "eval/unicodetext.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <unordered_map>

namespace tandem::eval {
namespace {

constexpr double kSmall = 1e-9;
constexpr double kTiny = 1e-15; // "so that if guess is 0 still return 0"

// What cook_test() keeps of one candidate against its references.
struct CookedSentence {
    int testLength = 0;
    int referenceLength = 0; // the closest reference length
    std::array<int, kMaxNgram> guess{};
    std::array<int, kMaxNgram> correct{};
};

// min((abs(l - testlen), l) for l in reflens)[1]: the closest, the shorter on ties.
int closestLength(const std::vector<int> &lengths, int testLength)
{
    int best = lengths.front();
    for (int length : lengths) {
        const int distance = std::abs(length - testLength);
        const int bestDistance = std::abs(best - testLength);
        if (distance < bestDistance || (distance == bestDistance && length < best))
            best = length;
    }
    return best;
}

CookedSentence cook(const Sentences &references, const std::string &candidate)
{
    std::vector<int> lengths;
    std::unordered_map<std::string, int> maxCounts;
    for (const std::string &reference : references) {
        const NgramCounts counts(text::splitWhitespace(reference));
        lengths.push_back(counts.wordCount());
        for (const NgramCount &entry : counts.entries()) {
            int &max = maxCounts[entry.ngram];
            max = std::max(max, entry.count);
        }
    }
    const NgramCounts counts(text::splitWhitespace(candidate));
    CookedSentence cooked;
    cooked.testLength = counts.wordCount();
    cooked.referenceLength = closestLength(lengths, cooked.testLength);
    for (int k = 0; k < kMaxNgram; ++k)
        cooked.guess[k] = std::max(0, cooked.testLength - k);
    for (const NgramCount &entry : counts.entries()) {
        const auto max = maxCounts.find(entry.ngram);
        cooked.correct[entry.order - 1] += std::min(max == maxCounts.end() ? 0 : max->second, entry.count);
    }
    return cooked;
}

// BLEU-1..4 from clipped matches and guesses, each the geometric mean of the
// precisions so far, with the brevity penalty of testLength against referenceLength.
template <typename Int>
std::array<double, kMaxNgram> bleuFrom(const std::array<Int, kMaxNgram> &correct,
                                       const std::array<Int, kMaxNgram> &guess,
                                       Int testLength, Int referenceLength)
{
    std::array<double, kMaxNgram> scores{};
    double product = 1.0;
    for (int k = 0; k < kMaxNgram; ++k) {
        product *= (static_cast<double>(correct[k]) + kTiny) / (static_cast<double>(guess[k]) + kSmall);
        scores[k] = std::pow(product, 1.0 / (k + 1.0));
    }
    const double ratio = (static_cast<double>(testLength) + kTiny) / (static_cast<double>(referenceLength) + kSmall);
    if (ratio < 1) {
        for (double &score : scores)
            score *= std::exp(1 - 1 / ratio);
    }
    return scores;
}

} // namespace

BleuScores bleu(const std::vector<Sentences> &references, const Sentences &candidates)
{
    checkCaptionInput(references, candidates);
    BleuScores scores;
    std::array<long long, kMaxNgram> totalCorrect{};
    std::array<long long, kMaxNgram> totalGuess{};
    long long totalTest = 0;
    long long totalReference = 0;
    for (std::size_t i = 0; i < candidates.size(); ++i) {
        const CookedSentence cooked = cook(references[i], candidates[i]);
        for (int k = 0; k < kMaxNgram; ++k) {
            totalCorrect[k] += cooked.correct[k];
            totalGuess[k] += cooked.guess[k];
        }
        totalTest += cooked.testLength;
        totalReference += cooked.referenceLength;
        scores.perImage.push_back(bleuFrom(cooked.correct, cooked.guess, cooked.testLength, cooked.referenceLength));
    }
    scores.corpus = bleuFrom(totalCorrect, totalGuess, totalTest, totalReference);
    return scores;
}

} // namespace tandem::eval
