#include "roofline/results/validation.h"

#include "roofline/support/errors.h"
#include "roofline/workloads/model_library.h"

#include "roofline/support/stats.h"

#include <algorithm>
#include <cmath>
#include <exception>
#include <memory>
#include <optional>
#include <thread>
#include <numeric>
#include <utility>

namespace roofline {

std::string_view to_string(Band b)
{
    switch (b) {
    case Band::Green: return "green";
    case Band::Yellow: return "yellow";
    case Band::Red: return "red";
    }
    return "?";
}

Band band_of(double abs_error_pct)
{
    if (abs_error_pct < 10)
        return Band::Green;
    if (abs_error_pct <= 25)
        return Band::Yellow;
    return Band::Red;
}

ErrorSummary summarize(const std::vector<double>& signed_errors_pct)
{
    ErrorSummary s;
    s.count = signed_errors_pct.size();
    if (s.count == 0)
        return s;
    std::vector<double> abs_errors;
    abs_errors.reserve(s.count);
    for (double e : signed_errors_pct) {
        abs_errors.push_back(std::fabs(e));
        switch (band_of(std::fabs(e))) {
        case Band::Green: ++s.green; break;
        case Band::Yellow: ++s.yellow; break;
        case Band::Red: ++s.red; break;
        }
    }
    s.mean_abs_error_pct = std::accumulate(abs_errors.begin(), abs_errors.end(), 0.0) / static_cast<double>(s.count);
    s.mean_signed_error_pct = std::accumulate(signed_errors_pct.begin(), signed_errors_pct.end(), 0.0) / static_cast<double>(s.count);
    s.max_abs_error_pct = *std::max_element(abs_errors.begin(), abs_errors.end());
    s.median_abs_error_pct = detail::median(std::move(abs_errors));
    return s;
}

namespace {

// The row in `mode`: the roofline in Ideal and Realistic mode, the terms on top of it in Refined mode.
Prediction predict_row(const HardwareSpec& hw, const Measurement& m, Mode mode, const ModelTerms& terms, const GemmMenus* menus)
{
    if (mode != Mode::Refined) {
        // The roof a realistic factor is held at: a row of unknown cache state may have run warm from L2 (the plan's
        // seed rows are repeated runs on one input; its 16.8 MB FP8 GEMV read 482 GB/s on a 273 GB/s memory).
        const CacheMode roof_cache = m.cache_mode == "cold" ? CacheMode::Cold : CacheMode::Warm;
        return compute_roofline(hw, workload(m.shape, m.precision), m.precision, m.kernel(), mode, roof_cache);
    }
    const CacheMode cache = m.cache_mode == "warm" ? CacheMode::Warm : CacheMode::Cold;
    ModelOptions options{Mode::Refined, terms, cache, false, menus};
    options.engine_choices = false; // the library's own kernel for the row's exact shape, as it was measured
    return predict(hw, m.shape, m.precision, options);
}

// One measured row against its prediction in `mode`.
ValidationRow validate_row(const HardwareSpec& hw, const Measurement& m, Mode mode, const ModelTerms& terms,
                           const GemmMenus* menus)
{
    ValidationRow row;
    row.measurement = m;
    try {
        row.prediction = std::make_shared<const Prediction>(predict_row(hw, m, mode, terms, menus));
    } catch (const InputError& e) {
        row.reason = "cannot predict: " + e.problem();
    }
    if (m.status != RowStatus::Ok) {
        row.reason = "not measured: " + std::string(to_string(m.status)) + (m.reason.empty() ? "" : " (" + m.reason + ")");
    }
    if (row.compared()) {
        const double predicted = row.prediction->predicted_time_us;
        row.error_pct = (predicted - m.measured_time_us) / m.measured_time_us * 100;
        row.abs_error_pct = std::fabs(row.error_pct);
        row.band = band_of(row.abs_error_pct);
    }
    return row;
}

// From this many rows on, the rows are validated on several threads, each a contiguous part of them, and GEMMs
// read their class's menu (GemmMenus) instead of the profile's table.
constexpr std::size_t kParallelRows = 4096;
constexpr unsigned kMaxThreads = 8;

void validate_rows(const HardwareSpec& hw, const std::vector<Measurement>& measured, Mode mode, const ModelTerms& terms,
                   std::vector<ValidationRow>& rows)
{
    rows.resize(measured.size());
    // Working out every class's menu costs about what reading the table for 900 GEMMs does: worth it for a big set
    // only (the Benchmark tab revalidates its few rows after every case).
    std::optional<GemmMenus> menus;
    if (measured.size() >= kParallelRows)
        menus.emplace(hw.gemm_configs);
    const GemmMenus* menus_or_none = menus ? &*menus : nullptr;
    const auto part = [&](std::size_t begin, std::size_t end) {
        for (std::size_t i = begin; i < end; ++i)
            rows[i] = validate_row(hw, measured[i], mode, terms, menus_or_none);
    };
    const unsigned threads = measured.size() < kParallelRows ? 1u
                                                             : std::clamp(std::thread::hardware_concurrency(), 1u, kMaxThreads);
    if (threads == 1) {
        part(0, measured.size());
        return;
    }
    std::vector<std::thread> workers;
    std::vector<std::exception_ptr> failures(threads);
    const std::size_t per_thread = (measured.size() + threads - 1) / threads;
    for (unsigned t = 0; t < threads; ++t) {
        const std::size_t begin = std::min(measured.size(), t * per_thread);
        const std::size_t end = std::min(measured.size(), begin + per_thread);
        workers.emplace_back([&, t, begin, end] {
            try {
                part(begin, end);
            } catch (...) {
                failures[t] = std::current_exception();
            }
        });
    }
    for (auto& worker : workers)
        worker.join();
    for (const auto& failure : failures) {
        if (failure)
            std::rethrow_exception(failure);
    }
}

} // namespace

ValidationReport validate(const HardwareSpec& hw, const MeasurementSet& set, Mode mode, const ModelTerms& terms)
{
    ValidationReport report;
    report.hardware_key = hw.key;
    report.hardware_name = hw.name;
    report.mode = mode;
    report.terms = terms;
    report.source = set.source;
    report.hardware = std::make_shared<const HardwareSpec>(hw);
    validate_rows(hw, set.rows, mode, terms, report.rows);

    std::vector<double> errors;
    std::map<std::pair<KernelType, Precision>, std::vector<double>> group_errors;
    for (const ValidationRow& row : report.rows) {
        if (row.compared()) {
            errors.push_back(row.error_pct);
            group_errors[{row.measurement.kernel(), row.measurement.precision}].push_back(row.error_pct);
        } else {
            ++report.not_compared;
        }
    }
    report.summary = summarize(errors);
    for (const auto& [group, values] : group_errors)
        report.per_group[group] = summarize(values);
    report.steps = validate_steps(hw, set.steps, mode, terms);
    std::vector<double> step_errors;
    for (const StepValidationRow& row : report.steps) {
        if (row.compared())
            step_errors.push_back(row.error_pct);
        else
            ++report.steps_not_compared;
    }
    report.step_summary = summarize(step_errors);
    return report;
}

std::shared_ptr<const Prediction> ValidationReport::prediction_in(const ValidationRow& row, Mode in) const
{
    if (in == mode)
        return row.prediction;
    if (!hardware)
        return nullptr;
    try {
        return std::make_shared<const Prediction>(predict_row(*hardware, row.measurement, in, terms, nullptr));
    } catch (const InputError&) {
        return nullptr;
    }
}

std::vector<StepValidationRow> validate_steps(const HardwareSpec& hw, const std::vector<StepMeasurement>& steps, Mode mode,
                                              const ModelTerms& terms)
{
    std::map<std::string, ModelDescription> models;
    std::map<std::string, std::string> refused;
    std::vector<StepValidationRow> rows;
    StepOptions options;
    options.model = ModelOptions{mode, terms, CacheMode::Cold, false};
    for (const StepMeasurement& m : steps) {
        StepValidationRow row;
        row.measurement = m;
        row.measured_time_us = m.measured_run_time_us();
        row.measured_tokens_per_s = m.measured_tokens_per_s.value_or(
            row.measured_time_us > 0 ? static_cast<double>(m.tokens()) / (row.measured_time_us * 1e-6) : 0);
        if (!models.count(m.model) && !refused.count(m.model)) {
            try {
                models.emplace(m.model, load_model(m.model));
            } catch (const InputError& e) {
                refused.emplace(m.model, e.what());
            }
        }
        if (const auto it = refused.find(m.model); it != refused.end()) {
            row.reason = "cannot predict: " + it->second + (m.match_note.empty() ? "" : " (" + m.match_note + ")");
        } else {
            const ModelDescription& model = models.at(m.model);
            row.model_name = model.name;
            try {
                row.predicted = predict_run(model, hw, options, m);
                row.error_pct = (row.predicted->time_us - row.measured_time_us) / row.measured_time_us * 100;
                row.abs_error_pct = std::fabs(row.error_pct);
                row.band = band_of(row.abs_error_pct);
            } catch (const InputError& e) {
                row.reason = "cannot predict: " + e.problem();
            }
        }
        rows.push_back(std::move(row));
    }
    return rows;
}

} // namespace roofline
