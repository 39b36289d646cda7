#pragma once

#include "roofline/model/hardware.h"
#include "roofline/plugin_host/plugin_loader.h"
#include "roofline/model/precision.h"

#include <nlohmann/json.hpp>

#include <atomic>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>

namespace roofline {

// What a device really reaches, measured by a plugin: the numbers calibration puts in place of datasheet ones.
struct MeasuredCeilings {
    nlohmann::ordered_json device;          // DeviceInfo::to_json() of the device measured
    std::string timestamp;
    std::optional<double> dram_read_gb_s;   // one pass over a buffer far larger than L2 [GB/s]
    std::optional<double> dram_copy_gb_s;   // bytes read + bytes written per second [GB/s]
    std::optional<double> l2_read_gb_s;     // re-reading a buffer that fits in L2 [GB/s]
    std::optional<double> launch_overhead_us; // an empty kernel, event-timed [µs]
    // The gap between dependent kernels: a chain of 64 empty kernels on one stream, per kernel [µs]; launched one
    // by one from the host, and replayed from a CUDA graph. Absent in files written before they were measured.
    std::optional<double> launch_gap_eager_us;
    std::optional<double> launch_gap_graph_us;
    std::map<Precision, double> peak_tflops;  // best large GEMM per precision [TFLOP/s]
    std::map<Precision, std::string> peak_shapes; // the GEMM shape that reached it
};

// Runs the ceiling cases on the device (skips what it does not support). `progress` gets a line per step.
MeasuredCeilings measure_ceilings(Device& device, const std::atomic<bool>& stop,
                                  const std::function<void(const std::string&)>& progress = {});

std::string ceilings_to_json(const MeasuredCeilings& ceilings);
MeasuredCeilings parse_ceilings_json(std::string_view text, const std::string& source);
MeasuredCeilings load_ceilings(const std::filesystem::path& file);

} // namespace roofline

namespace roofline {

// A hardware profile made of measured numbers only (the `host` profile of a machine with no GPU, or a GPU
// with no preset): bandwidth from the DRAM read ceiling (the copy ceiling if read is missing), peaks from the
// large GEMMs, L2 bandwidth, launch overhead and the launch gaps when measured. Every number is sourced to `source_label`.
// Throws InputError when the ceilings lack a bandwidth or any peak.
// The launch gaps a model step adds per kernel (step_prediction.cpp), from `ceilings` into `spec`, each with its
// source ("measured: <source_label>, a chain of empty kernels …"). A gap `ceilings` lacks (or no ceilings) is
// cleared: another device's gap must not stand for this one.
void set_launch_gaps(HardwareSpec& spec, const MeasuredCeilings* ceilings, const std::string& source_label);

HardwareSpec profile_from_ceilings(const MeasuredCeilings& ceilings, const std::string& key, const std::string& source_label);

} // namespace roofline
