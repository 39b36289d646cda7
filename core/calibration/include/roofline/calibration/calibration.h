#pragma once

#include "roofline/model/calculator.h"
#include "roofline/calibration/ceilings.h"
#include "roofline/model/hardware.h"
#include "roofline/results/measurements.h"
#include "roofline/results/validation.h"

#include <string>
#include <utility>
#include <vector>

namespace roofline {

struct CalibrationOptions {
    std::string key;   // the calibrated profile's key ("h100_sxm_calibrated")
    std::string name;  // empty: "<base name> (calibrated)"
    std::string run_label;      // names the measurements in the profile's sources ("resources/measurements/…")
    std::string ceilings_label; // names the ceilings file, when there is one
    // GEMM output tiles that wave quantization may assume; the one that explains the rows best is kept.
    std::vector<std::pair<int, int>> tile_candidates = {{64, 64}, {128, 64}, {64, 128}, {128, 128}, {128, 256}, {256, 128}};
    // Learn the tiles and split-K the library ran per class of shapes from the rows' configurations
    // (core/model/include/roofline/model/gemm_configs.h); GEMMs of a class it learned no longer use the single tile.
    bool learn_gemm_configs = true;
};

struct CalibrationResult {
    HardwareSpec profile;
    std::size_t rows_used = 0;        // measured rows the fit used
    std::size_t rows_skipped = 0;     // not OK, or not predictable on the base
    std::vector<std::string> log;     // what was fitted from what, one line each
};

// Fits a profile to measurements, starting from `base` (whose peaks and bandwidth stay: they are what ideal
// mode shows). From the ceilings: the L2 bandwidth (and the empty-kernel time, recorded beside the floors). From
// the rows:
//   - the plan-style single factor per kernel × precision (Realistic mode): the median of ideal / measured time;
//   - every Refined-mode number at once, by robust least squares on log time: per kernel × precision the compute
//     and memory efficiencies, the latency floor and the row-alignment factors; the L2 efficiency; the power
//     throttle's ratio; and, tried in turn, the GEMM tile and the throttle's knee that explain the rows best.
//     An efficiency no row was bound by, and a precision with no rows, take the kernel's median; alignment
//     factors are only set where rows of that alignment were measured.
// The profile records its provenance (device, date, inputs) in `calibration`, and every number its source.
CalibrationResult calibrate(const HardwareSpec& base, const MeasurementSet& measurements,
                            const MeasuredCeilings* ceilings, const CalibrationOptions& options);

} // namespace roofline
