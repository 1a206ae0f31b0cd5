#pragma once
// The embedding explorer's jobs, called by `tandem-cli project` and by the
// Embeddings panel alike: an embed run's image and caption vectors laid out in
// 2-D by PCA, t-SNE or UMAP and stored with the run; the same methods over
// vectors made elsewhere. Synchronous: run them on a worker thread.
#include "data/projectionstore.h"
#include "data/runstore.h"
#include "explain/projection.h"

namespace tandem {

enum class EmbeddedItems { Images, Captions, Both };
QString embeddedItemsName(EmbeddedItems items); // "images", "captions", "both"
std::optional<EmbeddedItems> parseEmbeddedItems(const QString &name);

struct ProjectionSettings {
    explain::ProjectionMethod method = explain::ProjectionMethod::Pca;
    explain::PcaOptions pca;
    explain::TsneOptions tsne;
    explain::UmapOptions umap;
};
// What a stored projection records of its settings (only the chosen method's).
QJsonObject projectionSettingsJson(const ProjectionSettings &settings);

// Lays out any matrix by the chosen method: the one dispatch the jobs share.
Expected<explain::Layout> layOut(const explain::Matrix &points, const ProjectionSettings &settings,
                                 const explain::IterationObserver &observer = {});

struct ProjectionRequest {
    QString project;
    qint64 runId = 0;
    EmbeddedItems items = EmbeddedItems::Both;
    ProjectionSettings settings;
};
// Loads the run's vectors, lays them out and stores the layout (replacing the
// run's earlier one by the same method). Nothing is stored on an error or a cancel.
Expected<StoredProjection> projectRun(const ProjectionRequest &request, const explain::IterationObserver &observer = {});
// A layout with what the view shows of its items.
struct ProjectionView {
    StoredProjection projection;
    std::vector<ProjectedItem> items;
};
Expected<ProjectionView> describeProjection(const QString &project, StoredProjection projection);
// The layout stored for a run and method, described; nullopt when there is none yet.
Expected<std::optional<ProjectionView>> openProjection(const QString &project, qint64 runId, const QString &method);

// The layout as CSV, a header then one line per item: kind (image or caption),
// id, x, y. What `tandem-cli project --out` and the panel's export write.
QString projectionCsv(const StoredProjection &projection);

// Runs that hold embeddings (embed runs), newest first.
Expected<std::vector<RunRecord>> embeddingRuns(const QString &project);

} // namespace tandem
