#pragma once

#include "roofline/abi/plugin_abi.h"

#include <cstdint>
#include <string>

namespace roofline::cpu {

// Bytes a GEMV/GEMM case allocates (inputs in every rotation copy, output, flush buffer), or 0 on overflow.
uint64_t blas_case_bytes(const rl_case& c, uint64_t last_level_cache_bytes);

// Empty when the CPU plugin runs this case, otherwise the reason.
std::string blas_unsupported_reason(const rl_case& c);

// Runs a GEMV or GEMM in FP32/FP64 through CBLAS, K-major operands (A [M,K], B [N,K]: C = A·Bᵀ), checks a
// block of the product against a long-double reference, and fills `out`.
rl_status run_blas_case(const rl_case& c, uint64_t last_level_cache_bytes, rl_stop_fn stop, void* stop_user,
                        rl_result* out);

} // namespace roofline::cpu
