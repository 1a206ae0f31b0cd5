#include "eval/captionmetrics.h"

#include "eval/captioninput.h"
#include "eval/ptbtokenizer.h"

#include <stdexcept>

namespace tandem::eval {

void checkCaptionInput(const std::vector<Sentences> &references, const Sentences &candidates)
{
    if (references.empty())
        throw std::invalid_argument("caption metrics need at least one image");
    if (references.size() != candidates.size())
        throw std::invalid_argument("caption metrics need one candidate per image: got "
                                    + std::to_string(candidates.size()) + " candidates for "
                                    + std::to_string(references.size()) + " images");
    for (std::size_t i = 0; i < references.size(); ++i) {
        if (references[i].empty())
            throw std::invalid_argument("image " + std::to_string(i) + " has no reference caption");
    }
}

CaptionScores scoreTokenizedCaptions(const std::vector<Sentences> &references, const Sentences &candidates)
{
    const BleuScores b = bleu(references, candidates);
    const RougeScores r = rougeL(references, candidates);
    const CiderScores c = ciderD(references, candidates);
    CaptionScores scores{b.corpus, r.corpus, c.corpus, {}};
    scores.perImage.reserve(candidates.size());
    for (std::size_t i = 0; i < candidates.size(); ++i)
        scores.perImage.push_back({b.perImage[i], r.perImage[i], c.perImage[i]});
    return scores;
}

CaptionScores scoreCaptions(const std::vector<Sentences> &references, const Sentences &candidates)
{
    checkCaptionInput(references, candidates);
    std::vector<Sentences> tokenizedReferences;
    tokenizedReferences.reserve(references.size());
    for (const Sentences &image : references) {
        Sentences tokenized;
        tokenized.reserve(image.size());
        for (const std::string &caption : image)
            tokenized.push_back(cocoTokenize(caption));
        tokenizedReferences.push_back(std::move(tokenized));
    }
    Sentences tokenizedCandidates;
    tokenizedCandidates.reserve(candidates.size());
    for (const std::string &caption : candidates)
        tokenizedCandidates.push_back(cocoTokenize(caption));
    return scoreTokenizedCaptions(tokenizedReferences, tokenizedCandidates);
}

} // namespace tandem::eval
