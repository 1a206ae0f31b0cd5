#include "similarityjobs.h"

#include "data/embeddingstore.h"
#include "data/projectstore.h"
#include "data/splitdata.h"
#include "explain/neighbours.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace tandem {

namespace {

struct RunImages {
    ProjectStore store;
    EmbeddingSet images;
};

// The project and the run's image vectors at unit length.
Expected<RunImages> openRunImages(const QString &project, qint64 runId)
{
    auto store = ProjectStore::open(project);
    if (!store)
        return store.error();
    if (auto run = embeddings::readRun(*store, runId); !run)
        return run.error();
    auto images = embeddings::load(*store, runId, "image");
    if (!images)
        return images.error();
    if (images->size() == 0)
        return Error::usage(QStringLiteral("run %1 has no image embeddings").arg(runId));
    embeddings::normalise(*images);
    return RunImages{std::move(*store), std::move(*images)};
}

Expected<SimilarImage> named(ProjectStore &store, qint64 imageId, double score)
{
    auto text = embeddings::describe(store, false, imageId);
    if (!text)
        return text.error();
    return SimilarImage{imageId, text->image, score};
}

} // namespace

Expected<std::vector<SimilarImage>> similarImages(const QString &project, qint64 runId, const QString &image, int k)
{
    if (k < 1)
        return Error::usage(QStringLiteral("k must be at least 1"));
    auto opened = openRunImages(project, runId);
    if (!opened)
        return opened.error();
    ProjectStore &store = opened->store;
    const EmbeddingSet *images = &opened->images;
    auto item = findImage(store, image);
    if (!item)
        return item.error();
    const long row = embeddings::rowOf(*images, item->id);
    if (row < 0)
        return Error::usage(QStringLiteral("image %1 has no vector in run %2 (the run embedded another split)").arg(image).arg(runId));
    std::vector<SimilarImage> out;
    for (const auto &[candidate, score] : embeddings::nearest(*images, images->row(size_t(row)), k + 1)) {
        if (long(candidate) == row || int(out.size()) == k)
            continue;
        auto similar = named(store, images->ids[candidate], double(score));
        if (!similar)
            return similar.error();
        out.push_back(*similar);
    }
    return out;
}

Expected<std::vector<DuplicatePair>> nearDuplicates(const QString &project, qint64 runId, double threshold, int limit)
{
    if (threshold <= -1.0 || threshold > 1.0 || limit < 1)
        return Error::usage(QStringLiteral("the threshold is a cosine in (-1, 1] and the limit at least 1"));
    auto opened = openRunImages(project, runId);
    if (!opened)
        return opened.error();
    ProjectStore &store = opened->store;
    const EmbeddingSet *images = &opened->images;
    if (images->size() < 2)
        return std::vector<DuplicatePair>();
    const int k = int(std::min<size_t>(10, images->size() - 1));
    auto graph = explain::nearestNeighbours({images->size(), images->dimension, images->values}, k);
    if (!graph)
        return graph.error();
    std::vector<std::tuple<double, size_t, size_t>> found; // (score, row, row), row < row
    for (size_t i = 0; i < images->size(); ++i)
        for (int j = 0; j < k; ++j) {
            const size_t other = size_t(graph->indices[i * size_t(k) + size_t(j)]);
            const double d = graph->distances[i * size_t(k) + size_t(j)];
            const double cosine = 1.0 - 0.5 * d * d; // unit vectors: |a - b|^2 = 2 - 2 cos
            if (cosine >= threshold)
                found.emplace_back(cosine, std::min(i, other), std::max(i, other));
        }
    std::sort(found.begin(), found.end(), [](const auto &a, const auto &b) {
        return std::get<0>(a) > std::get<0>(b) || (std::get<0>(a) == std::get<0>(b) && std::tie(std::get<1>(a), std::get<2>(a)) < std::tie(std::get<1>(b), std::get<2>(b)));
    });
    found.erase(std::unique(found.begin(), found.end(), [](const auto &a, const auto &b) {
        return std::get<1>(a) == std::get<1>(b) && std::get<2>(a) == std::get<2>(b);
    }), found.end());
    std::vector<DuplicatePair> pairs;
    for (const auto &[score, a, b] : found) {
        if (int(pairs.size()) == limit)
            break;
        auto first = named(store, images->ids[a], score), second = named(store, images->ids[b], score);
        if (!first || !second)
            return first ? second.error() : first.error();
        pairs.push_back({*first, *second, score});
    }
    return pairs;
}

} // namespace tandem
