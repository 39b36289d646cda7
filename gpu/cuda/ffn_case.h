#pragma once
// FFN cases (RL_KERNEL_FFN) as an inference engine runs a transformer MLP on m tokens, hidden k, intermediate n:
// gated, one fused gate+up cuBLASLt GEMM (N = 2n, output row-major [m, 2n]: each token's gate, then its up), the
// plugin's SiLU·mul, the down GEMM reading that output directly; plain, the up GEMM, GELU, the down GEMM. Each GEMM
// is chosen by the race gemm_case uses; one sample is the three kernels back to back; the parts are timed alone
// too, for the message. Checked stage by stage, each against a reference computed from that stage's own inputs.

#include "case_result.h"
#include "case_spec.h"
#include "device_context.h"
#include "sampler.h"

#include <string>

namespace rl_cuda {

rl_status ffn_support(DeviceContext& device, const CaseSpec& spec, std::string& reason);

CaseResult run_ffn_case(DeviceContext& device, const CaseSpec& spec, const StopPoll& stop);

} // namespace rl_cuda
