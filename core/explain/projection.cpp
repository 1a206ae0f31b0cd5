#include "explain/projection.h"

#include "explain/neighbours.h"

#include <Eigen/Dense>

#include <algorithm>
#include <cmath>

namespace tandem::explain {

QString projectionMethodName(ProjectionMethod method)
{
    switch (method) {
    case ProjectionMethod::Pca: return QStringLiteral("pca");
    case ProjectionMethod::Tsne: return QStringLiteral("tsne");
    case ProjectionMethod::Umap: return QStringLiteral("umap");
    }
    return {};
}

std::optional<ProjectionMethod> parseProjectionMethod(const QString &name)
{
    for (ProjectionMethod m : {ProjectionMethod::Pca, ProjectionMethod::Tsne, ProjectionMethod::Umap})
        if (projectionMethodName(m) == name.toLower())
            return m;
    return std::nullopt;
}

Status validateMatrix(const Matrix &points, size_t minimumRows)
{
    if (points.dimension < 1)
        return Error::input(QStringLiteral("the vectors are empty"));
    if (points.values.size() != points.rows * size_t(points.dimension))
        return Error::input(QStringLiteral("%1 values do not make %2 vectors of %3")
                                .arg(points.values.size()).arg(points.rows).arg(points.dimension));
    if (points.rows < minimumRows)
        return Error::usage(QStringLiteral("%1 vectors are too few: at least %2 are needed").arg(points.rows).arg(minimumRows));
    const auto bad = std::find_if(points.values.begin(), points.values.end(), [](float v) { return !std::isfinite(v); });
    if (bad != points.values.end()) {
        const size_t at = size_t(bad - points.values.begin());
        return Error::input(QStringLiteral("vector %1 has a %2 value (column %3)")
                                .arg(at / size_t(points.dimension) + 1)
                                .arg(std::isnan(*bad) ? QStringLiteral("NaN") : QStringLiteral("infinite"))
                                .arg(at % size_t(points.dimension) + 1));
    }
    return {};
}

namespace {

using RowMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// The top right singular vectors of the centred matrix are the top eigenvectors
// of its d x d scatter matrix: one pass over the rows, then a small symmetric
// eigen-decomposition, instead of an SVD of the n x d matrix.
Eigen::MatrixXd principalAxes(const RowMatrix &x, int components)
{
    const Eigen::MatrixXd scatter = x.transpose() * x;
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver(scatter);
    const Eigen::Index d = scatter.rows();
    Eigen::MatrixXd axes(d, components);
    for (int c = 0; c < components; ++c) {
        Eigen::VectorXd axis = solver.eigenvectors().col(d - 1 - c); // eigenvalues ascend
        Eigen::Index largest = 0;
        axis.cwiseAbs().maxCoeff(&largest);
        axes.col(c) = axis[largest] < 0 ? Eigen::VectorXd(-axis) : axis;
    }
    return axes;
}

} // namespace

Expected<std::vector<float>> pcaComponents(const Matrix &points, int components, bool center)
{
    if (auto s = validateMatrix(points, 2); !s)
        return s.error();
    if (components < 1 || components > points.dimension)
        return Error::usage(QStringLiteral("%1 principal components of %2-dimensional vectors").arg(components).arg(points.dimension));
    RowMatrix x = Eigen::Map<const Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(
                      points.values.data(), Eigen::Index(points.rows), points.dimension)
                      .cast<double>();
    if (center)
        x.rowwise() -= x.colwise().mean();
    const RowMatrix projected = x * principalAxes(x, components);
    std::vector<float> out(points.rows * size_t(components));
    Eigen::Map<Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(
        out.data(), Eigen::Index(points.rows), components) = projected.cast<float>();
    return out;
}

Expected<Layout> pca(const Matrix &points, const PcaOptions &options)
{
    if (points.dimension == 1)
        return Error::usage(QStringLiteral("a plane needs vectors of at least 2 dimensions"));
    return pcaComponents(points, 2, options.center);
}

double knnAccuracy(const Layout &layout, const std::vector<int> &labels, int k)
{
    Matrix plane{labels.size(), 2, layout};
    if (labels.size() <= size_t(k) || layout.size() != 2 * labels.size())
        return 0.0;
    auto graph = nearestNeighbours(plane, k, {labels.size() + 1});
    if (!graph)
        return 0.0;
    size_t same = 0;
    for (size_t i = 0; i < labels.size(); ++i)
        for (int j = 0; j < k; ++j)
            same += labels[size_t(graph->indices[i * size_t(k) + size_t(j)])] == labels[i];
    return double(same) / double(labels.size() * size_t(k));
}

} // namespace tandem::explain
