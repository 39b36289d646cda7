#pragma once
// The ceiling cases: DRAM read, DRAM copy, L2 read (vectorised 16-byte loads that bypass L1, with a result the
// compiler must compute), the launch cost of an empty kernel and the launch gaps of a chain (launch_chain.h).

#include "case_result.h"
#include "case_spec.h"
#include "device_context.h"
#include "sampler.h"

#include <string>

namespace rl_cuda {

rl_status ceiling_support(DeviceContext& device, const CaseSpec& spec, std::string& reason);

CaseResult run_ceiling_case(DeviceContext& device, const CaseSpec& spec, const StopPoll& stop);

} // namespace rl_cuda
