#pragma once
// Floating-point steps of the Python references done the same way, so that
// results agree to the last bit where that is cheap to get.
#include <vector>

namespace tandem::eval {

// numpy.mean of a float64 array: numpy's pairwise summation, then one division.
double numpyMean(const std::vector<double> &values);

// Python's round(x, digits): the double nearest to x correctly rounded to that
// many decimals, ties to even on the exact binary value (round(2.675, 2) == 2.67).
double pythonRound(double x, int digits);

} // namespace tandem::eval
