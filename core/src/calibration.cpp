#include "roofline/calibration.h"

#include "roofline/errors.h"
#include "roofline/profile_transfer.h"
#include "roofline/reports.h"

#include "refined_fit.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <set>

namespace roofline {

namespace {

using Group = std::pair<KernelType, Precision>;
using Table = std::map<KernelType, std::map<Precision, double>>;

constexpr double kMinEfficiency = 0.01;
const std::string kCalibratedNotePrefix = "Calibrated from ";
// Rows whose time is mostly the latency floor say little about efficiency: they only set the floor.
constexpr double kMinRoofShareForEfficiency = 0.3;
// Knees tried for the power throttle [µs of compute]; the one that explains the rows best is kept.
constexpr double kThrottleKnees[] = {25, 50, 100, 200, 400, 800};
constexpr double kMiddleKnee = 100;

using detail::FitRow;
using detail::RefinedFit;
constexpr double kMaxEfficiency = 2.0;

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
    // A transferred base (core/src/profile_transfer.cpp) starts from its datasheet part: its transferred numbers,
    // sources and notes must not outlive a calibration on the GPU itself.
    spec = is_transferred(base) ? datasheet_part(base) : base;
    spec.key = options.key.empty() ? base.key + "_calibrated" : options.key;
    spec.name = options.name.empty() ? base.name + " (calibrated)" : options.name;
    spec.origin = "calibration";
    spec.kernel_efficiency.clear();
    spec.compute_efficiency.clear();
    spec.memory_efficiency.clear();
    spec.latency_floor_us.clear();
    spec.partial_line_efficiency.clear();
    spec.unaligned_efficiency.clear();
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

    // Rows grouped by kernel × precision; each group gets its own efficiencies and latency floor.
    std::vector<Group> groups;
    std::map<Group, std::size_t> group_index;
    std::vector<KernelType> kernels;
    std::vector<std::size_t> kernel_of_group;
    std::vector<FitRow> rows;
    for (const Measurement& m : measurements.rows) {
        if (m.status != RowStatus::Ok || m.measured_time_us <= 0) {
            ++result.rows_skipped;
            continue;
        }
        try {
            const Workload w = workload(m.shape, m.precision);
            const Prediction ideal = compute_roofline(spec, w, m.precision, m.kernel(), Mode::Ideal);
            const Group g{m.kernel(), m.precision};
            if (!group_index.count(g)) {
                group_index[g] = groups.size();
                groups.push_back(g);
                const auto known = std::find(kernels.begin(), kernels.end(), g.first);
                kernel_of_group.push_back(static_cast<std::size_t>(known - kernels.begin()));
                if (known == kernels.end())
                    kernels.push_back(g.first);
            }
            FitRow row;
            row.group = group_index[g];
            row.kernel = kernel_of_group[row.group];
            row.alignment = operand_row_alignment(m.shape, m.precision);
            row.measured_us = m.measured_time_us;
            row.ideal_us = ideal.ideal_time_us;
            row.math_us = ideal.t_math_us;
            row.dram_us = ideal.t_mem_us;
            row.from_l2 = m.cache_mode == "warm" && spec.l2_cache_bytes && spec.l2_bandwidth_gb_s
                && w.bytes <= static_cast<double>(*spec.l2_cache_bytes);
            row.l2_us = row.from_l2 ? w.bytes / (*spec.l2_bandwidth_gb_s * 1e9) * 1e6 : 0.0;
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
    std::vector<std::vector<double>> plan_ratios(groups.size());
    for (const auto& r : rows)
        plan_ratios[r.group].push_back(r.ideal_us / r.measured_us);
    std::vector<double> plan_factor(groups.size());
    for (std::size_t g = 0; g < groups.size(); ++g) {
        plan_factor[g] = log_median(plan_ratios[g]);
        spec.kernel_efficiency[groups[g].first][groups[g].second] = rounded(plan_factor[g]);
    }
    spec.sources["kernel_efficiency"] = "fitted: median of ideal / measured time per kernel and precision over " + run;
    result.log.push_back("plan-style factors: " + std::to_string(groups.size()) + " kernel x precision groups");

    // The refined numbers for every candidate tile and throttle knee (or none); the pair whose fit explains the
    // rows best is kept.
    std::vector<std::optional<double>> knees = {std::nullopt};
    for (double knee : kThrottleKnees)
        knees.push_back(knee);
    // The tile first (with a middle knee), then the knee for that tile: 12 fits instead of 42, and on the H100
    // runs the same choice as trying every pair.
    const detail::FitGroups fit_groups{groups.size(), kernel_of_group, kernels.size()};
    const auto fit_with = [&](std::pair<int, int> tile, std::optional<double> knee) {
        return detail::fit_refined(rows, fit_groups, spec, tile, knee, plan_factor);
    };
    RefinedFit best;
    for (const auto& tile : options.tile_candidates) {
        RefinedFit fit = fit_with(tile, kMiddleKnee);
        if (fit.error < best.error)
            best = std::move(fit);
    }
    for (const auto& knee : knees) {
        if (knee == kMiddleKnee)
            continue;
        RefinedFit fit = fit_with(best.tile, knee);
        if (fit.error < best.error)
            best = std::move(fit);
    }
    for (auto& r : rows) {
        HardwareSpec with_tile = spec;
        with_tile.gemm_tile_m = best.tile.first;
        with_tile.gemm_tile_n = best.tile.second;
        r.waves = wave_efficiency(with_tile, r.shape);
    }

    // Which bound limited each row under the fit: evidence for that bound's efficiency.
    std::set<Group> compute_bound, memory_bound, l2_bound, alignment_seen;
    Table compute, memory, floors, partial_line, unaligned;
    for (std::size_t g = 0; g < groups.size(); ++g) {
        compute[groups[g].first][groups[g].second] = best.compute[g];
        memory[groups[g].first][groups[g].second] = best.memory[g];
        floors[groups[g].first][groups[g].second] = best.floor_us[g];
    }
    for (const auto& r : rows) {
        const double floor_us = best.floor_us[r.group];
        if (r.measured_us - floor_us < kMinRoofShareForEfficiency * r.measured_us)
            continue;
        const auto [kernel, precision] = groups[r.group];
        if (r.alignment == RowAlignment::Vector)
            partial_line[kernel][precision] = best.partial_line[r.group];
        if (r.alignment == RowAlignment::Unaligned)
            unaligned[kernel][precision] = best.unaligned[r.group];
        if (r.alignment != RowAlignment::Line)
            alignment_seen.insert(groups[r.group]);
        double math_us = 0, memory_us = 0;
        detail::fitted_roof_us(r, best, &math_us, &memory_us);
        (math_us >= memory_us ? compute_bound : (r.from_l2 ? l2_bound : memory_bound)).insert(groups[r.group]);
    }
    std::set<Group> measured(groups.begin(), groups.end());
    spec.compute_efficiency = rounded(with_fallback(compute, compute_bound, spec));
    spec.memory_efficiency = rounded(with_fallback(memory, memory_bound, spec));
    spec.latency_floor_us = rounded(with_fallback(floors, measured, spec));
    // Only where such rows were measured: the penalty differs too much between precisions to carry over (on an
    // H100, FP32 loses nothing to rows off 16-byte boundaries, FP16 and INT8 run 3-5 times slower).
    spec.partial_line_efficiency = rounded(partial_line);
    spec.unaligned_efficiency = rounded(unaligned);
    std::vector<double> all_floors = best.floor_us;
    spec.launch_overhead_us = rounded(median(all_floors), 2);
    spec.sources["compute_efficiency"] = "fitted: compute-bound rows of " + run
        + " after the latency floor, wave quantization and throttle; unmeasured precisions take the kernel's median";
    spec.sources["memory_efficiency"] = "fitted: memory-bound rows of " + run
        + " after the latency floor; unmeasured precisions take the kernel's median";
    spec.sources["latency_floor_us"] = "fitted: the fixed cost per kernel and precision that explains " + run
        + " best; unmeasured precisions take the kernel's median";
    if (!spec.partial_line_efficiency.empty())
        spec.sources["partial_line_efficiency"] = "fitted: rows of " + run
            + " whose operand rows are multiples of 16 but not of 128 bytes, against the 128-byte rows' rate";
    if (!spec.unaligned_efficiency.empty())
        spec.sources["unaligned_efficiency"] = "fitted: rows of " + run
            + " whose operand rows are not multiples of 16 bytes, against the 128-byte rows' rate";
    spec.sources["launch_overhead_us"] = "fitted: the median latency floor over " + run
        + (ceilings && ceilings->launch_overhead_us
               ? " (an empty kernel measures " + format_number(*ceilings->launch_overhead_us, 2) + " us in " + ceilings_label + ")"
               : std::string());
    spec.gemm_tile_m = best.tile.first;
    spec.gemm_tile_n = best.tile.second;
    spec.sources["gemm_tile"] = "fitted: the tile whose wave quantization explains " + run + " best";
    if (spec.l2_bandwidth_gb_s && !l2_bound.empty()) {
        spec.l2_efficiency = rounded(best.l2);
        spec.sources["l2_efficiency"] = "fitted: warm rows of " + run + " whose inputs fit in L2";
    }
    spec.dram_latency_us.reset();
    if (std::any_of(rows.begin(), rows.end(), [](const FitRow& r) { return r.from_l2; })) {
        spec.dram_latency_us = rounded(best.dram_latency_us, 3);
        spec.sources["dram_latency_us"] = "fitted: rows of " + run + " whose inputs come from DRAM, against those whose inputs are in L2";
    }
    spec.throttle_after_us.reset();
    spec.throttle_ratio.reset();
    if (best.throttle_after_us && !compute_bound.empty() && best.throttle_ratio < 1) {
        spec.throttle_after_us = *best.throttle_after_us;
        spec.throttle_ratio = rounded(best.throttle_ratio);
        spec.sources["throttle_after_us"] = "fitted: the knee (of 25, 50, ... 800 us) after which compute-bound rows of " + run
            + " slow down best explains them";
        spec.sources["throttle_ratio"] = "fitted: compute-bound rows of " + run + " longer than the knee";
    }
    double lowest_floor = best.floor_us.front(), highest_floor = best.floor_us.front();
    for (double f : best.floor_us) {
        lowest_floor = std::min(lowest_floor, f);
        highest_floor = std::max(highest_floor, f);
    }
    result.log.push_back(
        "refined: tile " + std::to_string(best.tile.first) + "x" + std::to_string(best.tile.second) + ", latency floors "
        + format_number(lowest_floor, 2) + "-" + format_number(highest_floor, 2) + " us, "
        + (spec.throttle_after_us ? "throttle after " + format_number(*spec.throttle_after_us, 0) + " us to "
                                        + format_number(*spec.throttle_ratio, 3) + "x"
                                  : std::string("no throttle"))
        + (spec.l2_efficiency && !l2_bound.empty() ? ", L2 efficiency " + format_number(best.l2, 3) : std::string())
        + (spec.dram_latency_us ? ", DRAM latency " + format_number(*spec.dram_latency_us, 2) + " us" : std::string()) + ", "
        + std::to_string(compute_bound.size()) + " compute, " + std::to_string(memory_bound.size()) + " memory and "
        + std::to_string(alignment_seen.size()) + " alignment groups fitted, mean |error| " + format_number(100 * best.error, 1)
        + " %");

    spec.calibration["device"] = device_name(measurements);
    spec.calibration["date"] = utc_timestamp_now();
    spec.calibration["measurements"] = run;
    if (ceilings)
        spec.calibration["ceilings"] = ceilings_label;
    spec.calibration["rows"] = std::to_string(result.rows_used);
    spec.calibration["base"] = base.key;
    // A profile calibrated again keeps the base's notes but not its old calibration's.
    std::erase_if(spec.notes, [](const std::string& note) { return note.rfind(kCalibratedNotePrefix, 0) == 0; });
    spec.notes.push_back(kCalibratedNotePrefix + run + " (" + std::to_string(result.rows_used) + " rows) on " + device_name(measurements)
                         + ". Peaks and bandwidth are the base's: ideal mode shows the datasheet roofline.");
    return result;
}

} // namespace roofline
