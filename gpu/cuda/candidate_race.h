#pragma once
// Picks the fastest of several ways to run a case by timing them the way the case itself is measured: each
// sample behind a stream hold (device time only) and after the case's own preparation (the L2 flush when cold),
// in rounds that visit every candidate once, so clock drift and thermal state fall on all of them alike. The
// winner has the lowest median. Timing back-to-back warm launches instead (the previous method) measured the
// host's launch rate for small kernels, and on an H100 it kept a slower algorithm in about one run of ten
// (768³ TF32: 15.2 µs in one run, 10.7 µs in the next, with a different algorithm each time).

#include "device_context.h"
#include "sampler.h"

#include <functional>
#include <string>
#include <vector>

namespace rl_cuda {

struct RaceResult {
    int winner = 0;
    int rounds = 0;
    std::vector<double> median_us;  // per candidate, over the samples it ran
    std::vector<int> samples;       // per candidate: a candidate far behind leaves the race early
    // "fastest median of 9 raced cold over 11 rounds (5.91 us; next 6.20 us, +4.9%)"
    std::string describe(bool cold) const;
};

// `prepare(sample)` enqueues untimed work before a sample; `timed(candidate, sample)` enqueues the candidate's
// work. `sample` counts every sample of the race, for rotating input sets. A stop request ends the race after
// the round it is in (with the best so far).
RaceResult race_candidates(DeviceContext& device, int candidates, const StopPoll& stop,
                           const std::function<void(int sample)>& prepare,
                           const std::function<void(int candidate, int sample)>& timed);

} // namespace rl_cuda
