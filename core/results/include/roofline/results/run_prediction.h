#pragma once
// A measured run predicted: a prefill in its chunks, then every decode step at its own depth, on one device. What
// a model_step row (or a llama-bench test) is validated against.

#include "roofline/results/step_measurements.h"
#include "roofline/workloads/step_prediction.h"

namespace roofline {

struct RunPrediction {
    double prefill_us = 0;     // Σ the prompt's chunks, each at the depth the chunks before it left
    double decode_us = 0;      // Σ the decode steps from depth + prompt to depth + prompt + gen − 1
    double time_us = 0;        // the run
    double tokens_per_s = 0;   // batch · (prompt + gen) / time
    int64_t prefill_chunks = 0;
    int64_t decode_depths_predicted = 0; // decode steps predicted one by one; the others interpolated between them
};

// `base` carries the mode, fusion and launch gap; the run's batch, prompt, depth, weights and KV precision
// replace its own. Decode steps are predicted at up to kRunDecodeSamples depths and interpolated linearly between
// them (a step's time is linear in its depth but for a sliding window's corner, which lies on a sample when the
// window is shorter than the run). Throws InputError for a weights name parse_weight_scheme refuses.
RunPrediction predict_run(const ModelDescription& model, const HardwareSpec& hw, const StepOptions& base,
                          const StepMeasurement& run);
inline constexpr int64_t kRunDecodeSamples = 33;

} // namespace roofline
