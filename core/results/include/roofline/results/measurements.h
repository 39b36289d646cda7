#pragma once

#include "roofline/support/files.h"
#include "roofline/model/gemm_config.h"
#include "roofline/model/kernels.h"
#include "roofline/model/precision.h"
#include "roofline/results/step_measurements.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace roofline {

inline constexpr int kMeasurementSchemaVersion = 1;

// What happened to a case. Files from the plan carry no status: every row is Ok.
enum class RowStatus { Ok, Unsupported, Skipped, Failed, WrongResult, Cancelled };
std::string_view to_string(RowStatus s);
std::optional<RowStatus> parse_row_status(std::string_view text);

// One row of the plan's benchmark schema:
// {kernel_type, shape, precision, measured_time_us, measured_tflops, measured_bandwidth_gb_s, ai}.
struct Measurement {
    std::size_t row_index = 0;   // position in the file's benchmarks list (0-based)
    KernelShape shape;
    Precision precision = Precision::FP16;
    RowStatus status = RowStatus::Ok;
    std::string reason;          // why a row is not Ok
    double measured_time_us = 0; // median time; 0 when status is not Ok
    // Given in the file, or derived from the shape and the time when absent.
    double measured_tflops = 0;
    double measured_bandwidth_gb_s = 0;
    double ai = 0;               // [FLOP/byte]
    std::string cache_mode;      // "cold", "warm" or empty when unknown
    // What the library ran (the row's "gemm_config"; for a file without it, what its "algorithm" text says).
    // Evidence for calibration only: a prediction never reads it.
    GemmConfig gemm_config;
    // Every other field of the row, kept as read (min_time_us, algorithm, samples, …) and written back.
    // Null until a row has one: half a million rows without any allocate nothing for them.
    nlohmann::ordered_json extra;

    KernelType kernel() const { return kernel_of(shape); }
};

struct MeasurementSet {
    std::string hardware_key;    // may be empty: the user then picks the hardware
    std::vector<Measurement> rows;
    std::vector<StepMeasurement> steps; // model_step rows (and llama-bench tests), in file order
    nlohmann::ordered_json meta = nlohmann::ordered_json::object();  // as read, or as to be written
    nlohmann::ordered_json extra = nlohmann::ordered_json::object(); // unknown top-level fields, kept
    std::string source;          // file path or a label ("pasted text", "last run")
    std::string device_name;     // the device it ran on (meta.device.name, llama-bench's gpu_info); may be empty
};

// Reads the plan's schema leniently: a top-level object with "benchmarks" (or "results") or a bare list;
// "kernel_type" or "kernel"; shape as a list or "4096x4096"; numbers given as strings are refused. Rows of
// "kind": "model_step" are measured model runs (step_measurements.h). llama-bench's JSON and JSONL output is
// read too (llama_bench.h), its models matched without a GGUF file.
// Throws InputError naming source, row and field for anything it cannot accept.
MeasurementSet parse_measurements(std::string_view text, const std::string& source);
MeasurementSet load_measurements(const std::filesystem::path& file);

// The preset the set is predicted on by default: its hardware_key, else the preset its device's name matches
// (guess_hardware_key: a file written before its GPU had a preset); empty when neither.
std::string default_hardware_key(const MeasurementSet& set);

// Rows of several runs as one set (row indices renumbered; the first file's meta and hardware key kept).
MeasurementSet merge_measurements(const std::vector<MeasurementSet>& sets);

// One row as the plan's schema writes it (derived fields included, extra fields after them).
nlohmann::ordered_json measurement_to_json(const Measurement& m);

// Meta block for files this tool writes: schema version, tool, version, device, timestamp.
nlohmann::ordered_json make_meta(const nlohmann::ordered_json& device = nlohmann::ordered_json::object());
std::string utc_timestamp_now(); // "2026-11-24T10:15:00Z"

// {"meta": …, "hardware_key": …, "benchmarks": […], …extra}. The meta block is written as given.
std::string measurements_to_json(const MeasurementSet& set, int indent = 2);

} // namespace roofline
