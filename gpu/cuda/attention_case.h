#pragma once
// Attention cases (RL_KERNEL_ATTENTION) through cuDNN's fused flash attention: support (the cuDNN version's and
// the memory's), inputs, the engine the heuristics offer (the first few raced), the check against the cuBLAS
// reference (attention_reference.h), then sampling, cold (L2 flushed, inputs rotated) or warm.

#include "case_result.h"
#include "case_spec.h"
#include "device_context.h"
#include "sampler.h"

#include <string>

namespace rl_cuda {

// "cuDNN 9.14.0" where the library loads, else why attention cannot run ("no cuDNN"), for the device's description.
std::string attention_library_version();

rl_status attention_support(DeviceContext& device, const CaseSpec& spec, std::string& reason);

CaseResult run_attention_case(DeviceContext& device, const CaseSpec& spec, const StopPoll& stop);

} // namespace rl_cuda
