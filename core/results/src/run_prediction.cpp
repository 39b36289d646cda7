// predict_run: a prefill chunk by chunk, then the decode steps over the depths they run at.
#include "roofline/results/run_prediction.h"

#include <algorithm>
#include <vector>

namespace roofline {

RunPrediction predict_run(const ModelDescription& model, const HardwareSpec& hw, const StepOptions& base,
                          const StepMeasurement& run)
{
    RunPrediction out;
    StepOptions o = base;
    o.weights = parse_weight_scheme(run.weights);
    o.kv_cache = run.kv_cache;
    o.batch = run.batch;
    if (run.prompt_tokens > 0) {
        const int64_t chunk = run.prompt_chunk > 0 ? std::min(run.prompt_chunk, run.prompt_tokens) : run.prompt_tokens;
        for (int64_t done = 0; done < run.prompt_tokens; done += chunk) {
            o.prompt = std::min(chunk, run.prompt_tokens - done);
            o.context = run.context_depth + done;
            out.prefill_us += predict_phase(model, hw, o, Phase::Prefill).step_time_us;
            ++out.prefill_chunks;
        }
    }
    if (run.gen_tokens > 0) {
        const int64_t first = run.context_depth + run.prompt_tokens;
        const int64_t steps = run.gen_tokens;
        const int64_t samples = std::min(steps, kRunDecodeSamples);
        std::vector<int64_t> at;  // step indices predicted, from 0 to steps − 1
        std::vector<double> time; // [µs] their step times
        for (int64_t k = 0; k < samples; ++k) {
            const int64_t i = samples == 1 ? 0 : k * (steps - 1) / (samples - 1);
            if (!at.empty() && at.back() == i)
                continue;
            o.context = first + i;
            at.push_back(i);
            time.push_back(predict_phase(model, hw, o, Phase::Decode).step_time_us);
        }
        // Σ over every step of the piecewise-linear time through the samples.
        for (std::size_t s = 0; s + 1 < at.size(); ++s) {
            const double span = static_cast<double>(at[s + 1] - at[s]);
            // Steps at[s] … at[s+1] − 1: the trapezoid less half the rise, so each end counts once over the run.
            out.decode_us += (time[s] + time[s + 1]) / 2 * span - (time[s + 1] - time[s]) / 2;
        }
        out.decode_us += at.size() == 1 ? time.front() : time.back();
        out.decode_depths_predicted = static_cast<int64_t>(at.size());
    }
    out.time_us = out.prefill_us + out.decode_us;
    out.tokens_per_s = out.time_us > 0 ? static_cast<double>(run.tokens()) / (out.time_us * 1e-6) : 0;
    return out;
}

} // namespace roofline
