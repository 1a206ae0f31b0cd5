#include "embeddings.h"

#include <algorithm>
#include <numeric>

namespace tandem::backend {

std::vector<std::pair<size_t, float>> nearest(const EmbeddingSet &candidates, const float *query, int k)
{
    std::vector<std::pair<size_t, float>> scored(candidates.size());
    for (size_t i = 0; i < candidates.size(); ++i) {
        const float *row = candidates.row(i);
        scored[i] = {i, std::inner_product(row, row + candidates.dimension, query, 0.0f)};
    }
    const size_t n = std::min(scored.size(), size_t(std::max(0, k)));
    std::partial_sort(scored.begin(), scored.begin() + long(n), scored.end(), [](const auto &a, const auto &b) {
        return a.second > b.second || (a.second == b.second && a.first < b.first);
    });
    scored.resize(n);
    return scored;
}

long rowOf(const EmbeddingSet &set, qint64 id)
{
    const auto it = std::find(set.ids.begin(), set.ids.end(), id);
    return it == set.ids.end() ? -1 : long(it - set.ids.begin());
}

} // namespace tandem::backend
