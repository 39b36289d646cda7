#include "sampler.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cmath>
#include <numeric>

namespace roofline::cpu {

namespace {

using Clock = std::chrono::steady_clock;

double elapsed_us(Clock::time_point since)
{
    return std::chrono::duration<double, std::micro>(Clock::now() - since).count();
}

SampleStats statistics(std::vector<double> times_us)
{
    SampleStats s;
    s.samples = static_cast<int>(times_us.size());
    if (times_us.empty())
        return s;
    std::sort(times_us.begin(), times_us.end());
    const std::size_t n = times_us.size();
    s.min_us = times_us.front();
    s.max_us = times_us.back();
    s.median_us = n % 2 ? times_us[n / 2] : (times_us[n / 2 - 1] + times_us[n / 2]) / 2;
    s.mean_us = std::accumulate(times_us.begin(), times_us.end(), 0.0) / static_cast<double>(n);
    double square_sum = 0;
    for (double t : times_us)
        square_sum += (t - s.mean_us) * (t - s.mean_us);
    s.stdev_us = n > 1 ? std::sqrt(square_sum / static_cast<double>(n - 1)) : 0;
    return s;
}

} // namespace

SampleStats sample_until_stable(const rl_case& c, const std::function<void()>& prepare,
                                const std::function<void()>& sample, rl_stop_fn stop, void* stop_user)
{
    const int min_samples = std::max(1, c.min_samples);
    const int max_samples = std::max(min_samples, c.max_samples);
    const double budget_us = (c.time_budget_s > 0 ? c.time_budget_s : 1.0) * 1e6;

    prepare();
    sample(); // warm-up: page faults, BLAS thread start-up
    std::vector<double> times_us;
    const auto start = Clock::now();
    bool stopped = false, budget_cut = false;
    while (static_cast<int>(times_us.size()) < max_samples) {
        if (stop && stop(stop_user)) {
            stopped = true;
            break;
        }
        prepare();
        const auto t0 = Clock::now();
        sample();
        times_us.push_back(elapsed_us(t0));
        const int n = static_cast<int>(times_us.size());
        const double spent_us = elapsed_us(start);
        if (n < min_samples) {
            if (times_us.back() > budget_us) {
                budget_cut = true;
                break;
            }
            continue;
        }
        const SampleStats s = statistics(times_us);
        if (s.mean_us > 0 && s.stdev_us / s.mean_us <= c.target_rel_spread)
            break;
        if (spent_us >= budget_us)
            break;
    }
    SampleStats s = statistics(times_us);
    s.stopped = stopped;
    s.budget_cut = budget_cut;
    return s;
}

void fill_result(const SampleStats& s, const rl_case& c, rl_result* out)
{
    if (s.budget_cut)
        std::snprintf(out->message, sizeof out->message, "one sample outlasted the %.2f s budget: %d sample(s) taken",
                      c.time_budget_s, s.samples);
    out->samples = s.samples;
    out->median_time_us = s.median_us;
    out->min_time_us = s.min_us;
    out->max_time_us = s.max_us;
    out->mean_time_us = s.mean_us;
    out->stdev_time_us = s.stdev_us;
}

} // namespace roofline::cpu
