#pragma once
// What a case run produced, in plugin terms; plugin_entry.cpp copies it into the host's rl_result.

#include "case_spec.h"
#include "lt_config.h"
#include "roofline/abi/plugin_abi.h"
#include "sampler.h"

#include <functional>
#include <string>

namespace rl_cuda {

struct CaseResult {
    rl_status status = RL_STATUS_FAILED;
    SampleStats stats;
    double bytes_moved = 0.0;
    double sm_clock_mhz = 0.0;
    bool throttled = false;
    bool verified = false;
    double max_rel_error = 0.0;
    double tolerance = 0.0;
    std::string algorithm;
    std::string message;
    int cudnn_version = 0;   // attention: cudnnGetVersion() of the cuDNN that ran it
    int64_t engine_id = -1;  // attention: the cuDNN engine (global index) that ran it
    GemmConfig gemm; // GEMM and GEMV: the winner's configuration

    // A case that does not run: UNSUPPORTED or SKIPPED, and why.
    static CaseResult refused(rl_status status, const std::string& reason)
    {
        CaseResult r;
        r.status = status;
        r.message = reason;
        return r;
    }
    void add_note(const std::string& note)
    {
        if (!note.empty())
            message += (message.empty() ? "" : "; ") + note;
    }
    // Fills stats, clock and status (OK or CANCELLED) from a finished sampling run.
    void take_samples(const SampleRun& run, const SampleSettings& settings)
    {
        stats = summarize(run.times_us);
        sm_clock_mhz = run.sm_clock_mhz;
        throttled = run.throttled;
        status = run.end == SampleRun::End::Cancelled ? RL_STATUS_CANCELLED : RL_STATUS_OK;
        add_note(run.end_note(settings));
        add_note(run.clock_note);
    }
};

inline SampleSettings sample_settings(const CaseSpec& spec)
{
    SampleSettings s;
    s.time_budget_s = spec.time_budget_s;
    s.min_samples = spec.min_samples;
    s.max_samples = spec.max_samples;
    s.target_rel_spread = spec.target_rel_spread;
    return s;
}

// `warmups` untimed runs of prepare + timed, then the sampling run, into `result`.
inline void warm_up_and_sample(DeviceContext& device, const SampleSettings& settings, const StopPoll& stop,
                               int warmups, const std::function<void(int)>& prepare,
                               const std::function<void(int)>& timed, CaseResult& result)
{
    for (int i = 0; i < warmups; ++i) {
        prepare(i);
        timed(i);
    }
    device.synchronize();
    result.take_samples(run_samples(device, settings, stop, prepare, timed), settings);
}

} // namespace rl_cuda
