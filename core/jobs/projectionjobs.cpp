#include "projectionjobs.h"

#include "data/embeddingstore.h"
#include "data/projectstore.h"

#include <QElapsedTimer>

namespace tandem {

QString embeddedItemsName(EmbeddedItems items)
{
    switch (items) {
    case EmbeddedItems::Images: return QStringLiteral("images");
    case EmbeddedItems::Captions: return QStringLiteral("captions");
    case EmbeddedItems::Both: return QStringLiteral("both");
    }
    return {};
}

std::optional<EmbeddedItems> parseEmbeddedItems(const QString &name)
{
    for (EmbeddedItems items : {EmbeddedItems::Images, EmbeddedItems::Captions, EmbeddedItems::Both})
        if (embeddedItemsName(items) == name)
            return items;
    return std::nullopt;
}

QJsonObject projectionSettingsJson(const ProjectionSettings &s)
{
    switch (s.method) {
    case explain::ProjectionMethod::Pca:
        return {{QStringLiteral("center"), s.pca.center}};
    case explain::ProjectionMethod::Tsne:
        return {{QStringLiteral("perplexity"), s.tsne.perplexity}, {QStringLiteral("iterations"), s.tsne.iterations},
                {QStringLiteral("early_exaggeration"), s.tsne.earlyExaggeration},
                {QStringLiteral("learning_rate"), s.tsne.learningRate}, {QStringLiteral("theta"), s.tsne.theta},
                {QStringLiteral("pca_init"), s.tsne.pcaInit}, {QStringLiteral("seed"), qint64(s.tsne.seed)}};
    case explain::ProjectionMethod::Umap:
        return {{QStringLiteral("neighbours"), s.umap.neighbours}, {QStringLiteral("min_distance"), s.umap.minDistance},
                {QStringLiteral("spread"), s.umap.spread}, {QStringLiteral("epochs"), s.umap.epochs},
                {QStringLiteral("negative_samples"), s.umap.negativeSamples}, {QStringLiteral("seed"), qint64(s.umap.seed)}};
    }
    return {};
}

Expected<explain::Layout> layOut(const explain::Matrix &points, const ProjectionSettings &s,
                                 const explain::IterationObserver &observer)
{
    switch (s.method) {
    case explain::ProjectionMethod::Pca: return explain::pca(points, s.pca);
    case explain::ProjectionMethod::Tsne: return explain::tsne(points, s.tsne, observer);
    case explain::ProjectionMethod::Umap: return explain::umap(points, s.umap, observer);
    }
    return Error::usage(QStringLiteral("unknown projection method"));
}

namespace {

// The run's vectors of the chosen items, images first, as one matrix.
Expected<explain::Matrix> runVectors(ProjectStore &store, qint64 runId, EmbeddedItems items, StoredProjection &ids)
{
    if (auto run = embeddings::readRun(store, runId); !run)
        return run.error();
    explain::Matrix matrix;
    for (const char *kind : {"image", "caption"}) {
        const bool image = kind[0] == 'i';
        if ((image && items == EmbeddedItems::Captions) || (!image && items == EmbeddedItems::Images))
            continue;
        auto set = embeddings::load(store, runId, kind);
        if (!set)
            return set.error();
        if (set->size() == 0)
            continue;
        if (matrix.rows > 0 && set->dimension != matrix.dimension)
            return Error::input(QStringLiteral("run %1 mixes %2- and %3-dimensional vectors")
                                    .arg(runId).arg(matrix.dimension).arg(set->dimension));
        matrix.dimension = set->dimension;
        matrix.rows += set->size();
        matrix.values.insert(matrix.values.end(), set->values.begin(), set->values.end());
        (image ? ids.imageIds : ids.captionIds) = set->ids;
    }
    if (matrix.rows == 0)
        return Error::usage(QStringLiteral("run %1 has no %2 embeddings").arg(runId).arg(embeddedItemsName(items)));
    return matrix;
}

} // namespace

Expected<StoredProjection> projectRun(const ProjectionRequest &request, const explain::IterationObserver &observer)
{
    auto store = ProjectStore::open(request.project);
    if (!store)
        return store.error();
    StoredProjection projection;
    projection.runId = request.runId;
    projection.method = explain::projectionMethodName(request.settings.method);
    auto matrix = runVectors(*store, request.runId, request.items, projection);
    if (!matrix)
        return matrix.error();
    QElapsedTimer clock;
    clock.start();
    auto layout = layOut(*matrix, request.settings, observer);
    if (!layout)
        return layout.error();
    projection.layout = std::move(*layout);
    projection.options = projectionSettingsJson(request.settings);
    projection.options[QStringLiteral("items")] = embeddedItemsName(request.items);
    projection.options[QStringLiteral("seconds")] = double(clock.elapsed()) / 1000.0;
    auto id = projections::save(*store, projection);
    if (!id)
        return id.error();
    projection.id = *id;
    return projection;
}

Expected<ProjectionView> describeProjection(const QString &project, StoredProjection projection)
{
    auto store = ProjectStore::open(project);
    if (!store)
        return store.error();
    auto items = projections::describeItems(*store, projection);
    if (!items)
        return items.error();
    return ProjectionView{std::move(projection), std::move(*items)};
}

Expected<std::optional<ProjectionView>> openProjection(const QString &project, qint64 runId, const QString &method)
{
    auto store = ProjectStore::open(project);
    if (!store)
        return store.error();
    auto stored = projections::load(*store, runId, method);
    if (!stored)
        return stored.error();
    if (!*stored)
        return std::optional<ProjectionView>();
    auto items = projections::describeItems(*store, **stored);
    if (!items)
        return items.error();
    return std::optional<ProjectionView>(ProjectionView{std::move(**stored), std::move(*items)});
}

QString projectionCsv(const StoredProjection &p)
{
    QString csv = QStringLiteral("kind,id,x,y\n");
    for (size_t i = 0; i < p.size(); ++i) {
        const bool image = i < p.imageIds.size();
        csv += QStringLiteral("%1,%2,%3,%4\n")
                   .arg(image ? QStringLiteral("image") : QStringLiteral("caption"))
                   .arg(image ? p.imageIds[i] : p.captionIds[i - p.imageIds.size()])
                   .arg(double(p.layout[2 * i]), 0, 'g', 7)
                   .arg(double(p.layout[2 * i + 1]), 0, 'g', 7);
    }
    return csv;
}

Expected<std::vector<RunRecord>> embeddingRuns(const QString &project)
{
    auto store = ProjectStore::open(project);
    if (!store)
        return store.error();
    return runs::listMatching(*store, RunKind::Infer, [](const RunRecord &run) {
        return embeddings::isEmbedRun(run) && run.status == RunStatus::Completed;
    });
}

} // namespace tandem
