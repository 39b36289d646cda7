#include "roofline/hardware/profile_store.h"

#include "roofline/support/errors.h"
#include "roofline/hardware/hardware_registry.h"
#include "roofline/support/files.h"
#include "roofline/support/number_format.h"

#include <algorithm>

namespace roofline {

std::string calibrated_key(const std::string& base_key)
{
    return base_key + "_calibrated";
}

std::filesystem::path user_profile_path(const std::string& key)
{
    return user_hardware_dir() / (key + ".json");
}

std::filesystem::path save_user_profile(const HardwareSpec& profile)
{
    const std::filesystem::path file = user_profile_path(profile.key);
    std::error_code ec;
    std::filesystem::create_directories(file.parent_path(), ec);
    if (ec)
        throw InputError(InputLocation{file.parent_path().string(), {}, {}, {}, {}}, "cannot create the profiles folder: " + ec.message());
    write_file_atomically(file, hardware_to_json(profile) + "\n");
    return file;
}

FitSummary summarize_fit(const HardwareSpec& p)
{
    FitSummary fit;
    fit.lowest_floor_us = fit.highest_floor_us = p.launch_overhead_us;
    for (const auto& [kernel, floors] : p.latency_floor_us) {
        for (const auto& [precision, floor_us] : floors) {
            fit.lowest_floor_us = std::min(fit.lowest_floor_us, floor_us);
            fit.highest_floor_us = std::max(fit.highest_floor_us, floor_us);
        }
    }
    fit.l2_bandwidth_gb_s = p.l2_bandwidth_gb_s;
    fit.l2_efficiency = p.l2_efficiency;
    fit.dram_latency_us = p.dram_latency_us;
    if (p.gemm_tile_m && p.gemm_tile_n)
        fit.gemm_tile = std::pair{*p.gemm_tile_m, *p.gemm_tile_n};
    if (p.throttle_after_us && p.throttle_ratio) {
        fit.throttle_after_us = p.throttle_after_us;
        fit.throttle_ratio = p.throttle_ratio;
    }
    fit.alignment_factors = !p.partial_line_efficiency.empty() || !p.unaligned_efficiency.empty();
    return fit;
}

std::string describe_fit(const FitSummary& fit)
{
    std::vector<std::string> parts;
    parts.push_back(fit.highest_floor_us > fit.lowest_floor_us
                        ? "latency floors " + format_significant(fit.lowest_floor_us) + "–" + format_significant(fit.highest_floor_us) + " µs"
                        : "latency floor " + format_significant(fit.lowest_floor_us) + " µs");
    if (fit.l2_bandwidth_gb_s)
        parts.push_back("L2 " + format_significant(*fit.l2_bandwidth_gb_s) + " GB/s"
                        + (fit.l2_efficiency ? " × " + format_number(*fit.l2_efficiency, 2) : std::string()));
    if (fit.dram_latency_us)
        parts.push_back("DRAM latency " + format_significant(*fit.dram_latency_us) + " µs");
    if (fit.gemm_tile)
        parts.push_back("GEMM tile " + std::to_string(fit.gemm_tile->first) + "×" + std::to_string(fit.gemm_tile->second));
    if (fit.throttle_after_us && fit.throttle_ratio)
        parts.push_back("throttle to " + format_number(*fit.throttle_ratio, 2) + "× after " + format_significant(*fit.throttle_after_us) + " µs");
    if (fit.alignment_factors)
        parts.push_back("row-alignment factors");
    std::string text;
    for (const std::string& part : parts)
        text += (text.empty() ? "" : ", ") + part;
    return text;
}

} // namespace roofline
