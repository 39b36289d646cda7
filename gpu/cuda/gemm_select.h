#pragma once
// The ways a GEMM can run here: the cuBLASLt heuristic's candidates that launch, and cublasGemmEx where it takes
// the types. UNSUPPORTED (with the library's reasons) where none runs the case. candidate_race.h picks one.

#include "device_context.h"
#include "gemm_lt.h"

#include <functional>
#include <string>
#include <vector>

namespace rl_cuda {

struct GemmLauncher {
    std::function<void(const GemmOperands&)> run; // enqueues one product on the device stream; throws on failure
    std::string algorithm;                        // "cublasLt algo 66 tile ... (heuristic #2 of 8)", for notes
    GemmConfig config;                            // the same as fields (candidates_timed left to the race)
};

struct GemmCandidates {
    std::vector<GemmLauncher> launchers;
    int lt_offered = 0;   // algorithms the cuBLASLt heuristic returned
    bool has_gemm_ex = false;
    std::string label;    // "TN FP16 x FP16 -> FP16, FP32 acc"
};

// Each candidate has run once on `probe` (real operands of the case), so lazy module loading is behind it.
GemmCandidates gemm_candidates(DeviceContext& device, const GemmTypes& types, int64_t m, int64_t n, int64_t k,
                               const void* a_scale, const void* b_scale, const GemmOperands& probe);

} // namespace rl_cuda
