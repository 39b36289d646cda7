#pragma once
// One row of a results file read into a Measurement (measurements.cpp's tree and stream readers share it), and the
// problems of many rows gathered into one error.

#include "roofline/support/errors.h"
#include "roofline/results/measurements.h"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <string>
#include <vector>

namespace roofline::detail {

inline constexpr std::size_t kMaxReportedProblems = 10;

// Row `row` of `source`; an InputError names the row and the field.
Measurement read_measurement_row(const nlohmann::ordered_json& item, const std::string& source, std::size_t row);

// The rows' problems, kept as they come: every one counted, the first few kept for the message.
class RowProblems {
public:
    void add(const InputError& e)
    {
        if (kept_.size() <= kMaxReportedProblems)
            kept_.push_back(e);
        ++count_;
    }
    // Another part's problems, after these.
    void add(const RowProblems& later)
    {
        for (const InputError& e : later.kept_) {
            if (kept_.size() <= kMaxReportedProblems)
                kept_.push_back(e);
        }
        count_ += later.count_;
    }
    // Throws every bad row (up to a limit) at once, located at the first.
    void throw_if_any() const
    {
        if (kept_.empty())
            return;
        std::string message = kept_.front().problem();
        if (count_ > 1) {
            message += "\n" + std::to_string(count_ - 1) + " more problem(s):";
            for (std::size_t i = 1; i < kept_.size(); ++i)
                message += "\n  " + std::string(kept_[i].what());
            if (count_ > kMaxReportedProblems + 1)
                message += "\n  …";
        }
        throw InputError(kept_.front().where(), message);
    }

private:
    std::vector<InputError> kept_;
    std::size_t count_ = 0;
};

// The top-level fields of {"hardware_key": …, "meta": …, "benchmarks": […], …} other than the list, into `set`.
void read_top_level(const nlohmann::ordered_json& doc, const std::string& list_field, MeasurementSet& set);

// The document's layout: each check throws the error its reader reports.
void check_list(const nlohmann::ordered_json& list, const std::string& source, const std::string& list_field);
void check_not_empty(std::size_t rows, const std::string& source, const std::string& list_field);
InputError missing_list(const std::string& source);
InputError not_a_results_document(const std::string& source, const nlohmann::ordered_json& doc);

} // namespace roofline::detail
