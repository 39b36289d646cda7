#include "roofline/calibration/profile_transfer.h"

#include "roofline/model/calculator.h"
#include "roofline/support/errors.h"
#include "roofline/results/reports.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <tuple>

namespace roofline {

namespace {

using Table = std::map<KernelType, std::map<Precision, double>>;

// The fields a calibration (core/calibration/src/calibration.cpp) or a transfer sets; a datasheet profile has none of them.
const char* const kFittedFields[] = {"kernel_efficiency", "compute_efficiency", "memory_efficiency", "latency_floor_us",
                                     "partial_line_efficiency", "unaligned_efficiency", "throttle_after_us", "throttle_ratio",
                                     "gemm_tile", "gemm_configs", "l2_efficiency", "dram_latency_us", "launch_overhead_us",
                                     "launch_gap_eager_us", "launch_gap_graph_us"};
const std::string kTransferredSourcePrefix = "transferred from ";
const std::string kCalibratedNotePrefix = "Calibrated from "; // calibration.cpp's note
constexpr double kMinEfficiency = 0.01, kMaxEfficiency = 2.0; // calibration.cpp's bounds on a fitted factor

bool is_field_or_below(const std::string& path, const std::string& field)
{
    return path == field || (path.size() > field.size() && path.compare(0, field.size(), field) == 0 && path[field.size()] == '.');
}

void erase_sources_of(HardwareSpec& spec, const std::string& field)
{
    std::erase_if(spec.sources, [&field](const auto& entry) { return is_field_or_below(entry.first, field); });
}

double rounded(double value, int decimals)
{
    const double scale = std::pow(10.0, decimals);
    return std::round(value * scale) / scale;
}

double log_median(std::vector<double> ratios)
{
    std::vector<double> logs;
    for (double r : ratios)
        logs.push_back(std::log(r));
    std::sort(logs.begin(), logs.end());
    const std::size_t n = logs.size();
    const double mid = n % 2 ? logs[n / 2] : (logs[n / 2 - 1] + logs[n / 2]) / 2;
    return std::clamp(std::exp(mid), kMinEfficiency, kMaxEfficiency);
}

std::optional<int> cc_major(const HardwareSpec& hw)
{
    if (!hw.compute_capability)
        return std::nullopt;
    try {
        return std::stoi(*hw.compute_capability);
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

// The source's table restricted to the precisions the target has a peak for; `missing` collects those the target
// has and the source's table lacks (for a kernel the source measured).
Table carried(const Table& table, const HardwareSpec& target, std::set<Precision>* missing)
{
    Table out;
    for (const auto& [kernel, factors] : table) {
        for (Precision p : target.precisions()) {
            if (const auto it = factors.find(p); it != factors.end())
                out[kernel][p] = it->second;
            else if (missing)
                missing->insert(p);
        }
    }
    return out;
}

std::string precision_list(const std::set<Precision>& precisions)
{
    std::string out;
    for (Precision p : kAllPrecisions) {
        if (precisions.count(p))
            out += (out.empty() ? "" : ", ") + std::string(to_string(p));
    }
    return out;
}

} // namespace

bool is_measured(const HardwareSpec& hw)
{
    return !hw.calibration.empty() && (!hw.compute_efficiency.empty() || !hw.memory_efficiency.empty() || !hw.kernel_efficiency.empty());
}

bool is_transferred(const HardwareSpec& hw)
{
    return std::any_of(hw.notes.begin(), hw.notes.end(), [](const std::string& note) { return note.rfind(kTransferNotePrefix, 0) == 0; });
}

std::optional<double> sm_clock_ghz_from_fp32(const HardwareSpec& hw)
{
    const auto fp32 = hw.peak_tflops_for(Precision::FP32);
    const auto major = cc_major(hw);
    if (!fp32 || !hw.sm_count || *hw.sm_count <= 0 || !major)
        return std::nullopt;
    const int lanes = *hw.compute_capability == "8.0" || *major < 8 ? 64 : 128;
    return *fp32 * 1e3 / (static_cast<double>(*hw.sm_count) * lanes * 2);
}

HardwareSpec datasheet_part(const HardwareSpec& target)
{
    HardwareSpec spec = target;
    spec.kernel_efficiency.clear();
    spec.compute_efficiency.clear();
    spec.memory_efficiency.clear();
    spec.latency_floor_us.clear();
    spec.partial_line_efficiency.clear();
    spec.unaligned_efficiency.clear();
    spec.throttle_after_us.reset();
    spec.throttle_ratio.reset();
    spec.gemm_tile_m.reset();
    spec.gemm_tile_n.reset();
    spec.gemm_configs.clear();
    spec.l2_efficiency.reset();
    spec.dram_latency_us.reset();
    spec.launch_overhead_us = 0;
    spec.launch_gap_eager_us.reset(); // measured on the device the profile was calibrated on
    spec.launch_gap_graph_us.reset();
    for (const char* field : kFittedFields)
        erase_sources_of(spec, field);
    // An L2 bandwidth from the calibration's own ceilings run, or from an earlier transfer, is not the datasheet's.
    if (spec.l2_bandwidth_gb_s) {
        const std::string source = spec.source_for("l2_bandwidth_gb_s").value_or("");
        const auto ceilings = target.calibration.find("ceilings");
        const bool from_calibration = ceilings != target.calibration.end() && source.find(ceilings->second) != std::string::npos;
        if (from_calibration || source.rfind(kTransferredSourcePrefix, 0) == 0) {
            spec.l2_bandwidth_gb_s.reset();
            erase_sources_of(spec, "l2_bandwidth_gb_s");
        }
    }
    spec.calibration.clear();
    std::erase_if(spec.notes, [](const std::string& note) {
        return note.rfind(kCalibratedNotePrefix, 0) == 0 || note.rfind(kTransferNotePrefix, 0) == 0;
    });
    return spec;
}

const HardwareSpec* nearest_measured(const HardwareSpec& target, const std::vector<HardwareSpec>& candidates)
{
    const HardwareSpec* best = nullptr;
    std::tuple<int, int, double, std::string> best_score;
    const auto target_major = cc_major(target);
    for (const auto& c : candidates) {
        if (c.key == target.key || !is_measured(c))
            continue;
        const auto major = cc_major(c);
        const int tier = target.compute_capability && c.compute_capability == target.compute_capability ? 0
            : target_major && major == target_major                                                  ? 1
                                                                                                      : 2;
        const int distance = target_major && major ? std::abs(*target_major - *major) : 1000;
        const double bandwidth = target.peak_bandwidth_gb_s > 0 && c.peak_bandwidth_gb_s > 0
            ? std::fabs(std::log(target.peak_bandwidth_gb_s / c.peak_bandwidth_gb_s))
            : 1e9;
        const auto score = std::make_tuple(tier, distance, bandwidth, c.key);
        if (!best || score < best_score) {
            best = &c;
            best_score = score;
        }
    }
    return best;
}

TransferResult transfer_profile(const HardwareSpec& source, const HardwareSpec& target, const TransferOptions& options)
{
    if (!is_measured(source))
        throw InputError(source.key + " has no measured tables (no calibration record): nothing to transfer");
    if (source.key == target.key)
        throw InputError("a profile cannot be transferred onto itself (" + source.key + ")");

    TransferResult result;
    HardwareSpec& spec = result.profile;
    spec = datasheet_part(target);
    if (!options.key.empty())
        spec.key = options.key;
    if (!options.name.empty())
        spec.name = options.name;

    const std::string from = kTransferredSourcePrefix + source.key + " measurements";
    const std::string source_cc = source.compute_capability.value_or("?");
    const std::string target_cc = target.compute_capability.value_or("?");
    const bool same_architecture = source.compute_capability && source.compute_capability == target.compute_capability;
    const std::string across = same_architecture
        ? std::string()
        : "; across architectures (compute capability " + source_cc + " -> " + target_cc + "): not measured";
    const auto sourced = [&](const std::string& field, const std::string& rule) {
        spec.sources[field] = from + " (rule: " + rule + across + ")";
    };

    // Unchanged: dimensionless fractions of a peak that the same kernel class reaches, and fixed costs.
    std::set<Precision> missing;
    spec.compute_efficiency = carried(source.compute_efficiency, spec, &missing);
    spec.memory_efficiency = carried(source.memory_efficiency, spec, &missing);
    spec.partial_line_efficiency = carried(source.partial_line_efficiency, spec, nullptr);
    spec.unaligned_efficiency = carried(source.unaligned_efficiency, spec, nullptr);
    spec.latency_floor_us = carried(source.latency_floor_us, spec, &missing);
    if (!spec.compute_efficiency.empty())
        sourced("compute_efficiency", "unchanged: the fraction of the compute peak the same kernels reach");
    if (!spec.memory_efficiency.empty())
        sourced("memory_efficiency", "unchanged: the fraction of the DRAM bandwidth the same kernels reach");
    if (!spec.partial_line_efficiency.empty())
        sourced("partial_line_efficiency", "unchanged: the fraction of the 128-byte rows' rate at rows on 16 but not 128 bytes");
    if (!spec.unaligned_efficiency.empty())
        sourced("unaligned_efficiency", "unchanged: the fraction of the 128-byte rows' rate at rows off 16 bytes");
    if (!spec.latency_floor_us.empty())
        sourced("latency_floor_us", "unchanged: a kernel's fixed cost (launch, ramp-up, tail) per kernel and precision");
    result.log.push_back("unchanged: compute, memory and alignment efficiencies, latency floors");
    if (source.launch_overhead_us > 0) {
        spec.launch_overhead_us = source.launch_overhead_us;
        sourced("launch_overhead_us", "unchanged: the median latency floor");
    }
    if (source.dram_latency_us) {
        spec.dram_latency_us = source.dram_latency_us;
        sourced("dram_latency_us", "unchanged: what a kernel whose inputs come from DRAM pays before its first bytes arrive");
    }
    if (source.gemm_tile_m && source.gemm_tile_n) {
        spec.gemm_tile_m = source.gemm_tile_m;
        spec.gemm_tile_n = source.gemm_tile_n;
        sourced("gemm_tile", "unchanged: the output tile; wave quantization counts its tiles over this GPU's "
                                 + (spec.sm_count ? std::to_string(*spec.sm_count) : std::string("(unknown)")) + " SMs");
        result.log.push_back("waves: tile " + std::to_string(*spec.gemm_tile_m) + "x" + std::to_string(*spec.gemm_tile_n) + " over "
                             + (spec.sm_count ? std::to_string(*spec.sm_count) : std::string("no")) + " SMs (source: "
                             + (source.sm_count ? std::to_string(*source.sm_count) : std::string("?")) + ")");
    }

    // The library's choices per class belong to its kernels for one architecture; the classes' wave fill is counted
    // on the target's own SMs when it predicts.
    if (!source.gemm_configs.empty() && source.compute_capability && source.compute_capability == spec.compute_capability) {
        spec.gemm_configs = source.gemm_configs;
        sourced("gemm_configs", "unchanged: the tiles and split-K the GEMM library runs per class of shapes (same compute capability "
                                    + *spec.compute_capability + ")");
        result.log.push_back("GEMM configurations: " + std::to_string(spec.gemm_configs.size()) + " classes, same compute capability");
    }

    // L2: a measured bandwidth of the target stays; else the source's, scaled by L2 size (the slices) and SM clock.
    std::string l2_note;
    if (spec.l2_bandwidth_gb_s) {
        result.log.push_back("L2 bandwidth: the target's own " + format_number(*spec.l2_bandwidth_gb_s, 1) + " GB/s");
    } else if (source.l2_bandwidth_gb_s && source.l2_cache_bytes && spec.l2_cache_bytes) {
        const double size_ratio = static_cast<double>(*spec.l2_cache_bytes) / static_cast<double>(*source.l2_cache_bytes);
        const auto clock_t = sm_clock_ghz_from_fp32(spec), clock_s = sm_clock_ghz_from_fp32(source);
        const double clock_ratio = clock_t && clock_s ? *clock_t / *clock_s : 1.0;
        spec.l2_bandwidth_gb_s = rounded(*source.l2_bandwidth_gb_s * size_ratio * clock_ratio, 1);
        sourced("l2_bandwidth_gb_s",
                "scaled: " + format_number(*source.l2_bandwidth_gb_s, 1) + " GB/s measured x L2 size ratio " + format_number(size_ratio, 3)
                    + " x SM clock ratio " + format_number(clock_ratio, 3)
                    + (clock_t && clock_s ? " (" + format_number(*clock_t, 2) + " / " + format_number(*clock_s, 2) + " GHz from the FP32 peak per SM)"
                                          : std::string(" (no clock: FP32 peak, SMs or compute capability missing)")));
        result.log.push_back("L2 bandwidth: " + format_number(*source.l2_bandwidth_gb_s, 1) + " x " + format_number(size_ratio, 3) + " x "
                             + format_number(clock_ratio, 3) + " = " + format_number(*spec.l2_bandwidth_gb_s, 1) + " GB/s");
    } else {
        l2_note = kTransferNotePrefix + source.key + " measurements without an L2 bandwidth: "
            + std::string(spec.l2_cache_bytes ? source.key + " has no measured one" : "this profile has no L2 size")
            + ", so the L2 residency term (warm inputs from L2) is off; inputs pay the DRAM latency.";
        result.log.push_back("L2: not transferred (no L2 size, or no measured L2 bandwidth in the source)");
    }
    if (spec.l2_bandwidth_gb_s && source.l2_efficiency) {
        spec.l2_efficiency = source.l2_efficiency;
        sourced("l2_efficiency", "unchanged: the fraction of the L2 bandwidth kernels streaming from L2 reach");
    }

    // The power throttle: a board's cap against its chip's draw, carried only within one architecture.
    if (source.throttle_after_us && source.throttle_ratio) {
        if (same_architecture) {
            spec.throttle_after_us = source.throttle_after_us;
            spec.throttle_ratio = source.throttle_ratio;
            sourced("throttle_after_us", "unchanged: the same architecture; its board's power cap is not measured");
            sourced("throttle_ratio", "unchanged: the same architecture; its board's power cap is not measured");
            result.log.push_back("throttle: carried (same compute capability " + target_cc + ")");
        } else {
            result.log.push_back("throttle: not transferred (another architecture's board and power cap)");
        }
    }

    // Realistic mode's single factor, re-derived: the median of ideal / refined time of the transferred profile over
    // the plan's shapes, as calibration takes the median of ideal / measured time over measured rows.
    const std::vector<BenchCase> cases = options.shapes.empty() ? extended_plan().cases : options.shapes;
    ModelOptions refined_options;
    refined_options.mode = Mode::Refined;
    refined_options.cache = CacheMode::Cold;
    refined_options.explain = false;
    refined_options.engine_choices = false; // as calibration's measured rows: the library's own kernel for each shape
    std::size_t shapes_used = 0;
    const HardwareSpec model = spec; // without realistic factors yet: each one is derived from the refined terms alone
    Table factors_out;
    for (const auto& [kernel, factors] : source.kernel_efficiency) {
        for (Precision p : spec.precisions()) {
            if (!factors.count(p)) {
                missing.insert(p);
                continue;
            }
            std::vector<const BenchCase*> of_group, of_kernel;
            for (const auto& c : cases) {
                if (kernel_of(c.shape) != kernel)
                    continue;
                of_kernel.push_back(&c);
                if (c.precision == p)
                    of_group.push_back(&c);
            }
            // A precision the plan does not run takes every shape of its kernel.
            if (of_group.empty()) {
                std::set<std::string> seen;
                for (const BenchCase* c : of_kernel) {
                    if (seen.insert(format_shape(c->shape)).second)
                        of_group.push_back(c);
                }
            }
            std::vector<double> ratios;
            for (const BenchCase* c : of_group) {
                const double ideal = predict(model, c->shape, p, Mode::Ideal).ideal_time_us;
                const double refined = predict(model, c->shape, p, refined_options).predicted_time_us;
                if (ideal > 0 && refined > 0)
                    ratios.push_back(ideal / refined);
            }
            if (ratios.empty())
                continue;
            factors_out[kernel][p] = rounded(log_median(ratios), 4);
            shapes_used += ratios.size();
        }
    }
    spec.kernel_efficiency = factors_out;
    if (!spec.kernel_efficiency.empty()) {
        sourced("kernel_efficiency", "re-derived: the median of ideal / refined time of this transferred profile over "
                                         + std::string(options.shapes.empty() ? "the extended plan's" : "the given") + " cases, "
                                         + std::to_string(shapes_used) + " kernel x precision x shape predictions");
        result.log.push_back("realistic factors: re-derived over " + std::to_string(shapes_used) + " predictions");
    }

    // Notes: where the numbers come from, what crossed an architecture, what stayed ideal.
    const auto measurements = source.calibration.find("measurements");
    const auto device = source.calibration.find("device");
    spec.notes.push_back(
        kTransferNotePrefix + source.key + " measurements"
        + (device != source.calibration.end() ? " (" + device->second + (measurements != source.calibration.end() ? ": " + measurements->second : std::string()) + ")"
                                              : std::string())
        + " by the rule of core/calibration/src/profile_transfer.cpp (docs/model.md, Transferred profiles): compute, memory, L2 and alignment "
          "efficiencies, latency floors, DRAM latency and the GEMM tile unchanged; L2 bandwidth scaled by L2 size and SM clock; "
          "realistic factors re-derived over the extended plan's shapes; "
        + (same_architecture ? std::string("the power throttle carried (same architecture). ")
                             : std::string("no power throttle (another architecture's board). "))
        + "Nothing here was measured on this GPU. Peaks and bandwidth are its datasheet's: ideal mode shows the datasheet "
          "roofline. roofline calibrate on the GPU replaces these tables.");
    if (!same_architecture)
        spec.notes.push_back(kTransferNotePrefix + source.key + " measurements across architectures (compute capability " + source_cc + " -> "
                             + target_cc + "): the efficiencies and floors are "
                             + source.key + "'s kernels applied to this GPU's peaks; documented, not measured. The only transfer this "
                             "project has measured is h100_sxm -> h200, the same die at another bandwidth.");
    // A precision may be missing from one table and not another; it is missing if any kernel's table lacks it.
    std::set<Precision> never;
    for (Precision p : missing) {
        bool anywhere = false;
        for (const auto& [kernel, factors] : spec.kernel_efficiency)
            anywhere = anywhere || factors.count(p);
        if (!anywhere)
            never.insert(p);
    }
    if (!never.empty()) {
        spec.notes.push_back(kTransferNotePrefix + source.key + " measurements except " + precision_list(never) + ": " + source.key
                             + " has no measurement of "
                             + (never.size() == 1 ? "it" : "them")
                             + ", so nothing is transferred: realistic mode is the ideal roofline for "
                             + (never.size() == 1 ? "it" : "them")
                             + ", refined mode uses efficiency 1 with the transferred latency floor, L2 and wave terms.");
        result.log.push_back("kept ideal: " + precision_list(never) + " (not measured on " + source.key + ")");
    }
    if (!l2_note.empty())
        spec.notes.push_back(l2_note);
    return result;
}

std::string provenance(const HardwareSpec& hw)
{
    if (!hw.calibration.empty()) {
        const auto device = hw.calibration.find("device");
        // A user profile was calibrated on the user's own GPU; a preset was measured by this project.
        return (hw.origin == "preset" ? "measured" : "calibrated here")
             + (device != hw.calibration.end() ? " on " + device->second : std::string());
    }
    for (const auto& note : hw.notes) {
        if (note.rfind(kTransferNotePrefix, 0) == 0) {
            const auto end = note.find(" measurements");
            const std::string key = note.substr(std::string(kTransferNotePrefix).size(),
                                                end == std::string::npos ? std::string::npos : end - std::string(kTransferNotePrefix).size());
            return "transferred from " + key + " measurements";
        }
    }
    for (const auto& note : hw.notes) {
        if (note.find("from public measurements") != std::string::npos)
            return "public measurements";
    }
    if (hw.source_for("kernel_efficiency").value_or("").find("implementation plan") != std::string::npos)
        return "the plan's fit";
    if (!hw.kernel_efficiency.empty() || !hw.compute_efficiency.empty())
        return "tables from the profile file";
    return "datasheet only (realistic = ideal)";
}

} // namespace roofline
