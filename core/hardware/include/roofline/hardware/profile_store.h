#pragma once

// A calibrated profile's life after the fit: the key it is saved under, where the registry finds it, and the one
// line that says what was fitted. The app and the CLI both go through these.

#include "roofline/model/hardware.h"

#include <filesystem>
#include <optional>
#include <string>
#include <utility>

namespace roofline {

// "h100_sxm" -> "h100_sxm_calibrated": the key a calibration of `base_key` is saved under unless told otherwise.
std::string calibrated_key(const std::string& base_key);

// user_hardware_dir()/<key>.json: where save_user_profile puts a profile, and where the registry looks.
std::filesystem::path user_profile_path(const std::string& key);

// Writes `profile` as user_profile_path(profile.key), atomically (a reader never sees half a file), creating the
// folder first. Returns the path. Throws std::exception (filesystem or InputError) when it cannot be written.
std::filesystem::path save_user_profile(const HardwareSpec& profile);

// What a calibration fitted, read back from the profile it produced.
struct FitSummary {
    double lowest_floor_us = 0;  // over the launch overhead and every kernel x precision latency floor
    double highest_floor_us = 0;
    std::optional<double> l2_bandwidth_gb_s;
    std::optional<double> l2_efficiency;
    std::optional<double> dram_latency_us;
    std::optional<std::pair<int, int>> gemm_tile; // M x N
    std::optional<double> throttle_after_us;
    std::optional<double> throttle_ratio;
    bool alignment_factors = false; // partial-line or unaligned efficiencies were fitted
};
FitSummary summarize_fit(const HardwareSpec& calibrated);

// "latency floors 4.332–6.6 µs, L2 6751 GB/s × 0.8, DRAM latency 0.437 µs, GEMM tile 64×64, throttle to 0.88× after
// 100 µs, row-alignment factors": only what the profile has.
std::string describe_fit(const FitSummary& fit);

} // namespace roofline
