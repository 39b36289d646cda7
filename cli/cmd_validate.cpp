#include "commands.h"
#include "model_options.h"
#include "text_table.h"

#include "roofline/results/device_notes.h"
#include "roofline/results/llama_bench.h"
#include "roofline/results/measurements.h"
#include "roofline/results/reports.h"
#include "roofline/results/validation.h"

#include <algorithm>
#include <iostream>
#include <numeric>
#include <optional>

namespace roofline::cli {

namespace {

void print_steps(const ValidationReport& report)
{
    std::vector<std::vector<std::string>> rows;
    std::vector<std::string> notes;
    for (const StepValidationRow& row : report.steps) {
        const StepMeasurement& m = row.measurement;
        rows.push_back({row.model_name.empty() ? m.model : row.model_name, std::string(to_string(m.kind)), std::to_string(m.batch),
                        std::to_string(m.prompt_tokens), std::to_string(m.gen_tokens), std::to_string(m.context_depth), m.weights,
                        row.predicted ? format_number(row.predicted->tokens_per_s, 1) : "-",
                        format_number(row.measured_tokens_per_s, 1), row.compared() ? format_number(row.error_pct, 1) : "-",
                        row.compared() ? std::string(to_string(row.band)) : "-", m.engine + (m.engine_version.empty() ? "" : " " + m.engine_version)});
        notes.push_back(row.compared() ? m.match_note : row.reason);
    }
    std::cout << "model runs (error % of the run's time):\n";
    print_table(std::cout, {"model", "run", "batch", "prompt", "gen", "depth", "weights", "predicted tok/s", "measured tok/s",
                            "error %", "band", "engine"},
                rows, {false, false, true, true, true, true, false, true, true, true, false, false});
    for (std::size_t i = 0; i < notes.size(); ++i)
        if (!notes[i].empty())
            std::cout << "  [" << i << "] " << notes[i] << '\n';
    const ErrorSummary& s = report.step_summary;
    std::cout << s.count << " run(s) compared";
    if (report.steps_not_compared)
        std::cout << ", " << report.steps_not_compared << " not compared";
    if (s.count)
        std::cout << ": mean |error| " << format_number(s.mean_abs_error_pct, 1) << " %, max " << format_number(s.max_abs_error_pct, 1)
                  << " %; green " << s.green << ", yellow " << s.yellow << ", red " << s.red;
    std::cout << '\n';
}

// A table of every row up to this many; past it, the rows with the largest |error| (a big file's table is for a
// CSV, not a terminal).
constexpr std::size_t kAllRowsUpTo = 1000;
constexpr std::size_t kWorstRows = 50;

// The rows to print, in file order: every one, or the `limit` with the largest |error| (rows not compared after
// every compared one).
std::vector<std::size_t> rows_to_print(const ValidationReport& report, std::optional<std::size_t> limit)
{
    std::vector<std::size_t> order(report.rows.size());
    std::iota(order.begin(), order.end(), std::size_t(0));
    if (!limit || *limit >= order.size())
        return order;
    const auto worse = [&](std::size_t a, std::size_t b) {
        const ValidationRow& x = report.rows[a];
        const ValidationRow& y = report.rows[b];
        if (x.compared() != y.compared())
            return x.compared();
        return x.abs_error_pct != y.abs_error_pct ? x.abs_error_pct > y.abs_error_pct : a < b;
    };
    const auto end = order.begin() + static_cast<std::ptrdiff_t>(*limit);
    std::partial_sort(order.begin(), end, order.end(), worse);
    order.erase(end, order.end());
    std::sort(order.begin(), order.end());
    return order;
}

void print_report(const ValidationReport& report, std::optional<std::size_t> limit, const std::vector<std::string>& notes)
{
    std::cout << "Validation of " << report.source << " on " << report.hardware_key << " (" << report.hardware_name << "), "
              << to_string(report.mode) << " mode\n\n";
    for (const std::string& note : notes)
        std::cout << "note: " << note << "\n\n";
    if (report.rows.empty()) {
        print_steps(report);
        return;
    }
    const std::vector<std::size_t> shown = rows_to_print(report, limit);
    const bool some = shown.size() < report.rows.size();
    std::vector<std::vector<std::string>> rows;
    for (std::size_t i : shown) {
        const ValidationRow& row = report.rows[i];
        const Measurement& m = row.measurement;
        const Prediction* p = row.prediction.get();
        rows.push_back({std::to_string(m.row_index), std::string(to_string(m.kernel())), format_shape(m.shape), std::string(to_string(m.precision)),
                        p ? format_number(p->predicted_time_us, 2) : "-",
                        m.measured_time_us > 0 ? format_number(m.measured_time_us, 2) : "-",
                        row.compared() ? format_number(row.error_pct, 1) : "-",
                        row.compared() ? std::string(to_string(row.band)) : "-",
                        p ? std::string(to_string(p->bottleneck)) : "-",
                        row.compared() ? (p && p->faster_than_roofline ? "efficiency > 1: faster than the roofline" : "")
                                       : row.reason});
    }
    print_table(std::cout, {"row", "kernel", "shape", "precision", "predicted us", "measured us", "error %", "band", "bottleneck", "note"},
                rows, {true, false, false, false, true, true, true, false, false, false});
    if (some) {
        std::cout << "(the " << shown.size() << " of " << report.rows.size()
                  << " rows with the largest |error|, in file order: --rows all prints every one, --csv OUT writes them all)\n";
    }
    const ErrorSummary& s = report.summary;
    std::cout << "\n" << s.count << " compared";
    if (report.not_compared)
        std::cout << ", " << report.not_compared << " not compared";
    if (s.count) {
        std::cout << ": mean |error| " << format_number(s.mean_abs_error_pct, 1) << " %, median "
                  << format_number(s.median_abs_error_pct, 1) << " %, max " << format_number(s.max_abs_error_pct, 1)
                  << " %; green " << s.green << ", yellow " << s.yellow << ", red " << s.red;
    }
    std::cout << '\n';
    if (report.per_group.size() > 1) {
        std::cout << '\n';
        std::vector<std::vector<std::string>> groups;
        for (const auto& [group, g] : report.per_group) {
            groups.push_back({std::string(to_string(group.first)), std::string(to_string(group.second)), std::to_string(g.count),
                              format_number(g.mean_abs_error_pct, 1), format_number(g.median_abs_error_pct, 1),
                              format_number(g.max_abs_error_pct, 1), std::to_string(g.green), std::to_string(g.yellow),
                              std::to_string(g.red)});
        }
        print_table(std::cout, {"kernel", "precision", "rows", "mean |err| %", "median %", "max %", "green", "yellow", "red"},
                    groups, {false, false, true, true, true, true, true, true, true});
    }
    if (!report.steps.empty()) {
        std::cout << '\n';
        print_steps(report);
    }
}

// --rows: "all", or how many of the worst; by default every row of a file up to kAllRowsUpTo rows.
std::optional<std::size_t> rows_option(const ParsedArgs& args, std::size_t rows)
{
    const auto value = args.value("rows");
    if (!value)
        return rows <= kAllRowsUpTo ? std::nullopt : std::optional<std::size_t>(kWorstRows);
    if (*value == "all")
        return std::nullopt;
    return static_cast<std::size_t>(parse_int(*value, "rows", 1));
}

int run_validate(const ParsedArgs& args)
{
    const std::string file = args.positionals().at(0);
    MeasurementSet set = load_measurements(file);
    if (const auto gguf = args.value("gguf")) {
        // The GGUF file llama-bench ran: every imported test is predicted from it.
        const std::string text = read_text_file(file);
        if (!looks_like_llama_bench(text))
            throw UsageError("--gguf names the model of llama-bench output; " + file + " is not llama-bench output");
        set = parse_llama_bench(text, file, LlamaBenchOptions{*gguf});
    }
    const HardwareRegistry registry = load_registry();
    const std::string key = args.value("hardware").value_or(default_hardware_key(set));
    if (key.empty())
        throw UsageError(no_profile_message(set, "validate", "hardware", file));
    const HardwareSpec& hw = registry.get(key);
    const ValidationReport report = validate(hw, set, mode_option(args), terms_option(args));
    std::vector<std::string> notes;
    if (const auto mismatch = device_mismatch(set, hw))
        notes.push_back(mismatch->message);
    if (const auto fitted = fitted_on_these_rows(set, hw))
        notes.push_back(*fitted);

    if (const auto csv = args.value("csv"))
        write_file_atomically(*csv, validation_csv(report));
    if (args.flag("json")) {
        nlohmann::ordered_json json = validation_json(report);
        if (!notes.empty())
            json["notes"] = notes;
        std::cout << json.dump(2) << '\n';
    } else {
        print_report(report, rows_option(args, report.rows.size()), notes);
    }
    if (const auto csv = args.value("csv"); csv && !args.flag("json"))
        std::cout << "\nwrote " << *csv << '\n';
    return kExitOk;
}

} // namespace

std::string no_profile_message(const MeasurementSet& set, const std::string& command, const std::string& option,
                               const std::string& files)
{
    const bool llama_bench = set.extra.contains("imported_from") && set.extra.at("imported_from") == "llama-bench";
    const std::string rerun = "roofline " + command + " --" + option + " KEY " + files;
    const std::string what = set.device_name.empty()
                                 ? set.source + " names neither its device nor a hardware_key, so no hardware profile matches it."
                                 : set.source + " ran on " + set.device_name + (llama_bench ? " (its gpu_info)" : " (its meta.device.name)")
                                       + ", and no hardware profile matches that device.";
    return what + " Two ways on:\n"
           "  - measure that GPU's own profile on it: roofline ceilings --save-profile KEY, then " + rerun + "\n"
           "  - or choose a profile from roofline hardware list: " + rerun;
}

Command validate_command()
{
    return {{"validate", "roofline validate [--hardware KEY] FILE [--mode ideal|realistic|refined] [--rows N|all] [--csv OUT] [--json]",
             "Compares predictions with the measurements in FILE (the benchmark JSON schema, with kernel rows and model_step\n"
             "rows, or llama-bench -o json / -o jsonl output): error % per row, coloured bands (green < 10 %,\n"
             "yellow 10-25 %, red > 25 %) and a summary. A file of more than 1000 rows prints its 50 worst rows.",
             {{"hardware", "KEY", "hardware to predict on (default: the file's hardware_key, else the profile its device matches)"},
              kModeOption,
              kIdealOption,
              kTermsOption,
              {"rows", "N|all", "rows of the table: all, or the N with the largest |error| (default: all up to 1000 rows, else 50)"},
              {"csv", "OUT", "also write the table as CSV (RFC 4180), every row"},
              {"gguf", "FILE", "llama-bench output: the GGUF file its tests ran (else matched by model_filename or size)"},
              {"json", "", "print the report as JSON instead of a table"}},
             1, 1},
            &run_validate};
}

} // namespace roofline::cli
