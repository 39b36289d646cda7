#include "roofline/measurements.h"

#include "roofline/errors.h"
#include "roofline/kernel_case.h"
#include "roofline/llama_bench.h"
#include "roofline/version.h"

#include "json_util.h"

#include <cerrno>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <fstream>
#include <set>
#include <unistd.h>

namespace roofline {

using nlohmann::ordered_json;
using namespace detail;

namespace {

constexpr std::size_t kMaxReportedProblems = 10;

// Fields this reader understands (a case's, and these); everything else in a row is kept in `extra`.
const std::set<std::string> kRowFields = [] {
    std::set<std::string> fields = {"status", "reason", "measured_time_us", "measured_tflops", "measured_bandwidth_gb_s", "ai", "cache_mode", "gemm_config"};
    for (std::string_view field : kCaseFields)
        fields.emplace(field);
    return fields;
}();

struct RowReader {
    const std::string& source;
    std::size_t row;

    InputLocation at(const std::string& field) const { return InputLocation{source, {}, {}, row, field}; }
};

Measurement read_row(const ordered_json& item, const RowReader& r)
{
    if (!item.is_object())
        throw InputError(r.at(""), "expected an object, got " + json_type_name(item));
    Measurement m;
    m.row_index = r.row;

    const KernelCase c = read_case_json(item, [&r](const std::string& field) { return r.at(field); });
    m.shape = c.shape;
    m.precision = c.precision;
    const Workload work = workload(m.shape, m.precision);

    if (item.contains("status")) {
        const std::string status = read_string(item["status"], r.at("status"));
        const auto parsed = parse_row_status(status);
        if (!parsed)
            throw InputError(r.at("status"), "unknown status '" + status
                                                 + "' (known: ok, unsupported, skipped, failed, wrong_result, cancelled)");
        m.status = *parsed;
    }
    if (item.contains("reason"))
        m.reason = read_string(item["reason"], r.at("reason"));
    if (item.contains("cache_mode")) {
        m.cache_mode = read_string(item["cache_mode"], r.at("cache_mode"));
        if (m.cache_mode != "cold" && m.cache_mode != "warm")
            throw InputError(r.at("cache_mode"), "expected \"cold\" or \"warm\", got \"" + m.cache_mode + "\"");
    }

    const bool timed = m.status == RowStatus::Ok || item.contains("measured_time_us");
    if (timed) {
        if (!item.contains("measured_time_us"))
            throw InputError(r.at("measured_time_us"), "missing (the measured time in microseconds)");
        m.measured_time_us = read_positive_number(item["measured_time_us"], r.at("measured_time_us"));
        const double seconds = m.measured_time_us * 1e-6;
        m.measured_tflops = item.contains("measured_tflops")
            ? read_non_negative_number(item["measured_tflops"], r.at("measured_tflops"))
            : static_cast<double>(work.flops) / seconds / 1e12;
        m.measured_bandwidth_gb_s = item.contains("measured_bandwidth_gb_s")
            ? read_non_negative_number(item["measured_bandwidth_gb_s"], r.at("measured_bandwidth_gb_s"))
            : work.bytes / seconds / 1e9;
    }
    m.ai = item.contains("ai") ? read_positive_number(item["ai"], r.at("ai"))
                               : static_cast<double>(work.flops) / work.bytes;

    if (item.contains("gemm_config"))
        m.gemm_config = read_gemm_config_json(item["gemm_config"], [&r](const std::string& field) { return r.at(field); });
    else if (item.contains("algorithm") && item["algorithm"].is_string())
        m.gemm_config = parse_algorithm_text(item["algorithm"].get<std::string>()).value_or(GemmConfig{});

    for (const auto& [field, value] : item.items()) {
        if (!kRowFields.count(field))
            m.extra[field] = value;
    }
    return m;
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
    ordered_json doc = parse_json_text(text, source);
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
            throw InputError(InputLocation{source, {}, {}, {}, "benchmarks"},
                             "missing: expected {\"hardware_key\": …, \"benchmarks\": [ … ]}");
        list = &doc[list_field];
        if (!list->is_array())
            throw InputError(InputLocation{source, {}, {}, {}, list_field}, "expected a list, got " + json_type_name(*list));
        for (const auto& [field, value] : doc.items()) {
            if (field == list_field)
                continue;
            if (field == "hardware_key") {
                if (!value.is_null())
                    set.hardware_key = read_string(value, InputLocation{source, {}, {}, {}, "hardware_key"});
            } else if (field == "meta") {
                if (!value.is_object())
                    throw InputError(InputLocation{source, {}, {}, {}, "meta"}, "expected an object, got " + json_type_name(value));
                set.meta = value;
            } else {
                set.extra[field] = value;
            }
        }
    } else {
        throw InputError(InputLocation{source, {}, {}, {}, {}},
                         "expected an object with a \"benchmarks\" list, got " + json_type_name(doc));
    }
    if (list->empty())
        throw InputError(InputLocation{source, {}, {}, {}, list_field}, "the list is empty: nothing to validate");

    std::vector<InputError> problems;
    set.rows.reserve(list->size());
    for (std::size_t row = 0; row < list->size(); ++row) {
        try {
            if (is_step_row((*list)[row]))
                set.steps.push_back(read_step_row((*list)[row], source, row));
            else
                set.rows.push_back(read_row((*list)[row], RowReader{source, row}));
        } catch (const InputError& e) {
            problems.push_back(e);
        }
        // Free each row's tree once read: a 100,000-row file then never holds the tree and the rows at once.
        (*list)[row] = nullptr;
    }
    if (!problems.empty()) {
        // Report every bad row (up to a limit) at once, located at the first.
        std::string message = problems.front().problem();
        if (problems.size() > 1) {
            message += "\n" + std::to_string(problems.size() - 1) + " more problem(s):";
            for (std::size_t i = 1; i < problems.size() && i <= kMaxReportedProblems; ++i)
                message += "\n  " + std::string(problems[i].what());
            if (problems.size() > kMaxReportedProblems + 1)
                message += "\n  …";
        }
        throw InputError(problems.front().where(), message);
    }
    return set;
}

std::string read_text_file(const std::filesystem::path& file)
{
    std::ifstream in(file, std::ios::binary | std::ios::ate);
    if (!in)
        throw InputError(InputLocation{file.string(), {}, {}, {}, {}},
                         std::string("cannot open the file: ") + std::strerror(errno));
    // One read into a string of the right size: no second copy of a large file.
    std::string text(static_cast<std::size_t>(in.tellg()), '\0');
    in.seekg(0);
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    return text;
}

MeasurementSet load_measurements(const std::filesystem::path& file)
{
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

MeasurementSet merge_measurements(const std::vector<MeasurementSet>& sets)
{
    MeasurementSet merged;
    for (const auto& set : sets) {
        if (merged.hardware_key.empty())
            merged.hardware_key = set.hardware_key;
        if (merged.meta.empty())
            merged.meta = set.meta;
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

void write_file_atomically(const std::filesystem::path& file, std::string_view content)
{
    const std::filesystem::path temp = file.string() + ".tmp-" + std::to_string(::getpid());
    const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        throw InputError(InputLocation{temp.string(), {}, {}, {}, {}}, std::string("cannot create: ") + std::strerror(errno));
    std::size_t written = 0;
    while (written < content.size()) {
        const ssize_t n = ::write(fd, content.data() + written, content.size() - written);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            const int err = errno;
            ::close(fd);
            ::unlink(temp.c_str());
            throw InputError(InputLocation{temp.string(), {}, {}, {}, {}}, std::string("cannot write: ") + std::strerror(err));
        }
        written += static_cast<std::size_t>(n);
    }
    // fsync before rename: after a crash the file is either the old one or the whole new one.
    ::fsync(fd);
    ::close(fd);
    if (::rename(temp.c_str(), file.c_str()) != 0) {
        const int err = errno;
        ::unlink(temp.c_str());
        throw InputError(InputLocation{file.string(), {}, {}, {}, {}}, std::string("cannot rename into place: ") + std::strerror(err));
    }
}

} // namespace roofline
