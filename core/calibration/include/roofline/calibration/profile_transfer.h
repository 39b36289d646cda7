#pragma once

#include "roofline/benchmarking/bench_plan.h"
#include "roofline/model/hardware.h"

#include <optional>
#include <string>
#include <vector>

namespace roofline {

// Realistic and refined terms for a GPU nobody here measured, carried over from one that was (docs/model.md,
// "Transferred profiles"). The rule, per term:
//   unchanged   compute_efficiency, memory_efficiency, partial_line_efficiency, unaligned_efficiency, l2_efficiency
//               (fractions of a peak the same kernel class reaches), latency_floor_us and launch_overhead_us (a
//               kernel's fixed cost), dram_latency_us, gemm_tile (wave quantization counts the tiles over the
//               target's own SMs, so that term scales with the SM count by itself)
//   scaled      l2_bandwidth_gb_s = source's × (target L2 size ÷ source's) × (target SM clock ÷ source's), the clock
//               derived from the FP32 peak per SM; kept as the target's own where it has a measured one
//   re-derived  kernel_efficiency (realistic mode's single factor folds the floor, the waves and the throttle into
//               one number, so it depends on bandwidth, SMs and clocks): the median of ideal ÷ refined time of the
//               transferred profile over the extended plan's shapes, as calibration takes it over measured rows
//   same architecture only (equal compute capability): throttle_after_us, throttle_ratio (a power cap is the board's),
//               gemm_configs (the library's tiles and split-K per class are its kernels for that architecture; the
//               classes' wave fill is counted on the target's SMs)
//   never       a precision the source has no table entry for (NVFP4, MXFP8 … from a Hopper source): no entry, so
//               realistic mode is the ideal roofline for it and refined mode uses efficiency 1; a note says which
// Every transferred field is sourced "transferred from <source> measurements (rule: …)" and a note says so.

inline constexpr const char* kTransferNotePrefix = "Transferred from ";

struct TransferOptions {
    std::string key;  // the result's key; empty: the target's
    std::string name; // the result's name; empty: the target's
    // The shapes realistic mode's factor is re-derived over; empty: extended_plan()'s.
    std::vector<BenchCase> shapes;
};

struct TransferResult {
    HardwareSpec profile;
    std::vector<std::string> log; // one line per term: what was carried, scaled or left out
};

// A profile calibrated on the GPU itself (it has a calibration record): a transfer source.
bool is_measured(const HardwareSpec& hw);
// A profile whose tables a transfer wrote (a note begins with kTransferNotePrefix).
bool is_transferred(const HardwareSpec& hw);

// The target without anything a calibration or an earlier transfer set: the datasheet figures, their sources and
// notes. A measured L2 bandwidth stays unless it came from the calibration's ceilings file.
HardwareSpec datasheet_part(const HardwareSpec& target);

// The nearest measured architecture: the same compute capability first, then the same major, then the nearest
// major; among equals the nearest DRAM bandwidth (|log ratio|), then the key. nullptr when no candidate is measured.
// The target itself is never its own source.
const HardwareSpec* nearest_measured(const HardwareSpec& target, const std::vector<HardwareSpec>& candidates);

// The target's datasheet part with the source's terms transferred. Throws InputError when the source has no
// measured tables or when source and target are the same profile.
TransferResult transfer_profile(const HardwareSpec& source, const HardwareSpec& target, const TransferOptions& options = {});

// The SM clock [GHz] the FP32 peak implies: peak ÷ (SMs × FP32 lanes per SM × 2); 64 lanes on compute capability
// 8.0 (A100), 128 on every later one. nullopt without an FP32 peak, an SM count or a compute capability.
std::optional<double> sm_clock_ghz_from_fp32(const HardwareSpec& hw);

// Where a profile's realistic and refined numbers come from, read off its calibration record, notes and sources:
// "measured on <device>" (a preset), "calibrated here on <device>" (a user profile), "transferred from <key>
// measurements", "public measurements", "the plan's fit", "datasheet only".
std::string provenance(const HardwareSpec& hw);

} // namespace roofline
