#pragma once
// What a case run produced, in plugin terms; plugin_entry.cpp copies it into the host's rl_result.

#include "case_spec.h"
#include "roofline/plugin_abi.h"
#include "sampler.h"

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

} // namespace rl_cuda
