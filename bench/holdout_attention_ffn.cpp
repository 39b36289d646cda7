#include "holdout_attention_ffn.h"

#include "roofline/calibration/calibration.h"
#include "roofline/hardware/hardware_registry.h"
#include "roofline/calibration/holdout.h"
#include "roofline/results/measurement_extra.h"
#include "roofline/results/reports.h"
#include "roofline/results/validation.h"

#include <cstdio>
#include <map>
#include <vector>

using namespace roofline;

namespace {

constexpr double kTargetMeanPct = 10, kTargetGreenPct = 80;

// decode: one query a sequence (attention) or at most 256 tokens (FFN, a decode step's batch); else prefill. The
// elementwise kinds are one group each ("-").
const char* phase_of(const Measurement& m)
{
    if (const auto* a = std::get_if<AttentionShape>(&m.shape))
        return a->query_len == 1 ? "decode" : "prefill";
    if (const auto* f = std::get_if<FfnShape>(&m.shape))
        return f->tokens <= 256 ? "decode" : "prefill";
    return "-";
}

// The kinds with terms of their own (attention, FFN) and the elementwise ones the plugins run.
bool has_own_terms(const Measurement& m)
{
    const KernelType k = m.kernel();
    return k != KernelType::GEMV && k != KernelType::GEMM && k != KernelType::GroupedGEMM;
}

std::string group_of(const Measurement& m)
{
    const std::string phase = phase_of(m);
    return std::string(to_string(m.kernel())) + (phase == "-" ? "" : " " + phase);
}

struct Variant {
    const char* label;
    Mode mode;
    bool calibrated;
};
constexpr Variant kVariants[] = {{"ideal (datasheet)", Mode::Ideal, false},
                                 {"refined, base profile", Mode::Refined, false},
                                 {"plan-style factor", Mode::Realistic, true},
                                 {"refined", Mode::Refined, true}};

// Signed errors [%] of each group's rows under each variant.
using GroupErrors = std::map<std::string, std::vector<std::vector<double>>>;

void predict_fold(const HardwareSpec& base, const HardwareSpec& calibrated, const MeasurementSet& held_out, GroupErrors& errors,
                  bool print_rows)
{
    for (const Measurement& m : held_out.rows) {
        auto& per_variant = errors[group_of(m)];
        per_variant.resize(std::size(kVariants));
        double refined_us = 0;
        for (std::size_t v = 0; v < std::size(kVariants); ++v) {
            const ModelOptions o{kVariants[v].mode, {}, m.cache_mode == "warm" ? CacheMode::Warm : CacheMode::Cold, false};
            const Prediction p = predict(kVariants[v].calibrated ? calibrated : base, m.shape, m.precision, o);
            per_variant[v].push_back((p.predicted_time_us - m.measured_time_us) / m.measured_time_us * 100);
            if (kVariants[v].calibrated)
                refined_us = p.predicted_time_us; // the last calibrated variant: refined
        }
        if (print_rows)
            std::printf("  %-9s %-8s %-34s %-5s %-4s %11.2f %11.2f %+8.1f  %s\n", std::string(to_string(m.kernel())).c_str(),
                        phase_of(m), format_shape(m.shape).c_str(), std::string(to_string(m.precision)).c_str(),
                        m.cache_mode.c_str(), m.measured_time_us, refined_us,
                        (refined_us - m.measured_time_us) / m.measured_time_us * 100, roofline::extra_field(m, "algorithm", std::string()).c_str());
    }
}

double green_pct(const ErrorSummary& s)
{
    return s.count ? 100.0 * static_cast<double>(s.green) / static_cast<double>(s.count) : 0;
}

// Prints one table; true when every group's refined errors meet the targets.
bool print_table(const char* title, const GroupErrors& errors)
{
    std::printf("\n%s\n%-18s %-22s %5s %9s %9s %9s %8s\n", title, "kernel phase", "model", "rows", "mean |e|", "median", "max",
                "% green");
    bool met = true;
    for (const auto& [group, per_variant] : errors) {
        for (std::size_t v = 0; v < per_variant.size(); ++v) {
            const ErrorSummary s = summarize(per_variant[v]);
            std::printf("%-18s %-22s %5zu %9.1f %9.1f %9.1f %8.0f\n", v == 0 ? group.c_str() : "", kVariants[v].label, s.count,
                        s.mean_abs_error_pct, s.median_abs_error_pct, s.max_abs_error_pct, green_pct(s));
            if (kVariants[v].mode == Mode::Refined && kVariants[v].calibrated)
                met = met && s.mean_abs_error_pct <= kTargetMeanPct && green_pct(s) >= kTargetGreenPct;
        }
    }
    return met;
}

CalibrationResult calibrate_on(const HardwareSpec& base, const MeasurementSet& rows, const std::string& label)
{
    CalibrationOptions options;
    options.key = base.key + "_llm_holdout";
    options.run_label = label;
    return calibrate(base, rows, nullptr, options);
}

} // namespace

int attention_ffn_holdout(const std::vector<std::string>& results_files, const std::string& base_key, bool print_rows)
{
    const HardwareRegistry registry = HardwareRegistry::presets();
    const HardwareSpec& base = registry.get(base_key);
    std::vector<MeasurementSet> sets;
    std::string results_file;
    for (const std::string& file : results_files) {
        sets.push_back(load_measurements(file));
        results_file += (results_file.empty() ? "" : " + ") + file;
    }
    MeasurementSet all = merge_measurements(sets);
    std::erase_if(all.rows, [](const Measurement& m) { return !has_own_terms(m); });
    const auto [first_half, second_half] = split_by_shape(all);
    std::printf("Attention, FFN and the elementwise kinds held out by shape on %s: %s, %zu + %zu rows.\n", base.name.c_str(), results_file.c_str(),
                first_half.rows.size(), second_half.rows.size());

    const CalibrationResult on_first = calibrate_on(base, first_half, "first half of " + results_file);
    const CalibrationResult on_second = calibrate_on(base, second_half, "second half of " + results_file);
    for (const auto& [label, fit] : {std::pair{"fold 1", &on_first}, std::pair{"fold 2", &on_second}}) {
        for (const std::string& line : fit->log)
            std::printf("  %s calibration: %s\n", label, line.c_str());
    }
    GroupErrors fold1, fold2, both;
    if (print_rows)
        std::printf("\nHeld-out rows, refined\n  %-9s %-8s %-34s %-5s %-4s %11s %11s %8s  %s\n", "kernel", "phase", "shape", "prec",
                    "cache", "measured_us", "refined_us", "error_%", "algorithm");
    predict_fold(base, on_first.profile, second_half, fold1, print_rows);
    predict_fold(base, on_second.profile, first_half, fold2, print_rows);
    for (const GroupErrors* fold : {&fold1, &fold2}) {
        for (const auto& [group, per_variant] : *fold) {
            auto& into = both[group];
            into.resize(per_variant.size());
            for (std::size_t v = 0; v < per_variant.size(); ++v)
                into[v].insert(into[v].end(), per_variant[v].begin(), per_variant[v].end());
        }
    }
    const bool met1 = print_table("Fold 1: calibrated on the first half, predicting the second (|error| in %)", fold1);
    const bool met2 = print_table("Fold 2: calibrated on the second half, predicting the first", fold2);
    print_table("Both folds together", both);
    std::printf("\nTargets (refined, each kernel and phase, each fold: mean |error| <= %.0f %%, >= %.0f %% green): %s\n",
                kTargetMeanPct, kTargetGreenPct, met1 && met2 ? "met" : "NOT met");
    return met1 && met2 ? 0 : 1;
}
