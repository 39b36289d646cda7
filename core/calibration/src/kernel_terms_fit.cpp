// Calibration of the attention, FFN and elementwise kinds' terms (kernel_terms.h): robust least squares on
// log(predicted / measured), the same loss as the other kernels' fit (refined_fit.cpp), over the numbers the
// calculator reads.
#include "roofline/model/kernel_terms.h"

#include "roofline/support/errors.h"
#include "roofline/results/measurements.h"
#include "roofline/results/reports.h"

#include "roofline/support/least_squares.h"
#include "roofline/support/stats.h"

#include <algorithm>
#include <cmath>
#include <functional>

namespace roofline::detail {

namespace {

constexpr double kSoftL1Scale = 0.05;
constexpr double kMinFloorUs = 0.01;
constexpr double kMinUnitBandwidthGbS = 1, kMaxUnitBandwidthGbS = 5000;
constexpr int kQueryTiles[] = {64, 128};
// Keys per KV partition tried for the split; 0: no split (each unit streams all its keys).
constexpr int kKvSplits[] = {0, 256, 512, 1024, 2048, 4096};
constexpr double kBandwidthStarts[] = {1.0, 0.3, 3.0};

double rounded(double value, int decimals = 4)
{
    const double scale = std::pow(10.0, decimals);
    return std::round(value * scale) / scale;
}

struct TermRow {
    std::size_t group = 0; // index of its precision in the fit
    double measured_us = 0;
    double ideal_us = 0;
    const Measurement* m = nullptr;
    AttentionBase attention;
    std::vector<FfnPartBase> ffn;
    Prediction layer; // the layer kinds: the calculator's refined terms at efficiencies 1 and no floor
};

CacheMode cache_of(const Measurement& m)
{
    return m.cache_mode == "warm" ? CacheMode::Warm : CacheMode::Cold;
}

// The OK rows of one kind that the spec can predict, grouped by precision.
std::vector<TermRow> rows_of(const HardwareSpec& spec, const MeasurementSet& set, KernelType kernel, std::vector<Precision>& groups)
{
    std::vector<TermRow> rows;
    for (const Measurement& m : set.rows) {
        if (m.kernel() != kernel || m.status != RowStatus::Ok || m.measured_time_us <= 0 || !spec.peak_tflops_for(m.precision))
            continue;
        try {
            TermRow r;
            r.ideal_us = compute_roofline(spec, workload(m.shape, m.precision), m.precision, kernel, Mode::Ideal).ideal_time_us;
            auto g = std::find(groups.begin(), groups.end(), m.precision);
            r.group = static_cast<std::size_t>(g - groups.begin());
            if (g == groups.end())
                groups.push_back(m.precision);
            r.measured_us = m.measured_time_us;
            r.m = &m;
            rows.push_back(std::move(r));
        } catch (const InputError&) {
        }
    }
    return rows;
}

// Per group: log compute, log memory, log floor (3 · groups), then the shared parameters.
struct Fit {
    std::vector<double> x;
    double error = 1e300; // mean |predicted - measured| / measured
};

using Predict = std::function<double(const TermRow&, const std::vector<double>&)>;

Fit solve(const std::vector<TermRow>& rows, std::vector<double> x0, std::vector<double> lower,
          std::vector<double> upper, const Predict& predict, const std::vector<std::size_t>& shared)
{
    LeastSquaresProblem problem;
    problem.residual_count = rows.size();
    problem.soft_l1_scale = kSoftL1Scale;
    problem.lower = std::move(lower);
    problem.upper = std::move(upper);
    problem.residual = [&](std::size_t i, const std::vector<double>& x) { return std::log(predict(rows[i], x) / rows[i].measured_us); };
    for (const TermRow& r : rows) {
        std::vector<std::size_t> deps = {3 * r.group, 3 * r.group + 1, 3 * r.group + 2};
        deps.insert(deps.end(), shared.begin(), shared.end());
        problem.depends_on.push_back(std::move(deps));
    }
    Fit fit;
    fit.x = solve_least_squares(problem, std::move(x0)).x;
    double error = 0;
    for (const TermRow& r : rows)
        error += std::fabs(predict(r, fit.x) - r.measured_us) / r.measured_us;
    fit.error = error / static_cast<double>(rows.size());
    return fit;
}

// Bounds and starting point of the per-group parameters.
void group_parameters(const std::vector<TermRow>& rows, std::size_t groups, std::vector<double>& x0, std::vector<double>& lower,
                      std::vector<double>& upper, double compute0, double memory0, double floor_share)
{
    std::vector<double> fastest(groups, 1e300);
    for (const TermRow& r : rows)
        fastest[r.group] = std::min(fastest[r.group], r.measured_us);
    for (std::size_t g = 0; g < groups; ++g) {
        x0.insert(x0.end(), {std::log(compute0), std::log(memory0), std::log(std::max(floor_share * fastest[g], 2 * kMinFloorUs))});
        lower.insert(lower.end(), {std::log(kMinEfficiency), std::log(kMinEfficiency), std::log(kMinFloorUs)});
        upper.insert(upper.end(), {std::log(kMaxEfficiency), std::log(kMaxEfficiency), std::log(std::max(fastest[g], 4 * kMinFloorUs))});
    }
}

// The realistic factor: the typical ideal / measured time of each group, over the rows whose ideal time is at least
// the group's fitted floor. Realistic mode has no floor, so its factor is the fraction of the roofline that kernels
// large enough to reach it attain; a plan of mostly launch-bound rows (a decode's elementwise kernels) would
// otherwise give a factor of a few percent that slows every large kernel twentyfold. A group with no such row uses
// all its rows.
void write_plan_factors(HardwareSpec& spec, KernelType kernel, const std::vector<TermRow>& rows, const std::vector<Precision>& groups,
                        const std::vector<double>& x)
{
    std::vector<std::vector<double>> logs(groups.size()), all(groups.size());
    for (const TermRow& r : rows) {
        const double log_ratio = std::log(r.ideal_us / r.measured_us);
        all[r.group].push_back(log_ratio);
        if (r.ideal_us >= std::exp(x[3 * r.group + 2]))
            logs[r.group].push_back(log_ratio);
    }
    for (std::size_t g = 0; g < groups.size(); ++g) {
        const double factor = std::exp(median(logs[g].empty() ? all[g] : logs[g]));
        spec.kernel_efficiency[kernel][groups[g]] = rounded(std::clamp(factor, kMinEfficiency, kMaxEfficiency));
    }
}

void write_group_values(HardwareSpec& spec, KernelType kernel, const std::vector<Precision>& groups, const std::vector<double>& x)
{
    for (std::size_t g = 0; g < groups.size(); ++g) {
        spec.compute_efficiency[kernel][groups[g]] = rounded(std::exp(x[3 * g]));
        spec.memory_efficiency[kernel][groups[g]] = rounded(std::exp(x[3 * g + 1]));
        spec.latency_floor_us[kernel][groups[g]] = rounded(std::exp(x[3 * g + 2]));
    }
}

std::string error_text(double error)
{
    return format_number(100 * error, 1) + " %";
}

std::size_t fit_attention(HardwareSpec& spec, const MeasurementSet& set, const std::string& run, std::vector<std::string>& log)
{
    spec.attention_query_tile.reset();
    spec.attention_kv_split.reset();
    spec.attention_unit_bandwidth_gb_s.reset();
    std::vector<Precision> groups;
    std::vector<TermRow> rows = rows_of(spec, set, KernelType::Attention, groups);
    if (rows.empty())
        return 0;
    const std::size_t bw_index = 3 * groups.size();
    const auto predict = [&](const TermRow& r, const std::vector<double>& x) {
        const AttentionNumbers n{std::exp(x[3 * r.group]), std::exp(x[3 * r.group + 1]), std::exp(x[3 * r.group + 2]), std::exp(x[bw_index])};
        return attention_times(r.attention, n).total_us();
    };
    Fit best;
    int best_tile = kDefaultAttentionQueryTile, best_split = 0;
    for (int tile : kQueryTiles) {
        for (int split : kKvSplits) {
            const std::optional<int> kv_split = split > 0 ? std::optional<int>(split) : std::nullopt;
            std::vector<double> implied_bandwidth;
            for (TermRow& r : rows) {
                const auto& a = std::get<AttentionShape>(r.m->shape);
                r.attention = attention_base(spec, a, r.m->precision, operand_bytes(r.m->precision), tile, kv_split, cache_of(*r.m), true, true);
                // Where the units are fewer than the SMs, the row's time is what one unit takes to stream its keys.
                if (spec.sm_count && r.attention.units < *spec.sm_count && r.attention.partition_bytes > 0)
                    implied_bandwidth.push_back(r.attention.partition_bytes / (r.measured_us * 1e-6) / 1e9);
            }
            // The max() of three bounds has kinks a local solver can stop at: the unit bandwidth starts from a few
            // places around what the rows with fewer units than SMs imply.
            const double bandwidth0 = implied_bandwidth.empty() ? 100.0 : median(implied_bandwidth);
            for (double scale : kBandwidthStarts) {
                std::vector<double> x0, lower, upper;
                group_parameters(rows, groups.size(), x0, lower, upper, 0.6, 0.8, 0.3);
                x0.push_back(std::log(std::clamp(scale * bandwidth0, kMinUnitBandwidthGbS, kMaxUnitBandwidthGbS)));
                lower.push_back(std::log(kMinUnitBandwidthGbS));
                upper.push_back(std::log(kMaxUnitBandwidthGbS));
                Fit fit = solve(rows, x0, lower, upper, predict, {bw_index});
                if (fit.error < best.error) {
                    best = std::move(fit);
                    best_tile = tile;
                    best_split = split;
                }
            }
        }
    }
    // The chosen geometry's bases again, to tell whether the partition floor decides any row.
    std::size_t partition_bound = 0;
    for (TermRow& r : rows) {
        const auto& a = std::get<AttentionShape>(r.m->shape);
        r.attention = attention_base(spec, a, r.m->precision, operand_bytes(r.m->precision), best_tile,
                                     best_split > 0 ? std::optional<int>(best_split) : std::nullopt, cache_of(*r.m), true, true);
        const AttentionNumbers n{std::exp(best.x[3 * r.group]), std::exp(best.x[3 * r.group + 1]), 0, std::exp(best.x[bw_index])};
        const AttentionTimes t = attention_times(r.attention, n);
        partition_bound += t.partition_us > std::max(t.math_us, t.memory_us);
    }
    write_plan_factors(spec, KernelType::Attention, rows, groups, best.x);
    write_group_values(spec, KernelType::Attention, groups, best.x);
    spec.attention_query_tile = best_tile;
    if (best_split > 0)
        spec.attention_kv_split = best_split;
    if (partition_bound > 0)
        spec.attention_unit_bandwidth_gb_s = rounded(std::exp(best.x[bw_index]), 2);
    const std::string what = "attention rows of " + run;
    spec.sources["compute_efficiency.attention"] = "fitted: " + what + " (prefill: the fraction of the tensor peak in waves of query tiles)";
    spec.sources["memory_efficiency.attention"] = "fitted: " + what + " (decode: the KV cache at the memory roof)";
    spec.sources["latency_floor_us.attention"] = "fitted: " + what;
    spec.sources["kernel_efficiency.attention"] = "fitted: median of ideal / measured time over the " + what + " whose ideal time is above the floor";
    spec.sources["attention_query_tile"] = "fitted: the query tile (of 64, 128) that explains " + what + " best";
    if (spec.attention_kv_split)
        spec.sources["attention_kv_split"] = "fitted: the keys per KV partition (of none, 256 … 4096) that explain " + what + " best";
    if (spec.attention_unit_bandwidth_gb_s)
        spec.sources["attention_unit_bandwidth_gb_s"] = "fitted: " + what + " with fewer units of work than the SMs run at once";
    log.push_back("attention: " + std::to_string(rows.size()) + " rows, query tile " + std::to_string(best_tile) + ", "
                  + (best_split > 0 ? "KV split " + std::to_string(best_split) + " keys" : std::string("no KV split")) + ", "
                  + (spec.attention_unit_bandwidth_gb_s
                         ? "partition floor at " + format_number(*spec.attention_unit_bandwidth_gb_s, 1) + " GB/s a unit ("
                               + std::to_string(partition_bound) + " rows bound by it)"
                         : std::string("no partition floor"))
                  + ", mean |error| " + error_text(best.error));
    return rows.size();
}

std::size_t fit_ffn(HardwareSpec& spec, const MeasurementSet& set, const std::string& run, std::vector<std::string>& log)
{
    std::vector<Precision> groups;
    std::vector<TermRow> rows = rows_of(spec, set, KernelType::FFN, groups);
    if (rows.empty())
        return 0;
    for (TermRow& r : rows)
        r.ffn = ffn_base(spec, std::get<FfnShape>(r.m->shape), r.m->precision, operand_bytes(r.m->precision), cache_of(*r.m), true, true);
    const auto predict = [](const TermRow& r, const std::vector<double>& x) {
        return ffn_time_us(r.ffn, std::exp(x[3 * r.group]), std::exp(x[3 * r.group + 1]), std::exp(x[3 * r.group + 2]));
    };
    std::vector<double> x0, lower, upper;
    group_parameters(rows, groups.size(), x0, lower, upper, 0.7, 0.8, 0.1);
    const Fit fit = solve(rows, x0, lower, upper, predict, {});
    write_plan_factors(spec, KernelType::FFN, rows, groups, fit.x);
    write_group_values(spec, KernelType::FFN, groups, fit.x);
    const std::string what = "FFN rows of " + run;
    spec.sources["compute_efficiency.ffn"] = "fitted: " + what + " (each GEMM of the FFN, in waves of output tiles)";
    spec.sources["memory_efficiency.ffn"] = "fitted: " + what + " (weights, activations and the intermediate through DRAM)";
    spec.sources["latency_floor_us.ffn"] = "fitted: " + what + " (paid by each of its three kernels)";
    spec.sources["kernel_efficiency.ffn"] = "fitted: median of ideal / measured time over the " + what + " whose ideal time is above the floor";
    log.push_back("ffn: " + std::to_string(rows.size()) + " rows as gate+up GEMM, activation and down GEMM, mean |error| " + error_text(fit.error));
    return rows.size();
}

// The elementwise kinds the plugins run: one kernel each, max(math / compute, memory / memory) + floor, plus the
// DRAM latency of a cold read, exactly as the calculator's refined() adds them up. Each row's terms come from the
// calculator itself on a copy of the profile whose entries for the kind are 1 and no floor.
std::size_t fit_layer_kind(HardwareSpec& spec, const MeasurementSet& set, KernelType kernel, const std::string& run,
                           std::vector<std::string>& log)
{
    std::vector<Precision> groups;
    std::vector<TermRow> rows = rows_of(spec, set, kernel, groups);
    if (rows.empty())
        return 0;
    HardwareSpec probe = spec;
    for (Precision p : groups) {
        probe.kernel_efficiency[kernel][p] = 1;
        probe.compute_efficiency[kernel][p] = 1;
        probe.memory_efficiency[kernel][p] = 1;
        probe.latency_floor_us[kernel][p] = 0;
    }
    for (TermRow& r : rows)
        r.layer = predict(probe, r.m->shape, r.m->precision, ModelOptions{Mode::Refined, {}, cache_of(*r.m), false});
    const auto predict_row = [](const TermRow& r, const std::vector<double>& x) {
        const double memory_us = r.layer.l2_resident ? r.layer.t_mem_us : r.layer.t_mem_us / std::exp(x[3 * r.group + 1]);
        return std::max(r.layer.t_math_us / std::exp(x[3 * r.group]), memory_us) + std::exp(x[3 * r.group + 2]) + r.layer.dram_latency_us;
    };
    std::vector<double> x0, lower, upper;
    group_parameters(rows, groups.size(), x0, lower, upper, 0.7, 0.8, 0.5);
    const Fit fit = solve(rows, x0, lower, upper, predict_row, {});
    write_plan_factors(spec, kernel, rows, groups, fit.x);
    write_group_values(spec, kernel, groups, fit.x);
    const std::string name(to_string(kernel));
    const std::string what = name + " rows of " + run;
    spec.sources["compute_efficiency." + name] = "fitted: " + what + " (its arithmetic hides under its memory time)";
    spec.sources["memory_efficiency." + name] = "fitted: " + what + " (the fraction of the DRAM bandwidth it streams at)";
    spec.sources["latency_floor_us." + name] = "fitted: " + what + " (the time of its smallest launches)";
    spec.sources["kernel_efficiency." + name] = "fitted: median of ideal / measured time over the " + what + " whose ideal time is above the floor";
    log.push_back(name + ": " + std::to_string(rows.size()) + " rows, mean |error| " + error_text(fit.error));
    return rows.size();
}

} // namespace

bool has_own_terms(KernelType kernel)
{
    return kernel == KernelType::Attention || kernel == KernelType::FFN
        || std::find(kBenchmarkedLayerKernels.begin(), kBenchmarkedLayerKernels.end(), kernel) != kBenchmarkedLayerKernels.end();
}

std::size_t fit_own_terms(HardwareSpec& spec, const MeasurementSet& measurements, const std::string& run_label,
                          std::vector<std::string>& log)
{
    std::size_t rows = fit_attention(spec, measurements, run_label, log) + fit_ffn(spec, measurements, run_label, log);
    for (KernelType kernel : kBenchmarkedLayerKernels)
        rows += fit_layer_kind(spec, measurements, kernel, run_label, log);
    return rows;
}

} // namespace roofline::detail
