#include "commands.h"
#include "text_table.h"

#include "roofline/calibration/profile_transfer.h"
#include "roofline/results/reports.h"

#include <nlohmann/json.hpp>

#include <iostream>

namespace roofline::cli {

HardwareRegistry load_registry()
{
    HardwareRegistry registry = HardwareRegistry::presets_and_user();
    for (const auto& problem : registry.problems())
        std::cerr << "warning: skipped a user profile: " << problem << '\n';
    return registry;
}

namespace {

std::string optional_number(const std::optional<double>& value, int decimals = 1)
{
    return value ? format_number(*value, decimals) : "-";
}

int run_list(const ParsedArgs& args)
{
    const HardwareRegistry registry = load_registry();
    if (args.flag("json")) {
        nlohmann::ordered_json list = nlohmann::ordered_json::array();
        for (const auto& spec : registry.all())
            list.push_back(nlohmann::ordered_json::parse(hardware_to_json(spec)));
        std::cout << list.dump(2) << '\n';
        return kExitOk;
    }
    std::vector<std::vector<std::string>> rows;
    for (const auto& spec : registry.all()) {
        rows.push_back({spec.key, spec.name, format_number(spec.peak_bandwidth_gb_s, 1),
                        optional_number(spec.peak_tflops_for(Precision::FP16)),
                        optional_number(spec.peak_tflops_for(Precision::FP8_E4M3)),
                        spec.sm_count ? std::to_string(*spec.sm_count) : "-",
                        spec.origin == "preset" ? "preset" : "user", provenance(spec)});
    }
    print_table(std::cout, {"key", "name", "DRAM GB/s", "FP16 TFLOPS", "FP8 TFLOPS", "SMs", "from", "realistic/refined tables"}, rows,
                {false, false, true, true, true, true, false, false});
    return kExitOk;
}

int run_show(const ParsedArgs& args)
{
    const HardwareRegistry registry = load_registry();
    const HardwareSpec& spec = registry.get(args.positionals().at(0));
    if (args.flag("json")) {
        std::cout << hardware_to_json(spec) << '\n';
        return kExitOk;
    }
    auto source = [&spec](const std::string& path) {
        const auto s = spec.source_for(path);
        return s ? *s : std::string("-");
    };
    std::cout << spec.name << " (" << spec.key << ")" << (spec.origin == "preset" ? "" : "  from " + spec.origin) << "\n"
              << "realistic/refined tables: " << provenance(spec) << "\n\n";
    std::vector<std::vector<std::string>> facts;
    facts.push_back({"DRAM bandwidth", format_number(spec.peak_bandwidth_gb_s, 1) + " GB/s", source("peak_bandwidth_gb_s")});
    if (spec.sm_count)
        facts.push_back({"SMs", std::to_string(*spec.sm_count), source("sm_count")});
    if (spec.l2_cache_bytes)
        facts.push_back({"L2 cache", format_number(static_cast<double>(*spec.l2_cache_bytes) / (1 << 20), 1) + " MiB", source("l2_cache_bytes")});
    if (spec.l2_bandwidth_gb_s)
        facts.push_back({"L2 bandwidth", format_number(*spec.l2_bandwidth_gb_s, 1) + " GB/s", source("l2_bandwidth_gb_s")});
    if (spec.memory_gb)
        facts.push_back({"memory", format_number(*spec.memory_gb, 1) + " GB", source("memory_gb")});
    if (spec.compute_capability)
        facts.push_back({"compute capability", *spec.compute_capability, source("compute_capability")});
    if (spec.launch_overhead_us > 0)
        facts.push_back({"launch overhead", format_number(spec.launch_overhead_us, 2) + " us", source("launch_overhead_us")});
    print_table(std::cout, {"figure", "value", "source"}, facts, {false, true, false});

    std::cout << '\n';
    std::vector<std::vector<std::string>> peaks;
    for (Precision p : spec.precisions()) {
        const std::string name(to_string(p));
        auto factor = [&](KernelType k) {
            const auto f = spec.efficiency(k, p);
            return f ? format_number(*f, 3) : std::string("-");
        };
        peaks.push_back({name, format_number(*spec.peak_tflops_for(p), 1), format_number(*spec.critical_ai(p), 1),
                         factor(KernelType::GEMV), factor(KernelType::GEMM), source("peak_tflops." + name)});
    }
    print_table(std::cout, {"precision", "peak TFLOPS", "critical AI", "gemv eff", "gemm eff", "source"}, peaks,
                {false, true, true, true, true, false});
    if (!spec.notes.empty()) {
        std::cout << "\nnotes:\n";
        for (const auto& note : spec.notes)
            std::cout << "  - " << note << '\n';
    }
    return kExitOk;
}

} // namespace

Command hardware_list_command()
{
    return {{"hardware list", "roofline hardware list [--json]",
             "Lists the hardware presets and the user's profiles (" + user_hardware_dir().string() + ").",
             {{"json", "", "print every profile as JSON"}}, 0, 0},
            &run_list};
}

Command hardware_show_command()
{
    return {{"hardware show", "roofline hardware show KEY [--json]",
             "Shows one hardware profile: peaks, ridge points, efficiency factors and the source of every number.",
             {{"json", "", "print the profile as JSON (the user-profile schema)"}}, 1, 1},
            &run_show};
}

} // namespace roofline::cli
