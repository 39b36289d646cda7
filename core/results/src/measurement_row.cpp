#include "measurement_row.h"

#include "roofline/model/gemm_config.h"
#include "roofline/model/kernel_case.h"

#include "roofline/support/json_util.h"

#include <algorithm>
#include <array>
#include <string_view>

namespace roofline::detail {

using nlohmann::ordered_json;

namespace {


// Fields this reader understands (a case's, and these); everything else in a row is kept in `extra`.
constexpr std::array<std::string_view, 8> kRowOnlyFields = {"status", "reason", "measured_time_us", "measured_tflops",
                                                           "measured_bandwidth_gb_s", "ai", "cache_mode", "gemm_config"};

bool is_row_field(std::string_view field)
{
    // A scan of 17 short names: cheaper, row after row, than a set's string comparisons.
    return std::find(kRowOnlyFields.begin(), kRowOnlyFields.end(), field) != kRowOnlyFields.end()
        || std::find(kCaseFields.begin(), kCaseFields.end(), field) != kCaseFields.end();
}

// The row's location, built once: at() moves its field (a big file reads half a million rows).
class RowReader {
public:
    RowReader(const std::string& source, std::size_t row) : where_{source, {}, {}, row, {}} {}

    const InputLocation& at(std::string_view field) const
    {
        where_.field = field;
        return where_;
    }
    std::size_t row() const { return *where_.row; }

private:
    mutable InputLocation where_;
};

// The field's value, or null when the row has none (one scan of the row).
const ordered_json* field_of(const ordered_json& item, const char* name)
{
    const auto it = item.find(name);
    return it == item.end() ? nullptr : &*it;
}

Measurement read_row(const ordered_json& item, const RowReader& r)
{
    if (!item.is_object())
        throw InputError(r.at(""), "expected an object, got " + json_type_name(item));
    Measurement m;
    m.row_index = r.row();

    const KernelCase c = read_case_json(item, [&r](const std::string& field) { return r.at(field); });
    m.shape = c.shape;
    m.precision = c.precision;
    const Workload work = workload(m.shape, m.precision);

    if (const ordered_json* status_field = field_of(item, "status")) {
        const std::string status = read_string(*status_field, r.at("status"));
        const auto parsed = parse_row_status(status);
        if (!parsed)
            throw InputError(r.at("status"), "unknown status '" + status
                                                 + "' (known: ok, unsupported, skipped, failed, wrong_result, cancelled)");
        m.status = *parsed;
    }
    if (const ordered_json* reason = field_of(item, "reason"))
        m.reason = read_string(*reason, r.at("reason"));
    if (const ordered_json* cache_mode = field_of(item, "cache_mode")) {
        m.cache_mode = read_string(*cache_mode, r.at("cache_mode"));
        if (m.cache_mode != "cold" && m.cache_mode != "warm")
            throw InputError(r.at("cache_mode"), "expected \"cold\" or \"warm\", got \"" + m.cache_mode + "\"");
    }

    const ordered_json* time = field_of(item, "measured_time_us");
    if (m.status == RowStatus::Ok || time) {
        if (!time)
            throw InputError(r.at("measured_time_us"), "missing (the measured time in microseconds)");
        m.measured_time_us = read_positive_number(*time, r.at("measured_time_us"));
        const double seconds = m.measured_time_us * 1e-6;
        const ordered_json* tflops = field_of(item, "measured_tflops");
        m.measured_tflops = tflops ? read_non_negative_number(*tflops, r.at("measured_tflops"))
                                   : static_cast<double>(work.flops) / seconds / 1e12;
        const ordered_json* bandwidth = field_of(item, "measured_bandwidth_gb_s");
        m.measured_bandwidth_gb_s = bandwidth ? read_non_negative_number(*bandwidth, r.at("measured_bandwidth_gb_s"))
                                              : work.bytes / seconds / 1e9;
    }
    const ordered_json* ai = field_of(item, "ai");
    // An embedding gather computes nothing: its arithmetic intensity is 0.
    m.ai = ai ? read_non_negative_number(*ai, r.at("ai")) : static_cast<double>(work.flops) / work.bytes;

    if (const ordered_json* config = field_of(item, "gemm_config"))
        m.gemm_config = read_gemm_config_json(*config, [&r](const std::string& field) { return r.at(field); });
    else if (const ordered_json* algorithm = field_of(item, "algorithm"); algorithm && algorithm->is_string())
        m.gemm_config = parse_algorithm_text(algorithm->get<std::string>()).value_or(GemmConfig{});

    for (const auto& [field, value] : item.items()) {
        if (!is_row_field(field))
            m.extra[field] = value;
    }
    return m;
}

// Top-level fields of {"hardware_key": …, "meta": …, "benchmarks": […], …} other than the list.

} // namespace

void read_top_level(const ordered_json& doc, const std::string& list_field, MeasurementSet& set)
{
    const std::string& source = set.source;
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
            if (const auto device = value.find("device"); device != value.end() && device->is_object()) {
                if (const auto name = device->find("name"); name != device->end() && name->is_string())
                    set.device_name = name->get<std::string>();
            }
        } else {
            set.extra[field] = value;
        }
    }
}


void check_list(const ordered_json& list, const std::string& source, const std::string& list_field)
{
    if (!list.is_array())
        throw InputError(InputLocation{source, {}, {}, {}, list_field}, "expected a list, got " + json_type_name(list));
}

void check_not_empty(std::size_t rows, const std::string& source, const std::string& list_field)
{
    if (rows == 0)
        throw InputError(InputLocation{source, {}, {}, {}, list_field}, "the list is empty: nothing to validate");
}

InputError missing_list(const std::string& source)
{
    return InputError(InputLocation{source, {}, {}, {}, "benchmarks"}, "missing: expected {\"hardware_key\": …, \"benchmarks\": [ … ]}");
}

InputError not_a_results_document(const std::string& source, const ordered_json& doc)
{
    return InputError(InputLocation{source, {}, {}, {}, {}}, "expected an object with a \"benchmarks\" list, got " + json_type_name(doc));
}

Measurement read_measurement_row(const ordered_json& item, const std::string& source, std::size_t row)
{
    return read_row(item, RowReader(source, row));
}

} // namespace roofline::detail
