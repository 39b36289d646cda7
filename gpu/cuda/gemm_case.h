#pragma once
// GEMM and GEMV cases: support and memory checks, inputs, algorithm choice, the correctness check, then sampling.

#include "case_result.h"
#include "case_spec.h"
#include "device_context.h"
#include "sampler.h"

#include <string>

namespace rl_cuda {

// RL_STATUS_OK if the case can run now; UNSUPPORTED or SKIPPED with `reason` otherwise.
rl_status gemm_support(DeviceContext& device, const CaseSpec& spec, std::string& reason);

CaseResult run_gemm_case(DeviceContext& device, const CaseSpec& spec, const StopPoll& stop);

} // namespace rl_cuda
