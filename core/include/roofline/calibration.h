#pragma once

#include "roofline/calculator.h"
#include "roofline/ceilings.h"
#include "roofline/hardware.h"
#include "roofline/measurements.h"
#include "roofline/validation.h"

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
};

struct CalibrationResult {
    HardwareSpec profile;
    std::size_t rows_used = 0;        // measured rows the fit used
    std::size_t rows_skipped = 0;     // not OK, or not predictable on the base
    std::vector<std::string> log;     // what was fitted from what, one line each
};

// Fits a profile to measurements, starting from `base` (whose peaks and bandwidth stay: they are what ideal
// mode shows). From the ceilings: launch overhead and L2 bandwidth (without ceilings: the launch floor is the
// fastest measured kernel). From the rows, per kernel × precision, robustly (medians of log ratios):
//   - the plan-style single factor (Realistic mode): ideal time / measured time;
//   - the Refined mode's compute and memory efficiencies, each from the rows that bound limits, after the
//     launch floor, L2 residency and wave quantization are accounted for, and the GEMM tile that fits best.
// The profile records its provenance (device, date, inputs) in `calibration`, and every number its source.
CalibrationResult calibrate(const HardwareSpec& base, const MeasurementSet& measurements,
                            const MeasuredCeilings* ceilings, const CalibrationOptions& options);

// Rows of several runs as one set (row indices renumbered; the first file's meta and hardware key kept).
MeasurementSet merge_measurements(const std::vector<MeasurementSet>& sets);

// Splits the OK rows by shape, so that no shape of the held-out set is seen in calibration: the distinct
// shapes of each kernel, ordered by FLOP count, go alternately to calibration and held-out.
std::pair<MeasurementSet, MeasurementSet> split_by_shape(const MeasurementSet& set);

// The classes of shapes the held-out error is reported for.
enum class ShapeClass { L2Resident, Tiny, Skinny, Huge, Regular };
std::string_view to_string(ShapeClass c);
ShapeClass shape_class(const HardwareSpec& hw, const Measurement& m);

} // namespace roofline
