#pragma once
// Image-text retrieval recall@K (K = 1, 5, 10) in both directions, from a
// similarity matrix and the ground-truth pairing.
//
// similarity is row-major, images x texts: similarity[i * textCount + t] is the
// score of text t for image i (higher is better). imageOfText[t] is the image
// text t describes; an image may have several texts, every text has one image.
//
// image -> text: an image counts as found at K when one of its texts is in its
// top K texts. text -> image: a text counts when its image is in its top K.
// Results are percentages of the queries (images that have at least one text,
// and all texts).
//
// Ties are counted against the model: a correct item ranks below every wrong
// item scoring the same, so a constant similarity finds nothing by luck. Its
// rank is 1 + the number of wrong items scoring >= it (for image -> text, the
// best-scoring of the image's texts; other correct texts never push it down).
// A NaN score for the correct item is a miss; NaN for a wrong item never
// outranks anything.
#include <cstddef>
#include <vector>

namespace tandem::eval {

struct RecallAtK {
    double r1 = 0;
    double r5 = 0;
    double r10 = 0;
};

struct RetrievalRecall {
    RecallAtK imageToText;
    RecallAtK textToImage;
};

// Throws std::invalid_argument when the matrix size is not imageCount x
// imageOfText.size(), when an image index is out of range, or when there are
// no texts.
RetrievalRecall retrievalRecall(const std::vector<float> &similarity, std::size_t imageCount,
                                const std::vector<std::size_t> &imageOfText);

} // namespace tandem::eval
