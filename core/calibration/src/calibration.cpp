#include "roofline/calibration/calibration.h"
#include "roofline/calibration/gemm_config_learning.h"

#include "roofline/support/errors.h"
#include "roofline/hardware/profile_store.h"
#include "roofline/calibration/profile_transfer.h"
#include "roofline/results/reports.h"

#include "roofline/model/kernel_terms.h"
#include "refined_fit.h"
#include "roofline/support/stats.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <set>
#include <tuple>

namespace roofline {

namespace {

using Group = std::pair<KernelType, Precision>;
using Table = std::map<KernelType, std::map<Precision, double>>;

const std::string kCalibratedNotePrefix = "Calibrated from ";
// Rows whose time is mostly the latency floor say little about efficiency: they only set the floor.
constexpr double kMinRoofShareForEfficiency = 0.3;
// Knees tried for the power throttle [µs of compute]; the one that explains the rows best is kept.
constexpr double kThrottleKnees[] = {25, 50, 100, 200, 400, 800};
constexpr double kMiddleKnee = 100;

using detail::FitRow;
using detail::RefinedFit;
using detail::kMaxEfficiency;
using detail::kMinEfficiency;
using detail::median;

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


// What the profile's sources and provenance call the inputs.
struct Labels {
    std::string run;      // the measurements
    std::string ceilings; // the ceilings file
};

// The rows a fit can use, grouped by kernel × precision: each group gets its own efficiencies and latency floor.
struct FitInput {
    std::vector<Group> groups;
    std::vector<KernelType> kernels;
    std::vector<std::size_t> kernel_of_group;
    std::vector<FitRow> rows;
    std::size_t skipped = 0; // not OK, or not predictable on the base
};

// Which bound limited each row under the fit: evidence for that bound's efficiency.
struct BoundEvidence {
    std::set<Group> compute_bound, memory_bound, l2_bound, alignment_seen;
    Table partial_line, unaligned;
};

// The base with its fitted tables cleared, under its new key and name, with the measured L2 bandwidth.
HardwareSpec start_profile(const HardwareSpec& base, const MeasuredCeilings* ceilings, const CalibrationOptions& options,
                           const Labels& labels)
{
    // A transferred base (core/calibration/src/profile_transfer.cpp) starts from its datasheet part: its transferred numbers,
    // sources and notes must not outlive a calibration on the GPU itself.
    HardwareSpec spec = is_transferred(base) ? datasheet_part(base) : base;
    spec.key = options.key.empty() ? calibrated_key(base.key) : options.key;
    spec.name = options.name.empty() ? base.name + " (calibrated)" : options.name;
    spec.origin = "calibration";
    for (Table* table : {&spec.kernel_efficiency, &spec.compute_efficiency, &spec.memory_efficiency, &spec.latency_floor_us,
                         &spec.partial_line_efficiency, &spec.unaligned_efficiency})
        table->clear();
    if (ceilings && ceilings->l2_read_gb_s) {
        spec.l2_bandwidth_gb_s = rounded(*ceilings->l2_read_gb_s, 1);
        spec.sources["l2_bandwidth_gb_s"] = "measured: " + labels.ceilings + " (L2 re-read)";
    }
    set_launch_gaps(spec, ceilings, labels.ceilings);
    return spec;
}

FitInput collect_fit_rows(const HardwareSpec& spec, const MeasurementSet& measurements)
{
    FitInput input;
    std::map<Group, std::size_t> group_index;
    for (const Measurement& m : measurements.rows) {
        if (detail::has_own_terms(m.kernel()))
            continue; // fitted by fit_own_terms
        if (m.status != RowStatus::Ok || m.measured_time_us <= 0) {
            ++input.skipped;
            continue;
        }
        try {
            const Workload w = workload(m.shape, m.precision);
            const Prediction ideal = compute_roofline(spec, w, m.precision, m.kernel(), Mode::Ideal);
            const Group g{m.kernel(), m.precision};
            if (!group_index.count(g)) {
                group_index[g] = input.groups.size();
                input.groups.push_back(g);
                const auto known = std::find(input.kernels.begin(), input.kernels.end(), g.first);
                input.kernel_of_group.push_back(static_cast<std::size_t>(known - input.kernels.begin()));
                if (known == input.kernels.end())
                    input.kernels.push_back(g.first);
            }
            FitRow row;
            row.group = group_index[g];
            row.kernel = input.kernel_of_group[row.group];
            row.alignment = operand_row_alignment(m.shape, m.precision);
            row.measured_us = m.measured_time_us;
            row.ideal_us = ideal.ideal_time_us;
            row.math_us = ideal.t_math_us;
            row.dram_us = ideal.t_mem_us;
            row.from_l2 = m.cache_mode == "warm" && spec.l2_cache_bytes && spec.l2_bandwidth_gb_s
                && w.bytes <= static_cast<double>(*spec.l2_cache_bytes);
            row.l2_us = row.from_l2 ? w.bytes / (*spec.l2_bandwidth_gb_s * 1e9) * 1e6 : 0.0;
            row.shape = m.shape;
            row.precision = m.precision;
            row.bytes = w.bytes;
            input.rows.push_back(row);
        } catch (const InputError&) {
            ++input.skipped;
        }
    }
    return input;
}

// Realistic mode's single factor per group: the typical ideal / measured time.
std::vector<double> fit_kernel_efficiency(const FitInput& input)
{
    std::vector<std::vector<double>> ratios(input.groups.size());
    for (const auto& r : input.rows)
        ratios[r.group].push_back(r.ideal_us / r.measured_us);
    std::vector<double> factors(input.groups.size());
    for (std::size_t g = 0; g < input.groups.size(); ++g)
        factors[g] = log_median(ratios[g]);
    return factors;
}

// The refined numbers for the candidate tile and throttle knee (or none) whose fit explains the rows best: the
// tile first (with a middle knee), then the knee for that tile. 12 fits instead of 42, and on the H100 runs the
// same choice as trying every pair. Leaves each row's `waves` at the chosen tile's.
RefinedFit search_tile_and_knee(FitInput& input, const HardwareSpec& spec, const std::vector<double>& start_efficiency,
                                const CalibrationOptions& options)
{
    const detail::FitGroups fit_groups{input.groups.size(), input.kernel_of_group, input.kernels.size()};
    const auto fit_with = [&](std::pair<int, int> tile, std::optional<double> knee) {
        return detail::fit_refined(input.rows, fit_groups, spec, tile, knee, start_efficiency);
    };
    RefinedFit best;
    for (const auto& tile : options.tile_candidates) {
        RefinedFit fit = fit_with(tile, kMiddleKnee);
        if (fit.error < best.error)
            best = std::move(fit);
    }
    std::vector<std::optional<double>> knees = {std::nullopt};
    for (double knee : kThrottleKnees)
        knees.push_back(knee);
    for (const auto& knee : knees) {
        if (knee == kMiddleKnee)
            continue;
        RefinedFit fit = fit_with(best.tile, knee);
        if (fit.error < best.error)
            best = std::move(fit);
    }
    HardwareSpec with_tile = spec;
    with_tile.gemm_tile_m = best.tile.first;
    with_tile.gemm_tile_n = best.tile.second;
    for (auto& r : input.rows)
        detail::set_row_launch(r, with_tile);
    return best;
}

BoundEvidence classify_bounds(const FitInput& input, const RefinedFit& best)
{
    BoundEvidence evidence;
    for (const auto& r : input.rows) {
        if (r.measured_us - best.floor_us[r.group] < kMinRoofShareForEfficiency * r.measured_us)
            continue;
        const Group group = input.groups[r.group];
        const auto [kernel, precision] = group;
        if (r.alignment == RowAlignment::Vector)
            evidence.partial_line[kernel][precision] = best.partial_line[r.group];
        if (r.alignment == RowAlignment::Unaligned)
            evidence.unaligned[kernel][precision] = best.unaligned[r.group];
        if (r.alignment != RowAlignment::Line)
            evidence.alignment_seen.insert(group);
        double math_us = 0, memory_us = 0;
        detail::fitted_roof_us(r, best, &math_us, &memory_us);
        (math_us >= memory_us ? evidence.compute_bound : (r.from_l2 ? evidence.l2_bound : evidence.memory_bound)).insert(group);
    }
    return evidence;
}

// The refined numbers into the profile, each with its source.
void write_refined_values(HardwareSpec& spec, const FitInput& input, const RefinedFit& best, const BoundEvidence& evidence,
                          const MeasuredCeilings* ceilings, const Labels& labels)
{
    const std::string& run = labels.run;
    Table compute, memory, floors;
    for (std::size_t g = 0; g < input.groups.size(); ++g) {
        const auto [kernel, precision] = input.groups[g];
        compute[kernel][precision] = best.compute[g];
        memory[kernel][precision] = best.memory[g];
        floors[kernel][precision] = best.floor_us[g];
    }
    const std::set<Group> measured(input.groups.begin(), input.groups.end());
    spec.compute_efficiency = rounded(with_fallback(compute, evidence.compute_bound, spec));
    spec.memory_efficiency = rounded(with_fallback(memory, evidence.memory_bound, spec));
    spec.latency_floor_us = rounded(with_fallback(floors, measured, spec));
    // Only where such rows were measured: the penalty differs too much between precisions to carry over (on an
    // H100, FP32 loses nothing to rows off 16-byte boundaries, FP16 and INT8 run 3-5 times slower).
    spec.partial_line_efficiency = rounded(evidence.partial_line);
    spec.unaligned_efficiency = rounded(evidence.unaligned);
    spec.launch_overhead_us = rounded(median(best.floor_us), 2);
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
               ? " (an empty kernel measures " + format_number(*ceilings->launch_overhead_us, 2) + " us in " + labels.ceilings + ")"
               : std::string());
    spec.gemm_tile_m = best.tile.first;
    spec.gemm_tile_n = best.tile.second;
    spec.sources["gemm_tile"] = "fitted: the tile whose wave quantization explains " + run + " best";
    if (spec.l2_bandwidth_gb_s && !evidence.l2_bound.empty()) {
        spec.l2_efficiency = rounded(best.l2);
        spec.sources["l2_efficiency"] = "fitted: warm rows of " + run + " whose inputs fit in L2";
    }
    spec.dram_latency_us.reset();
    if (std::any_of(input.rows.begin(), input.rows.end(), [](const FitRow& r) { return r.from_l2; })) {
        spec.dram_latency_us = rounded(best.dram_latency_us, 3);
        spec.sources["dram_latency_us"] = "fitted: rows of " + run + " whose inputs come from DRAM, against those whose inputs are in L2";
    }
    spec.throttle_after_us.reset();
    spec.throttle_ratio.reset();
    if (best.throttle_after_us && !evidence.compute_bound.empty() && best.throttle_ratio < 1) {
        spec.throttle_after_us = *best.throttle_after_us;
        spec.throttle_ratio = rounded(best.throttle_ratio);
        spec.sources["throttle_after_us"] = "fitted: the knee (of 25, 50, ... 800 us) after which compute-bound rows of " + run
            + " slow down best explains them";
        spec.sources["throttle_ratio"] = "fitted: compute-bound rows of " + run + " longer than the knee";
    }
}

// What the library ran per class of shapes, from the rows that say (a base's table never outlives a calibration).
void learn_library_configs(HardwareSpec& spec, const MeasurementSet& measurements, const CalibrationOptions& options,
                           const Labels& labels, std::vector<std::string>& log)
{
    spec.gemm_configs.clear();
    spec.sources.erase("gemm_configs");
    if (!options.learn_gemm_configs || !spec.sm_count)
        return;
    spec.gemm_configs = learn_gemm_configs(measurements, *spec.sm_count);
    if (spec.gemm_configs.empty())
        return;
    int rows = 0;
    for (const auto& entry : spec.gemm_configs)
        rows += entry.rows;
    spec.sources["gemm_configs"] = "learned: the tiles and split-K the library ran in " + std::to_string(rows) + " GEMM rows of "
        + labels.run + ", per precision, M band, wave fill and row alignment";
    log.push_back("GEMM configurations: " + std::to_string(spec.gemm_configs.size()) + " classes from " + std::to_string(rows)
                  + " rows with a known tile");
}

// The log line of the refined fit.
std::string refined_fit_log_line(const HardwareSpec& spec, const RefinedFit& best, const BoundEvidence& evidence)
{
    const auto [lowest_floor, highest_floor] = std::minmax_element(best.floor_us.begin(), best.floor_us.end());
    return "refined: tile " + std::to_string(best.tile.first) + "x" + std::to_string(best.tile.second) + ", latency floors "
        + format_number(*lowest_floor, 2) + "-" + format_number(*highest_floor, 2) + " us, "
        + (spec.throttle_after_us ? "throttle after " + format_number(*spec.throttle_after_us, 0) + " us to "
                                        + format_number(*spec.throttle_ratio, 3) + "x"
                                  : std::string("no throttle"))
        + (spec.l2_efficiency && !evidence.l2_bound.empty() ? ", L2 efficiency " + format_number(best.l2, 3) : std::string())
        + (spec.dram_latency_us ? ", DRAM latency " + format_number(*spec.dram_latency_us, 2) + " us" : std::string()) + ", "
        + std::to_string(evidence.compute_bound.size()) + " compute, " + std::to_string(evidence.memory_bound.size())
        + " memory and " + std::to_string(evidence.alignment_seen.size()) + " alignment groups fitted, mean |error| "
        + format_number(100 * best.error, 1) + " %";
}

// Where the profile came from: device, date, inputs, base; and a note that says so.
void write_provenance(HardwareSpec& spec, const HardwareSpec& base, const MeasurementSet& measurements,
                      const MeasuredCeilings* ceilings, const Labels& labels, std::size_t rows_used)
{
    spec.calibration["device"] = device_name(measurements);
    spec.calibration["date"] = utc_timestamp_now();
    spec.calibration["measurements"] = labels.run;
    if (ceilings)
        spec.calibration["ceilings"] = labels.ceilings;
    spec.calibration["rows"] = std::to_string(rows_used);
    spec.calibration["base"] = base.key;
    // A profile calibrated again keeps the base's notes but not its old calibration's.
    std::erase_if(spec.notes, [](const std::string& note) { return note.rfind(kCalibratedNotePrefix, 0) == 0; });
    spec.notes.push_back(kCalibratedNotePrefix + labels.run + " (" + std::to_string(rows_used) + " rows) on "
                         + device_name(measurements) + ". Peaks and bandwidth are the base's: ideal mode shows the datasheet roofline.");
}

} // namespace

CalibrationResult calibrate(const HardwareSpec& base, const MeasurementSet& measurements, const MeasuredCeilings* ceilings,
                            const CalibrationOptions& options)
{
    const Labels labels{options.run_label.empty() ? measurements.source : options.run_label,
                        options.ceilings_label.empty() ? std::string("measured ceilings") : options.ceilings_label};
    CalibrationResult result;
    // Ceilings of another device would calibrate this one with numbers that are not its own.
    if (ceilings && ceilings->device.contains("name") && ceilings->device["name"].is_string()
        && ceilings->device["name"].get<std::string>() != device_name(measurements) && device_name(measurements) != "unknown device")
        result.log.push_back("warning: the ceilings were measured on " + ceilings->device["name"].get<std::string>()
                             + ", the rows on " + device_name(measurements));

    HardwareSpec spec = start_profile(base, ceilings, options, labels);
    learn_library_configs(spec, measurements, options, labels, result.log);
    FitInput input = collect_fit_rows(spec, measurements);
    result.rows_used = input.rows.size();
    result.rows_skipped = input.skipped;
    if (!input.rows.empty()) {
        const std::vector<double> factors = fit_kernel_efficiency(input);
        for (std::size_t g = 0; g < input.groups.size(); ++g)
            spec.kernel_efficiency[input.groups[g].first][input.groups[g].second] = rounded(factors[g]);
        spec.sources["kernel_efficiency"] = "fitted: median of ideal / measured time per kernel and precision over " + labels.run;
        result.log.push_back("plan-style factors: " + std::to_string(input.groups.size()) + " kernel x precision groups");

        const RefinedFit best = search_tile_and_knee(input, spec, factors, options);
        const BoundEvidence evidence = classify_bounds(input, best);
        write_refined_values(spec, input, best, evidence, ceilings, labels);
        result.log.push_back(refined_fit_log_line(spec, best, evidence));
    }
    result.rows_used += detail::fit_own_terms(spec, measurements, labels.run, result.log);
    if (result.rows_used == 0)
        throw InputError("no measured row can be predicted on " + base.key + ": nothing to calibrate from");
    write_provenance(spec, base, measurements, ceilings, labels, result.rows_used);
    result.profile = std::move(spec);
    return result;
}

} // namespace roofline
