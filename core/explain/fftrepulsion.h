#pragma once
// t-SNE's repulsion by FFT-accelerated interpolation (Linderman et al. 2019,
// FIt-SNE; openTSNE's negative_gradient_method="fft"): the layout's charges are
// interpolated onto an equispaced grid, convolved with the Student-t kernel by
// FFT and interpolated back, in O(n) per iteration where Barnes-Hut needs
// O(n log n) and slows as the layout spreads. tsne() uses it for large sets.
#include <array>
#include <complex>
#include <cstddef>
#include <vector>

namespace tandem::explain {

// Rows from which tsne() (with theta > 0) repels by FFT rather than Barnes-Hut,
// openTSNE's threshold for its "auto" method.
constexpr size_t kFftRepulsionRows = 10000;

// For the layout y (x0 y0 x1 y1 ...), writes sum_j (y_i - y_j) / (1 + |y_i - y_j|^2)^2
// to repulsion (resized to y.size()) and returns Z = sum_{i != j} 1 / (1 + |y_i - y_j|^2).
// The same for any thread count. Keeps its grids between calls, and the
// kernel's transform while the grid's size and spacing stay the same.
class FftRepulsion {
public:
    double operator()(const std::vector<double> &y, int threads, std::vector<double> &repulsion);

private:
    int boxes_ = 0;
    double boxWidth_ = 0;
    std::vector<double> spectrum_;
    std::array<std::vector<std::complex<double>>, 2> charges_;
};

} // namespace tandem::explain
