#pragma once
// Caption metrics exactly as the COCO caption evaluation (pycocoevalcap)
// computes them: BLEU-1..4, ROUGE-L and CIDEr-D, corpus and per image.
//
// Input: for each image, its reference captions and one candidate caption.
// scoreCaptions() takes raw text and tokenises it like pycocoevalcap
// (cocoTokenize, see ptbtokenizer.h). The other functions take sentences that
// are already tokenised the same way: tokens joined by single spaces. They
// split them as the reference does: on any whitespace for BLEU and CIDEr-D,
// on single spaces for ROUGE-L (so "" is one empty token there, as in Python).
//
// Every image needs at least one reference, and references and candidates
// must have the same number of images (at least one); otherwise these throw
// std::invalid_argument (the reference fails an assertion there).
#include "eval/ngrams.h"

#include <array>
#include <string>
#include <unordered_map>
#include <vector>

namespace tandem::eval {

using Sentences = std::vector<std::string>;

// bleu/bleu_scorer.py with option="closest" (Bleu.compute_score): clipped
// n-gram counts per sentence, summed over the corpus, tiny = 1e-15 and
// small = 1e-9 against zero counts, brevity penalty exp(1 - r/c) when the
// candidates are shorter than their closest references (ties: the shorter).
// perImage[i][n-1] is the reference's per-image BLEU-n: the same formula on
// the image alone, with its own brevity penalty.
struct BleuScores {
    std::array<double, 4> corpus{};
    std::vector<std::array<double, 4>> perImage;
};
BleuScores bleu(const std::vector<Sentences> &references, const Sentences &candidates);

// rouge/rouge.py: per image, LCS-based precision and recall against each
// reference, the maximum of each over the references, F with beta = 1.2;
// the corpus score is the mean over images.
struct RougeScores {
    double corpus = 0;
    std::vector<double> perImage;
};
RougeScores rougeL(const std::vector<Sentences> &references, const Sentences &candidates);

// cider/cider_scorer.py (CIDEr-D): tf-idf vectors of 1- to 4-grams with
// document frequencies over the references of this set (so one image alone
// scores 0), candidate weights clipped to the reference's, a Gaussian
// penalty (sigma = 6) on the difference in length (as the reference counts
// it: number of bigrams), times 10, averaged over n and over references.
struct CiderScores {
    double corpus = 0;
    std::vector<double> perImage;
};
CiderScores ciderD(const std::vector<Sentences> &references, const Sentences &candidates);

// CIDEr-D of one image with the document frequencies fixed by a corpus, as
// self-critical training uses it for its reward (cider/ciderD.py of the
// SCST code, with df from the training set): ciderD() above is this with the
// corpus being the evaluated set.
class CiderD {
public:
    using DocumentFrequency = std::unordered_map<std::string, double>;

    explicit CiderD(const std::vector<Sentences> &corpusReferences);
    double score(const Sentences &references, const std::string &candidate) const;

private:
    void addDocument(const std::vector<NgramCounts> &references);
    double score(const std::vector<NgramCounts> &references, const NgramCounts &candidate) const;

    DocumentFrequency m_frequency;
    double m_logImageCount = 0;
};

struct CaptionImageScores {
    std::array<double, 4> bleu{};
    double rougeL = 0;
    double ciderD = 0;
};

struct CaptionScores {
    std::array<double, 4> bleu{};
    double rougeL = 0;
    double ciderD = 0;
    std::vector<CaptionImageScores> perImage;
};

// All three on sentences tokenised already (tokens joined by spaces).
CaptionScores scoreTokenizedCaptions(const std::vector<Sentences> &references, const Sentences &candidates);
// All three on raw captions, tokenised with cocoTokenize first.
CaptionScores scoreCaptions(const std::vector<Sentences> &references, const Sentences &candidates);

} // namespace tandem::eval
