#include "roofline/support/least_squares.h"

#include <algorithm>
#include <cmath>

namespace roofline::detail {

namespace {

constexpr double kStep = 1e-6;          // forward-difference step, relative to max(1, |x|)
constexpr double kInitialDamping = 1e-3;
// Steps that each gain less than this, several in a row, end the fit: the last digits are noise. One such step
// alone can be a heavily damped one.
constexpr double kMinRelativeGain = 1e-5;
constexpr int kSmallGainsToStop = 3;
constexpr int kMaxDampingTries = 12;

double soft_l1(double r, double scale)
{
    const double z = (r / scale) * (r / scale);
    return 2 * scale * scale * (std::sqrt(1 + z) - 1);
}

std::vector<double> clamped(std::vector<double> x, const LeastSquaresProblem& p)
{
    for (std::size_t j = 0; j < x.size(); ++j)
        x[j] = std::clamp(x[j], p.lower[j], p.upper[j]);
    return x;
}

double cost_of(const LeastSquaresProblem& p, const std::vector<double>& x, std::vector<double>* residuals = nullptr)
{
    double cost = 0;
    for (std::size_t i = 0; i < p.residual_count; ++i) {
        const double r = p.residual(i, x);
        if (residuals)
            (*residuals)[i] = r;
        cost += soft_l1(r, p.soft_l1_scale);
    }
    return cost;
}

// Solves the symmetric positive definite system a·x = b (n×n, row-major) by Cholesky; false if it is not.
bool solve_cholesky(std::vector<double> a, std::vector<double>& b, std::size_t n)
{
    for (std::size_t j = 0; j < n; ++j) {
        double d = a[j * n + j];
        for (std::size_t k = 0; k < j; ++k)
            d -= a[j * n + k] * a[j * n + k];
        if (!(d > 0))
            return false;
        d = std::sqrt(d);
        a[j * n + j] = d;
        for (std::size_t i = j + 1; i < n; ++i) {
            double s = a[i * n + j];
            for (std::size_t k = 0; k < j; ++k)
                s -= a[i * n + k] * a[j * n + k];
            a[i * n + j] = s / d;
        }
    }
    for (std::size_t i = 0; i < n; ++i) {
        double s = b[i];
        for (std::size_t k = 0; k < i; ++k)
            s -= a[i * n + k] * b[k];
        b[i] = s / a[i * n + i];
    }
    for (std::size_t i = n; i-- > 0;) {
        double s = b[i];
        for (std::size_t k = i + 1; k < n; ++k)
            s -= a[k * n + i] * b[k];
        b[i] = s / a[i * n + i];
    }
    return true;
}

} // namespace

LeastSquaresResult solve_least_squares(const LeastSquaresProblem& p, std::vector<double> x0)
{
    const std::size_t n = x0.size();
    LeastSquaresResult result;
    result.x = clamped(std::move(x0), p);
    std::vector<double> r(p.residual_count);
    result.cost = cost_of(p, result.x, &r);
    double damping = kInitialDamping;
    int small_gains = 0;

    for (; result.iterations < p.max_iterations; ++result.iterations) {
        // Gauss-Newton normal equations of the reweighted problem: (Jᵀ W J) δ = -Jᵀ W r.
        std::vector<double> jtj(n * n, 0.0), jtr(n, 0.0);
        std::vector<double> x = result.x;
        for (std::size_t i = 0; i < p.residual_count; ++i) {
            const auto& deps = p.depends_on[i];
            const double z = (r[i] / p.soft_l1_scale) * (r[i] / p.soft_l1_scale);
            const double w = 1 / std::sqrt(1 + z);
            std::vector<double> grad(deps.size());
            for (std::size_t d = 0; d < deps.size(); ++d) {
                const std::size_t j = deps[d];
                const double h = kStep * std::max(1.0, std::fabs(x[j]));
                const double saved = x[j];
                x[j] = saved + h;
                grad[d] = (p.residual(i, x) - r[i]) / h;
                x[j] = saved;
            }
            for (std::size_t a = 0; a < deps.size(); ++a) {
                jtr[deps[a]] += w * grad[a] * r[i];
                for (std::size_t b = 0; b < deps.size(); ++b)
                    jtj[deps[a] * n + deps[b]] += w * grad[a] * grad[b];
            }
        }

        bool improved = false;
        for (int attempt = 0; attempt < kMaxDampingTries && !improved; ++attempt) {
            std::vector<double> system = jtj;
            for (std::size_t j = 0; j < n; ++j)
                system[j * n + j] += damping * (jtj[j * n + j] + 1e-9);
            std::vector<double> step(n);
            for (std::size_t j = 0; j < n; ++j)
                step[j] = -jtr[j];
            if (solve_cholesky(system, step, n)) {
                std::vector<double> candidate = result.x;
                for (std::size_t j = 0; j < n; ++j)
                    candidate[j] += step[j];
                candidate = clamped(std::move(candidate), p);
                std::vector<double> candidate_r(p.residual_count);
                const double cost = cost_of(p, candidate, &candidate_r);
                if (cost < result.cost) {
                    const double gain = (result.cost - cost) / std::max(result.cost, 1e-300);
                    result.x = std::move(candidate);
                    result.cost = cost;
                    r = std::move(candidate_r);
                    damping = std::max(damping / 3, 1e-12);
                    improved = true;
                    small_gains = gain < kMinRelativeGain ? small_gains + 1 : 0;
                    if (small_gains >= kSmallGainsToStop)
                        return result;
                    break;
                }
            }
            damping *= 4;
        }
        if (!improved)
            return result;
    }
    return result;
}

} // namespace roofline::detail
