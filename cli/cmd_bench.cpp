#include "commands.h"
#include "plugin_choice.h"

#include "roofline/benchmarking/bench_runner.h"
#include "roofline/hardware/device_match.h"
#include "roofline/support/errors.h"
#include "roofline/results/reports.h"

#include <atomic>
#include <csignal>
#include <iostream>

namespace roofline::cli {

namespace {

// First Ctrl-C: finish the case in progress, keep everything, stop. Second: stop after the current sample.
std::atomic<int> g_interrupts{0};
std::atomic<bool> g_stop_now{false};

extern "C" void on_interrupt(int)
{
    if (g_interrupts.fetch_add(1) >= 1)
        g_stop_now.store(true);
}

std::string status_text(const Measurement& m)
{
    if (m.status == RowStatus::Ok) {
        std::string text = format_number(m.measured_time_us, 2) + " us  " + format_number(m.measured_tflops, 2) + " TFLOPS  "
            + format_number(m.measured_bandwidth_gb_s, 0) + " GB/s";
        if (m.extra.contains("throttled") && m.extra["throttled"].get<bool>())
            text += "  (throttled)";
        return text;
    }
    return std::string(to_string(m.status)) + (m.reason.empty() ? "" : ": " + m.reason);
}

int run_bench(const ParsedArgs& args)
{
    BenchPlan plan = load_plan(args.value("plan").value_or("default"));
    if (const auto mode = args.value("mode")) {
        if (*mode != "cold" && *mode != "warm")
            throw UsageError("--mode expects cold or warm, got '" + *mode + "'");
        plan.cache_mode = *mode == "cold" ? CacheMode::Cold : CacheMode::Warm;
        for (BenchCase& c : plan.cases)
            c.cache.reset(); // --mode sets every case's
    }
    if (const auto budget = args.value("budget"))
        plan.time_budget_per_case_s = parse_positive_double(*budget, "budget");
    if (const auto samples = args.value("min-samples"))
        plan.min_samples = parse_int(*samples, "min-samples", 1);
    plan.max_samples = std::max(plan.max_samples, plan.min_samples);
    if (args.flag("print-plan")) {
        std::cout << plan_to_json(plan);
        return kExitOk;
    }

    const std::string plugin = args.value("plugin").value_or("cuda");
    const int index = args.value("device") ? parse_int(*args.value("device"), "device", 0) : 0;
    auto device = open_plugin_device(plugin, index, args.flag("in-process"));
    const DeviceInfo& info = device->info();
    const std::string hardware_key = args.value("hardware").value_or(guess_hardware_key(info));
    const std::filesystem::path out = args.value("out") ? std::filesystem::path(*args.value("out")) : new_run_file(info.plugin_name);

    std::cout << "device:   " << info.summary() << "\n"
              << "plugin:   " << device->plugin_path().string() << " (" << info.plugin_name << " " << info.plugin_version << ", "
              << (device->worker() ? "in a worker process" : "in this process") << ")\n"
              << "plan:     " << plan.name << ", " << plan.cases.size() << " cases, " << to_string(plan.cache_mode) << " cache, "
              << format_number(plan.time_budget_per_case_s, 2) << " s budget per case\n"
              << "results:  " << out.string() << " (saved after every case)\n"
              << "hardware: " << (hardware_key.empty() ? "(unknown: pass --hardware to name it)" : hardware_key) << "\n\n"
              << std::flush;

    std::signal(SIGINT, on_interrupt);
    std::signal(SIGTERM, on_interrupt);
    RunCallbacks callbacks;
    const int width = static_cast<int>(std::to_string(plan.cases.size()).size());
    callbacks.case_started = [&](std::size_t i, std::size_t total, const BenchCase& c) {
        std::string index_text = std::to_string(i + 1);
        index_text.insert(0, static_cast<std::size_t>(width) - index_text.size(), ' ');
        std::cout << "[" << index_text << "/" << total << "] " << to_string(kernel_of(c.shape)) << ' ' << format_shape(c.shape)
                  << ' ' << to_string(c.precision) << (c.cache ? " " + std::string(to_string(*c.cache)) : std::string()) << " ... "
                  << std::flush;
    };
    callbacks.case_finished = [](const CaseOutcome& o) { std::cout << status_text(o.measurement) << std::endl; };
    callbacks.stop_before_next_case = [] { return g_interrupts.load() > 0; };

    BenchRunner runner(*device, plan, hardware_key, out);
    const MeasurementSet set = runner.run(g_stop_now, callbacks);
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);

    std::size_t ok = 0;
    for (const auto& m : set.rows)
        ok += m.status == RowStatus::Ok;
    const bool interrupted = set.rows.size() < plan.cases.size() || g_interrupts.load() > 0;
    std::cout << "\n" << ok << " of " << plan.cases.size() << " cases measured"
              << (interrupted ? " (interrupted: the finished cases are saved)" : "") << "\nwrote " << out.string() << "\n";
    if (!hardware_key.empty()) {
        std::cout << "validate with: roofline validate --hardware " << hardware_key << ' ' << out.string() << '\n';
        if (!load_registry().find(hardware_key))
            std::cout << "(there is no '" << hardware_key << "' profile yet: `roofline ceilings --plugin " << info.plugin_name
                      << " --save-profile " << hardware_key << "` measures one)\n";
    }
    return interrupted ? 130 : kExitOk;
}

} // namespace

Command bench_command()
{
    std::string plans;
    for (const std::string& name : plan_names())
        plans += name + "|";
    return {{"bench", "roofline bench [--plugin cuda|cpu|ggml|FILE] [--plan " + plans + "FILE] [options]",
             "Benchmarks GEMV, GEMM, attention and FFN through a plugin and writes the results JSON, case by case.\n"
             "Ctrl-C stops after the case in progress (twice: after the current sample) and keeps what finished.",
             {{"plugin", "NAME", "cuda (default), cpu, ggml (llama.cpp's kernels, where built), or a plugin file"},
              {"device", "INDEX", "device index (default 0)"},
              {"plan", "PLAN",
               "default (the plan's shapes x precisions), extended (a calibration sweep), smoke, llm (attention and FFN of "
               "the built-in models), layers (the other kernels of a transformer layer: norms, RoPE, residuals, "
               "activations, top-k), ggml (the built-in models' ggml ops, for the ggml plugin), ggml_smoke, or a plan JSON "
               "file"},
              {"mode", "MODE", "cold (flush caches before every sample; default) or warm, for every case"},
              {"budget", "SECONDS", "time budget per case (default from the plan)"},
              {"min-samples", "N", "at least N timed samples per case (default 10)"},
              {"hardware", "KEY", "hardware_key written into the results (default: guessed from the device)"},
              {"out", "FILE", "results file (default: a new file in the user's runs folder)"},
              {"print-plan", "", "print the plan as JSON (with the options above applied) and exit without a plugin"},

              kInProcessOption},
             0, 0},
            &run_bench};
}

} // namespace roofline::cli
