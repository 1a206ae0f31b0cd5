// FIt-SNE's interpolation scheme in two dimensions, with openTSNE's defaults.
// One kernel serves both sums: with charges 1, x_j, y_j and |y_j|^2 convolved
// with k^2 = 1 / (1 + d^2)^2, the repulsion is y_i * phi_1 - (phi_x, phi_y) and
// point i's share of Z, sum_j (1 + |y_i - y_j|^2) k^2, expands into the same
// four potentials. Every point's work and every FFT line is independent and
// the spread onto the grid runs in index order, so no sum depends on threads.
#include "explain/fftrepulsion.h"

#include "explain/neighbours.h"

#include <unsupported/Eigen/FFT>

#include <algorithm>
#include <array>
#include <cmath>
#include <complex>
#include <limits>

namespace tandem::explain {

namespace {

using Complex = std::complex<double>;

constexpr int kNodesPerBox = 3; // Lagrange nodes per box and dimension (n_interpolation_points)
constexpr int kMinBoxes = 50;   // per dimension (min_num_intervals); more as the layout spreads,
                                // so that no box is wider than one unit (ints_in_interval 1)

// The least m >= n with no prime factor above 5: lengths kissfft transforms fastest.
int smoothAtLeast(int n)
{
    for (;; ++n) {
        int rest = n;
        for (int factor : {2, 3, 5})
            while (rest % factor == 0)
                rest /= factor;
        if (rest == 1)
            return n;
    }
}

// A square of boxes over the layout, each with kNodesPerBox equispaced nodes
// per dimension at (k + 1/2) / kNodesPerBox of its width: together, one
// equispaced grid of nodes() per dimension. Boxes are one unit wide once the
// layout spans kMinBoxes units, so the kernel's transform changes only when
// the box count does.
struct Grid {
    double low = 0, centre = 0, boxWidth = 1;
    int boxes = 0;
    size_t nodes() const { return size_t(boxes) * kNodesPerBox; }
    double spacing() const { return boxWidth / kNodesPerBox; }
};

Grid gridOver(const std::vector<double> &y)
{
    const auto [low, high] = std::minmax_element(y.begin(), y.end());
    const double extent = std::max(*high - *low, std::numeric_limits<double>::min());
    Grid grid;
    grid.boxes = smoothAtLeast(std::max(kMinBoxes, int(std::ceil(extent))));
    grid.low = *low;
    grid.centre = (*low + *high) / 2;
    grid.boxWidth = std::min(extent / kMinBoxes, 1.0);
    return grid;
}

// Where a coordinate spreads along one axis: its box's first node, and the
// Lagrange weights of the box's nodes at the coordinate.
struct Stencil {
    size_t first = 0;
    std::array<double, kNodesPerBox> weights{};
};

Stencil stencilAt(double v, const Grid &grid)
{
    const double position = (v - grid.low) / grid.boxWidth;
    const int box = std::min(int(position), grid.boxes - 1);
    const double t = (position - box) * kNodesPerBox - 0.5; // in node spacings from the box's first node
    Stencil stencil{size_t(box) * kNodesPerBox, {}};
    for (int k = 0; k < kNodesPerBox; ++k) {
        double w = 1;
        for (int m = 0; m < kNodesPerBox; ++m)
            if (m != k)
                w *= (t - m) / (k - m);
        stencil.weights[size_t(k)] = w;
    }
    return stencil;
}

// The four charges packed in pairs, one complex grid per pair: (1, x) and (y, x^2 + y^2),
// the coordinates taken from the grid's centre to keep the expansion's terms small.
using Charges = std::array<std::vector<Complex>, 2>;

void spread(const std::vector<double> &y, const std::vector<Stencil> &stencils, const Grid &grid, size_t width,
            Charges &charges)
{
    for (auto &c : charges)
        c.assign(width * width, 0);
    for (size_t i = 0; i < y.size() / 2; ++i) {
        const double x = y[2 * i] - grid.centre, v = y[2 * i + 1] - grid.centre;
        const Complex first(1, x), second(v, x * x + v * v);
        const Stencil &sx = stencils[2 * i], &sy = stencils[2 * i + 1];
        for (size_t ky = 0; ky < kNodesPerBox; ++ky)
            for (size_t kx = 0; kx < kNodesPerBox; ++kx) {
                const size_t node = (sy.first + ky) * width + sx.first + kx;
                const double w = sy.weights[ky] * sx.weights[kx];
                charges[0][node] += w * first;
                charges[1][node] += w * second;
            }
    }
}

// FFTs of the first `rows` rows of a width x width array, in place.
void transformRows(std::vector<Complex> &a, size_t width, size_t rows, bool inverse, int threads)
{
    parallelBlocks(rows, threads, [&](size_t begin, size_t end) {
        Eigen::FFT<double> fft;
        std::vector<Complex> out(width);
        for (size_t r = begin; r < end; ++r) {
            Complex *row = &a[r * width];
            inverse ? fft.inv(out.data(), row, Eigen::Index(width)) : fft.fwd(out.data(), row, Eigen::Index(width));
            std::copy(out.begin(), out.end(), row);
        }
    });
}

// FFTs of every column, reading only the first rowsIn entries (the rest are
// zero) and writing back only the first rowsOut (the rest are not needed).
// Columns go kColumnsPerGather at a time, so each row's cache line serves several.
constexpr size_t kColumnsPerGather = 8;

void transformColumns(std::vector<Complex> &a, size_t width, size_t rowsIn, size_t rowsOut, bool inverse, int threads)
{
    const size_t groups = (width + kColumnsPerGather - 1) / kColumnsPerGather;
    parallelBlocks(groups, threads, [&](size_t begin, size_t end) {
        Eigen::FFT<double> fft; // one per thread: its plan cache is not thread-safe
        std::vector<Complex> in(kColumnsPerGather * width, 0), out(kColumnsPerGather * width);
        for (size_t group = begin; group < end; ++group) {
            const size_t first = group * kColumnsPerGather, count = std::min(kColumnsPerGather, width - first);
            for (size_t r = 0; r < rowsIn; ++r)
                for (size_t c = 0; c < count; ++c)
                    in[c * width + r] = a[r * width + first + c];
            for (size_t c = 0; c < count; ++c) {
                const Eigen::Index length(width);
                inverse ? fft.inv(&out[c * width], &in[c * width], length) : fft.fwd(&out[c * width], &in[c * width], length);
            }
            for (size_t r = 0; r < rowsOut; ++r)
                for (size_t c = 0; c < count; ++c)
                    a[r * width + first + c] = out[c * width + r];
        }
    });
}

// The transform of k^2 between nodes, laid out circularly (offset m at m and
// width - m) so that a circular convolution of charges on the first nodes() of
// each axis gives their potentials there. Real, as the kernel is even.
std::vector<double> kernelSpectrum(const Grid &grid, size_t width, int threads)
{
    std::vector<Complex> kernel(width * width);
    const auto offset = [&](size_t m) { return double(std::min(m, width - m)) * grid.spacing(); };
    for (size_t r = 0; r < width; ++r)
        for (size_t c = 0; c < width; ++c) {
            const double q = 1 / (1 + offset(r) * offset(r) + offset(c) * offset(c));
            kernel[r * width + c] = q * q;
        }
    transformRows(kernel, width, width, false, threads);
    transformColumns(kernel, width, width, width, false, threads);
    std::vector<double> spectrum(width * width);
    for (size_t e = 0; e < spectrum.size(); ++e)
        spectrum[e] = kernel[e].real();
    return spectrum;
}

// Charges on the nodes in, potentials on the nodes out.
void convolve(std::vector<Complex> &a, const std::vector<double> &spectrum, size_t nodes, int threads)
{
    const size_t width = 2 * nodes;
    transformRows(a, width, nodes, false, threads);
    transformColumns(a, width, nodes, width, false, threads);
    for (size_t e = 0; e < a.size(); ++e)
        a[e] *= spectrum[e];
    transformColumns(a, width, width, nodes, true, threads);
    transformRows(a, width, nodes, true, threads);
}

// Point i's four potentials, interpolated from the nodes around it.
std::array<double, 4> potentialsAt(const Charges &potentials, const std::vector<Stencil> &stencils, size_t i, size_t width)
{
    const Stencil &sx = stencils[2 * i], &sy = stencils[2 * i + 1];
    Complex first = 0, second = 0;
    for (size_t ky = 0; ky < kNodesPerBox; ++ky)
        for (size_t kx = 0; kx < kNodesPerBox; ++kx) {
            const size_t node = (sy.first + ky) * width + sx.first + kx;
            const double w = sy.weights[ky] * sx.weights[kx];
            first += w * potentials[0][node];
            second += w * potentials[1][node];
        }
    return {first.real(), first.imag(), second.real(), second.imag()};
}

// The repulsion from the four potentials at each point, and Z.
double forcesFromPotentials(const std::vector<double> &y, const Grid &grid, const std::vector<Stencil> &stencils,
                            const Charges &potentials, int threads, std::vector<double> &repulsion)
{
    const size_t n = y.size() / 2, width = 2 * grid.nodes();
    repulsion.resize(y.size());
    std::vector<double> shares(n);
    parallelBlocks(n, threads, [&](size_t begin, size_t end) {
        for (size_t i = begin; i < end; ++i) {
            const auto [kernel, sumX, sumY, sumSquares] = potentialsAt(potentials, stencils, i, width);
            const double x = y[2 * i] - grid.centre, v = y[2 * i + 1] - grid.centre;
            shares[i] = (1 + x * x + v * v) * kernel - 2 * (x * sumX + v * sumY) + sumSquares;
            repulsion[2 * i] = x * kernel - sumX;
            repulsion[2 * i + 1] = v * kernel - sumY;
        }
    });
    double z = 0;
    for (double share : shares)
        z += share;
    return z - double(n); // each point's own k = 1
}

} // namespace

double FftRepulsion::operator()(const std::vector<double> &y, int threads, std::vector<double> &repulsion)
{
    const Grid grid = gridOver(y);
    const size_t width = 2 * grid.nodes();
    std::vector<Stencil> stencils(y.size());
    parallelBlocks(y.size(), threads, [&](size_t begin, size_t end) {
        for (size_t c = begin; c < end; ++c)
            stencils[c] = stencilAt(y[c], grid);
    });
    spread(y, stencils, grid, width, charges_);
    if (grid.boxes != boxes_ || grid.boxWidth != boxWidth_) {
        spectrum_ = kernelSpectrum(grid, width, threads);
        boxes_ = grid.boxes;
        boxWidth_ = grid.boxWidth;
    }
    for (auto &c : charges_)
        convolve(c, spectrum_, grid.nodes(), threads);
    return forcesFromPotentials(y, grid, stencils, charges_, threads, repulsion);
}

} // namespace tandem::explain
