#pragma once
// Barnes-Hut repulsion for t-SNE (van der Maaten 2014): a quadtree over the 2-D
// layout whose far cells stand in for their points, as scikit-learn's
// _barnes_hut_tsne computes it (a cell is summarised when width^2 / distance^2
// < theta^2). Used by tsne.cpp below kFftRepulsionRows points.
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace tandem::explain {

struct Forces {
    explicit Forces(size_t n) : attraction(2 * n), repulsion(2 * n), z(n) {}
    std::vector<double> attraction; // sum_j p_ij q_ij Z (y_i - y_j)
    std::vector<double> repulsion;  // sum_j (q_ij Z)^2 (y_i - y_j)
    std::vector<double> z;          // sum_j q_ij Z: point i's share of the normaliser Z
};

// What one leaf's points are repelled by: the centres of mass of cells far
// enough from the whole leaf, and single points in leaves too near for that.
struct InteractionList {
    std::vector<double> x, y, count;
    void clear()
    {
        x.clear();
        y.clear();
        count.clear();
    }
    void add(double atX, double atY, double size)
    {
        x.push_back(atX);
        y.push_back(atY);
        count.push_back(size);
    }
};

// Barnes-Hut's quadtree over the layout, rebuilt every iteration. Points are
// sorted by Morton code, so a cell holds a contiguous run of them; cells live in
// one array with siblings side by side, each with its centre of mass summed
// bottom-up. The tree is walked once per leaf rather than once per point: a
// cell is summarised when it is far enough from every point of the leaf, and
// the leaf's points then run through the resulting list without branching.
class QuadTree {
public:
    void build(const std::vector<double> &layout);
    size_t leafCount() const { return leaves_.size(); }
    void repelLeaf(size_t leaf, double squaredTheta, InteractionList &list, Forces &forces) const;

private:
    static constexpr int kLevels = 21;
    static constexpr size_t kLeafSize = 16;
    struct Cell {
        double x = 0, y = 0; // centre of mass
        double squaredWidth = 0;
        int32_t count = 0;
        int32_t first = 0;    // first child, or for a leaf the first point's position
        int32_t children = 0; // 0 for a leaf
    };
    void sortPoints(const std::vector<double> &layout);
    void split(size_t cell, size_t begin, size_t end, int level, double squaredWidth);
    void summarise(Cell &cell, size_t begin, size_t end);
    void collect(const Cell &leaf, double squaredTheta, InteractionList &list) const;

    std::vector<std::pair<uint64_t, int32_t>> sorted_; // (code, point); kept so the next sort starts nearly sorted
    std::vector<double> x_, y_;                        // positions in sorted order
    std::vector<Cell> cells_;
    std::vector<int32_t> leaves_;
};

} // namespace tandem::explain
