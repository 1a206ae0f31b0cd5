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

using DocumentFrequency = std::unordered_map<std::string, double>;

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

TfIdf tfIdf(const NgramCounts &counts, const DocumentFrequency &frequency, double logImageCount)
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

struct CookedImage {
    std::vector<NgramCounts> references;
    NgramCounts candidate;
};

// compute_doc_freq(): in how many images' references each n-gram occurs.
DocumentFrequency documentFrequency(const std::vector<CookedImage> &images)
{
    DocumentFrequency frequency;
    for (const CookedImage &image : images) {
        std::unordered_set<std::string> seen;
        for (const NgramCounts &reference : image.references) {
            for (const NgramCount &entry : reference.entries())
                seen.insert(entry.ngram);
        }
        for (const std::string &ngram : seen)
            frequency[ngram] += 1;
    }
    return frequency;
}

double ciderOfImage(const CookedImage &image, const DocumentFrequency &frequency, double logImageCount)
{
    const TfIdf candidate = tfIdf(image.candidate, frequency, logImageCount);
    std::array<double, kMaxNgram> sum{};
    for (const NgramCounts &counts : image.references) {
        const std::array<double, kMaxNgram> value = similarity(candidate, tfIdf(counts, frequency, logImageCount));
        for (int k = 0; k < kMaxNgram; ++k)
            sum[k] += value[k];
    }
    double score = numpyMean(std::vector<double>(sum.begin(), sum.end()));
    score /= static_cast<double>(image.references.size());
    return score * 10.0;
}

} // namespace

CiderScores ciderD(const std::vector<Sentences> &references, const Sentences &candidates)
{
    checkCaptionInput(references, candidates);
    std::vector<CookedImage> images;
    images.reserve(candidates.size());
    for (std::size_t i = 0; i < candidates.size(); ++i) {
        std::vector<NgramCounts> cooked;
        for (const std::string &reference : references[i])
            cooked.emplace_back(text::splitWhitespace(reference));
        images.push_back({std::move(cooked), NgramCounts(text::splitWhitespace(candidates[i]))});
    }
    const DocumentFrequency frequency = documentFrequency(images);
    const double logImageCount = std::log(static_cast<double>(images.size()));
    CiderScores scores;
    scores.perImage.reserve(images.size());
    for (const CookedImage &image : images)
        scores.perImage.push_back(ciderOfImage(image, frequency, logImageCount));
    scores.corpus = numpyMean(scores.perImage);
    return scores;
}

} // namespace tandem::eval
