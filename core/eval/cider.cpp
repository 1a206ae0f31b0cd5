// CIDEr-D as pycocoevalcap's cider/cider_scorer.py computes it.
#include "eval/captioninput.h"
#include "eval/captionmetrics.h"
#include "eval/ngrams.h"
#include "eval/pymath.h"
#include "eval/unicodetext.h"

#include <algorithm>
#include <cmath>
#include <unordered_map>
#include <unordered_set>

namespace tandem::eval {
namespace {

constexpr double kSigma = 6.0;
constexpr double kE = 2.718281828459045; // numpy.e; the reference raises it with **, not exp()

// counts2vec(): tf-idf weights per n-gram order, their norms, and the length
// the reference uses for its penalty (the number of bigrams).
struct TfIdf {
    const NgramCounts *counts = nullptr;
    std::array<std::unordered_map<std::string, double>, kMaxNgram> weights;
    std::array<double, kMaxNgram> norm{};
    int length = 0;

    double weightOf(int order, const std::string &ngram) const
    {
        const auto &map = weights[order - 1];
        const auto it = map.find(ngram);
        return it == map.end() ? 0.0 : it->second;
    }
};

TfIdf tfIdf(const NgramCounts &counts, const CiderD::DocumentFrequency &frequency, double logImageCount)
{
    TfIdf vector;
    vector.counts = &counts;
    for (const NgramCount &entry : counts.entries()) {
        const auto df = frequency.find(entry.ngram);
        const double logDf = std::log(std::max(1.0, df == frequency.end() ? 0.0 : df->second));
        const double weight = static_cast<double>(entry.count) * (logImageCount - logDf);
        vector.weights[entry.order - 1][entry.ngram] = weight;
        vector.norm[entry.order - 1] += weight * weight;
        if (entry.order == 2)
            vector.length += entry.count;
    }
    for (double &norm : vector.norm)
        norm = std::sqrt(norm);
    return vector;
}

// sim(): clipped cosine similarity per order, with the length penalty.
std::array<double, kMaxNgram> similarity(const TfIdf &candidate, const TfIdf &reference)
{
    const double delta = static_cast<double>(candidate.length - reference.length);
    const double penalty = std::pow(kE, -(delta * delta) / (2 * kSigma * kSigma));
    std::array<double, kMaxNgram> value{};
    for (const NgramCount &entry : candidate.counts->entries()) {
        const double mine = candidate.weightOf(entry.order, entry.ngram);
        const double theirs = reference.weightOf(entry.order, entry.ngram);
        value[entry.order - 1] += std::min(mine, theirs) * theirs;
    }
    for (int k = 0; k < kMaxNgram; ++k) {
        if (candidate.norm[k] != 0 && reference.norm[k] != 0)
            value[k] /= candidate.norm[k] * reference.norm[k];
        value[k] *= penalty;
    }
    return value;
}

using CookedReferences = std::vector<NgramCounts>;

CookedReferences cook(const Sentences &references)
{
    CookedReferences cooked;
    cooked.reserve(references.size());
    for (const std::string &reference : references)
        cooked.emplace_back(text::splitWhitespace(reference));
    return cooked;
}

} // namespace

// compute_doc_freq(): in how many images' references each n-gram occurs.
CiderD::CiderD(const std::vector<Sentences> &references)
{
    for (const Sentences &image : references)
        addDocument(cook(image));
    m_logImageCount = std::log(static_cast<double>(references.size()));
}

void CiderD::addDocument(const std::vector<NgramCounts> &references)
{
    std::unordered_set<std::string> seen;
    for (const NgramCounts &reference : references)
        for (const NgramCount &entry : reference.entries())
            seen.insert(entry.ngram);
    for (const std::string &ngram : seen)
        m_frequency[ngram] += 1;
}

double CiderD::score(const Sentences &references, const std::string &candidate) const
{
    return score(cook(references), NgramCounts(text::splitWhitespace(candidate)));
}

double CiderD::score(const std::vector<NgramCounts> &references, const NgramCounts &candidate) const
{
    const TfIdf cooked = tfIdf(candidate, m_frequency, m_logImageCount);
    std::array<double, kMaxNgram> sum{};
    for (const NgramCounts &counts : references) {
        const std::array<double, kMaxNgram> value = similarity(cooked, tfIdf(counts, m_frequency, m_logImageCount));
        for (int k = 0; k < kMaxNgram; ++k)
            sum[k] += value[k];
    }
    double score = numpyMean(std::vector<double>(sum.begin(), sum.end()));
    score /= static_cast<double>(references.size());
    return score * 10.0;
}

CiderScores ciderD(const std::vector<Sentences> &references, const Sentences &candidates)
{
    checkCaptionInput(references, candidates);
    CiderD scorer(references);
    CiderScores scores;
    scores.perImage.reserve(candidates.size());
    for (std::size_t i = 0; i < candidates.size(); ++i)
        scores.perImage.push_back(scorer.score(references[i], candidates[i]));
    scores.corpus = numpyMean(scores.perImage);
    return scores;
}

} // namespace tandem::eval
