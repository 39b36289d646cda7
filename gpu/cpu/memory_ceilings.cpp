#include "memory_ceilings.h"

#include "host/sampler.h"

#include <cblas.h>

#include <cstdio>
#include <cstring>
#include <thread>
#include <vector>

namespace roofline::cpu {

namespace {

// Splits [0, count) over `threads` workers and runs fn(begin, end, worker) on each.
template <class Fn>
void parallel_for(std::size_t count, int threads, Fn&& fn)
{
    std::vector<std::thread> pool;
    const std::size_t chunk = (count + static_cast<std::size_t>(threads) - 1) / static_cast<std::size_t>(threads);
    for (int t = 0; t < threads; ++t) {
        const std::size_t begin = std::min(count, chunk * static_cast<std::size_t>(t));
        const std::size_t end = std::min(count, begin + chunk);
        pool.emplace_back([&fn, begin, end, t] { fn(begin, end, t); });
    }
    for (auto& thread : pool)
        thread.join();
}

// Summing into a result the caller keeps stops the compiler from dropping the reads.
volatile double g_sink = 0;

} // namespace

rl_status run_ceiling_case(const rl_case& c, int threads, rl_stop_fn stop, void* stop_user, rl_result* out)
{
    const std::size_t words = static_cast<std::size_t>(c.bytes / sizeof(double));
    std::vector<double> partial(static_cast<std::size_t>(threads));
    SampleStats stats;
    switch (c.kernel) {
    case RL_KERNEL_DRAM_READ:
    case RL_KERNEL_L2_READ: {
        std::vector<double> buffer(words, 1.0);
        // A cache-sized buffer is read many times per sample, so starting the threads does not dominate.
        const int passes = c.kernel == RL_KERNEL_L2_READ ? 16 : 1;
        auto read = [&] {
            parallel_for(words, threads, [&](std::size_t begin, std::size_t end, int t) {
                // Eight independent sums: one running sum is bound by the add latency, not by memory.
                double sum[8] = {};
                for (int pass = 0; pass < passes; ++pass) {
                    std::size_t i = begin;
                    for (; i + 8 <= end; i += 8) {
                        for (int lane = 0; lane < 8; ++lane)
                            sum[lane] += buffer[i + static_cast<std::size_t>(lane)];
                    }
                    for (; i < end; ++i)
                        sum[0] += buffer[i];
                }
                partial[static_cast<std::size_t>(t)] = sum[0] + sum[1] + sum[2] + sum[3] + sum[4] + sum[5] + sum[6] + sum[7];
            });
            for (double p : partial)
                g_sink = g_sink + p;
        };
        stats = sample_until_stable(c, [] {}, read, stop, stop_user);
        out->bytes_moved = static_cast<double>(words * sizeof(double)) * passes;
        std::snprintf(out->algorithm, sizeof out->algorithm, "sum of %zu doubles, %d pass(es), on %d threads", words,
                      passes, threads);
        break;
    }
    case RL_KERNEL_DRAM_COPY: {
        std::vector<double> source(words, 1.0), target(words, 0.0);
        auto copy = [&] {
            parallel_for(words, threads, [&](std::size_t begin, std::size_t end, int) {
                std::memcpy(target.data() + begin, source.data() + begin, (end - begin) * sizeof(double));
            });
        };
        stats = sample_until_stable(c, [] {}, copy, stop, stop_user);
        out->bytes_moved = 2.0 * static_cast<double>(words * sizeof(double));
        std::snprintf(out->algorithm, sizeof out->algorithm, "memcpy of %zu bytes on %d threads (read + write)",
                      words * sizeof(double), threads);
        break;
    }
    case RL_KERNEL_LAUNCH: {
        float a = 1, b = 1, result = 0;
        auto call = [&] { cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, 1, 1, 1, 1.0f, &a, 1, &b, 1, 0.0f, &result, 1); };
        stats = sample_until_stable(c, [] {}, call, stop, stop_user);
        std::snprintf(out->algorithm, sizeof out->algorithm, "a 1x1x1 cblas_sgemm: the fixed cost of one BLAS call");
        break;
    }
    default:
        std::snprintf(out->message, sizeof out->message, "kernel %d is not a ceiling", c.kernel);
        return RL_STATUS_INVALID_ARGUMENT;
    }
    fill_result(stats, c, out);
    return stats.stopped ? RL_STATUS_CANCELLED : RL_STATUS_OK;
}

} // namespace roofline::cpu
