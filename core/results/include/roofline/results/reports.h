#pragma once

#include "roofline/support/number_format.h"
#include "roofline/results/validation.h"

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace roofline {

// RFC 4180: a field with a comma, a double quote, CR or LF is quoted and its quotes doubled.
std::string csv_field(std::string_view value);
// One record, fields joined by commas, ended by CRLF.
std::string csv_record(const std::vector<std::string>& fields);

// Header then one record per row (kernel, shape as 4096x4096x4096, precision, predicted µs, measured µs,
// error %, band, bottleneck, …). With `with_summary`, a blank line then "metric,value" records follow.
// `calibrated`, a report on the same rows against a calibrated profile, adds its time, error and band per row
// (calibrated_*) and its summary.
std::string validation_csv(const ValidationReport& report, bool with_summary = false,
                           const ValidationReport* calibrated = nullptr);

nlohmann::ordered_json validation_json(const ValidationReport& report);

// The model_step rows of a report as CSV (RFC 4180); validation_csv appends it after the kernel rows.
std::string step_validation_csv(const ValidationReport& report);
nlohmann::ordered_json summary_json(const ErrorSummary& summary);
// Every field of a prediction (and its breakdown, when it has one), as the CLI and the reports write it.
nlohmann::ordered_json prediction_json(const Prediction& prediction);

} // namespace roofline
