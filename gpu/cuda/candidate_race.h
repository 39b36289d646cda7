#pragma once
// Picks the fastest of several ways to run a case by timing them the way the case itself is measured: each
// sample behind a stream hold (device time only) and after the case's own preparation (the L2 flush when cold),
// in rounds that visit every candidate once, so clock drift and thermal state fall on all of them alike. The
// winner has the lowest median (race_book.h keeps the score). Timing back-to-back warm launches instead (the
// previous method) measured the host's launch rate for small kernels, and on an H100 it kept a slower algorithm
// in about one run of ten (768³ TF32: 15.2 µs in one run, 10.7 µs in the next, with a different algorithm).

#include "device_context.h"
#include "race_book.h"
#include "sampler.h"

#include <functional>

namespace rl_cuda {

// `prepare(sample)` enqueues untimed work before a sample; `timed(candidate, sample)` enqueues the candidate's
// work. `sample` counts every sample of the race, for rotating input sets. The stop callback is polled once a
// round; a stop ends the race with the best so far.
RaceBook race_candidates(DeviceContext& device, int candidates, const StopPoll& stop,
                         const std::function<void(int sample)>& prepare,
                         const std::function<void(int candidate, int sample)>& timed);

} // namespace rl_cuda
