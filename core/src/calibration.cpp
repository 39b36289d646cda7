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
constexpr double kFloorStepUs = 0.25;

// Fitted numbers are written with four decimals: more would claim a precision the measurements do not have.
double rounded(double value, int decimals = 4)
{
    const double scale = std::pow(10.0, decimals);
    return std::round(value * scale) / scale;
}

Table rounded(Table table)
{
    for (auto& [kernel, factors] : table) {
        for (auto& [precision, value] : factors)
            value = rounded(value);
    }
    return table;
}

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

// One measured row with the parts of its refined prediction that do not depend on the fitted numbers.
struct FitRow {
    Group group;
    double measured_us = 0;
    double ideal_us = 0;
    double math_us = 0; // flops / peak, before wave quantization and efficiency
    double dram_us = 0; // the bytes that come from DRAM / DRAM bandwidth, before efficiency
    double l2_us = 0;   // warm: the bytes still in L2 / L2 bandwidth, before efficiency
    KernelShape shape;
};

struct Fit {
    Table compute, memory;
    double l2 = 1;
    double floor_us = 0;
    double error = 1e300; // mean |predicted - measured| / measured: what validation reports
};

// Rows whose time is mostly the latency floor say little about efficiency: they only set the floor.
constexpr double kMinRoofShareForEfficiency = 0.3;

double predicted_us(const FitRow& r, double waves, double compute, double memory, double l2, double floor_us)
{
    return std::max(r.math_us / waves / compute, r.dram_us / memory + r.l2_us / l2) + floor_us;
}

// Alternates between sorting the rows by the bound that limits them and taking each bound's efficiency as the
// median over its rows, until it settles.
Fit fit_efficiencies(const std::vector<FitRow>& rows, const HardwareSpec& hw, double floor_us)
{
    std::vector<double> waves(rows.size());
    for (std::size_t i = 0; i < rows.size(); ++i)
        waves[i] = wave_efficiency(hw, rows[i].shape);
    Fit fit;
    fit.floor_us = floor_us;
    std::map<Group, std::vector<double>> plan_ratios;
    for (const auto& r : rows)
        plan_ratios[r.group].push_back(r.ideal_us / r.measured_us);
    for (const auto& [g, ratios] : plan_ratios)
        fit.compute[g.first][g.second] = fit.memory[g.first][g.second] = log_median(ratios);

    for (int round = 0; round < kFitRounds; ++round) {
        std::map<Group, std::vector<double>> compute_samples, memory_samples;
        std::vector<double> l2_samples;
        for (std::size_t i = 0; i < rows.size(); ++i) {
            const FitRow& r = rows[i];
            const double roof_us = r.measured_us - floor_us;
            if (roof_us < kMinRoofShareForEfficiency * r.measured_us)
                continue;
            const double ec = fit.compute[r.group.first][r.group.second];
            const double em = fit.memory[r.group.first][r.group.second];
            const double math_us = r.math_us / waves[i];
            if (math_us / ec >= r.dram_us / em + r.l2_us / fit.l2)
                compute_samples[r.group].push_back(math_us / roof_us);
            else if (r.dram_us >= r.l2_us)
                memory_samples[r.group].push_back(r.dram_us / std::max(roof_us - r.l2_us / fit.l2, kMinRoofShare * roof_us));
            else
                l2_samples.push_back(r.l2_us / std::max(roof_us - r.dram_us / em, kMinRoofShare * roof_us));
        }
        for (const auto& [g, samples] : compute_samples)
            fit.compute[g.first][g.second] = log_median(samples);
        for (const auto& [g, samples] : memory_samples)
            fit.memory[g.first][g.second] = log_median(samples);
        if (!l2_samples.empty())
            fit.l2 = log_median(l2_samples);
    }

    double error = 0;
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const FitRow& r = rows[i];
        const double p = predicted_us(r, waves[i], fit.compute[r.group.first][r.group.second],
                                      fit.memory[r.group.first][r.group.second], fit.l2, floor_us);
        error += std::fabs(p - r.measured_us) / r.measured_us;
    }
    fit.error = rows.empty() ? 0 : error / static_cast<double>(rows.size());
    return fit;
}

// Keeps the entries some row gave evidence for; every other precision of the hardware, for each kernel that
// was measured, takes the median of that kernel's fitted values (an unmeasured precision is no better known).
Table with_fallback(const Table& fitted, const std::set<Group>& evidenced, const HardwareSpec& hw)
{
    Table out;
    for (const auto& [kernel, factors] : fitted) {
        std::vector<double> values;
        for (const auto& [precision, value] : factors) {
            if (evidenced.count({kernel, precision})) {
                out[kernel][precision] = value;
                values.push_back(value);
            }
        }
        if (values.empty())
            continue;
        const double typical = median(values);
        for (Precision p : hw.precisions())
            out[kernel].emplace(p, typical);
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

    // Ceilings of another device would calibrate this one with numbers that are not its own.
    if (ceilings && ceilings->device.contains("name") && ceilings->device["name"].is_string()
        && ceilings->device["name"].get<std::string>() != device_name(measurements) && device_name(measurements) != "unknown device")
        result.log.push_back("warning: the ceilings were measured on " + ceilings->device["name"].get<std::string>()
                             + ", the rows on " + device_name(measurements));
    if (ceilings && ceilings->l2_read_gb_s) {
        spec.l2_bandwidth_gb_s = rounded(*ceilings->l2_read_gb_s, 1);
        spec.sources["l2_bandwidth_gb_s"] = "measured: " + ceilings_label + " (L2 re-read)";
    }

    std::vector<FitRow> rows;
    for (const Measurement& m : measurements.rows) {
        if (m.status != RowStatus::Ok || m.measured_time_us <= 0) {
            ++result.rows_skipped;
            continue;
        }
        try {
            const Workload w = workload(m.shape, m.precision);
            const Prediction ideal = compute_roofline(spec, w, m.precision, m.kernel(), Mode::Ideal);
            const bool warm = m.cache_mode == "warm" && spec.l2_cache_bytes && spec.l2_bandwidth_gb_s;
            const double l2_bytes = warm ? std::min(w.bytes, static_cast<double>(*spec.l2_cache_bytes)) : 0.0;
            FitRow row;
            row.group = {m.kernel(), m.precision};
            row.measured_us = m.measured_time_us;
            row.ideal_us = ideal.ideal_time_us;
            row.math_us = ideal.t_math_us;
            row.dram_us = (w.bytes - l2_bytes) / (spec.peak_bandwidth_gb_s * 1e9) * 1e6;
            row.l2_us = warm ? l2_bytes / (*spec.l2_bandwidth_gb_s * 1e9) * 1e6 : 0.0;
            row.shape = m.shape;
            rows.push_back(row);
        } catch (const InputError&) {
            ++result.rows_skipped;
        }
    }
    result.rows_used = rows.size();
    if (rows.empty())
        throw InputError("no measured row can be predicted on " + base.key + ": nothing to calibrate from");

    // The plan's single factor per kernel × precision.
    std::map<Group, std::vector<double>> plan_ratios;
    for (const auto& r : rows)
        plan_ratios[r.group].push_back(r.ideal_us / r.measured_us);
    for (const auto& [g, ratios] : plan_ratios)
        spec.kernel_efficiency[g.first][g.second] = rounded(log_median(ratios));
    spec.sources["kernel_efficiency"] = "fitted: median of ideal / measured time per kernel and precision over " + run;
    result.log.push_back("plan-style factors: " + std::to_string(plan_ratios.size()) + " kernel x precision groups");

    // The latency floor and the GEMM tile that explain the rows best, and the efficiencies under them. The floor
    // is searched from 0 to the fastest kernel measured, in steps of a quarter microsecond.
    double fastest_us = rows.front().measured_us;
    for (const auto& r : rows)
        fastest_us = std::min(fastest_us, r.measured_us);
    Fit best;
    std::pair<int, int> best_tile{128, 128};
    for (const auto& tile : options.tile_candidates) {
        HardwareSpec candidate = spec;
        candidate.gemm_tile_m = tile.first;
        candidate.gemm_tile_n = tile.second;
        for (double floor_us = 0; floor_us <= fastest_us; floor_us += kFloorStepUs) {
            Fit fit = fit_efficiencies(rows, candidate, floor_us);
            if (fit.error < best.error) {
                best = std::move(fit);
                best_tile = tile;
            }
        }
    }
    spec.launch_overhead_us = best.floor_us;
    spec.sources["launch_overhead_us"] = "fitted: the latency floor that explains " + run + " best"
        + (ceilings && ceilings->launch_overhead_us
               ? " (an empty kernel measures " + format_number(*ceilings->launch_overhead_us, 2) + " us in " + ceilings_label + ")"
               : std::string());
    spec.gemm_tile_m = best_tile.first;
    spec.gemm_tile_n = best_tile.second;
    spec.sources["gemm_tile"] = "fitted: the tile whose wave quantization explains " + run + " best";
    if (spec.l2_bandwidth_gb_s) {
        spec.l2_efficiency = rounded(best.l2);
        spec.sources["l2_efficiency"] = "fitted: warm rows of " + run + " that stream mostly from L2";
    }

    // Which bound limited each row under the fit: evidence for that bound's efficiency.
    std::set<Group> compute_bound, memory_bound;
    for (const auto& r : rows) {
        if (r.measured_us - best.floor_us < kMinRoofShareForEfficiency * r.measured_us)
            continue;
        const double math_us = r.math_us / wave_efficiency(spec, r.shape) / best.compute[r.group.first][r.group.second];
        const double memory_us = r.dram_us / best.memory[r.group.first][r.group.second] + r.l2_us / best.l2;
        (math_us >= memory_us ? compute_bound : memory_bound).insert(r.group);
    }
    spec.compute_efficiency = rounded(with_fallback(best.compute, compute_bound, spec));
    spec.memory_efficiency = rounded(with_fallback(best.memory, memory_bound, spec));
    spec.sources["compute_efficiency"] = "fitted: compute-bound rows of " + run
        + " after the latency floor and wave quantization; unmeasured precisions take the kernel's median";
    spec.sources["memory_efficiency"] = "fitted: memory-bound rows of " + run
        + " after the latency floor and L2 residency; unmeasured precisions take the kernel's median";
    result.log.push_back("refined: floor " + format_number(best.floor_us, 2) + " us, tile " + std::to_string(best_tile.first) + "x"
                         + std::to_string(best_tile.second) + ", L2 efficiency " + format_number(best.l2, 3) + ", "
                         + std::to_string(compute_bound.size()) + " compute and " + std::to_string(memory_bound.size())
                         + " memory efficiency groups fitted, mean |error| " + format_number(100 * best.error, 1) + " %");

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
