#pragma once
// Embeddings of project items as plain float32 vectors: the rows of an embed
// run (table `embeddings`, float32 little-endian), stored and read back.
#include "data/runstore.h"
#include "data/splitdata.h"

#include <QJsonObject>
#include <QString>
#include <vector>

namespace tandem {

class ProjectStore;

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

namespace embeddings {

// One transaction: a completed run of kind infer (`config` names task
// retrieval, the checkpoint and the split) with every vector.
Expected<qint64> saveRun(ProjectStore &store, const QString &name, const QJsonObject &config,
                         const QJsonObject &metrics, const SplitEmbeddings &embeddings);

// An embed run: an inference run that stored vectors, of a retrieval model
// (images and captions) or of a VQA or caption model (its pooled image features,
// config "embed": true).
bool isEmbedRun(const RunRecord &run);

// What an embed run was made from; a usage error when the run is not one.
struct EmbedRun {
    QString checkpoint;          // absolute path
    QString split;
    TaskKind task = TaskKind::Retrieval; // the model's
};
Expected<EmbedRun> readRun(ProjectStore &store, qint64 runId);
// The vectors of one kind ("image" / "caption") of a run, in item id order.
Expected<EmbeddingSet> load(ProjectStore &store, qint64 runId, const char *kind);

// What a ranked item is: its image (and, for a caption, its text).
struct ItemText {
    qint64 imageId = 0;
    QString image;               // the image's name
    QString caption;             // captions only
};
Expected<ItemText> describe(ProjectStore &store, bool caption, qint64 id);

// Ranking by dot product (the vectors have unit length, so it is the cosine):
// the k rows of `candidates` nearest `query` (dimension floats), best first;
// equal scores keep the row order. Pairs of (row, score).
std::vector<std::pair<size_t, float>> nearest(const EmbeddingSet &candidates, const float *query, int k);
// The row of `id`, or -1.
long rowOf(const EmbeddingSet &set, qint64 id);
// Every row scaled to unit length (a zero row stays zero), so dot products are
// cosines: a retrieval model's vectors already are; others may not be.
void normalise(EmbeddingSet &set);

} // namespace embeddings
} // namespace tandem
