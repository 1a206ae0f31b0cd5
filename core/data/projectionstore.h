#pragma once
// The one owner of table `projections`: the 2-D layouts (PCA, t-SNE, UMAP) of
// an embed run's vectors, one per run and method, stored and read back whole.
#include "util/expected.h"

#include <QJsonObject>
#include <QString>
#include <vector>

namespace tandem {

class ProjectStore;

struct StoredProjection {
    qint64 id = 0;
    qint64 runId = 0;
    QString method;              // "pca", "tsne", "umap"
    QJsonObject options;         // what made it (perplexity, neighbours, seed, seconds, ...)
    std::vector<qint64> imageIds;
    std::vector<qint64> captionIds;
    std::vector<float> layout;   // x, y per item: the images, then the captions
    QString createdAt;
    size_t size() const { return imageIds.size() + captionIds.size(); }
};

// What the embedding view shows of each item of a layout, in layout order.
struct ProjectedItem {
    qint64 imageId = 0;
    bool caption = false;
    QString name;                // the image's file name
    QString split;
    int status = 0;              // ReviewStatus
    QString tag;                 // the image's first tag (by name), "" when untagged
    QString text;                // the caption (captions), or the image's first caption
    // VQA, the image's first question: its human answer (the most common), and
    // the newest model answer to it with that answer's probability.
    QString question, answer, predicted;
    std::optional<double> score;
};
namespace projections {

// Replaces the run's projection by the same method; returns its id.
Expected<qint64> save(ProjectStore &store, const StoredProjection &projection);
// nullopt when the run has none by that method.
Expected<std::optional<StoredProjection>> load(ProjectStore &store, qint64 runId, const QString &method);
Expected<std::vector<ProjectedItem>> describeItems(ProjectStore &store, const StoredProjection &projection);

// The methods a run has projections by, with their options, newest first (no layouts).
Expected<std::vector<StoredProjection>> list(ProjectStore &store, qint64 runId);

} // namespace projections
} // namespace tandem
