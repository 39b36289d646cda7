#pragma once
// Picks how a GEMM runs: the heuristic's candidates timed briefly, the fastest kept; cublasGemmEx where cuBLASLt
// offers nothing; UNSUPPORTED (with the library's reasons) where neither runs the case.

#include "device_context.h"
#include "gemm_lt.h"

#include <functional>
#include <string>

namespace rl_cuda {

struct GemmLauncher {
    std::function<void(const GemmOperands&)> run; // enqueues one product on the device stream; throws on failure
    std::string algorithm;                        // for rl_result.algorithm
};

// `probe` holds real operands of the case; candidates are run on them (warm) to time them.
GemmLauncher select_gemm(DeviceContext& device, const GemmTypes& types, int64_t m, int64_t n, int64_t k,
                         const void* a_scale, const void* b_scale, const GemmOperands& probe);

} // namespace rl_cuda
