#include "holdout_gemm_tables.h"

#include "holdout_stats.h"

#include "roofline/calibration/calibration.h"
#include "roofline/model/gemm_configs.h"
#include "roofline/hardware/hardware_registry.h"
#include "roofline/calibration/holdout.h"
#include "roofline/calibration/profile_transfer.h"
#include "roofline/results/reports.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include <optional>

namespace roofline::bench {

namespace {

constexpr double kTargetMeanPct = 5, kTargetGreenPct = 90;

// A projection of a model whose hidden size is 3584 or 5120 (Qwen2.5-7B, Qwen2.5-32B, Qwen3-32B): each of its
// weights has the hidden size on one side, and no other built-in model's weight and no odd size of the plans has.
bool qwen_shaped(const Measurement& m)
{
    const auto hidden = [](int64_t d) { return d == 3584 || d == 5120; };
    if (const auto* g = std::get_if<GemmShape>(&m.shape))
        return hidden(g->n) || hidden(g->k);
    if (const auto* v = std::get_if<GemvShape>(&m.shape))
        return hidden(v->n) || hidden(v->k);
    return false;
}

// The classes the tables report: GEMVs, GEMMs of real layers by token count, odd sizes (the layers' weights are
// multiples of 64 on both sides; the plans' odd sizes never are), and the L2-warm rows.
std::string row_class(const Measurement& m)
{
    if (m.cache_mode == "warm")
        return "7 warm (L2 plan)";
    if (std::holds_alternative<GemvShape>(m.shape))
        return "0 GEMV";
    const auto* g = std::get_if<GemmShape>(&m.shape);
    if (!g)
        return "8 " + std::string(to_string(m.kernel()));
    if (g->n % 64 != 0 || g->k % 64 != 0)
        return "6 odd size (N or K off 64)";
    return g->m <= 16 ? "1 GEMM M<=16" : g->m <= 64 ? "2 GEMM M 17-64" : g->m <= 256 ? "3 GEMM M 65-256" : g->m <= 1024 ? "4 GEMM M 257-1024" : "5 GEMM M>1024";
}

double error_pct(const HardwareSpec& hw, const Measurement& m)
{
    const ModelOptions o{Mode::Refined, {}, m.cache_mode == "warm" ? CacheMode::Warm : CacheMode::Cold, false};
    return (predict(hw, m.shape, m.precision, o).predicted_time_us - m.measured_time_us) / m.measured_time_us * 100;
}

struct Check {
    Errors all;
    std::map<std::string, Errors> by_class, by_precision;
    bool met() const { return all.mean() <= kTargetMeanPct && all.green_pct() >= kTargetGreenPct; }
};

Check check(const HardwareSpec& hw, const MeasurementSet& rows)
{
    Check c;
    for (const Measurement& m : rows.rows) {
        if (m.status != RowStatus::Ok || m.measured_time_us <= 0)
            continue;
        double e = 0;
        try {
            e = error_pct(hw, m);
        } catch (const InputError&) {
            continue; // a precision the profile has no peak for
        }
        c.all.add(e);
        c.by_class[row_class(m)].add(e);
        c.by_precision[std::string(to_string(m.precision))].add(e);
    }
    return c;
}

HardwareSpec calibrated(const HardwareSpec& base, const MeasurementSet& rows, const MeasuredCeilings* ceilings, bool learn,
                        const std::string& label)
{
    CalibrationOptions options;
    options.key = base.key + "_holdout";
    options.run_label = label;
    options.learn_gemm_configs = learn;
    return calibrate(base, rows, ceilings, options).profile;
}

void print_check(const char* title, const Check& learned, const Check* single_tile)
{
    std::printf("\n%s\n", title);
    print_header("class (refined, learned configs)");
    for (const auto& [cls, e] : learned.by_class)
        print_errors(cls.c_str() + 2, e);
    for (const auto& [precision, e] : learned.by_precision)
        print_errors(("  " + precision).c_str(), e);
    print_errors("all", learned.all);
    if (single_tile)
        print_errors("all, one fitted tile (as before)", single_tile->all);
    std::printf("target (<= %.0f %% mean, >= %.0f %% green): %s\n", kTargetMeanPct, kTargetGreenPct, learned.met() ? "met" : "NOT met");
}

std::optional<MeasurementSet> load_if_there(const std::string& file)
{
    if (!std::filesystem::exists(file))
        return std::nullopt;
    return load_measurements(file);
}

MeasurementSet load_prefix(const std::string& dir, const std::string& prefix, const std::vector<std::string>& more,
                           std::vector<std::string>& names)
{
    std::vector<MeasurementSet> sets;
    for (const char* part : {"_extended_cold", "_l2_warm", "_workload_shapes", "_gemm_calibration"}) {
        const std::string file = dir + "/" + prefix + part + ".json";
        if (auto set = load_if_there(file)) {
            sets.push_back(std::move(*set));
            names.push_back(prefix + part + ".json");
        }
    }
    for (const std::string& file : more) {
        const std::string name = std::filesystem::path(file).filename().string();
        if (std::find(names.begin(), names.end(), name) != names.end())
            continue; // already read from the folder
        sets.push_back(load_measurements(file));
        names.push_back(std::filesystem::path(file).filename().string());
    }
    if (sets.empty())
        throw InputError("no measurements for prefix " + prefix + " in " + dir);
    return merge_measurements(sets);
}

std::string joined(const std::vector<std::string>& names)
{
    std::string out;
    for (const auto& n : names)
        out += (out.empty() ? "" : " + ") + n;
    return out;
}

void print_rows(const char* title, const HardwareSpec& hw, const HardwareSpec& single, const MeasurementSet& rows)
{
    std::printf("\n%s, row by row (refined, learned configs)\n%-6s %-9s %-20s %11s %11s %8s %8s  %s\n", title, "kernel", "precision",
                "shape", "measured_us", "refined_us", "error_%", "1tile_%", "launch assumed");
    for (const Measurement& m : rows.rows) {
        if (m.status != RowStatus::Ok)
            continue;
        const auto launch = gemm_launch(hw, m.shape, m.precision);
        std::string assumed;
        if (launch && launch->learned)
            assumed = std::to_string(launch->tile_m) + "x" + std::to_string(launch->tile_n) + " split " + std::to_string(launch->split_k)
                + "; ran " + (m.gemm_config.has_tile() ? tile_text(m.gemm_config) + " split " + std::to_string(m.gemm_config.split_k)
                                                        : std::string(to_string(m.gemm_config.library)));
        std::printf("%-6s %-9s %-20s %11.2f %11.2f %+8.1f %+8.1f  %s\n", std::string(to_string(m.kernel())).c_str(),
                    std::string(to_string(m.precision)).c_str(), format_shape(m.shape).c_str(), m.measured_time_us,
                    m.measured_time_us * (1 + error_pct(hw, m) / 100), error_pct(hw, m), error_pct(single, m), assumed.c_str());
    }
}

} // namespace

bool print_gemm_tables(const GemmTablesInput& in)
{
    const HardwareRegistry registry = HardwareRegistry::presets();
    const HardwareSpec& base = registry.get(in.base_key);
    std::vector<std::string> names;
    const MeasurementSet all = load_prefix(in.dir, in.prefix, in.gemm_files, names);
    const std::string ceilings_file = in.dir + "/" + in.prefix + "_ceilings.json";
    const std::optional<MeasuredCeilings> ceilings = std::filesystem::exists(ceilings_file)
        ? std::optional<MeasuredCeilings>(load_ceilings(ceilings_file)) : std::nullopt;
    const MeasuredCeilings* ceil = ceilings ? &*ceilings : nullptr;
    std::printf("\n==== Issue 13: the refined model with the GEMM configurations it learned, on %s (%zu rows of %s) ====\n",
                base.name.c_str(), all.rows.size(), joined(names).c_str());

    // Two folds by shape.
    const auto [half_a, half_b] = split_by_shape(all);
    bool met = true;
    int fold = 1;
    for (const auto& [fit_rows, test_rows] : {std::pair{&half_a, &half_b}, std::pair{&half_b, &half_a}}) {
        const HardwareSpec learned = calibrated(base, *fit_rows, ceil, true, "fold " + std::to_string(fold));
        const HardwareSpec single = calibrated(base, *fit_rows, ceil, false, "fold " + std::to_string(fold));
        const Check c = check(learned, *test_rows);
        const Check s = check(single, *test_rows);

        const std::string title = "Fold " + std::to_string(fold) + ": calibrated on " + std::to_string(fit_rows->rows.size())
            + " rows, predicting the " + std::to_string(test_rows->rows.size()) + " rows of the other shapes ("
            + std::to_string(learned.gemm_configs.size()) + " classes learned)";
        print_check(title.c_str(), c, &s);
        met = met && c.met();
        if (in.print_rows)
            print_rows(("Fold " + std::to_string(fold)).c_str(), learned, single, *test_rows);
        ++fold;
    }

    // The Qwen-shaped family left out.
    MeasurementSet without, family;
    without.meta = family.meta = all.meta;
    for (const Measurement& m : all.rows)
        (qwen_shaped(m) ? family : without).rows.push_back(m);
    {
        const HardwareSpec learned = calibrated(base, without, ceil, true, "every row but the Qwen-shaped family");
        const HardwareSpec single = calibrated(base, without, ceil, false, "every row but the Qwen-shaped family");
        const Check c = check(learned, family);
        const Check s = check(single, family);
        const std::string title = "Left-out family: calibrated on the " + std::to_string(without.rows.size())
            + " rows of no Qwen-shaped projection (hidden 3584 or 5120), predicting its " + std::to_string(family.rows.size()) + " rows";
        print_check(title.c_str(), c, &s);
        met = met && c.met();
        if (in.print_rows)
            print_rows("Left-out family", learned, single, family);
    }

    // H100 -> H200: calibrated on the H100's rows, transferred onto the H200's datasheet profile.
    std::vector<std::string> source_names;
    if (in.prefix != in.transfer_prefix && in.base_key != in.transfer_base
        && std::filesystem::exists(in.dir + "/" + in.transfer_prefix + "_extended_cold.json")) {
        const MeasurementSet source_rows = load_prefix(in.dir, in.transfer_prefix, {}, source_names);
        const std::string source_ceilings = in.dir + "/" + in.transfer_prefix + "_ceilings.json";
        const std::optional<MeasuredCeilings> sc = std::filesystem::exists(source_ceilings)
            ? std::optional<MeasuredCeilings>(load_ceilings(source_ceilings)) : std::nullopt;
        const HardwareSpec& source_base = registry.get(in.transfer_base);
        const HardwareSpec source = calibrated(source_base, source_rows, sc ? &*sc : nullptr, true, joined(source_names));
        const HardwareSpec target = datasheet_part(base);
        const HardwareSpec moved = transfer_profile(source, target).profile;
        const HardwareSpec in_sample = calibrated(base, all, ceil, true, joined(names));
        const std::string title = "Transfer: " + source_base.key + " calibrated on " + joined(source_names) + " and transferred to "
            + base.key + " (same die, other bandwidth), predicting every " + in.prefix + " row";
        const Check t = check(moved, all);
        print_check(title.c_str(), t, nullptr);
        const Check cal = check(in_sample, all);
        print_errors("beside it: calibrated on these rows", cal.all);
        print_errors("beside it: the source as it is", check(source, all).all);
    }
    return met;
}

} // namespace roofline::bench
