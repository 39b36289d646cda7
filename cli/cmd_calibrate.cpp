#include "commands.h"
#include "profile_output.h"

#include "roofline/calibration/calibration.h"
#include "roofline/support/errors.h"
#include "roofline/hardware/profile_store.h"
#include "roofline/results/reports.h"

#include <iostream>

namespace roofline::cli {

namespace {

int run_calibrate(const ParsedArgs& args)
{
    std::vector<MeasurementSet> runs;
    for (const auto& file : args.positionals())
        runs.push_back(load_measurements(file));
    const MeasurementSet merged = merge_measurements(runs);
    const HardwareRegistry registry = load_registry();
    const std::string base_key = args.value("base").value_or(default_hardware_key(merged));
    if (base_key.empty()) {
        std::string files;
        for (const auto& file : args.positionals())
            files += (files.empty() ? "" : " ") + file;
        throw UsageError(no_profile_message(merged, "calibrate", "base", files));
    }
    const HardwareSpec& base = registry.get(base_key);

    std::optional<MeasuredCeilings> ceilings;
    CalibrationOptions options;
    options.key = args.value("key").value_or(calibrated_key(base.key));
    options.name = args.value("name").value_or("");
    options.run_label = merged.source;
    if (const auto file = args.value("ceilings")) {
        ceilings = load_ceilings(*file);
        options.ceilings_label = *file;
    }
    const CalibrationResult result = calibrate(base, merged, ceilings ? &*ceilings : nullptr, options);
    for (const auto& line : result.log)
        std::cerr << "  " << line << '\n';
    std::cerr << "  fitted: " << describe_fit(summarize_fit(result.profile)) << '\n';
    std::cerr << "calibrated '" << result.profile.key << "' from " << result.rows_used << " rows"
              << (result.rows_skipped ? " (" + std::to_string(result.rows_skipped) + " not usable)" : std::string()) << '\n';

    // Before and after, on the rows it was fitted to.
    for (const auto& [label, hw, mode] : {std::tuple{"datasheet, ideal", &base, Mode::Ideal},
                                          std::tuple{"calibrated, realistic", &result.profile, Mode::Realistic},
                                          std::tuple{"calibrated, refined", &result.profile, Mode::Refined}}) {
        const ErrorSummary s = validate(*hw, merged, mode).summary;
        std::cerr << "  " << label << ": mean |error| " << format_number(s.mean_abs_error_pct, 1) << " %, " << s.green << " of "
                  << s.count << " green\n";
    }

    write_profile_outputs(args, result.profile);
    return kExitOk;
}

} // namespace

Command calibrate_command()
{
    return {{"calibrate", "roofline calibrate RUN.json [RUN2.json …] [--ceilings FILE] --base KEY [--key NEW] [-o|--out PROFILE.json] [--save]",
             "Fits a hardware profile to measurements: the latency floor, L2 efficiency, GEMM tile, and per kernel x\n"
             "precision the plan-style factor (realistic mode) and the compute and memory efficiencies (refined mode).\n"
             "Peaks and bandwidth stay the base's (ideal mode). The profile records its provenance.",
             {{"base", "KEY", "the profile to start from (default: the results' hardware_key, else the profile their device matches)"},
              {"ceilings", "FILE", "measured ceilings (roofline ceilings --out FILE): L2 bandwidth"},
              {"key", "KEY", "the new profile's key (default: <base>_calibrated)"},
              {"name", "NAME", "the new profile's name"},
              {"out", "FILE", "write the profile here"},
              {"save", "", "save it as a user profile, so the app and every command see it"}},
             1, 64},
            &run_calibrate};
}

} // namespace roofline::cli
