#include "roofline/hardware/device_info.h"

#include "roofline/abi/plugin_abi_rules.h"

namespace roofline {

std::string DeviceInfo::compute_capability() const
{
    if (compute_capability_major <= 0)
        return {};
    return std::to_string(compute_capability_major) + "." + std::to_string(compute_capability_minor);
}

nlohmann::ordered_json DeviceInfo::to_json() const
{
    nlohmann::ordered_json out;
    out["backend"] = backend;
    out["name"] = name;
    out["compute_capability"] = compute_capability();
    out["multiprocessor_count"] = multiprocessor_count;
    out["memory_bytes"] = memory_bytes;
    out["l2_cache_bytes"] = l2_cache_bytes;
    out["max_sm_clock_mhz"] = max_sm_clock_mhz;
    out["max_memory_clock_mhz"] = max_memory_clock_mhz;
    out["memory_bus_width_bits"] = memory_bus_width_bits;
    out["driver_version"] = driver_version;
    out["runtime_version"] = runtime_version;
    out["library_version"] = library_version;
    if (!engine.empty()) {
        out["engine"] = engine;
        out["engine_build"] = engine_build;
    }
    out["plugin"] = plugin_name;
    out["plugin_version"] = plugin_version;
    return out;
}

std::string DeviceInfo::summary() const
{
    std::string out = name;
    if (const std::string cc = compute_capability(); !cc.empty())
        out += " · sm_" + std::to_string(compute_capability_major) + std::to_string(compute_capability_minor);
    if (multiprocessor_count > 0)
        out += " · " + std::to_string(multiprocessor_count) + (backend == "cpu" ? " cores" : " SMs");
    if (memory_bytes > 0)
        out += " · " + std::to_string((memory_bytes + (1ull << 29)) >> 30) + " GiB";
    return out;
}

DeviceInfo device_info_of(const rl_device_info& raw, const std::string& plugin_name, const std::string& plugin_version)
{
    DeviceInfo info;
    info.backend = abi::read_text(raw.backend, sizeof raw.backend);
    info.name = abi::read_text(raw.name, sizeof raw.name);
    info.compute_capability_major = raw.compute_capability_major;
    info.compute_capability_minor = raw.compute_capability_minor;
    info.multiprocessor_count = raw.multiprocessor_count;
    info.memory_bytes = raw.memory_bytes;
    info.l2_cache_bytes = raw.l2_cache_bytes;
    info.max_sm_clock_mhz = raw.max_sm_clock_mhz;
    info.max_memory_clock_mhz = raw.max_memory_clock_mhz;
    info.memory_bus_width_bits = raw.memory_bus_width_bits;
    info.driver_version = abi::read_text(raw.driver_version, sizeof raw.driver_version);
    info.runtime_version = abi::read_text(raw.runtime_version, sizeof raw.runtime_version);
    info.library_version = abi::read_text(raw.library_version, sizeof raw.library_version);
    info.engine = abi::read_text(raw.engine, sizeof raw.engine);
    info.engine_build = abi::read_text(raw.engine_build, sizeof raw.engine_build);
    info.plugin_name = plugin_name;
    info.plugin_version = plugin_version;
    return info;
}

} // namespace roofline
