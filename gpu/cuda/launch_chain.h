#pragma once
// The launch-gap ceilings: a chain of rl_case.m empty kernels on one stream, each depending on the one before,
// launched one by one from the host (EAGER) or captured once in a CUDA graph and replayed (GRAPH). A sample is
// the whole chain from an idle stream, so the host's launch cost is inside it; the result is per kernel.

#include "case_result.h"
#include "case_spec.h"
#include "device_context.h"
#include "sampler.h"

namespace rl_cuda {

CaseResult run_launch_chain_case(DeviceContext& device, const CaseSpec& spec, const StopPoll& stop);

} // namespace rl_cuda
