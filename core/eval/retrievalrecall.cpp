#include "eval/retrievalrecall.h"

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

namespace tandem::eval {
namespace {

constexpr std::size_t kDeepest = 10; // the largest K; ranks past it need no exact count

// Accumulates hits at 1, 5 and 10 over queries.
struct RecallCounter {
    std::size_t queries = 0;
    std::size_t hits[3] = {0, 0, 0};

    // rank: 1-based, or 0 for "not found at all"
    void add(std::size_t rank)
    {
        ++queries;
        const std::size_t ks[3] = {1, 5, 10};
        for (int k = 0; k < 3; ++k)
            hits[k] += (rank != 0 && rank <= ks[k]) ? 1 : 0;
    }

    RecallAtK percentages() const
    {
        auto percent = [this](std::size_t h) { return queries ? 100.0 * h / queries : 0.0; };
        return {percent(hits[0]), percent(hits[1]), percent(hits[2])};
    }
};

// 1 + the number of wrong candidates scoring >= target (capped past K = 10),
// or 0 when the target score is NaN.
template <typename ScoreAt, typename IsCorrect>
std::size_t pessimisticRank(float target, std::size_t candidates, ScoreAt scoreAt, IsCorrect isCorrect)
{
    if (std::isnan(target))
        return 0;
    std::size_t above = 0;
    for (std::size_t c = 0; c < candidates && above < kDeepest; ++c) {
        if (!isCorrect(c) && scoreAt(c) >= target)
            ++above;
    }
    return above + 1;
}

void checkInput(const std::vector<float> &similarity, std::size_t imageCount,
                const std::vector<std::size_t> &imageOfText)
{
    if (imageOfText.empty())
        throw std::invalid_argument("retrieval recall needs at least one text");
    if (similarity.size() != imageCount * imageOfText.size())
        throw std::invalid_argument("the similarity matrix has " + std::to_string(similarity.size())
                                    + " entries, expected " + std::to_string(imageCount) + " images x "
                                    + std::to_string(imageOfText.size()) + " texts");
    for (std::size_t t = 0; t < imageOfText.size(); ++t) {
        if (imageOfText[t] >= imageCount)
            throw std::invalid_argument("text " + std::to_string(t) + " belongs to image "
                                        + std::to_string(imageOfText[t]) + ", but there are only "
                                        + std::to_string(imageCount) + " images");
    }
}

RecallAtK imageToText(const std::vector<float> &similarity, std::size_t imageCount,
                      const std::vector<std::size_t> &imageOfText)
{
    const std::size_t textCount = imageOfText.size();
    RecallCounter counter;
    for (std::size_t image = 0; image < imageCount; ++image) {
        const float *row = similarity.data() + image * textCount;
        bool hasText = false;
        float best = -std::numeric_limits<float>::infinity();
        bool bestIsNan = true;
        for (std::size_t t = 0; t < textCount; ++t) {
            if (imageOfText[t] != image)
                continue;
            hasText = true;
            if (!std::isnan(row[t]) && (bestIsNan || row[t] > best)) {
                best = row[t];
                bestIsNan = false;
            }
        }
        if (!hasText)
            continue;
        const float target = bestIsNan ? std::numeric_limits<float>::quiet_NaN() : best;
        counter.add(pessimisticRank(
            target, textCount, [row](std::size_t t) { return row[t]; },
            [&](std::size_t t) { return imageOfText[t] == image; }));
    }
    return counter.percentages();
}

RecallAtK textToImage(const std::vector<float> &similarity, std::size_t imageCount,
                      const std::vector<std::size_t> &imageOfText)
{
    const std::size_t textCount = imageOfText.size();
    RecallCounter counter;
    for (std::size_t t = 0; t < textCount; ++t) {
        const std::size_t truth = imageOfText[t];
        counter.add(pessimisticRank(
            similarity[truth * textCount + t], imageCount,
            [&](std::size_t image) { return similarity[image * textCount + t]; },
            [truth](std::size_t image) { return image == truth; }));
    }
    return counter.percentages();
}

} // namespace

RetrievalRecall retrievalRecall(const std::vector<float> &similarity, std::size_t imageCount,
                                const std::vector<std::size_t> &imageOfText)
{
    checkInput(similarity, imageCount, imageOfText);
    return {imageToText(similarity, imageCount, imageOfText), textToImage(similarity, imageCount, imageOfText)};
}

} // namespace tandem::eval
