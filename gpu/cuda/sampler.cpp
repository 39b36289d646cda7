#include "sampler.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <numeric>

namespace rl_cuda {
namespace {

// NVML is read while the GPU is busy with a sample, at most this often (a reading costs tens of µs of host time).
constexpr double kClockReadingIntervalS = 0.02;

std::string format_fixed(double value, int digits)
{
    char text[48];
    std::snprintf(text, sizeof(text), "%.*f", digits, value);
    return text;
}

// stdev / median <= target, with the median (a partial sort) only taken once stdev / mean is near the target.
bool converged(const std::vector<double>& times_us, double mean, double m2, double target)
{
    const double stdev = std::sqrt(m2 / static_cast<double>(times_us.size() - 1));
    if (stdev > 2.0 * target * mean)
        return false;
    std::vector<double> copy = times_us;
    const auto middle = copy.begin() + static_cast<std::ptrdiff_t>(copy.size() / 2);
    std::nth_element(copy.begin(), middle, copy.end());
    return stdev <= target * *middle;
}

} // namespace

SampleStats summarize(const std::vector<double>& times_us)
{
    SampleStats s;
    s.samples = static_cast<int>(times_us.size());
    if (times_us.empty())
        return s;
    std::vector<double> sorted = times_us;
    std::sort(sorted.begin(), sorted.end());
    const std::size_t n = sorted.size();
    s.median_us = n % 2 ? sorted[n / 2] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]);
    s.min_us = sorted.front();
    s.max_us = sorted.back();
    s.mean_us = std::accumulate(sorted.begin(), sorted.end(), 0.0) / static_cast<double>(n);
    if (n > 1) {
        double sq = 0.0;
        for (double t : sorted)
            sq += (t - s.mean_us) * (t - s.mean_us);
        s.stdev_us = std::sqrt(sq / static_cast<double>(n - 1));
    }
    return s;
}

std::string SampleRun::end_note(const SampleSettings& settings) const
{
    const SampleStats s = summarize(times_us);
    const std::string spread =
        s.median_us > 0.0 ? format_fixed(100.0 * s.stdev_us / s.median_us, 2) + "%" : std::string("n/a");
    const std::string n = std::to_string(times_us.size()) + " samples";
    switch (end) {
    case End::Converged:
        return n + ", spread " + spread + " <= target " + format_fixed(100.0 * settings.target_rel_spread, 2) + "%";
    case End::MaxSamples: return n + " (max_samples), spread " + spread;
    case End::Budget:
        return n + ", time budget " + format_fixed(settings.time_budget_s, 2) + " s spent, spread " + spread;
    case End::LongSample:
        return "stopped early after " + n + ": one sample (" + format_fixed(times_us.back() / 1e6, 3)
               + " s) is longer than the whole time budget (" + format_fixed(settings.time_budget_s, 2) + " s)";
    case End::Cancelled: return "cancelled by the host after " + n;
    }
    return n;
}

void SampleTimer::enqueue(const std::function<void()>& prepare, const std::function<void()>& timed)
{
    prepare();
    // The events and the work are all enqueued behind the hold, so the interval is device time only.
    if (holds_)
        hold_.hold(stream_);
    start_.record(stream_);
    try {
        timed();
    } catch (...) {
        hold_.release();
        throw;
    }
    finish_.record(stream_);
    hold_.release();
}

SampleRun run_samples(DeviceContext& device, const SampleSettings& settings, const StopPoll& stop,
                      const std::function<void(int)>& prepare, const std::function<void(int)>& timed)
{
    using Clock = std::chrono::steady_clock;
    SampleTimer timer(device.stream(), settings.hold_stream);
    ClockMonitor clocks(device.nvml());
    SampleRun run;
    const double budget_us = settings.time_budget_s * 1e6;
    const Clock::time_point begin = Clock::now();
    Clock::time_point last_reading = begin - std::chrono::hours(1);
    double mean = 0.0, m2 = 0.0;

    for (int i = 0;; ++i) {
        if (stop.requested()) {
            run.end = SampleRun::End::Cancelled;
            break;
        }
        timer.enqueue([&] { prepare(i); }, [&] { timed(i); });
        if (std::chrono::duration<double>(Clock::now() - last_reading).count() >= kClockReadingIntervalS) {
            clocks.sample();
            last_reading = Clock::now();
        }
        const double t_us = timer.elapsed_us();
        run.times_us.push_back(t_us);
        // Welford's running mean and squared deviations, so the spread test stays O(1) until it is close.
        const double delta = t_us - mean;
        mean += delta / static_cast<double>(run.times_us.size());
        m2 += delta * (t_us - mean);

        const int n = static_cast<int>(run.times_us.size());
        const double wall_us = std::chrono::duration<double, std::micro>(Clock::now() - begin).count();
        if (t_us > budget_us) {
            run.end = SampleRun::End::LongSample;
            break;
        }
        if (n >= settings.max_samples) {
            run.end = SampleRun::End::MaxSamples;
            break;
        }
        if (n >= settings.min_samples) {
            if (settings.target_rel_spread > 0.0 && n >= 2
                && converged(run.times_us, mean, m2, settings.target_rel_spread)) {
                run.end = SampleRun::End::Converged;
                break;
            }
            if (wall_us >= budget_us) {
                run.end = SampleRun::End::Budget;
                break;
            }
        }
    }
    run.sm_clock_mhz = clocks.median_sm_clock_mhz();
    run.throttled = clocks.throttled();
    run.clock_note = clocks.note();
    return run;
}

} // namespace rl_cuda
