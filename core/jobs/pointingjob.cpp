#include "jobs/pointingjob.h"

#include "data/projectstore.h"
#include "data/splitdata.h"
#include "jobs/modeljobs.h"

#include <set>

namespace tandem {

namespace {

// One image's regions and the frame their boxes are measured in, kept while
// its questions are scored (a split's questions come image by image).
struct ImageRegions {
    qint64 imageId = -1;
    QSizeF frame;
    std::vector<RegionRecord> regions;
};

class PointingGame {
public:
    PointingGame(ModelBackend &backend, ProjectStore &store, const PointingRequest &request, const Progress &progress)
        : m_backend(backend), m_store(store), m_request(request), m_progress(progress), m_rng(request.seed) {}

    Status questions(const SplitData &split);
    Status captions(const SplitData &split);
    PointingResult &result() { return m_result; }

private:
    Expected<ExplainResult> explain(qint64 imageId, ExplainTarget target, const QString &text);
    Expected<ExplainResult> explainQuestion(qint64 imageId, const QString &text);
    Status loadRegionsOf(qint64 imageId);
    Status step(qint64 done, qint64 total); // progress and cancel
    std::vector<float> mapOf(const ExplainResult &result, const ExplainMap &map);

    ModelBackend &m_backend;
    ProjectStore &m_store;
    const PointingRequest &m_request;
    const Progress &m_progress;
    std::mt19937_64 m_rng;
    ImageRegions m_image;
    std::set<qint64> m_scoredImages;
    PointingResult m_result;
};

Expected<ExplainResult> PointingGame::explain(qint64 imageId, ExplainTarget target, const QString &text)
{
    ExplainRequest r;
    r.project = m_request.project;
    r.checkpoint = m_request.checkpoint;
    r.image = QString::number(imageId);
    r.device = m_request.device;
    r.threads = m_request.threads;
    r.randomizeWeights = m_request.randomizeWeights;
    r.target = target;
    r.method = m_request.method;
    r.finerGrid = m_request.finerGrid;
    r.text = text;
    auto result = m_backend.explain(r);
    if (result) {
        m_result.gridHeight = result->gridHeight;
        m_result.gridWidth = result->gridWidth;
        m_result.device = result->device;
    }
    return result;
}

Status PointingGame::loadRegionsOf(qint64 imageId)
{
    if (m_image.imageId == imageId)
        return {};
    auto regions = loadRegions(m_store, imageId);
    if (!regions)
        return regions.error();
    auto frame = regionFrame(m_store, imageId);
    if (!frame)
        return frame.error();
    m_image = {imageId, QSizeF(*frame), std::move(*regions)};
    return {};
}

Status PointingGame::step(qint64 done, qint64 total)
{
    m_progress.report(done, total, QStringLiteral("Explaining"));
    return m_progress.cancelled() ? Status(Error::cancelled()) : Status();
}

std::vector<float> PointingGame::mapOf(const ExplainResult &result, const ExplainMap &map)
{
    if (!m_request.randomMaps)
        return map.weights;
    return explain::randomMap(size_t(result.gridHeight) * size_t(result.gridWidth), m_rng);
}

// The baseline needs the model once only, for the grid its maps cover.
Expected<ExplainResult> PointingGame::explainQuestion(qint64 imageId, const QString &text)
{
    if (!m_request.randomMaps || m_result.gridWidth == 0)
        return explain(imageId, ExplainTarget::Question, text);
    ExplainResult grid;
    grid.gridHeight = m_result.gridHeight;
    grid.gridWidth = m_result.gridWidth;
    grid.maps.push_back({});
    return grid;
}

Status PointingGame::questions(const SplitData &split)
{
    std::vector<const QuestionItem *> items;
    for (const QuestionItem &q : split.questions)
        if (m_request.questionTypes.isEmpty() || m_request.questionTypes.contains(QString::fromStdString(q.questionType)))
            items.push_back(&q);
    if (m_request.limit > 0 && items.size() > size_t(m_request.limit))
        items.resize(size_t(m_request.limit));
    for (size_t i = 0; i < items.size(); ++i) {
        if (auto s = step(qint64(i), qint64(items.size())); !s)
            return s;
        const QuestionItem &q = *items[i];
        const qint64 imageId = split.images[q.image].id;
        if (auto s = loadRegionsOf(imageId); !s)
            return s;
        const QString text = QString::fromStdString(q.text);
        if (explain::namedRegion(text, m_image.regions) < 0) {
            ++m_result.scores.unmatched;
            continue;
        }
        auto explained = explainQuestion(imageId, text);
        if (!explained)
            return explained.error();
        const std::vector<float> weights = mapOf(*explained, explained->maps.front());
        explain::scoreItem(m_result.scores, QString::fromStdString(q.questionType), text,
                           {weights, explained->gridHeight, explained->gridWidth}, m_image.frame, m_image.regions);
        m_scoredImages.insert(imageId);
    }
    m_result.images = qint64(m_scoredImages.size());
    return {};
}

Status PointingGame::captions(const SplitData &split)
{
    size_t count = split.images.size();
    if (m_request.limit > 0)
        count = std::min(count, size_t(m_request.limit));
    for (size_t i = 0; i < count; ++i) {
        if (auto s = step(qint64(i), qint64(count)); !s)
            return s;
        const qint64 imageId = split.images[i].id;
        if (auto s = loadRegionsOf(imageId); !s)
            return s;
        auto explained = explain(imageId, ExplainTarget::Caption, QString());
        if (!explained)
            return explained.error();
        // Every word that names an object is an item: its map should point at that object.
        for (const ExplainMap &word : explained->maps) {
            const std::vector<float> weights = mapOf(*explained, word);
            if (explain::scoreItem(m_result.scores, word.label, word.label,
                                   {weights, explained->gridHeight, explained->gridWidth}, m_image.frame, m_image.regions))
                m_scoredImages.insert(imageId);
        }
    }
    m_result.images = qint64(m_scoredImages.size());
    return {};
}

} // namespace

Expected<PointingResult> playPointingGame(const PointingRequest &request, const Progress &progress)
{
    auto backend = modelBackend();
    if (!backend)
        return backend.error();
    auto info = (*backend)->inspect(request.checkpoint);
    if (!info)
        return info.error();
    if (info->task == TaskKind::Retrieval)
        return Error::usage(QStringLiteral("the pointing game needs a VQA or captioning model; this one is %1")
                                .arg(info->summary));
    auto store = ProjectStore::open(request.project);
    if (!store)
        return store.error();
    auto split = loadSplit(*store, request.split);
    if (!split)
        return split.error();
    if (split->images.empty())
        return Error::usage(QStringLiteral("the split '%1' has no images").arg(request.split));
    PointingGame game(**backend, *store, request, progress);
    game.result().task = info->task;
    if (auto s = info->task == TaskKind::Vqa ? game.questions(*split) : game.captions(*split); !s)
        return s.error();
    if (game.result().scores.overall.items == 0)
        return Error::usage(QStringLiteral("nothing to score: no %1 of the split names one of its image's regions "
                                           "(does the project have regions? the demo generator writes them)")
                                .arg(info->task == TaskKind::Vqa ? QStringLiteral("question") : QStringLiteral("caption word")));
    return std::move(game.result());
}

} // namespace tandem
