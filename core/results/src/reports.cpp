#include "roofline/results/reports.h"

#include "roofline/model/kernel_case.h"

#include <cmath>
#include <cstdio>

namespace roofline {

using nlohmann::ordered_json;

std::string csv_field(std::string_view value)
{
    if (value.find_first_of(",\"\r\n") == std::string_view::npos)
        return std::string(value);
    std::string out = "\"";
    for (char c : value) {
        if (c == '"')
            out += '"';
        out += c;
    }
    out += '"';
    return out;
}

std::string csv_record(const std::vector<std::string>& fields)
{
    std::string out;
    for (std::size_t i = 0; i < fields.size(); ++i) {
        if (i)
            out += ',';
        out += csv_field(fields[i]);
    }
    out += "\r\n";
    return out;
}

namespace {

std::string integer(double value)
{
    return format_number(std::round(value), 0);
}

} // namespace

std::string validation_csv(const ValidationReport& report, bool with_summary, const ValidationReport* calibrated)
{
    // Only a report on the very same rows can be put beside this one.
    if (calibrated && calibrated->rows.size() != report.rows.size())
        calibrated = nullptr;
    std::vector<std::string> header = {"kernel", "shape", "precision", "cache_mode", "mode", "predicted_time_us",
                                       "measured_time_us", "error_pct", "abs_error_pct", "band", "bottleneck",
                                       "ideal_time_us", "realistic_time_us", "efficiency_factor", "ai", "critical_ai",
                                       "flops", "bytes", "predicted_tflops", "measured_tflops", "gemm_library", "gemm_tile",
                                       "split_k", "cudnn_version", "engine_id", "note"};
    if (calibrated) {
        for (const char* field : {"calibrated_profile", "calibrated_mode", "calibrated_time_us", "calibrated_error_pct", "calibrated_band"})
            header.emplace_back(field);
    }
    std::string out = csv_record(header);
    for (std::size_t i = 0; i < report.rows.size(); ++i) {
        const ValidationRow& row = report.rows[i];
        const Measurement& m = row.measurement;
        const Prediction* p = row.prediction.get();
        const auto realistic = report.prediction_in(row, Mode::Realistic);
        const auto [kernel, shape, precision] = case_columns(m.shape, m.precision);
        std::vector<std::string> f = {
            kernel, shape, precision, m.cache_mode, std::string(to_string(report.mode)),
            p ? format_number(p->predicted_time_us) : "",
            m.measured_time_us > 0 ? format_number(m.measured_time_us) : "",
            row.compared() ? format_number(row.error_pct, 2) : "",
            row.compared() ? format_number(row.abs_error_pct, 2) : "",
            row.compared() ? std::string(to_string(row.band)) : "",
            p ? std::string(to_string(p->bottleneck)) : "",
            p ? format_number(p->ideal_time_us) : "", // the pure roofline, which every mode's prediction carries
            realistic ? format_number(realistic->predicted_time_us) : "",
            p ? format_number(p->efficiency_factor, 4) : "",
            p ? format_number(p->ai, 4) : "",
            p ? format_number(p->critical_ai, 4) : "",
            p ? integer(static_cast<double>(p->flops)) : "",
            p ? integer(p->bytes) : "",
            p ? format_number(p->predicted_tflops, 4) : "",
            m.measured_time_us > 0 ? format_number(m.measured_tflops, 4) : "",
            m.gemm_config.known() ? std::string(to_string(m.gemm_config.library)) : "",
            tile_text(m.gemm_config),
            m.gemm_config.split_k > 0 ? std::to_string(m.gemm_config.split_k) : "",
            m.extra.contains("cudnn_version") && m.extra.at("cudnn_version").is_string() ? m.extra.at("cudnn_version").get<std::string>() : "",
            m.extra.contains("engine_id") && m.extra.at("engine_id").is_number_integer() ? std::to_string(m.extra.at("engine_id").get<int64_t>()) : "",
            row.reason.empty() && p && p->faster_than_roofline ? "efficiency above 1: faster than the roofline" : row.reason,
        };
        if (calibrated) {
            const ValidationRow& c = calibrated->rows[i];
            const Prediction* cp = c.prediction.get();
            f.insert(f.end(), {calibrated->hardware_key, std::string(to_string(calibrated->mode)),
                               cp ? format_number(cp->predicted_time_us) : "", c.compared() ? format_number(c.error_pct, 2) : "",
                               c.compared() ? std::string(to_string(c.band)) : ""});
        }
        out += csv_record(f);
    }
    if (!report.steps.empty()) {
        if (!report.rows.empty())
            out += "\r\n";
        out += step_validation_csv(report);
    }
    if (with_summary) {
        const ErrorSummary& s = report.summary;
        out += "\r\n";
        out += csv_record({"metric", "value"});
        out += csv_record({"hardware", report.hardware_key});
        out += csv_record({"mode", std::string(to_string(report.mode))});
        out += csv_record({"rows_compared", std::to_string(s.count)});
        out += csv_record({"rows_not_compared", std::to_string(report.not_compared)});
        out += csv_record({"mean_abs_error_pct", format_number(s.mean_abs_error_pct, 2)});
        out += csv_record({"median_abs_error_pct", format_number(s.median_abs_error_pct, 2)});
        out += csv_record({"max_abs_error_pct", format_number(s.max_abs_error_pct, 2)});
        out += csv_record({"green_rows", std::to_string(s.green)});
        out += csv_record({"yellow_rows", std::to_string(s.yellow)});
        out += csv_record({"red_rows", std::to_string(s.red)});
        if (calibrated) {
            const ErrorSummary& c = calibrated->summary;
            out += csv_record({"calibrated_profile", calibrated->hardware_key});
            out += csv_record({"calibrated_mode", std::string(to_string(calibrated->mode))});
            out += csv_record({"calibrated_mean_abs_error_pct", format_number(c.mean_abs_error_pct, 2)});
            out += csv_record({"calibrated_median_abs_error_pct", format_number(c.median_abs_error_pct, 2)});
            out += csv_record({"calibrated_green_rows", std::to_string(c.green)});
            out += csv_record({"calibrated_yellow_rows", std::to_string(c.yellow)});
            out += csv_record({"calibrated_red_rows", std::to_string(c.red)});
        }
    }
    return out;
}

std::string step_validation_csv(const ValidationReport& report)
{
    std::string out = csv_record({"model", "phase", "batch", "prompt_tokens", "gen_tokens", "context_depth", "weights", "kv",
                                  "mode", "predicted_time_us", "measured_time_us", "predicted_tokens_per_s",
                                  "measured_tokens_per_s", "error_pct", "band", "engine", "engine_version", "note"});
    for (const StepValidationRow& row : report.steps) {
        const StepMeasurement& m = row.measurement;
        out += csv_record({row.model_name.empty() ? m.model : row.model_name, std::string(to_string(m.kind)), std::to_string(m.batch),
                           std::to_string(m.prompt_tokens), std::to_string(m.gen_tokens), std::to_string(m.context_depth), m.weights,
                           std::string(to_string(m.kv_cache)), std::string(to_string(report.mode)),
                           row.predicted ? format_number(row.predicted->time_us) : "", format_number(row.measured_time_us),
                           row.predicted ? format_number(row.predicted->tokens_per_s, 2) : "",
                           format_number(row.measured_tokens_per_s, 2), row.compared() ? format_number(row.error_pct, 2) : "",
                           row.compared() ? std::string(to_string(row.band)) : "", m.engine, m.engine_version,
                           row.compared() ? m.match_note : row.reason});
    }
    return out;
}

ordered_json summary_json(const ErrorSummary& s)
{
    ordered_json out;
    out["count"] = s.count;
    out["mean_abs_error_pct"] = s.mean_abs_error_pct;
    out["median_abs_error_pct"] = s.median_abs_error_pct;
    out["max_abs_error_pct"] = s.max_abs_error_pct;
    out["mean_signed_error_pct"] = s.mean_signed_error_pct;
    out["green"] = s.green;
    out["yellow"] = s.yellow;
    out["red"] = s.red;
    return out;
}

ordered_json prediction_json(const Prediction& p)
{
    ordered_json out;
    out["mode"] = std::string(to_string(p.mode));
    out["predicted_time_us"] = p.predicted_time_us;
    out["ideal_time_us"] = p.ideal_time_us;
    out["t_math_us"] = p.t_math_us;
    out["t_mem_us"] = p.t_mem_us;
    out["predicted_tflops"] = p.predicted_tflops;
    out["effective_tflops"] = p.effective_tflops;
    out["ai"] = p.ai;
    out["critical_ai"] = p.critical_ai;
    out["bottleneck"] = std::string(to_string(p.bottleneck));
    out["efficiency_factor"] = p.efficiency_factor;
    out["faster_than_roofline"] = p.faster_than_roofline;
    out["flops"] = p.flops;
    out["bytes"] = p.bytes;
    if (p.mode == Mode::Refined) {
        out["compute_efficiency"] = p.compute_efficiency;
        out["memory_efficiency"] = p.memory_efficiency;
        out["wave_efficiency"] = p.wave_efficiency;
        out["launch_us"] = p.launch_us;
    }
    if (!p.breakdown.empty()) {
        ordered_json terms = ordered_json::array();
        for (const Term& t : p.breakdown)
            terms.push_back({{"term", t.name}, {"time_us", t.time_us}, {"detail", t.detail}});
        out["breakdown"] = terms;
    }
    if (p.capped_at_roof)
        out["capped_at_roof"] = true;
    if (!p.notes.empty())
        out["notes"] = p.notes;
    return out;
}

namespace {

// A kernel row's or a model run's error and band, or why it has none.
template <class Row>
void write_comparison(ordered_json& out, const Row& row)
{
    if (row.compared()) {
        out["error_pct"] = row.error_pct;
        out["abs_error_pct"] = row.abs_error_pct;
        out["band"] = std::string(to_string(row.band));
    } else {
        out["reason"] = row.reason;
    }
}

} // namespace

ordered_json validation_json(const ValidationReport& report)
{
    ordered_json out;
    out["hardware_key"] = report.hardware_key;
    out["hardware_name"] = report.hardware_name;
    out["mode"] = std::string(to_string(report.mode));
    out["source"] = report.source;
    ordered_json rows = ordered_json::array();
    for (const auto& row : report.rows) {
        const Measurement& m = row.measurement;
        ordered_json r;
        write_case_json(r, m.shape, m.precision);
        if (m.measured_time_us > 0)
            r["measured_time_us"] = m.measured_time_us;
        if (const Prediction* p = row.prediction.get())
            r["predicted_time_us"] = p->predicted_time_us;
        write_comparison(r, row);
        if (const auto ideal = report.prediction_in(row, Mode::Ideal))
            r["ideal"] = prediction_json(*ideal);
        if (const auto realistic = report.prediction_in(row, Mode::Realistic))
            r["realistic"] = prediction_json(*realistic);
        rows.push_back(r);
    }
    out["results"] = rows;
    ordered_json summary = summary_json(report.summary);
    summary["not_compared"] = report.not_compared;
    ordered_json groups = ordered_json::array();
    for (const auto& [group, s] : report.per_group) {
        ordered_json g;
        g["kernel_type"] = std::string(to_string(group.first));
        g["precision"] = std::string(to_string(group.second));
        g.update(summary_json(s));
        groups.push_back(g);
    }
    summary["per_kernel_precision"] = groups;
    out["summary"] = summary;
    if (!report.steps.empty()) {
        ordered_json steps = ordered_json::array();
        for (const StepValidationRow& row : report.steps) {
            ordered_json r = step_measurement_to_json(row.measurement);
            r["model_name"] = row.model_name;
            r["measured_run_time_us"] = row.measured_time_us;
            r["measured_run_tokens_per_s"] = row.measured_tokens_per_s;
            if (row.predicted) {
                r["predicted_time_us"] = row.predicted->time_us;
                r["predicted_tokens_per_s"] = row.predicted->tokens_per_s;
                r["predicted_prefill_us"] = row.predicted->prefill_us;
                r["predicted_decode_us"] = row.predicted->decode_us;
            }
            write_comparison(r, row);
            steps.push_back(r);
        }
        out["model_steps"] = steps;
        ordered_json step_summary = summary_json(report.step_summary);
        step_summary["not_compared"] = report.steps_not_compared;
        out["model_step_summary"] = step_summary;
    }
    return out;
}

} // namespace roofline
