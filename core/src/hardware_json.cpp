#include "roofline/hardware_registry.h"

#include "json_util.h"

#include <set>

namespace roofline {

using nlohmann::ordered_json;
using namespace detail;

namespace {

constexpr int kHardwareSchemaVersion = 1;

const std::set<std::string> kKnownFields = {
    "schema_version", "key", "name", "base", "peak_bandwidth_gb_s", "peak_tflops", "sm_count", "l2_cache_bytes",
    "l2_bandwidth_gb_s", "l2_efficiency", "dram_latency_us", "memory_gb", "compute_capability", "launch_overhead_us",
    "kernel_efficiency", "compute_efficiency", "memory_efficiency", "partial_line_efficiency", "unaligned_efficiency",
    "latency_floor_us", "throttle_after_us", "throttle_ratio", "gemm_tile", "sources", "notes", "calibration"};

// Tables of kernel -> precision -> number. A latency floor may be zero; an efficiency may not.
const char* const kKernelTables[] = {"kernel_efficiency", "compute_efficiency", "memory_efficiency",
                                     "partial_line_efficiency", "unaligned_efficiency", "latency_floor_us"};

// Spec is HardwareSpec or const HardwareSpec: the table comes back with the same constness.
template <class Spec>
auto& table_of(Spec& spec, const std::string& name)
{
    if (name == "compute_efficiency")
        return spec.compute_efficiency;
    if (name == "memory_efficiency")
        return spec.memory_efficiency;
    if (name == "latency_floor_us")
        return spec.latency_floor_us;
    if (name == "partial_line_efficiency")
        return spec.partial_line_efficiency;
    if (name == "unaligned_efficiency")
        return spec.unaligned_efficiency;
    return spec.kernel_efficiency;
}

InputLocation at(const std::string& source, const std::string& field)
{
    return InputLocation{source, std::nullopt, std::nullopt, std::nullopt, field};
}

bool valid_key(const std::string& key)
{
    if (key.empty() || key.size() > 64)
        return false;
    for (char c : key) {
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-'))
            return false;
    }
    return true;
}

Precision read_precision_key(const std::string& name, const InputLocation& where)
{
    const auto p = parse_precision(name);
    if (!p)
        throw InputError(where, "unknown precision '" + name + "' (known: " + precision_names() + ")");
    return *p;
}

void require_object(const ordered_json& value, const InputLocation& where)
{
    if (!value.is_object())
        throw InputError(where, "expected an object, got " + json_type_name(value));
}

} // namespace

std::vector<std::string> numeric_field_paths(const nlohmann::ordered_json& doc)
{
    std::vector<std::string> paths;
    if (!doc.is_object())
        return paths;
    for (const auto& [field, value] : doc.items()) {
        if (field == "schema_version")
            continue;
        if (value.is_number()) {
            paths.push_back(field);
        } else if (value.is_array() && field == "gemm_tile") {
            paths.push_back(field);
        } else if (value.is_object() && field != "sources" && field != "calibration") {
            for (const auto& [inner, inner_value] : value.items()) {
                if (inner_value.is_object()) {
                    for (const auto& [leaf, leaf_value] : inner_value.items()) {
                        if (leaf_value.is_number())
                            paths.push_back(field + "." + inner + "." + leaf);
                    }
                } else if (inner_value.is_number()) {
                    paths.push_back(field + "." + inner);
                }
            }
        }
    }
    return paths;
}

std::string base_key_of(std::string_view profile_text, const std::string& source_name)
{
    const ordered_json doc = parse_json_text(profile_text, source_name);
    if (doc.is_object() && doc.contains("base"))
        return read_string(doc["base"], at(source_name, "base"));
    return {};
}

HardwareSpec parse_hardware_json(std::string_view text, const std::string& source, const HardwareSpec* base)
{
    const ordered_json doc = parse_json_text(text, source);
    require_object(doc, at(source, ""));

    for (const auto& [field, value] : doc.items()) {
        if (!kKnownFields.count(field))
            throw InputError(at(source, field), "unknown field (check the spelling; known fields: " + join_names(kKnownFields) + ")");
    }
    if (doc.contains("schema_version")) {
        const int64_t version = read_positive_integer(doc["schema_version"], at(source, "schema_version"));
        if (version > kHardwareSchemaVersion)
            throw InputError(at(source, "schema_version"), "version " + std::to_string(version)
                                                               + " is newer than this build reads ("
                                                               + std::to_string(kHardwareSchemaVersion) + ")");
    }

    const bool has_base = doc.contains("base");
    if (has_base && !base)
        throw InputError(at(source, "base"), "base profile '" + doc["base"].dump() + "' is not known");
    HardwareSpec spec = has_base ? *base : HardwareSpec{};
    if (has_base) {
        spec.notes.push_back("Based on '" + base->key + "' (" + base->name + ").");
        spec.origin = source;
    }

    auto require = [&](const char* field) {
        if (!has_base && !doc.contains(field))
            throw InputError(at(source, field), "missing (every profile without a 'base' needs it)");
    };
    require("key");
    require("name");
    require("peak_bandwidth_gb_s");
    require("peak_tflops");

    if (doc.contains("key")) {
        spec.key = read_string(doc["key"], at(source, "key"));
        if (!valid_key(spec.key))
            throw InputError(at(source, "key"), "'" + spec.key + "' must be 1-64 characters of a-z, 0-9, '_' or '-'");
    } else {
        throw InputError(at(source, "key"), "missing: a profile needs its own key, even with a base");
    }
    if (doc.contains("name"))
        spec.name = read_string(doc["name"], at(source, "name"));
    if (doc.contains("peak_bandwidth_gb_s"))
        spec.peak_bandwidth_gb_s = read_positive_number(doc["peak_bandwidth_gb_s"], at(source, "peak_bandwidth_gb_s"));
    if (doc.contains("peak_tflops")) {
        const auto& peaks = doc["peak_tflops"];
        require_object(peaks, at(source, "peak_tflops"));
        for (const auto& [name, value] : peaks.items()) {
            const auto where = at(source, "peak_tflops." + name);
            spec.peak_tflops[read_precision_key(name, where)] = read_positive_number(value, where);
        }
        if (spec.peak_tflops.empty())
            throw InputError(at(source, "peak_tflops"), "needs at least one precision");
    }
    if (doc.contains("sm_count"))
        spec.sm_count = static_cast<int>(read_positive_integer(doc["sm_count"], at(source, "sm_count")));
    if (doc.contains("l2_cache_bytes"))
        spec.l2_cache_bytes = static_cast<uint64_t>(read_positive_integer(doc["l2_cache_bytes"], at(source, "l2_cache_bytes")));
    if (doc.contains("l2_bandwidth_gb_s"))
        spec.l2_bandwidth_gb_s = read_positive_number(doc["l2_bandwidth_gb_s"], at(source, "l2_bandwidth_gb_s"));
    if (doc.contains("l2_efficiency"))
        spec.l2_efficiency = read_positive_number(doc["l2_efficiency"], at(source, "l2_efficiency"));
    if (doc.contains("dram_latency_us"))
        spec.dram_latency_us = read_non_negative_number(doc["dram_latency_us"], at(source, "dram_latency_us"));
    if (doc.contains("memory_gb"))
        spec.memory_gb = read_positive_number(doc["memory_gb"], at(source, "memory_gb"));
    if (doc.contains("compute_capability"))
        spec.compute_capability = read_string(doc["compute_capability"], at(source, "compute_capability"));
    if (doc.contains("launch_overhead_us"))
        spec.launch_overhead_us = read_non_negative_number(doc["launch_overhead_us"], at(source, "launch_overhead_us"));
    if (doc.contains("throttle_after_us"))
        spec.throttle_after_us = read_positive_number(doc["throttle_after_us"], at(source, "throttle_after_us"));
    if (doc.contains("throttle_ratio")) {
        spec.throttle_ratio = read_positive_number(doc["throttle_ratio"], at(source, "throttle_ratio"));
        if (*spec.throttle_ratio > 1)
            throw InputError(at(source, "throttle_ratio"), "must be at most 1 (a throttle slows kernels down), got "
                                                               + doc["throttle_ratio"].dump());
    }
    for (const std::string table_name : kKernelTables) {
        if (!doc.contains(table_name))
            continue;
        const auto& table = doc[table_name];
        require_object(table, at(source, table_name));
        for (const auto& [kernel_name, factors] : table.items()) {
            const auto kernel_where = at(source, table_name + "." + kernel_name);
            const auto kernel = parse_kernel(kernel_name);
            if (!kernel)
                throw InputError(kernel_where, "unknown kernel (known: gemv, gemm, attention, ffn)");
            require_object(factors, kernel_where);
            for (const auto& [name, value] : factors.items()) {
                const auto where = at(source, table_name + "." + kernel_name + "." + name);
                table_of(spec, table_name)[*kernel][read_precision_key(name, where)] =
                    table_name == "latency_floor_us" ? read_non_negative_number(value, where) : read_positive_number(value, where);
            }
        }
    }
    if (doc.contains("gemm_tile")) {
        const auto& tile = doc["gemm_tile"];
        if (!tile.is_array() || tile.size() != 2)
            throw InputError(at(source, "gemm_tile"), "expected [tile_m, tile_n], got " + json_type_name(tile));
        spec.gemm_tile_m = static_cast<int>(read_positive_integer(tile[0], at(source, "gemm_tile[0]")));
        spec.gemm_tile_n = static_cast<int>(read_positive_integer(tile[1], at(source, "gemm_tile[1]")));
    }
    if (doc.contains("calibration")) {
        const auto& calibration = doc["calibration"];
        require_object(calibration, at(source, "calibration"));
        for (const auto& [field, value] : calibration.items())
            spec.calibration[field] = read_string(value, at(source, "calibration." + field));
    }
    if (doc.contains("sources")) {
        const auto& sources = doc["sources"];
        require_object(sources, at(source, "sources"));
        for (const auto& [field, value] : sources.items())
            spec.sources[field] = read_string(value, at(source, "sources." + field));
    }
    if (doc.contains("notes")) {
        const auto& notes = doc["notes"];
        if (!notes.is_array())
            throw InputError(at(source, "notes"), "expected a list of strings, got " + json_type_name(notes));
        for (std::size_t i = 0; i < notes.size(); ++i)
            spec.notes.push_back(read_string(notes[i], at(source, "notes[" + std::to_string(i) + "]")));
    }

    // A number this profile sets without naming a source is sourced to the profile itself: a base's source
    // must not stay attached to a number the profile replaced.
    const ordered_json no_sources = ordered_json::object();
    const ordered_json& given = doc.contains("sources") ? doc["sources"] : no_sources;
    auto covered = [&given](std::string path) {
        while (true) {
            if (given.contains(path))
                return true;
            const auto dot = path.rfind('.');
            if (dot == std::string::npos)
                return false;
            path.resize(dot);
        }
    };
    for (const auto& path : numeric_field_paths(doc)) {
        if (!covered(path))
            spec.sources[path] = kProfileSourcePrefix + source;
    }
    return spec;
}

std::string hardware_to_json(const HardwareSpec& spec, int indent)
{
    ordered_json doc;
    doc["schema_version"] = kHardwareSchemaVersion;
    doc["key"] = spec.key;
    doc["name"] = spec.name;
    doc["peak_bandwidth_gb_s"] = spec.peak_bandwidth_gb_s;
    ordered_json peaks = ordered_json::object();
    for (Precision p : spec.precisions())
        peaks[std::string(to_string(p))] = spec.peak_tflops.at(p);
    doc["peak_tflops"] = peaks;
    if (spec.sm_count)
        doc["sm_count"] = *spec.sm_count;
    if (spec.l2_cache_bytes)
        doc["l2_cache_bytes"] = *spec.l2_cache_bytes;
    if (spec.l2_bandwidth_gb_s)
        doc["l2_bandwidth_gb_s"] = *spec.l2_bandwidth_gb_s;
    if (spec.l2_efficiency)
        doc["l2_efficiency"] = *spec.l2_efficiency;
    if (spec.dram_latency_us)
        doc["dram_latency_us"] = *spec.dram_latency_us;
    if (spec.memory_gb)
        doc["memory_gb"] = *spec.memory_gb;
    if (spec.compute_capability)
        doc["compute_capability"] = *spec.compute_capability;
    if (spec.launch_overhead_us > 0)
        doc["launch_overhead_us"] = spec.launch_overhead_us;
    if (spec.throttle_after_us)
        doc["throttle_after_us"] = *spec.throttle_after_us;
    if (spec.throttle_ratio)
        doc["throttle_ratio"] = *spec.throttle_ratio;
    for (const std::string table_name : kKernelTables) {
        const auto& factors_by_kernel = table_of(spec, table_name);
        if (factors_by_kernel.empty())
            continue;
        ordered_json table = ordered_json::object();
        for (const auto& [kernel, factors] : factors_by_kernel) {
            ordered_json row = ordered_json::object();
            for (Precision p : kAllPrecisions) {
                if (const auto it = factors.find(p); it != factors.end())
                    row[std::string(to_string(p))] = it->second;
            }
            table[std::string(to_string(kernel))] = row;
        }
        doc[table_name] = table;
    }
    if (spec.gemm_tile_m && spec.gemm_tile_n)
        doc["gemm_tile"] = {*spec.gemm_tile_m, *spec.gemm_tile_n};
    if (!spec.calibration.empty()) {
        ordered_json calibration = ordered_json::object();
        for (const auto& [field, text] : spec.calibration)
            calibration[field] = text;
        doc["calibration"] = calibration;
    }
    ordered_json sources = ordered_json::object();
    for (const auto& [field, text] : spec.sources)
        sources[field] = text;
    doc["sources"] = sources;
    doc["notes"] = spec.notes;
    return doc.dump(indent);
}

} // namespace roofline
