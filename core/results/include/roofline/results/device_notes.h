#pragma once

// What whoever reads a validation must be told about the device behind the numbers, once and plainly: that the
// runs were measured on another GPU than the profile predicts for, or that the profile was fitted on these very rows.

#include "roofline/model/hardware.h"
#include "roofline/results/measurements.h"

#include <optional>
#include <string>

namespace roofline {

// The device the runs were measured on, as their file names it (meta.device.name; llama-bench's gpu_info). Empty
// when the file does not say.
std::string measured_device_name(const MeasurementSet& set);

struct DeviceMismatch {
    std::string device;       // "NVIDIA H100 80GB HBM3"
    std::string matching_key; // the profile of that device ("h100_sxm"); empty where none matches
    std::string profile_key;  // the profile predicting the runs ("h200")
    std::string message;      // the whole sentence, with the ways on
};

// Set when `set` was measured on a device that `hw` does not describe: not its matching profile, not a
// calibration of it, not a profile calibrated on that very device.
std::optional<DeviceMismatch> device_mismatch(const MeasurementSet& set, const HardwareSpec& hw);

// Set when `hw` was fitted on the rows of `set`: a file its calibration lists, or the plan's seed rows for a profile
// whose efficiencies are the plan's. Its errors are then the fit's residuals, not a held-out check.
std::optional<std::string> fitted_on_these_rows(const MeasurementSet& set, const HardwareSpec& hw);

} // namespace roofline
