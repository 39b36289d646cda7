#pragma once
// The elementwise kinds of a layer (RMSNORM, ROPE, RESIDUAL, ACTIVATION, TOPK, EMBEDDING): support and memory
// checks, random inputs, a check against the host reference at a reduced size, then sampling as every case does
// (cold: the L2 flushed before each sample; warm: the same inputs every sample).

#include "case_result.h"
#include "case_spec.h"
#include "device_context.h"
#include "sampler.h"

#include <string>

namespace rl_cuda {

rl_status layer_support(DeviceContext& device, const CaseSpec& spec, std::string& reason);

CaseResult run_layer_case(DeviceContext& device, const CaseSpec& spec, const StopPoll& stop);

} // namespace rl_cuda
