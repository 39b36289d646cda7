// Reading a big results file: writes N plain rows of the plan's schema (default 500,000, as issue 17 measured),
// reads and checks them with load_measurements, validates them (every row predicted and compared, as `roofline
// validate` does: in its default mode, realistic, and in refined mode, where each GEMM races its class's tiles), and
// prints the times and the peak memory of reading above the process's baseline beside the goals (reading at most 3×
// the file's size; reading and validating at most 1.5 s).
//
//   bench_big_results [ROWS] [FILE] [HARDWARE]   FILE defaults to a temporary file, removed afterwards;
//                                                HARDWARE to h200

#include "roofline/hardware/hardware_registry.h"
#include "roofline/results/measurements.h"
#include "roofline/results/validation.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <sys/resource.h>
#include <unistd.h>
#include <utility>

namespace {

long peak_rss_kib()
{
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss; // KiB on Linux
}

// CPU time of this process: on a machine shared with other work, what the wall time would be on an idle one.
double cpu_seconds(int who = RUSAGE_SELF)
{
    rusage usage{};
    getrusage(who, &usage);
    return usage.ru_utime.tv_sec + usage.ru_stime.tv_sec + 1e-6 * (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec);
}

// Written with stdio, row by row, so that writing raises the baseline by nothing.
void write_rows(const std::filesystem::path& file, long rows)
{
    std::FILE* out = std::fopen(file.c_str(), "w");
    if (!out) {
        std::perror(file.c_str());
        std::exit(1);
    }
    std::fprintf(out, "{\"hardware_key\": \"h200_sxm\", \"benchmarks\": [\n");
    for (long i = 0; i < rows; ++i) {
        const long n = 256 * (1 + i % 32);
        const char* sep = i + 1 < rows ? "," : "";
        switch (i % 3) {
        case 0:
            std::fprintf(out, "{\"kernel_type\":\"gemm\",\"shape\":[%ld,%ld,4096],\"precision\":\"FP16\",\"measured_time_us\":%.3f}%s\n",
                         n, n, 10.0 + 0.001 * i, sep);
            break;
        case 1:
            std::fprintf(out, "{\"kernel_type\":\"gemv\",\"shape\":[%ld,4096],\"precision\":\"BF16\",\"measured_time_us\":%.3f}%s\n",
                         n, 5.0 + 0.001 * i, sep);
            break;
        default:
            std::fprintf(out, "{\"kernel_type\":\"gemm\",\"shape\":[%ld,8192,%ld],\"precision\":\"FP8_E4M3\",\"measured_time_us\":%.2f}%s\n",
                         n, n, 20.0 + 0.01 * i, sep);
        }
    }
    std::fprintf(out, "]}\n");
    std::fclose(out);
}

} // namespace

int main(int argc, char** argv)
{
    const long rows = argc > 1 ? std::atol(argv[1]) : 500000;
    const bool temporary = argc <= 2;
    const std::filesystem::path file = temporary
        ? std::filesystem::temp_directory_path() / ("bench_big_results_" + std::to_string(::getpid()) + ".json")
        : std::filesystem::path(argv[2]);
    const std::string hardware = argc > 3 ? argv[3] : "h200";

    write_rows(file, rows);
    const double file_mb = static_cast<double>(std::filesystem::file_size(file)) / 1e6;
    const long baseline_kib = peak_rss_kib();

    const auto start = std::chrono::steady_clock::now();
    const double cpu_start = cpu_seconds();
    const double main_start = cpu_seconds(RUSAGE_THREAD);
    roofline::MeasurementSet set;
    try {
        set = roofline::load_measurements(file);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "refused: %s\n", e.what());
        return 1;
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const double cpu = cpu_seconds() - cpu_start;
    const double main_cpu = cpu_seconds(RUSAGE_THREAD) - main_start;
    const double peak_mb = static_cast<double>(peak_rss_kib() - baseline_kib) * 1024 / 1e6;
    if (temporary)
        std::filesystem::remove(file);

    const auto registry = roofline::HardwareRegistry::presets();
    const roofline::HardwareSpec& hw = registry.get(hardware);
    struct Validated {
        double seconds;
        double cpu_seconds;
        std::size_t compared;
    };
    const auto timed_validation = [&](roofline::Mode mode) {
        const auto start_time = std::chrono::steady_clock::now();
        const double start_cpu = cpu_seconds();
        const roofline::ValidationReport report = roofline::validate(hw, set, mode);
        return Validated{std::chrono::duration<double>(std::chrono::steady_clock::now() - start_time).count(),
                         cpu_seconds() - start_cpu, report.summary.count};
    };
    const Validated realistic = timed_validation(roofline::Mode::Realistic);
    const Validated refined = timed_validation(roofline::Mode::Refined);
    const std::size_t read_rows = set.rows.size();

    std::printf("rows read                 %zu of %ld\n", read_rows, rows);
    std::printf("file size                 %.1f MB\n", file_mb);
    std::printf("read + check time         %.2f s wall, %.2f s CPU\n", seconds, cpu);
    // The parse runs on this thread, the rows' checks on others: on two idle cores the wall time is about half
    // the CPU time.
    std::printf("  CPU by thread           %.2f s parsing, %.2f s reading rows\n", main_cpu, cpu - main_cpu);
    for (const auto& [name, v] : {std::pair{"realistic", realistic}, std::pair{"refined  ", refined}})
        std::printf("validate time (%s, %s) %.2f s wall, %.2f s CPU, %zu rows compared\n", hardware.c_str(), name, v.seconds,
                    v.cpu_seconds, v.compared);
    std::printf("read + validate time      %.2f s wall (realistic), %.2f s (refined)      goal <= 1.5 s\n",
                seconds + realistic.seconds, seconds + refined.seconds);
    std::printf("peak memory of reading    %.1f MB above start (%.2f x the file)      goal <= 3 x\n", peak_mb,
                peak_mb / file_mb);
    return read_rows == static_cast<std::size_t>(rows) ? 0 : 1;
}
