#pragma once
// Embeddings of project items as plain float32 vectors, without torch: the
// rows of an embed run (table `embeddings`), stored, read back and ranked by
// dot product (the vectors have unit length, so it is the cosine).
#include "projectdata.h"

#include <string>
#include <utility>
#include <vector>

namespace tandem::backend {

// One unit vector per item, row-major: row i is ids[i]'s.
struct EmbeddingSet {
    int dimension = 0;
    std::vector<qint64> ids;
    std::vector<float> values; // ids.size() x dimension
    size_t size() const { return ids.size(); }
    const float *row(size_t i) const { return values.data() + i * size_t(dimension); }
};

// The images of a split and every caption of those images.
struct SplitEmbeddings {
    EmbeddingSet images;
    EmbeddingSet captions;
    std::vector<size_t> imageOfCaption; // row in images of each caption
};

// The k rows of `candidates` nearest `query` (dimension floats), best first;
// equal scores keep the row order. Pairs of (row, score).
std::vector<std::pair<size_t, float>> nearest(const EmbeddingSet &candidates, const float *query, int k);
// The row of `id`, or -1.
long rowOf(const EmbeddingSet &set, qint64 id);

// One transaction: a run of kind infer (task retrieval) with every vector.
Expected<qint64> saveEmbeddings(ProjectStore &store, const InferenceRequest &request, const QJsonObject &metrics,
                                const SplitEmbeddings &embeddings);

// What an embed run was made from; a usage error when the run is not one.
struct EmbedRun {
    QString checkpoint;          // absolute path
    QString split;
};
Expected<EmbedRun> readEmbedRun(ProjectStore &store, qint64 runId);
// The vectors of one kind ("image" / "caption") of a run, in item id order.
Expected<EmbeddingSet> loadEmbeddings(ProjectStore &store, qint64 runId, const char *kind);

// An image by id ("42") or by name; a usage error when the project has none.
Expected<ImageItem> findImage(ProjectStore &store, const QString &idOrName);
// The image name (and, for a caption, its text and image id) of a ranked item.
Status describe(ProjectStore &store, const QString &kind, RetrievedItem &item);

} // namespace tandem::backend
