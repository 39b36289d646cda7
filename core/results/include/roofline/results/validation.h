#pragma once

#include "roofline/model/calculator.h"
#include "roofline/model/hardware.h"
#include "roofline/results/measurements.h"
#include "roofline/results/run_prediction.h"

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace roofline {

// The plan's colour bands on |error|: green < 10 %, yellow 10–25 %, red > 25 %.
enum class Band { Green, Yellow, Red };
std::string_view to_string(Band b);
Band band_of(double abs_error_pct);

struct ValidationRow {
    Measurement measurement;
    // In the report's mode; null when the row cannot be predicted. Never changed once made, so a copied report
    // shares it. The other modes are worked out when asked (ValidationReport::prediction_in): a report of half a
    // million rows that kept all three would hold 372 MB of them, and predicting them cost more than the validation.
    std::shared_ptr<const Prediction> prediction;
    // Against the prediction of the report's mode. error = (predicted - measured) / measured × 100.
    double error_pct = 0;
    double abs_error_pct = 0;
    Band band = Band::Red;
    // Why the row has no error: it cannot be predicted ("b10 has no peak for FP4") or was not measured
    // ("unsupported: …"). Empty for a compared row.
    std::string reason;

    bool compared() const { return reason.empty(); }
};

// A measured model run against predict_run in the report's mode. error = (predicted − measured) time / measured.
struct StepValidationRow {
    StepMeasurement measurement;
    std::optional<RunPrediction> predicted;
    std::string model_name;          // the description the run was predicted with
    double measured_time_us = 0;     // [µs] the run
    double measured_tokens_per_s = 0;
    double error_pct = 0;
    double abs_error_pct = 0;
    Band band = Band::Red;
    std::string reason;              // why not compared ("cannot predict: …"); empty when compared

    bool compared() const { return reason.empty(); }
};

struct ErrorSummary {
    std::size_t count = 0;          // rows compared
    double mean_abs_error_pct = 0;
    double median_abs_error_pct = 0;
    double max_abs_error_pct = 0;
    double mean_signed_error_pct = 0; // > 0: the model predicts slower than measured on average
    std::size_t green = 0;
    std::size_t yellow = 0;
    std::size_t red = 0;
};

struct ValidationReport {
    std::string hardware_key;
    std::string hardware_name;
    Mode mode = Mode::Realistic;
    ModelTerms terms;                       // the Refined mode's terms
    std::string source;
    std::vector<ValidationRow> rows;        // every input row, in input order
    ErrorSummary summary;                   // over compared rows
    std::size_t not_compared = 0;           // rows with a reason
    std::map<std::pair<KernelType, Precision>, ErrorSummary> per_group;
    std::vector<StepValidationRow> steps;   // the model_step rows, in input order
    ErrorSummary step_summary;              // over compared step rows (kept apart from the kernels')
    std::size_t steps_not_compared = 0;
    std::shared_ptr<const HardwareSpec> hardware; // what the rows were predicted on; null in an empty report

    // One of the rows in `mode` (Refined with the report's terms and the row's cache mode), worked out now unless
    // it is the report's own. Null when the row cannot be predicted in that mode.
    std::shared_ptr<const Prediction> prediction_in(const ValidationRow& row, Mode mode) const;
};

// The plan's /api/validate as a core function. Never drops a row. Each row is predicted in `mode` (Refined with
// `terms` and the row's own cache mode) and its error and band are against that prediction.
ValidationReport validate(const HardwareSpec& hw, const MeasurementSet& set, Mode mode, const ModelTerms& terms = {});

ErrorSummary summarize(const std::vector<double>& signed_errors_pct);

// The model_step rows alone (validate runs this for a set's steps). Each row's model is loaded once (a built-in,
// a config.json or a GGUF file); a model that cannot be loaded leaves its rows uncompared with the reason.
std::vector<StepValidationRow> validate_steps(const HardwareSpec& hw, const std::vector<StepMeasurement>& steps, Mode mode,
                                              const ModelTerms& terms = {});

} // namespace roofline
