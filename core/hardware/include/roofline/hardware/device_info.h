#pragma once
// A device as a benchmark plugin describes it: what matches it to a hardware profile and what a results file records.

#include "roofline/abi/plugin_abi.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>

namespace roofline {

struct DeviceInfo {
    std::string backend;  // "cuda", "cpu"
    std::string name;
    int compute_capability_major = 0;
    int compute_capability_minor = 0;
    int multiprocessor_count = 0;
    uint64_t memory_bytes = 0;
    uint64_t l2_cache_bytes = 0;
    int max_sm_clock_mhz = 0;
    int max_memory_clock_mhz = 0;
    int memory_bus_width_bits = 0;
    std::string driver_version;
    std::string runtime_version;
    std::string library_version;
    std::string engine;       // ABI 4: an engine plugin's engine, version and backend ("ggml 0.21.0 (d99724f) CPU")
    std::string engine_build; // ABI 4: the engine's build flags
    std::string plugin_name;
    std::string plugin_version;

    std::string compute_capability() const; // "9.0", or "" for the CPU
    nlohmann::ordered_json to_json() const;
    std::string summary() const;             // one line for status bars: "NVIDIA H100 80GB HBM3 · sm_90 · 132 SMs · 80 GB"
};

// The device info a plugin described, as the host keeps it.
DeviceInfo device_info_of(const rl_device_info& raw, const std::string& plugin_name, const std::string& plugin_version);

} // namespace roofline
