#pragma once
// One cuBLASLt matmul problem in the "TN" layout that FP8 and INT8 need on sm_89/90/12x and LLM weights use:
// A is [m, k] and B is [n, k], both K-contiguous (column-major k x m with op T, and k x n with op N);
// D is column-major [m, n]. beta = 0, so C is D and is not read.

#include "gemm_types.h"
#include "lt_config.h"

#include <cublasLt.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace rl_cuda {

struct GemmOperands {
    const void* a = nullptr;
    const void* b = nullptr;
    void* d = nullptr;
};

class LtProblem {
public:
    // `a_scale` / `b_scale`: device scale data for FP8 (one float each) and block-scaled types; else null.
    LtProblem(const GemmTypes& types, int64_t m, int64_t n, int64_t k, const void* a_scale, const void* b_scale);

    // Up to `count` algorithms in the heuristic's order (fastest estimate first); empty when none fits.
    std::vector<cublasLtMatmulHeuristicResult_t> heuristics(cublasLtHandle_t lt, uint64_t workspace_bytes,
                                                            int count) const;
    // Enqueues D = A B^T; returns the library's status so a caller can skip an algorithm that refuses.
    cublasStatus_t matmul(cublasLtHandle_t lt, const cublasLtMatmulAlgo_t& algo, const GemmOperands& ops,
                          void* workspace, uint64_t workspace_bytes, cudaStream_t stream) const;

private:
    struct DescDeleter {
        void operator()(cublasLtMatmulDescOpaque_t* d) const { static_cast<void>(cublasLtMatmulDescDestroy(d)); }
    };
    struct LayoutDeleter {
        void operator()(cublasLtMatrixLayoutOpaque_t* d) const { static_cast<void>(cublasLtMatrixLayoutDestroy(d)); }
    };
    using Desc = std::unique_ptr<cublasLtMatmulDescOpaque_t, DescDeleter>;
    using Layout = std::unique_ptr<cublasLtMatrixLayoutOpaque_t, LayoutDeleter>;

    Desc op_;
    Layout a_, b_, d_;
    // alpha = 1 and beta = 0 in the scale type (host pointer mode).
    union Scalar {
        double f64;
        float f32;
        int32_t i32;
    } alpha_{}, beta_{};
};

// The algorithm's CUBLASLT_ALGO_CONFIG_* values (lt_gemm_config decodes them).
LtAlgoIds algo_ids(const cublasLtMatmulAlgo_t& algo);

// "algo 66 tile 128x256 stages 64xAUTO splitK 1" from the algorithm's configuration.
std::string describe_algo(const cublasLtMatmulAlgo_t& algo);

} // namespace rl_cuda
