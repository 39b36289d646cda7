#pragma once
// What every measured case (GEMM, attention, FFN) does alike before and around its samples: whether it fits in
// free memory now, how many input sets a cold run rotates, how it ends early, and the note on the cache mode.

#include "case_result.h"
#include "device_context.h"
#include "sampler.h"

#include <functional>

#include <cstdint>
#include <string>

namespace rl_cuda {

inline constexpr const char* kCancelledBeforeFirstSample = "cancelled by the host before the first sample";

// A result that ends a case before it samples.
CaseResult refusal(rl_status status, std::string message);

// How many input sets a cold case rotates: enough to cover twice the L2 between two uses of one set (so none of
// its lines is left behind even before the flush), at most 4, and only as many as fit beside `fixed_bytes`.
int cold_input_sets(uint64_t l2_bytes, uint64_t set_bytes, uint64_t fixed_bytes, uint64_t free_bytes);

// The input sets a case rotates: cold_input_sets when cold, 1 when warm; SKIPPED with `reason` where even one set
// beside `fixed_bytes` does not fit now.
rl_status plan_input_sets(DeviceContext& device, bool cold, uint64_t set_bytes, uint64_t fixed_bytes, int& sets,
                          std::string& reason);

// Two untimed runs, each prepared as a sample is, then the samples (sampler.h).
SampleRun warm_up_and_sample(DeviceContext& device, const SampleSettings& settings, const StopPoll& stop,
                             const std::function<void(int)>& prepare, const std::function<void(int)>& timed);

// "cold: L2 flushed (120 MiB read (clean lines left)) before each sample, 2 rotating input sets", or the warm note.
std::string cache_note(const L2Flush* flush, int sets);

} // namespace rl_cuda
