#include "explain/barneshut.h"

#include <algorithm>
#include <array>
#include <cmath>

namespace tandem::explain {

namespace {

// The point (px, py)'s repulsion from everything in the list; a zero distance
// is the point itself or an exact duplicate, which scikit-learn skips too.
void repel(const InteractionList &list, double px, double py, size_t i, Forces &forces)
{
    double fx = 0, fy = 0, z = 0;
    for (size_t e = 0; e < list.x.size(); ++e) {
        const double dx = px - list.x[e], dy = py - list.y[e];
        const double squared = dx * dx + dy * dy;
        const double q = squared > 0 ? 1 / (1 + squared) : 0; // Student t, one degree of freedom
        z += list.count[e] * q;
        const double weight = list.count[e] * q * q;
        fx += weight * dx;
        fy += weight * dy;
    }
    forces.repulsion[2 * i] = fx;
    forces.repulsion[2 * i + 1] = fy;
    forces.z[i] = z;
}

// Interleaves the bits of x and y: sorting by the result orders points along a
// Z curve, so each quadtree cell is one contiguous run.
uint64_t mortonCode(uint32_t x, uint32_t y)
{
    const auto spread = [](uint64_t v) {
        v = (v | (v << 16)) & 0x0000FFFF0000FFFFull;
        v = (v | (v << 8)) & 0x00FF00FF00FF00FFull;
        v = (v | (v << 4)) & 0x0F0F0F0F0F0F0F0Full;
        v = (v | (v << 2)) & 0x3333333333333333ull;
        return (v | (v << 1)) & 0x5555555555555555ull;
    };
    return spread(x) | (spread(y) << 1);
}

} // namespace

void QuadTree::sortPoints(const std::vector<double> &layout)
{
    const size_t n = layout.size() / 2;
    double left = layout[0], right = layout[0], bottom = layout[1], top = layout[1];
    for (size_t i = 1; i < n; ++i) {
        left = std::min(left, layout[2 * i]), right = std::max(right, layout[2 * i]);
        bottom = std::min(bottom, layout[2 * i + 1]), top = std::max(top, layout[2 * i + 1]);
    }
    const double side = std::max(right - left, top - bottom);
    const double scale = side > 0 ? double(1 << kLevels) / side : 0;
    const auto cellOf = [&](double v, double low) { return uint32_t(std::min((v - low) * scale, double((1 << kLevels) - 1))); };
    for (size_t i = sorted_.size(); i < n; ++i) // the first build
        sorted_.emplace_back(0, int32_t(i));
    for (auto &[code, i] : sorted_)
        code = mortonCode(cellOf(layout[2 * size_t(i)], left), cellOf(layout[2 * size_t(i) + 1], bottom));
    std::sort(sorted_.begin(), sorted_.end());
    x_.resize(n);
    y_.resize(n);
    for (size_t p = 0; p < n; ++p) {
        x_[p] = layout[2 * size_t(sorted_[p].second)];
        y_[p] = layout[2 * size_t(sorted_[p].second) + 1];
    }
    cells_.assign(1, Cell{});
    cells_[0].squaredWidth = side * side;
    leaves_.clear();
}

void QuadTree::build(const std::vector<double> &layout)
{
    sortPoints(layout);
    split(0, 0, sorted_.size(), 0, cells_[0].squaredWidth);
}

void QuadTree::summarise(Cell &cell, size_t begin, size_t end)
{
    double x = 0, y = 0;
    if (cell.children == 0) {
        for (size_t p = begin; p < end; ++p)
            x += x_[p], y += y_[p];
    } else {
        for (int32_t c = cell.first; c < cell.first + cell.children; ++c)
            x += cells_[size_t(c)].x * cells_[size_t(c)].count, y += cells_[size_t(c)].y * cells_[size_t(c)].count;
    }
    cell.x = x / double(end - begin);
    cell.y = y / double(end - begin);
}

void QuadTree::split(size_t cell, size_t begin, size_t end, int level, double squaredWidth)
{
    cells_[cell].count = int32_t(end - begin);
    cells_[cell].squaredWidth = squaredWidth;
    if (end - begin <= kLeafSize || level == kLevels) {
        cells_[cell].first = int32_t(begin);
        summarise(cells_[cell], begin, end);
        leaves_.push_back(int32_t(cell));
        return;
    }
    const int shift = 2 * (kLevels - 1 - level);
    std::array<size_t, 5> bounds{begin, 0, 0, 0, end};
    for (uint64_t quadrant = 1; quadrant < 4; ++quadrant)
        bounds[quadrant] = size_t(std::partition_point(sorted_.begin() + long(bounds[quadrant - 1]), sorted_.begin() + long(end),
                                                       [&](const auto &s) { return ((s.first >> shift) & 3) < quadrant; }) - sorted_.begin());
    const size_t first = cells_.size();
    int32_t children = 0;
    for (size_t q = 0; q < 4; ++q)
        children += bounds[q + 1] > bounds[q];
    cells_.resize(first + size_t(children));
    cells_[cell].first = int32_t(first);
    cells_[cell].children = children;
    for (size_t q = 0, child = first; q < 4; ++q)
        if (bounds[q + 1] > bounds[q])
            split(child++, bounds[q], bounds[q + 1], level + 1, squaredWidth / 4);
    summarise(cells_[cell], begin, end);
}

// Every cell that counts as its centre of mass for all the leaf's points (its
// width seen from the nearest edge of their bounding box is under theta, as
// scikit-learn's QuadTree.summarize asks of each point), and every single point
// of the leaves too near for that.
void QuadTree::collect(const Cell &leaf, double squaredTheta, InteractionList &list) const
{
    const size_t begin = size_t(leaf.first), end = begin + size_t(leaf.count);
    const auto [left, right] = std::minmax_element(x_.begin() + long(begin), x_.begin() + long(end));
    const auto [bottom, top] = std::minmax_element(y_.begin() + long(begin), y_.begin() + long(end));
    list.clear();
    std::array<int32_t, 4 * (kLevels + 2)> stack;
    size_t depth = 0;
    stack[depth++] = 0;
    while (depth > 0) {
        const Cell &cell = cells_[size_t(stack[--depth])];
        const double dx = std::max({*left - cell.x, cell.x - *right, 0.0});
        const double dy = std::max({*bottom - cell.y, cell.y - *top, 0.0});
        if (cell.squaredWidth < squaredTheta * (dx * dx + dy * dy)) {
            list.add(cell.x, cell.y, cell.count);
        } else if (cell.children == 0) {
            for (size_t p = size_t(cell.first); p < size_t(cell.first + cell.count); ++p)
                list.add(x_[p], y_[p], 1);
        } else {
            for (int32_t c = cell.first + cell.children - 1; c >= cell.first; --c)
                stack[depth++] = c;
        }
    }
}

void QuadTree::repelLeaf(size_t leaf, double squaredTheta, InteractionList &list, Forces &forces) const
{
    const Cell &cell = cells_[size_t(leaves_[leaf])];
    collect(cell, squaredTheta, list);
    for (size_t p = size_t(cell.first); p < size_t(cell.first + cell.count); ++p)
        repel(list, x_[p], y_[p], size_t(sorted_[p].second), forces);
}

} // namespace tandem::explain
