#include "roofline/calibration.h"

#include "roofline/errors.h"
#include "roofline/reports.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

namespace roofline {

namespace {

using Group = std::pair<KernelType, Precision>;
using Table = std::map<KernelType, std::map<Precision, double>>;

constexpr int kFitRounds = 8;
constexpr double kMinEfficiency = 0.01;
constexpr double kMaxEfficiency = 2.0;
// The part of a measured time left for the roofline after the launch floor is never taken below this share:
// a kernel measured at the floor says little about its efficiency, and must not say "infinitely fast".
constexpr double kMinRoofShare = 0.05;

double median(std::vector<double> values)
{
    std::sort(values.begin(), values.end());
    const std::size_t n = values.size();
    return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

// Efficiencies are ratios: their typical value is the exponential of the median log.
double log_median(const std::vector<double>& ratios)
{
    std::vector<double> logs;
    logs.reserve(ratios.size());
    for (double r : ratios)
        logs.push_back(std::log(r));
    return std::clamp(std::exp(median(logs)), kMinEfficiency, kMaxEfficiency);
}

// One measured row with the parts of its refined prediction that do not depend on the fitted efficiencies.
struct FitRow {
    Group group;
    double measured_us = 0;
    double ideal_us = 0;
    double math_us = 0;   // flops / peak, before wave quantization and efficiency
    double memory_us = 0; // bytes / (L2 or DRAM bandwidth), before efficiency
    KernelShape shape;
};

struct Fit {
    Table compute, memory;
    double error = 0; // mean |log(predicted / measured)|
};

Fit fit_efficiencies(const std::vector<FitRow>& rows, const HardwareSpec& hw, double launch_us)
{
    std::vector<double> waves(rows.size());
    for (std::size_t i = 0; i < rows.size(); ++i)
        waves[i] = wave_efficiency(hw, rows[i].shape);
    Fit fit;
    // Start from the plan-style factor of each group, for both bounds.
    std::map<Group, std::vector<double>> plan_ratios;
    for (const auto& r : rows)
        plan_ratios[r.group].push_back(r.ideal_us / r.measured_us);
    for (const auto& [g, ratios] : plan_ratios)
        fit.compute[g.first][g.second] = fit.memory[g.first][g.second] = log_median(ratios);

    for (int round = 0; round < kFitRounds; ++round) {
        std::map<Group, std::vector<double>> compute_samples, memory_samples;
        for (std::size_t i = 0; i < rows.size(); ++i) {
            const FitRow& r = rows[i];
            const double math_us = r.math_us / waves[i];
            const double ec = fit.compute[r.group.first][r.group.second];
            const double em = fit.memory[r.group.first][r.group.second];
            const double roof_us = std::max(r.measured_us - launch_us, kMinRoofShare * r.measured_us);
            if (math_us / ec >= r.memory_us / em)
                compute_samples[r.group].push_back(math_us / roof_us);
            else
                memory_samples[r.group].push_back(r.memory_us / roof_us);
        }
        for (const auto& [g, samples] : compute_samples)
            fit.compute[g.first][g.second] = log_median(samples);
        for (const auto& [g, samples] : memory_samples)
            fit.memory[g.first][g.second] = log_median(samples);
    }

    double error = 0;
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const FitRow& r = rows[i];
        const double predicted = std::max(r.math_us / waves[i] / fit.compute[r.group.first][r.group.second],
                                          r.memory_us / fit.memory[r.group.first][r.group.second])
            + launch_us;
        error += std::fabs(std::log(predicted / r.measured_us));
    }
    fit.error = rows.empty() ? 0 : error / static_cast<double>(rows.size());
    return fit;
}

// Drops the table entries of groups whose rows never reached that bound: a fitted number with no evidence
// behind it must not look measured. Those groups fall back to the plan-style factor in Refined mode.
Table only_evidenced(const Table& table, const std::set<Group>& evidenced)
{
    Table out;
    for (const auto& [kernel, factors] : table) {
        for (const auto& [precision, value] : factors) {
            if (evidenced.count({kernel, precision}))
                out[kernel][precision] = value;
        }
    }
    return out;
}

std::string device_name(const MeasurementSet& set)
{
    if (set.meta.contains("device") && set.meta["device"].is_object() && set.meta["device"].contains("name")
        && set.meta["device"]["name"].is_string())
        return set.meta["device"]["name"].get<std::string>();
    return "unknown device";
}

} // namespace

std::string_view to_string(ShapeClass c)
{
    switch (c) {
    case ShapeClass::L2Resident: return "L2-resident";
    case ShapeClass::Tiny: return "tiny";
    case ShapeClass::Skinny: return "skinny";
    case ShapeClass::Huge: return "huge";
    case ShapeClass::Regular: return "regular";
    }
    return "?";
}

ShapeClass shape_class(const HardwareSpec& hw, const Measurement& m)
{
    const Workload w = workload(m.shape, m.precision);
    if (m.cache_mode == "warm" && hw.l2_cache_bytes && w.bytes <= static_cast<double>(*hw.l2_cache_bytes))
        return ShapeClass::L2Resident;
    const Prediction ideal = predict(hw, m.shape, m.precision, Mode::Ideal);
    if (ideal.ideal_time_us < 10)
        return ShapeClass::Tiny;
    if (const auto* g = std::get_if<GemmShape>(&m.shape); g && std::min(g->m, g->n) <= 512)
        return ShapeClass::Skinny;
    if (w.bytes > 1e9 || static_cast<double>(w.flops) > 4e12)
        return ShapeClass::Huge;
    return ShapeClass::Regular;
}

MeasurementSet merge_measurements(const std::vector<MeasurementSet>& sets)
{
    MeasurementSet merged;
    for (const auto& set : sets) {
        if (merged.hardware_key.empty())
            merged.hardware_key = set.hardware_key;
        if (merged.meta.empty())
            merged.meta = set.meta;
        merged.source += (merged.source.empty() ? "" : ", ") + set.source;
        for (const auto& row : set.rows) {
            merged.rows.push_back(row);
            merged.rows.back().row_index = merged.rows.size() - 1;
        }
    }
    return merged;
}

std::pair<MeasurementSet, MeasurementSet> split_by_shape(const MeasurementSet& set)
{
    // Distinct shapes per kernel, ordered by their FLOP count in FP32.
    std::map<KernelType, std::vector<std::pair<uint64_t, std::string>>> shapes;
    std::set<std::string> seen;
    for (const auto& m : set.rows) {
        const std::string key = std::string(to_string(m.kernel())) + " " + format_shape(m.shape);
        if (m.status == RowStatus::Ok && seen.insert(key).second)
            shapes[m.kernel()].push_back({workload(m.shape, Precision::FP32).flops, key});
    }
    std::set<std::string> held_out;
    for (auto& [kernel, list] : shapes) {
        std::sort(list.begin(), list.end());
        for (std::size_t i = 1; i < list.size(); i += 2)
            held_out.insert(list[i].second);
    }
    MeasurementSet calibration, test;
    calibration.hardware_key = test.hardware_key = set.hardware_key;
    calibration.meta = test.meta = set.meta;
    calibration.source = set.source + " (calibration half)";
    test.source = set.source + " (held-out half)";
    for (const auto& m : set.rows) {
        if (m.status != RowStatus::Ok)
            continue;
        const std::string key = std::string(to_string(m.kernel())) + " " + format_shape(m.shape);
        (held_out.count(key) ? test : calibration).rows.push_back(m);
    }
    return {calibration, test};
}

CalibrationResult calibrate(const HardwareSpec& base, const MeasurementSet& measurements, const MeasuredCeilings* ceilings,
                            const CalibrationOptions& options)
{
    CalibrationResult result;
    HardwareSpec& spec = result.profile;
    spec = base;
    spec.key = options.key.empty() ? base.key + "_calibrated" : options.key;
    spec.name = options.name.empty() ? base.name + " (calibrated)" : options.name;
    spec.origin = "calibration";
    spec.kernel_efficiency.clear();
    spec.compute_efficiency.clear();
    spec.memory_efficiency.clear();
    const std::string run = options.run_label.empty() ? measurements.source : options.run_label;
    const std::string ceilings_label = options.ceilings_label.empty() ? std::string("measured ceilings") : options.ceilings_label;

    // The fixed costs, measured apart where there are ceilings.
    if (ceilings && ceilings->launch_overhead_us) {
        spec.launch_overhead_us = *ceilings->launch_overhead_us;
        spec.sources["launch_overhead_us"] = "measured: " + ceilings_label + " (empty kernel, event-timed median)";
    }
    if (ceilings && ceilings->l2_read_gb_s) {
        spec.l2_bandwidth_gb_s = ceilings->l2_read_gb_s;
        spec.sources["l2_bandwidth_gb_s"] = "measured: " + ceilings_label + " (L2 re-read)";
    }

    std::vector<FitRow> rows;
    for (const Measurement& m : measurements.rows) {
        if (m.status != RowStatus::Ok || m.measured_time_us <= 0) {
            ++result.rows_skipped;
            continue;
        }
        try {
            const CacheMode cache = m.cache_mode == "warm" ? CacheMode::Warm : CacheMode::Cold;
            // With every efficiency at 1 and no launch floor, Refined gives the raw math and memory times.
            HardwareSpec raw = spec;
            raw.kernel_efficiency.clear();
            raw.launch_overhead_us = 0;
            ModelTerms terms;
            terms.wave_quantization = false;
            const Prediction p = predict(raw, m.shape, m.precision, ModelOptions{Mode::Refined, terms, cache, false});
            rows.push_back({{m.kernel(), m.precision}, m.measured_time_us, p.ideal_time_us, p.t_math_us, p.t_mem_us, m.shape});
        } catch (const InputError&) {
            ++result.rows_skipped;
        }
    }
    result.rows_used = rows.size();
    if (rows.empty())
        throw InputError("no measured row can be predicted on " + base.key + ": nothing to calibrate from");

    if (!ceilings || !ceilings->launch_overhead_us) {
        double fastest = rows.front().measured_us;
        for (const auto& r : rows)
            fastest = std::min(fastest, r.measured_us);
        spec.launch_overhead_us = fastest;
        spec.sources["launch_overhead_us"] = "fitted: the fastest kernel in " + run;
    }

    // The plan's single factor per kernel × precision.
    std::map<Group, std::vector<double>> plan_ratios;
    for (const auto& r : rows)
        plan_ratios[r.group].push_back(r.ideal_us / r.measured_us);
    for (const auto& [g, ratios] : plan_ratios)
        spec.kernel_efficiency[g.first][g.second] = log_median(ratios);
    spec.sources["kernel_efficiency"] = "fitted: median of ideal / measured time per kernel and precision over " + run;
    result.log.push_back("plan-style factors: " + std::to_string(plan_ratios.size()) + " kernel x precision groups");

    // The tile that explains the rows best, then the efficiencies under it.
    Fit best;
    std::pair<int, int> best_tile{128, 128};
    bool first = true;
    for (const auto& tile : options.tile_candidates) {
        HardwareSpec candidate = spec;
        candidate.gemm_tile_m = tile.first;
        candidate.gemm_tile_n = tile.second;
        const Fit fit = fit_efficiencies(rows, candidate, spec.launch_overhead_us);
        result.log.push_back("tile " + std::to_string(tile.first) + "x" + std::to_string(tile.second) + ": mean |log error| "
                             + format_number(fit.error, 4));
        if (first || fit.error < best.error) {
            best = fit;
            best_tile = tile;
            first = false;
        }
    }
    spec.gemm_tile_m = best_tile.first;
    spec.gemm_tile_n = best_tile.second;
    spec.sources["gemm_tile"] = "fitted: the tile whose wave quantization explains " + run + " best";

    // Keep only efficiencies that some row's limiting bound gave evidence for.
    std::set<Group> compute_bound, memory_bound;
    for (const auto& r : rows) {
        const double waves = wave_efficiency(spec, r.shape);
        const double math_us = r.math_us / waves / best.compute[r.group.first][r.group.second];
        const double memory_us = r.memory_us / best.memory[r.group.first][r.group.second];
        (math_us >= memory_us ? compute_bound : memory_bound).insert(r.group);
    }
    spec.compute_efficiency = only_evidenced(best.compute, compute_bound);
    spec.memory_efficiency = only_evidenced(best.memory, memory_bound);
    spec.sources["compute_efficiency"] = "fitted: compute-bound rows of " + run + ", after launch floor and wave quantization";
    spec.sources["memory_efficiency"] = "fitted: memory-bound rows of " + run + ", after launch floor and L2 residency";
    result.log.push_back("refined: tile " + std::to_string(best_tile.first) + "x" + std::to_string(best_tile.second) + ", "
                         + std::to_string(compute_bound.size()) + " compute and " + std::to_string(memory_bound.size())
                         + " memory efficiency groups, mean |log error| " + format_number(best.error, 4));

    spec.calibration["device"] = device_name(measurements);
    spec.calibration["date"] = utc_timestamp_now();
    spec.calibration["measurements"] = run;
    if (ceilings)
        spec.calibration["ceilings"] = ceilings_label;
    spec.calibration["rows"] = std::to_string(result.rows_used);
    spec.calibration["base"] = base.key;
    spec.notes.push_back("Calibrated from " + run + " (" + std::to_string(result.rows_used) + " rows) on " + device_name(measurements)
                         + ". Peaks and bandwidth are the base's: ideal mode shows the datasheet roofline.");
    return result;
}

} // namespace roofline
