// What running a plugin in roofline-worker costs: starting a worker, each case (the Supports and Run round
// trips) and each sample (the stop check on the socket), measured against the same plugin in this process, and
// whether a kernel time changes (it must not: the worker times on the device as the plugin always did).
//
//   bench_worker_cost [FAKE_RUNS_PLUGIN [CPU_PLUGIN]]
//
// FAKE_RUNS_PLUGIN is tests/fakes' libroofline_fake_runs.so (its samples take no time, so the overhead
// is all there is); CPU_PLUGIN defaults to the CPU plugin found as `roofline bench --plugin cpu` finds it.

#include "roofline/benchmarking/bench_plan.h"
#include "roofline/abi/plugin_abi_rules.h"
#include "roofline/plugin_host/plugin_loader.h"
#include "roofline/plugin_host/worker_client.h"

#include <algorithm>
#include <chrono>
#include <fcntl.h>
#include <unistd.h>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

using namespace roofline;
using Clock = std::chrono::steady_clock;

namespace {

double seconds_of(const std::function<void()>& body)
{
    const auto start = Clock::now();
    body();
    return std::chrono::duration<double>(Clock::now() - start).count();
}

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[v.size() / 2];
}

WorkerOptions quiet()
{
    WorkerOptions o;
    o.forward_output = false;
    return o;
}

std::unique_ptr<Device> open(const std::filesystem::path& plugin, bool in_worker)
{
    return in_worker ? Device::open_in_worker(plugin, 0, quiet()) : Device::open(Plugin::load(plugin), 0);
}

// A case of the fake plugin: `samples` samples of no length (k = 1 µs is reported, none is slept).
rl_case fake_case(int samples)
{
    abi::Sampling s;
    s.min_samples = s.max_samples = samples;
    s.time_budget_s = 1000;
    return abi::make_case(RL_KERNEL_GEMM, RL_PRECISION_FP32, {8, 8, 1}, RL_CACHE_WARM, s);
}

const std::function<bool()> kNeverStop = [] { return false; };

} // namespace

int main(int argc, char** argv)
{
    const std::filesystem::path fake = argc > 1 ? std::filesystem::path(argv[1])
                                                : std::filesystem::path(ROOFLINE_BINARY_DIR) / "tests/fakes/libroofline_fake_runs.so";
    std::filesystem::path cpu;
    try {
        cpu = argc > 2 ? std::filesystem::path(argv[2]) : find_plugin("cpu");
    } catch (const PluginError&) {
    }

    // The fake plugin logs every case to stdout, as CUDA may: in this process that would bury the table.
    std::fflush(stdout);
    const int saved_stdout = ::dup(STDOUT_FILENO);
    const int null_fd = ::open("/dev/null", O_WRONLY);
    ::dup2(null_fd, STDOUT_FILENO);

    // Starting: a worker process, the plugin loaded in it and its device opened, against dlopen + open here.
    std::vector<double> start_worker, start_here;
    for (int i = 0; i < 5; ++i) {
        start_worker.push_back(seconds_of([&] { open(fake, true); }));
        start_here.push_back(seconds_of([&] { open(fake, false); }));
    }

    auto worker = open(fake, true);
    auto here = open(fake, false);

    // Per case: Supports + Run of a one-sample case, as BenchRunner calls them.
    const int cases = 2000;
    auto per_case = [&](Device& d) {
        const rl_case c = fake_case(1);
        return seconds_of([&] {
                   for (int i = 0; i < cases; ++i) {
                       d.supports(c);
                       d.run(c, kNeverStop);
                   }
               })
            / cases;
    };
    // Per sample: one case of many samples; each sample polls stop, which in the worker looks at the socket.
    const int samples = 200000;
    auto per_sample = [&](Device& d) {
        const rl_case c = fake_case(samples);
        return seconds_of([&] { d.run(c, kNeverStop); }) / samples;
    };
    std::vector<double> case_worker, case_here, sample_worker, sample_here;
    for (int i = 0; i < 5; ++i) {
        case_worker.push_back(per_case(*worker));
        case_here.push_back(per_case(*here));
        sample_worker.push_back(per_sample(*worker));
        sample_here.push_back(per_sample(*here));
    }

    std::fflush(stdout);
    ::dup2(saved_stdout, STDOUT_FILENO);
    std::printf("plugin: %s\n\n", fake.string().c_str());
    std::printf("%-34s %14s %14s %14s\n", "cost (median of 5)", "in a worker", "in-process", "difference");
    auto row = [](const char* what, double worker_s, double here_s, double scale, const char* unit) {
        std::printf("%-34s %11.2f %-2s %11.2f %-2s %11.2f %-2s\n", what, worker_s * scale, unit, here_s * scale, unit,
                    (worker_s - here_s) * scale, unit);
    };
    row("start (spawn, dlopen, open device)", median(start_worker), median(start_here), 1e3, "ms");
    row("per case (supports + run)", median(case_worker), median(case_here), 1e6, "us");
    row("per sample (stop check)", median(sample_worker), median(sample_here), 1e9, "ns");

    if (cpu.empty()) {
        std::printf("\n(no CPU plugin: kernel times not compared)\n");
        return 0;
    }
    // A kernel's measured time, here and in a worker, alternating so that the machine's load falls on both.
    std::printf("\nkernel times on %s (median of each run's median, 5 runs each)\n", cpu.filename().string().c_str());
    std::printf("%-26s %14s %14s %10s\n", "case", "in a worker", "in-process", "change");
    auto cpu_worker = open(cpu, true);
    auto cpu_here = open(cpu, false);
    BenchPlan plan;
    plan.cache_mode = CacheMode::Warm;
    plan.time_budget_per_case_s = 0.3;
    plan.min_samples = 20;
    plan.max_samples = 200;
    plan.target_rel_spread = 0;
    const std::vector<std::pair<std::string, BenchCase>> kernels = {
        {"GEMM 512x512x512 FP32", BenchCase{GemmShape{512, 512, 512}, Precision::FP32}},
        {"GEMV 4096x4096 FP32", BenchCase{GemvShape{4096, 4096}, Precision::FP32}},
    };
    for (const auto& [name, bench_case] : kernels) {
        const rl_case c = to_rl_case(bench_case, plan);
        std::vector<double> in_worker, in_here;
        for (int i = 0; i < 5; ++i) {
            in_worker.push_back(cpu_worker->run(c, kNeverStop).median_time_us);
            in_here.push_back(cpu_here->run(c, kNeverStop).median_time_us);
        }
        const double w = median(in_worker), h = median(in_here);
        std::printf("%-26s %11.1f us %11.1f us %+9.1f %%\n", name.c_str(), w, h, 100 * (w - h) / h);
    }
    return 0;
}
