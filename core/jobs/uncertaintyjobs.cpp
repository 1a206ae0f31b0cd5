#include "uncertaintyjobs.h"

#include "data/embeddingstore.h"
#include "data/projectstore.h"

#include <cmath>
#include <numeric>
#include <unordered_map>

namespace tandem {

namespace {

// Unit vectors by image id, from an embed run.
Expected<std::unordered_map<qint64, std::vector<float>>> unitVectors(ProjectStore &store, qint64 runId)
{
    if (auto run = embeddings::readRun(store, runId); !run)
        return run.error();
    auto set = embeddings::load(store, runId, "image");
    if (!set)
        return set.error();
    embeddings::normalise(*set);
    std::unordered_map<qint64, std::vector<float>> vectors;
    for (size_t i = 0; i < set->size(); ++i)
        vectors.emplace(set->ids[i], std::vector<float>(set->row(i), set->row(i) + set->dimension));
    return vectors;
}

// Greedy: each image in turn joins the top unless it is `threshold` alike to one
// already there; those that are follow, in their own order.
std::vector<UncertainImage> diverse(const std::vector<UncertainImage> &ranked,
                                    const std::unordered_map<qint64, std::vector<float>> &vectors, double threshold,
                                    size_t limit)
{
    std::vector<UncertainImage> top, later;
    std::vector<std::pair<const std::vector<float> *, qint64>> chosen; // the top's vectors and images
    for (UncertainImage image : ranked) {
        if (top.size() >= limit)
            break;
        const auto own = vectors.find(image.imageId);
        for (size_t c = 0; own != vectors.end() && c < chosen.size() && image.nearDuplicateOf == 0; ++c)
            if (std::inner_product(own->second.begin(), own->second.end(), chosen[c].first->begin(), 0.0f) >= threshold)
                image.nearDuplicateOf = chosen[c].second;
        if (image.nearDuplicateOf != 0) {
            later.push_back(image);
            continue;
        }
        if (own != vectors.end())
            chosen.emplace_back(&own->second, image.imageId);
        top.push_back(image);
    }
    top.insert(top.end(), later.begin(), later.end());
    return top;
}

} // namespace

Expected<UncertaintyRanking> rankUncertain(const UncertaintyRequest &request)
{
    if (request.limit < 1 || request.diversity <= -1.0 || request.diversity > 1.0)
        return Error::usage(QStringLiteral("the limit is at least 1 and the diversity a cosine in (-1, 1]"));
    auto store = ProjectStore::open(request.project);
    if (!store)
        return store.error();
    UncertaintyRanking ranking;
    ranking.runId = request.runId;
    if (ranking.runId == 0) {
        auto newest = predictions::newestUncertainRun(*store);
        if (!newest)
            return newest.error();
        if (*newest == 0)
            return Error::usage(QStringLiteral("no run of this project recorded how sure its model was: run a VQA or "
                                               "caption model on the images first (Models dock, or 'answer' / 'caption' --save)"));
        ranking.runId = *newest;
    }
    ranking.measure = predictions::uncertaintyName(request.measure);
    auto scored = predictions::uncertainImages(*store, ranking.runId, request.measure, request.labeledToo);
    if (!scored)
        return scored.error();
    ranking.candidates = qint64(scored->size());
    for (const predictions::ImageUncertainty &u : *scored)
        ranking.images.push_back({u.imageId, u.image, u.uncertainty, 0});
    if (request.diversityRun > 0) {
        auto vectors = unitVectors(*store, request.diversityRun);
        if (!vectors)
            return vectors.error();
        ranking.images = diverse(ranking.images, *vectors, request.diversity, size_t(request.limit));
    }
    ranking.images.resize(std::min(ranking.images.size(), size_t(request.limit)));
    return ranking;
}

} // namespace tandem
