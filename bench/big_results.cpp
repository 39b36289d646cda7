// Reading a big results file: writes N plain rows of the plan's schema (default 500,000, as issue 17 measured),
// reads and validates them with load_measurements, and prints the time and the peak memory above the process's
// baseline beside the goals (at most 3× the file's size, at most 1.5 s).
//
//   bench_big_results [ROWS] [FILE]      FILE defaults to a temporary file, removed afterwards

#include "roofline/measurements.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <sys/resource.h>
#include <unistd.h>

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

    write_rows(file, rows);
    const double file_mb = static_cast<double>(std::filesystem::file_size(file)) / 1e6;
    const long baseline_kib = peak_rss_kib();

    const auto start = std::chrono::steady_clock::now();
    const double cpu_start = cpu_seconds();
    const double main_start = cpu_seconds(RUSAGE_THREAD);
    std::size_t read_rows = 0;
    try {
        read_rows = roofline::load_measurements(file).rows.size();
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

    std::printf("rows read                 %zu of %ld\n", read_rows, rows);
    std::printf("file size                 %.1f MB\n", file_mb);
    std::printf("read + validate time      %.2f s wall, %.2f s CPU      goal <= 1.5 s\n", seconds, cpu);
    // The parse runs on this thread, the rows' checks on another: on two idle cores the wall time is about the
    // larger of the two.
    std::printf("  CPU by thread           %.2f s parsing, %.2f s reading rows\n", main_cpu, cpu - main_cpu);
    std::printf("peak memory above start   %.1f MB (%.2f x the file)      goal <= 3 x\n", peak_mb, peak_mb / file_mb);
    return read_rows == static_cast<std::size_t>(rows) ? 0 : 1;
}
