#pragma once
// Ranking embeddings by dot product (the vectors have unit length, so it is
// the cosine). The vectors themselves are stored through data/embeddingstore.h.
#include "data/embeddingstore.h"

#include <utility>
#include <vector>

namespace tandem::backend {

// The k rows of `candidates` nearest `query` (dimension floats), best first;
// equal scores keep the row order. Pairs of (row, score).
std::vector<std::pair<size_t, float>> nearest(const EmbeddingSet &candidates, const float *query, int k);
// The row of `id`, or -1.
long rowOf(const EmbeddingSet &set, qint64 id);

} // namespace tandem::backend
