#include "roofline/results/measurements.h"

#include "roofline/support/errors.h"
#include "roofline/model/kernel_case.h"
#include "roofline/hardware/device_match.h"
#include "roofline/results/llama_bench.h"
#include "roofline/support/version.h"

#include "roofline/support/json_util.h"
#include "measurement_row.h"
#include "results_stream.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <fstream>

namespace roofline {

using nlohmann::ordered_json;
using namespace detail;

namespace {

// The reader over a whole tree: for the layouts the stream leaves to it (a "results" list followed by a
// "benchmarks" one, a list given twice), where which list holds the rows is known only at the end.
MeasurementSet parse_measurements_tree(ordered_json doc, const std::string& source)
{
    MeasurementSet set;
    set.source = source;

    ordered_json* list = nullptr;
    std::string list_field = "benchmarks";
    if (doc.is_array()) {
        list = &doc;
    } else if (doc.is_object()) {
        if (!doc.contains("benchmarks") && doc.contains("results"))
            list_field = "results";
        if (!doc.contains(list_field))
            throw missing_list(source);
        list = &doc[list_field];
        check_list(*list, source, list_field);
        read_top_level(doc, list_field, set);
    } else {
        throw not_a_results_document(source, doc);
    }
    check_not_empty(list->size(), source, list_field);

    RowProblems problems;
    set.rows.reserve(list->size());
    for (std::size_t row = 0; row < list->size(); ++row) {
        try {
            if (is_step_row((*list)[row]))
                set.steps.push_back(read_step_row((*list)[row], source, row));
            else
                set.rows.push_back(read_measurement_row((*list)[row], source, row));
        } catch (const InputError& e) {
            problems.add(e);
        }
        // Free each row's tree once read: the file then never holds the tree and the rows at once.
        (*list)[row] = nullptr;
    }
    problems.throw_if_any();
    return set;
}

} // namespace

std::string_view to_string(RowStatus s)
{
    switch (s) {
    case RowStatus::Ok: return "ok";
    case RowStatus::Unsupported: return "unsupported";
    case RowStatus::Skipped: return "skipped";
    case RowStatus::Failed: return "failed";
    case RowStatus::WrongResult: return "wrong_result";
    case RowStatus::Cancelled: return "cancelled";
    }
    return "?";
}

std::optional<RowStatus> parse_row_status(std::string_view text)
{
    for (RowStatus s : {RowStatus::Ok, RowStatus::Unsupported, RowStatus::Skipped, RowStatus::Failed,
                        RowStatus::WrongResult, RowStatus::Cancelled}) {
        if (text == to_string(s))
            return s;
    }
    return std::nullopt;
}

MeasurementSet parse_measurements(std::string_view text, const std::string& source)
{
    if (looks_like_llama_bench(text))
        return parse_llama_bench(text, source);
    if (auto set = stream_measurements(text, source))
        return std::move(*set);
    // Not JSON (nlohmann's parser then says where), or a layout the stream leaves to the tree reader.
    return parse_measurements_tree(parse_json_text(text, source), source);
}

namespace {

// Whether a file's first bytes look like llama-bench's output (JSON or JSONL): those go to the text reader.
bool starts_like_llama_bench(const std::filesystem::path& file)
{
    std::ifstream in(file, std::ios::binary);
    std::string head(4096, '\0');
    in.read(head.data(), static_cast<std::streamsize>(head.size()));
    head.resize(static_cast<std::size_t>(in.gcount()));
    return head.find("avg_") != std::string::npos
        && (head.find("\"n_prompt\"") != std::string::npos || head.find("\"n_gen\"") != std::string::npos);
}

} // namespace

MeasurementSet load_measurements(const std::filesystem::path& file)
{
    if (starts_like_llama_bench(file))
        return parse_measurements(read_text_file(file), file.string());
    if (auto set = stream_measurements_file(file))
        return std::move(*set);
    // Not JSON, or a layout the stream leaves to the tree reader: read the text whole, which locates a syntax
    // error by line and column. Only bad or unusual files take this path.
    return parse_measurements(read_text_file(file), file.string());
}

ordered_json measurement_to_json(const Measurement& m)
{
    ordered_json row;
    write_case_json(row, m.shape, m.precision);
    if (m.status != RowStatus::Ok) {
        row["status"] = std::string(to_string(m.status));
        row["reason"] = m.reason;
    }
    if (m.measured_time_us > 0) {
        row["measured_time_us"] = m.measured_time_us;
        row["measured_tflops"] = m.measured_tflops;
        row["measured_bandwidth_gb_s"] = m.measured_bandwidth_gb_s;
    }
    row["ai"] = m.ai;
    if (!m.cache_mode.empty())
        row["cache_mode"] = m.cache_mode;
    if (const auto config = gemm_config_json(m.gemm_config))
        row["gemm_config"] = *config;
    for (const auto& [field, value] : m.extra.items())
        row[field] = value;
    return row;
}

std::string default_hardware_key(const MeasurementSet& set)
{
    if (!set.hardware_key.empty() || set.device_name.empty())
        return set.hardware_key;
    DeviceInfo device;
    device.name = set.device_name;
    return guess_hardware_key(device);
}

MeasurementSet merge_measurements(const std::vector<MeasurementSet>& sets)
{
    MeasurementSet merged;
    for (const auto& set : sets) {
        if (merged.hardware_key.empty())
            merged.hardware_key = set.hardware_key;
        if (merged.meta.empty())
            merged.meta = set.meta;
        if (merged.device_name.empty())
            merged.device_name = set.device_name;
        merged.source += (merged.source.empty() ? "" : ", ") + set.source;
        for (const auto& row : set.rows) {
            merged.rows.push_back(row);
            merged.rows.back().row_index = merged.rows.size() - 1;
        }
        for (const auto& step : set.steps) {
            merged.steps.push_back(step);
            merged.steps.back().row_index = merged.rows.size() + merged.steps.size() - 1;
        }
    }
    return merged;
}

std::string utc_timestamp_now()
{
    const std::time_t now = std::time(nullptr);
    std::tm utc{};
    gmtime_r(&now, &utc);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
    return text;
}

ordered_json make_meta(const ordered_json& device)
{
    ordered_json meta;
    meta["schema_version"] = kMeasurementSchemaVersion;
    meta["tool"] = kToolName;
    meta["tool_version"] = kVersion;
    meta["device"] = device;
    meta["timestamp"] = utc_timestamp_now();
    return meta;
}

std::string measurements_to_json(const MeasurementSet& set, int indent)
{
    ordered_json doc;
    doc["meta"] = set.meta.empty() ? make_meta() : set.meta;
    doc["hardware_key"] = set.hardware_key;
    ordered_json rows = ordered_json::array();
    for (const auto& m : set.rows)
        rows.push_back(measurement_to_json(m));
    for (const auto& m : set.steps)
        rows.push_back(step_measurement_to_json(m));
    doc["benchmarks"] = rows;
    for (const auto& [field, value] : set.extra.items())
        doc[field] = value;
    return doc.dump(indent) + "\n";
}

} // namespace roofline
