// Model speed and memory: predictions per second on one core, and the time and peak memory to read and
// validate a 100,000-row results file. Goals (issue 2): >= 10 million predictions/s; <= 1 s and <= 200 MB.
#include "roofline/model/calculator.h"
#include "roofline/hardware/hardware_registry.h"
#include "roofline/results/measurements.h"
#include "roofline/results/reports.h"
#include "roofline/results/validation.h"

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

using namespace roofline;
using Clock = std::chrono::steady_clock;

namespace {

double seconds_since(Clock::time_point start)
{
    return std::chrono::duration<double>(Clock::now() - start).count();
}

std::vector<std::pair<KernelShape, Precision>> sample_cases(std::size_t count, const HardwareSpec& hw)
{
    std::mt19937_64 random(42);
    const std::vector<Precision> precisions = hw.precisions();
    std::vector<std::pair<KernelShape, Precision>> cases;
    for (std::size_t i = 0; i < count; ++i) {
        const int64_t a = 64 << (random() % 8), b = 64 << (random() % 8), c = 64 << (random() % 8);
        const Precision p = precisions[random() % precisions.size()];
        switch (random() % 4) {
        case 0: cases.emplace_back(GemvShape{a, b}, p); break;
        case 1: cases.emplace_back(GemmShape{a, b, c}, p); break;
        case 2: cases.emplace_back(AttentionShape{1, 32, 8, a, a + b, 128, true}, p); break;
        default: cases.emplace_back(FfnShape{a, b, c, true}, p); break;
        }
    }
    return cases;
}

double predictions_per_second(const HardwareSpec& hw, Mode mode)
{
    const auto cases = sample_cases(4096, hw);
    double sink = 0;
    std::size_t done = 0;
    const auto start = Clock::now();
    while (seconds_since(start) < 1.0) {
        for (const auto& [shape, precision] : cases)
            sink += predict(hw, shape, precision, mode).predicted_time_us;
        done += cases.size();
    }
    const double rate = static_cast<double>(done) / seconds_since(start);
    if (sink < 0)
        std::puts("impossible");
    return rate;
}

std::string make_results_file(std::size_t rows, const HardwareSpec& hw)
{
    std::mt19937_64 random(7);
    std::uniform_real_distribution<double> noise(0.8, 1.3);
    MeasurementSet set;
    set.hardware_key = hw.key;
    const auto cases = sample_cases(rows, hw);
    for (const auto& [shape, precision] : cases) {
        if (kernel_of(shape) != KernelType::GEMV && kernel_of(shape) != KernelType::GEMM)
            continue;
        Measurement m;
        m.shape = shape;
        m.precision = precision;
        m.measured_time_us = predict(hw, shape, precision, Mode::Realistic).predicted_time_us * noise(random);
        const Workload w = workload(shape, precision);
        m.measured_tflops = static_cast<double>(w.flops) / (m.measured_time_us * 1e-6) / 1e12;
        m.measured_bandwidth_gb_s = w.bytes / (m.measured_time_us * 1e-6) / 1e9;
        m.ai = static_cast<double>(w.flops) / w.bytes;
        set.rows.push_back(m);
    }
    while (set.rows.size() < rows)
        set.rows.push_back(set.rows[set.rows.size() % 1000]);
    const std::filesystem::path file = std::filesystem::temp_directory_path() / ("roofline_bench_" + std::to_string(::getpid()) + ".json");
    write_file_atomically(file, measurements_to_json(set));
    return file.string();
}

struct ChildResult {
    double seconds = 0;
    double peak_mb = 0;
    bool ok = false;
};

// Runs this program again as `bench_model --validate FILE [--csv]` in a fresh process, so the peak memory
// measured is the validation's own and not what generating the file left in this one.
ChildResult validate_in_child(const std::string& file, bool with_csv)
{
    const auto start = Clock::now();
    const pid_t pid = ::fork();
    if (pid == 0) {
        const char* args[] = {"/proc/self/exe", "--validate", file.c_str(), with_csv ? "--csv" : nullptr, nullptr};
        ::execv("/proc/self/exe", const_cast<char* const*>(args));
        ::_exit(127);
    }
    int status = 0;
    struct rusage usage {};
    ::wait4(pid, &status, 0, &usage);
    ChildResult r;
    r.seconds = seconds_since(start);
    r.peak_mb = static_cast<double>(usage.ru_maxrss) / 1024.0; // ru_maxrss is in KiB on Linux
    r.ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
    return r;
}

int validate_file(const std::string& file, bool with_csv)
{
    const HardwareRegistry registry = HardwareRegistry::presets();
    const ValidationReport report = validate(registry.get("b10"), load_measurements(file), Mode::Realistic);
    if (with_csv && validation_csv(report, true).empty())
        return 1;
    return report.summary.count == report.rows.size() ? 0 : 1;
}

} // namespace

int main(int argc, char** argv)
{
    if (argc >= 3 && std::string(argv[1]) == "--validate")
        return validate_file(argv[2], argc >= 4);
    const HardwareRegistry registry = HardwareRegistry::presets();
    const HardwareSpec& b10 = registry.get("b10");
    const HardwareSpec& h100 = registry.get("h100_sxm");

    const double realistic = predictions_per_second(b10, Mode::Realistic);
    const double ideal = predictions_per_second(h100, Mode::Ideal);

    const std::size_t rows = 100000;
    const std::string file = make_results_file(rows, b10);
    const auto file_mb = static_cast<double>(std::filesystem::file_size(file)) / 1e6;
    const ChildResult validation = validate_in_child(file, false);
    const ChildResult with_csv = validate_in_child(file, true);
    std::filesystem::remove(file);

    std::printf("%-52s %14s  %s\n", "measure", "value", "goal");
    std::printf("%-52s %14s  %s\n", std::string(52, '-').c_str(), "--------------", "----");
    std::printf("%-52s %14.1f  >= 10 M/s\n", "predictions/s, realistic, 4 kernels (millions)", realistic / 1e6);
    std::printf("%-52s %14.1f  >= 10 M/s\n", "predictions/s, ideal (millions)", ideal / 1e6);
    std::printf("%-52s %14.1f\n", "results file, 100,000 rows (MB)", file_mb);
    std::printf("%-52s %14.3f  <= 1 s%s\n", "read + validate 100,000 rows (s)", validation.seconds, validation.ok ? "" : "  FAILED");
    std::printf("%-52s %14.1f  <= 200 MB\n", "peak memory of that (MB)", validation.peak_mb);
    std::printf("%-52s %14.3f%s\n", "read + validate + CSV report (s)", with_csv.seconds, with_csv.ok ? "" : "  FAILED");
    std::printf("%-52s %14.1f\n", "peak memory with the CSV report (MB)", with_csv.peak_mb);
    return validation.ok && with_csv.ok ? 0 : 1;
}
