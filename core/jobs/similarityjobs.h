#pragma once
// Finding images by their embeddings (an embed run's stored vectors; no model
// is loaded): the images nearest one image ("more like this"), and pairs of
// near-duplicate images above a cosine threshold, for cleaning a dataset.
// Called by `tandem-cli similar` and the Embeddings panel alike.
#include "util/expected.h"

#include <QString>
#include <vector>

namespace tandem {

struct SimilarImage {
    qint64 imageId = 0;
    QString image;               // its name
    double score = 0;            // cosine similarity
};
// The k images of the run nearest an image (a project image id or name; itself left out), best first.
Expected<std::vector<SimilarImage>> similarImages(const QString &project, qint64 runId, const QString &image, int k);

struct DuplicatePair {
    SimilarImage first, second;  // first.imageId < second.imageId
    double score = 0;
};
// Pairs of the run's images whose cosine similarity is at least `threshold`,
// most similar first, at most `limit`. Each image's 10 nearest neighbours are
// the candidates (exact up to 20,000 images, an HNSW index above).
Expected<std::vector<DuplicatePair>> nearDuplicates(const QString &project, qint64 runId, double threshold, int limit);

} // namespace tandem
