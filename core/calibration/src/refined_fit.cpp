#include "refined_fit.h"

#include "roofline/model/gemm_configs.h"

#include "roofline/support/least_squares.h"
#include "roofline/support/stats.h"

#include <algorithm>
#include <cmath>

namespace roofline::detail {

namespace {

constexpr double kMinThrottleRatio = 0.3;
constexpr double kSoftL1Scale = 0.05; // |log error| up to about 5 % counts fully, beyond that less and less
// A group's latency floor leans towards its kernel's: a floor twice the kernel's costs about what a 20 % error on
// one row does, so only a group with many short rows sets a floor of its own. At a tenth of this weight, FP8 E5M2
// GEMM fitted on four long rows took an 11.8 µs floor and predicted its 1024³ 84 % too slow.
constexpr double kFloorPriorWeight = 0.3;
constexpr double kMinDramLatencyUs = 0.01, kMaxDramLatencyUs = 5.0, kNoDramLatencyUs = 1e-9;

double throttled(double math_us, std::optional<double> after_us, double ratio)
{
    return after_us && math_us > *after_us ? *after_us + (math_us - *after_us) / ratio : math_us;
}

struct RowFactors {
    double compute = 1, memory = 1, partial_line = 1, unaligned = 1, l2 = 1;
};

double roof_us(const FitRow& r, const RowFactors& f, std::optional<double> after_us, double ratio, double* math_out = nullptr,
               double* memory_out = nullptr)
{
    const double alignment = r.alignment == RowAlignment::Line ? 1.0 : r.alignment == RowAlignment::Vector ? f.partial_line : f.unaligned;
    const double math_us = throttled(r.math_us / r.waves / f.compute / alignment, after_us, ratio);
    const double mem_us = (r.from_l2 ? r.l2_us / f.l2 : r.dram_us / f.memory) * (1 + r.reduction_share) / alignment;
    if (math_out)
        *math_out = math_us;
    if (memory_out)
        *memory_out = mem_us;
    return std::max(math_us, mem_us);
}

} // namespace

// Efficiencies, factors and floors are fitted as logarithms, so they stay positive and their errors are relative.
RefinedFit fit_refined(std::vector<FitRow>& rows, const FitGroups& fit_groups, const HardwareSpec& hw, std::pair<int, int> tile,
                       std::optional<double> throttle_after_us, const std::vector<double>& start_efficiency)
{
    const std::size_t groups = fit_groups.count, kernels = fit_groups.kernels;
    const auto& kernel_of_group = fit_groups.kernel_of_group;
    HardwareSpec with_tile = hw;
    with_tile.gemm_tile_m = tile.first;
    with_tile.gemm_tile_n = tile.second;
    for (auto& r : rows)
        set_row_launch(r, with_tile);

    const std::size_t compute0 = 0, memory0 = groups, partial0 = 2 * groups, unaligned0 = 3 * groups, floor0 = 4 * groups,
                      kernel_floor0 = 5 * groups, l2_index = 5 * groups + kernels, ratio_index = l2_index + 1, dram_latency_index = ratio_index + 1, count = dram_latency_index + 1;
    std::vector<double> fastest(groups, 1e300), kernel_fastest(kernels, 1e300);
    for (const auto& r : rows) {
        fastest[r.group] = std::min(fastest[r.group], r.measured_us);
        kernel_fastest[r.kernel] = std::min(kernel_fastest[r.kernel], r.measured_us);
    }

    detail::LeastSquaresProblem problem;
    problem.residual_count = rows.size() + groups;
    problem.soft_l1_scale = kSoftL1Scale;
    problem.lower.assign(count, std::log(kMinEfficiency));
    problem.upper.assign(count, std::log(kMaxEfficiency));
    for (std::size_t g = 0; g < groups; ++g) {
        problem.upper[partial0 + g] = problem.upper[unaligned0 + g] = 0.0;
        problem.lower[floor0 + g] = std::log(0.01);
        problem.upper[floor0 + g] = std::log(std::max(fastest[g], 0.02));
    }
    for (std::size_t k = 0; k < kernels; ++k) {
        problem.lower[kernel_floor0 + k] = std::log(0.01);
        problem.upper[kernel_floor0 + k] = std::log(std::max(kernel_fastest[k], 0.02));
    }
    // The DRAM latency shows only against rows whose inputs are in L2; without any it stays (about) zero.
    const bool any_from_l2 = std::any_of(rows.begin(), rows.end(), [](const FitRow& r) { return r.from_l2; });
    problem.lower[dram_latency_index] = std::log(any_from_l2 ? kMinDramLatencyUs : kNoDramLatencyUs);
    problem.upper[dram_latency_index] = std::log(any_from_l2 ? kMaxDramLatencyUs : kNoDramLatencyUs);
    problem.lower[ratio_index] = kMinThrottleRatio;
    problem.upper[ratio_index] = 1.0;
    problem.residual = [&](std::size_t i, const std::vector<double>& x) {
        if (i >= rows.size()) {
            const std::size_t g = i - rows.size();
            return kFloorPriorWeight * (x[floor0 + g] - x[kernel_floor0 + kernel_of_group[g]]);
        }
        const FitRow& r = rows[i];
        const RowFactors f{std::exp(x[compute0 + r.group]), std::exp(x[memory0 + r.group]), std::exp(x[partial0 + r.group]),
                           std::exp(x[unaligned0 + r.group]), std::exp(x[l2_index])};
        const double predicted = roof_us(r, f, throttle_after_us, x[ratio_index]) + std::exp(x[floor0 + r.group])
            + (r.from_l2 ? 0.0 : std::exp(x[dram_latency_index]));
        return std::log(predicted / r.measured_us);
    };
    for (const auto& r : rows) {
        std::vector<std::size_t> deps = {compute0 + r.group, memory0 + r.group, floor0 + r.group};
        if (r.alignment == RowAlignment::Vector)
            deps.push_back(partial0 + r.group);
        if (r.alignment == RowAlignment::Unaligned)
            deps.push_back(unaligned0 + r.group);
        if (r.from_l2)
            deps.push_back(l2_index);
        else if (any_from_l2)
            deps.push_back(dram_latency_index);
        if (throttle_after_us)
            deps.push_back(ratio_index);
        problem.depends_on.push_back(std::move(deps));
    }
    for (std::size_t g = 0; g < groups; ++g)
        problem.depends_on.push_back({floor0 + g, kernel_floor0 + kernel_of_group[g]});

    std::vector<double> x0(count);
    for (std::size_t g = 0; g < groups; ++g) {
        x0[compute0 + g] = x0[memory0 + g] = std::log(start_efficiency[g]);
        x0[partial0 + g] = std::log(0.9);
        x0[unaligned0 + g] = std::log(0.5);
        x0[floor0 + g] = std::log(std::max(0.5 * fastest[g], 0.02));
    }
    for (std::size_t k = 0; k < kernels; ++k)
        x0[kernel_floor0 + k] = std::log(std::max(0.5 * kernel_fastest[k], 0.02));
    x0[l2_index] = std::log(0.7);
    x0[dram_latency_index] = std::log(any_from_l2 ? 0.5 : kNoDramLatencyUs);
    x0[ratio_index] = throttle_after_us ? 0.9 : 1.0;
    const auto solved = detail::solve_least_squares(problem, x0).x;

    RefinedFit fit;
    fit.tile = tile;
    fit.throttle_after_us = throttle_after_us;
    fit.throttle_ratio = solved[ratio_index];
    fit.l2 = std::exp(solved[l2_index]);
    fit.dram_latency_us = std::exp(solved[dram_latency_index]);
    for (std::size_t g = 0; g < groups; ++g) {
        fit.compute.push_back(std::exp(solved[compute0 + g]));
        fit.memory.push_back(std::exp(solved[memory0 + g]));
        fit.partial_line.push_back(std::exp(solved[partial0 + g]));
        fit.unaligned.push_back(std::exp(solved[unaligned0 + g]));
        fit.floor_us.push_back(std::exp(solved[floor0 + g]));
    }
    double error = 0;
    for (const auto& r : rows) {
        const RowFactors f{fit.compute[r.group], fit.memory[r.group], fit.partial_line[r.group], fit.unaligned[r.group], fit.l2};
        const double predicted = roof_us(r, f, fit.throttle_after_us, fit.throttle_ratio) + fit.floor_us[r.group]
            + (r.from_l2 ? 0.0 : fit.dram_latency_us);
        error += std::fabs(predicted - r.measured_us) / r.measured_us;
    }
    fit.error = rows.empty() ? 0 : error / static_cast<double>(rows.size());
    return fit;
}

void set_row_launch(FitRow& r, const HardwareSpec& hw)
{
    const auto launch = gemm_launch(hw, r.shape, r.precision);
    r.waves = launch ? launch->wave_efficiency : 1;
    r.reduction_share = launch && r.bytes > 0 ? launch->reduction_bytes / r.bytes : 0;
}

double fitted_roof_us(const FitRow& row, const RefinedFit& fit, double* math_us, double* memory_us)
{
    const RowFactors f{fit.compute[row.group], fit.memory[row.group], fit.partial_line[row.group], fit.unaligned[row.group], fit.l2};
    return roof_us(row, f, fit.throttle_after_us, fit.throttle_ratio, math_us, memory_us);
}

} // namespace roofline::detail
