#include "roofline/hardware/hardware_registry.h"

#include "roofline/support/json_util.h"

#include <iterator>
#include <set>
#include <type_traits>
#include <variant>

namespace roofline {

using nlohmann::ordered_json;
using namespace detail;

namespace {

constexpr int kHardwareSchemaVersion = 1;

// HardwareSpec's fields, described once: the reader, the writer and the known-field check all walk these tables
// (and operator== compares every member). Written in this order.
enum class Range { Positive, NonNegative, AtMostOne };

// A field of the profile's top level: text, a number, an integer or the peaks per precision. Required fields are
// written always; the others when set (a plain number: when above 0).
using PrecisionValues = std::map<Precision, double>;
struct Field {
    std::string_view name;
    std::variant<std::string HardwareSpec::*, std::optional<std::string> HardwareSpec::*, double HardwareSpec::*,
                 std::optional<double> HardwareSpec::*, std::optional<int> HardwareSpec::*,
                 std::optional<uint64_t> HardwareSpec::*, PrecisionValues HardwareSpec::*>
        member;
    Range range = Range::Positive; // numbers only; integers are always positive
    bool required = false;         // in every profile without a 'base'
};

const Field kFields[] = {
    {"name", &HardwareSpec::name, Range::Positive, true},
    {"peak_bandwidth_gb_s", &HardwareSpec::peak_bandwidth_gb_s, Range::Positive, true},
    {"peak_tflops", &HardwareSpec::peak_tflops, Range::Positive, true},
    {"sm_count", &HardwareSpec::sm_count},
    {"l2_cache_bytes", &HardwareSpec::l2_cache_bytes},
    {"l2_bandwidth_gb_s", &HardwareSpec::l2_bandwidth_gb_s},
    {"l2_efficiency", &HardwareSpec::l2_efficiency},
    {"dram_latency_us", &HardwareSpec::dram_latency_us, Range::NonNegative},
    {"memory_gb", &HardwareSpec::memory_gb},
    {"compute_capability", &HardwareSpec::compute_capability},
    {"launch_overhead_us", &HardwareSpec::launch_overhead_us, Range::NonNegative},
    {"launch_gap_eager_us", &HardwareSpec::launch_gap_eager_us, Range::NonNegative},
    {"launch_gap_graph_us", &HardwareSpec::launch_gap_graph_us, Range::NonNegative},
    {"link_name", &HardwareSpec::link_name},
    {"link_bandwidth_gb_s", &HardwareSpec::link_bandwidth_gb_s},
    {"link_latency_us", &HardwareSpec::link_latency_us, Range::NonNegative},
    {"throttle_after_us", &HardwareSpec::throttle_after_us},
    {"throttle_ratio", &HardwareSpec::throttle_ratio, Range::AtMostOne},
    {"attention_query_tile", &HardwareSpec::attention_query_tile},
    {"attention_kv_split", &HardwareSpec::attention_kv_split},
    {"attention_unit_bandwidth_gb_s", &HardwareSpec::attention_unit_bandwidth_gb_s},
};

// Tables of kernel -> precision -> number. A latency floor may be zero; an efficiency may not.
using KernelTable = std::map<KernelType, PrecisionValues>;
struct TableField {
    std::string_view name;
    KernelTable HardwareSpec::*member;
    Range range;
};

const TableField kTableFields[] = {
    {"kernel_efficiency", &HardwareSpec::kernel_efficiency, Range::Positive},
    {"compute_efficiency", &HardwareSpec::compute_efficiency, Range::Positive},
    {"memory_efficiency", &HardwareSpec::memory_efficiency, Range::Positive},
    {"partial_line_efficiency", &HardwareSpec::partial_line_efficiency, Range::Positive},
    {"unaligned_efficiency", &HardwareSpec::unaligned_efficiency, Range::Positive},
    {"latency_floor_us", &HardwareSpec::latency_floor_us, Range::NonNegative},
};

// The fields read and written by hand below: a key, maps and lists with rules of their own.
const char* const kOtherFields[] = {"schema_version", "key", "base", "gemm_tile", "gemm_configs", "sources", "notes",
                                   "calibration"};

const std::set<std::string>& known_fields()
{
    static const std::set<std::string> names = [] {
        std::set<std::string> all(std::begin(kOtherFields), std::end(kOtherFields));
        for (const Field& f : kFields)
            all.emplace(f.name);
        for (const TableField& f : kTableFields)
            all.emplace(f.name);
        return all;
    }();
    return names;
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

double read_number_in(const ordered_json& value, Range range, const InputLocation& where)
{
    if (range == Range::NonNegative)
        return read_non_negative_number(value, where);
    const double number = read_positive_number(value, where);
    if (range == Range::AtMostOne && number > 1)
        throw InputError(where, "must be at most 1 (a throttle slows kernels down), got " + value.dump());
    return number;
}

// precision -> number, into `values` over what a base profile gave.
void read_by_precision(PrecisionValues& values, const ordered_json& value, Range range, const InputLocation& where)
{
    require_object(value, where);
    for (const auto& [name, number] : value.items()) {
        InputLocation at_precision = where;
        at_precision.field += "." + name;
        values[read_precision_key(name, at_precision)] = read_number_in(number, range, at_precision);
    }
}

ordered_json by_precision_json(const PrecisionValues& values)
{
    ordered_json out = ordered_json::object();
    for (Precision p : kAllPrecisions) {
        if (const auto it = values.find(p); it != values.end())
            out[std::string(to_string(p))] = it->second;
    }
    return out;
}

void read_field(HardwareSpec& spec, const Field& field, const ordered_json& value, const InputLocation& where)
{
    std::visit(
        [&](auto member) {
            using Value = std::remove_reference_t<decltype(spec.*member)>;
            if constexpr (std::is_same_v<Value, PrecisionValues>) {
                read_by_precision(spec.*member, value, field.range, where);
                if ((spec.*member).empty())
                    throw InputError(where, "needs at least one precision");
            } else if constexpr (std::is_same_v<Value, std::string> || std::is_same_v<Value, std::optional<std::string>>)
                spec.*member = read_string(value, where);
            else if constexpr (std::is_same_v<Value, double> || std::is_same_v<Value, std::optional<double>>)
                spec.*member = read_number_in(value, field.range, where);
            else
                spec.*member = static_cast<typename Value::value_type>(read_positive_integer(value, where));
        },
        field.member);
}

void write_field(ordered_json& doc, const HardwareSpec& spec, const Field& field)
{
    std::visit(
        [&](auto member) {
            const auto& value = spec.*member;
            using Value = std::remove_cvref_t<decltype(value)>;
            if constexpr (std::is_same_v<Value, PrecisionValues>)
                doc[field.name] = by_precision_json(value);
            else if constexpr (std::is_same_v<Value, std::string>)
                doc[field.name] = value;
            else if constexpr (std::is_same_v<Value, double>) {
                if (field.required || value > 0)
                    doc[field.name] = value;
            } else if (value) {
                doc[field.name] = *value;
            }
        },
        field.member);
}

void read_table(KernelTable& out, const TableField& field, const ordered_json& table, const std::string& source)
{
    const std::string name(field.name);
    require_object(table, at(source, name));
    for (const auto& [kernel_name, factors] : table.items()) {
        const auto kernel_where = at(source, name + "." + kernel_name);
        const auto kernel = parse_kernel(kernel_name);
        if (!kernel)
            throw InputError(kernel_where, "unknown kernel (known: " + kernel_names() + ")");
        read_by_precision(out[*kernel], factors, field.range, kernel_where);
    }
}

ordered_json table_json(const KernelTable& factors_by_kernel)
{
    ordered_json table = ordered_json::object();
    for (const auto& [kernel, factors] : factors_by_kernel) {
        table[std::string(to_string(kernel))] = by_precision_json(factors);
    }
    return table;
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
        } else if (value.is_array() && (field == "gemm_tile" || field == "gemm_configs")) {
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
        if (!known_fields().count(field))
            throw InputError(at(source, field), "unknown field (check the spelling; known fields: " + join_names(known_fields()) + ")");
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

    auto require = [&](std::string_view field) {
        if (!has_base && !doc.contains(field))
            throw InputError(at(source, std::string(field)), "missing (every profile without a 'base' needs it)");
    };
    require("key");
    for (const Field& f : kFields) {
        if (f.required)
            require(f.name);
    }

    if (doc.contains("key")) {
        spec.key = read_string(doc["key"], at(source, "key"));
        if (!valid_key(spec.key))
            throw InputError(at(source, "key"), "'" + spec.key + "' must be 1-64 characters of a-z, 0-9, '_' or '-'");
    } else {
        throw InputError(at(source, "key"), "missing: a profile needs its own key, even with a base");
    }
    for (const Field& f : kFields) {
        if (doc.contains(f.name))
            read_field(spec, f, doc[f.name], at(source, std::string(f.name)));
    }
    for (const TableField& f : kTableFields) {
        if (doc.contains(f.name))
            read_table(spec.*f.member, f, doc[f.name], source);
    }
    if (doc.contains("gemm_tile")) {
        const auto& tile = doc["gemm_tile"];
        if (!tile.is_array() || tile.size() != 2)
            throw InputError(at(source, "gemm_tile"), "expected [tile_m, tile_n], got " + json_type_name(tile));
        spec.gemm_tile_m = static_cast<int>(read_positive_integer(tile[0], at(source, "gemm_tile[0]")));
        spec.gemm_tile_n = static_cast<int>(read_positive_integer(tile[1], at(source, "gemm_tile[1]")));
    }
    if (doc.contains("gemm_configs"))
        spec.gemm_configs = read_gemm_configs_json(doc["gemm_configs"], source);
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
    for (const Field& f : kFields)
        write_field(doc, spec, f);
    for (const TableField& f : kTableFields) {
        if (!(spec.*f.member).empty())
            doc[f.name] = table_json(spec.*f.member);
    }
    if (spec.gemm_tile_m && spec.gemm_tile_n)
        doc["gemm_tile"] = {*spec.gemm_tile_m, *spec.gemm_tile_n};
    if (!spec.gemm_configs.empty())
        doc["gemm_configs"] = gemm_configs_json(spec.gemm_configs);
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
