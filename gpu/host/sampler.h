#pragma once

#include "roofline/abi/plugin_abi.h"

#include <functional>
#include <vector>

namespace roofline::cpu {

struct SampleStats {
    int samples = 0;
    double median_us = 0, min_us = 0, max_us = 0, mean_us = 0, stdev_us = 0;
    bool stopped = false;        // the stop callback asked to stop
    bool budget_cut = false;     // one sample outlasted the whole budget: fewer than min_samples taken
};

// Times `sample` (one call = one measured run; `prepare` runs before each, untimed: cache flush, buffer
// rotation) until min_samples are in and the spread is small or the budget is spent, as rl_case says.
SampleStats sample_until_stable(const rl_case& c, const std::function<void()>& prepare,
                                const std::function<void()>& sample, rl_stop_fn stop, void* stop_user);

// Statistics into the result; a run cut short by one over-long sample says so in the message.
void fill_result(const SampleStats& stats, const rl_case& c, rl_result* out);

} // namespace roofline::cpu
