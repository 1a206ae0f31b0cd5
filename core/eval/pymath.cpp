#include "eval/pymath.h"

#include <cstdio>
#include <cstdlib>

namespace tandem::eval {
namespace {

// numpy's pairwise_sum (loops_utils.h): 8 running sums per block of 128,
// halves above that, a plain loop below 8 elements.
double pairwiseSum(const double *a, std::size_t n)
{
    if (n < 8) {
        double sum = 0.0;
        for (std::size_t i = 0; i < n; ++i)
            sum += a[i];
        return sum;
    }
    if (n <= 128) {
        double r[8];
        for (int j = 0; j < 8; ++j)
            r[j] = a[j];
        std::size_t i = 8;
        for (; i < n - n % 8; i += 8) {
            for (int j = 0; j < 8; ++j)
                r[j] += a[i + j];
        }
        double sum = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
        for (; i < n; ++i)
            sum += a[i];
        return sum;
    }
    std::size_t half = n / 2;
    half -= half % 8;
    return pairwiseSum(a, half) + pairwiseSum(a + half, n - half);
}

} // namespace

double numpyMean(const std::vector<double> &values)
{
    return pairwiseSum(values.data(), values.size()) / static_cast<double>(values.size());
}

double pythonRound(double x, int digits)
{
    // glibc's printf rounds the exact binary value, ties to even, as CPython does.
    char text[512];
    std::snprintf(text, sizeof text, "%.*f", digits, x);
    return std::strtod(text, nullptr);
}

} // namespace tandem::eval
