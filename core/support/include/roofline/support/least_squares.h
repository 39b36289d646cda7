#pragma once
// Robust nonlinear least squares for calibration: Levenberg-Marquardt on residuals that each depend on a few
// parameters, with soft-L1 weights (iteratively reweighted), so a handful of rows where cuBLAS chose an odd
// algorithm cannot drag every fitted number towards them.

#include <cstddef>
#include <functional>
#include <vector>

namespace roofline::detail {

struct LeastSquaresProblem {
    std::size_t residual_count = 0;
    // Residual i at parameters x.
    std::function<double(std::size_t i, const std::vector<double>& x)> residual;
    // The parameters residual i depends on; the others' derivatives are zero and are not evaluated.
    std::vector<std::vector<std::size_t>> depends_on;
    // Each parameter is kept within [lower, upper].
    std::vector<double> lower, upper;
    // Residuals up to about this size count quadratically, larger ones about linearly (soft L1).
    double soft_l1_scale = 0.05;
    int max_iterations = 200;
};

struct LeastSquaresResult {
    std::vector<double> x;
    double cost = 0; // sum of the soft-L1 loss of the residuals
    int iterations = 0;
};

LeastSquaresResult solve_least_squares(const LeastSquaresProblem& problem, std::vector<double> x0);

} // namespace roofline::detail
