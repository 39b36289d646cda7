#pragma once

#include "roofline/abi/plugin_abi.h"

#include <cstdint>

namespace roofline::cpu {

// DRAM read, DRAM copy and cache re-read with every core (STREAM-like), and the fixed cost of one BLAS call.
rl_status run_ceiling_case(const rl_case& c, int threads, rl_stop_fn stop, void* stop_user, rl_result* out);

} // namespace roofline::cpu
