#pragma once
// The measurement loop, as nvbench's measure_cold does it: each sample is the device time between two CUDA
// events around the timed work, with untimed preparation (the L2 flush) before the first event, and the stream
// held by a blocking kernel while the sample is enqueued (no host launch latency in the interval). Sampling stops
// once there are min_samples and stdev / median <= target_rel_spread, or the time budget is spent (after
// min_samples), or max_samples are taken, or one sample alone outlasts the whole budget, or the host asks to stop.

#include "device_context.h"
#include "roofline/abi/plugin_abi.h"
#include "stream_hold.h"

#include <functional>
#include <string>
#include <vector>

namespace rl_cuda {

struct SampleSettings {
    double time_budget_s = 1.0;
    int min_samples = 10;
    int max_samples = 10000;
    double target_rel_spread = 0.0; // <= 0: no spread criterion
    // false: the sample starts on an idle stream, so the host's own launch cost falls inside the interval (the
    // launch-chain ceilings measure exactly that).
    bool hold_stream = true;
};

struct SampleStats {
    int samples = 0;
    double median_us = 0.0, min_us = 0.0, max_us = 0.0, mean_us = 0.0, stdev_us = 0.0;
};
SampleStats summarize(const std::vector<double>& times_us);

// The host's stop callback; polled between samples.
class StopPoll {
public:
    StopPoll(rl_stop_fn fn, void* user_data) : fn_(fn), user_data_(user_data) {}
    bool requested() const { return fn_ && fn_(user_data_) != 0; }

private:
    rl_stop_fn fn_;
    void* user_data_;
};

struct SampleRun {
    enum class End { Converged, MaxSamples, Budget, LongSample, Cancelled };
    std::vector<double> times_us;
    End end = End::MaxSamples;
    double sm_clock_mhz = 0.0;
    bool throttled = false;
    std::string clock_note;
    std::string end_note(const SampleSettings& settings) const; // why sampling stopped, for the message
};

// One sample as the loop below takes it: `prepare` enqueued untimed, then `timed` between two events, all behind
// a stream hold. enqueue() returns while the GPU runs the sample; elapsed_us() waits for it.
class SampleTimer {
public:
    explicit SampleTimer(cudaStream_t stream, bool hold_stream = true) : stream_(stream), holds_(hold_stream) {}
    void enqueue(const std::function<void()>& prepare, const std::function<void()>& timed);
    double elapsed_us() { return rl_cuda::elapsed_us(start_, finish_); }
    double time_us(const std::function<void()>& prepare, const std::function<void()>& timed)
    {
        enqueue(prepare, timed);
        return elapsed_us();
    }

private:
    cudaStream_t stream_;
    bool holds_;
    CudaEvent start_, finish_;
    StreamHold hold_;
};

// `prepare(i)` enqueues untimed work before sample i; `timed(i)` enqueues the work that sample i times.
SampleRun run_samples(DeviceContext& device, const SampleSettings& settings, const StopPoll& stop,
                      const std::function<void(int)>& prepare, const std::function<void(int)>& timed);

} // namespace rl_cuda
