#include "gemm_select.h"

#include "cuda_check.h"

#include <climits>
#include <memory>
#include <optional>

namespace rl_cuda {
namespace {

constexpr int kHeuristicCount = 16; // algorithms asked of the heuristic
// Of those, how many may race. The heuristic's first pick is not always the fastest (seen on an H100: FP8 and
// INT8 GEMV, FP64 GEMM), and the race is cheap next to the case's own sampling.
constexpr int kRacedCount = 8;

// cublasGemmEx with the same TN layout; for the types it knows (no FP8 or block-scaled types, 32-bit sizes).
// cuBLAS's own kernel selection sometimes beats every cuBLASLt candidate (PyTorch calls this path).
std::optional<GemmLauncher> gemm_ex_candidate(DeviceContext& device, const GemmTypes& types, int64_t m, int64_t n,
                                             int64_t k, const GemmOperands& probe, std::string& why_not)
{
    if (types.scaling != BlockScale::None) {
        why_not = "cublasGemmEx has no scaled FP8/FP4 path";
        return std::nullopt;
    }
    if (m > INT_MAX || n > INT_MAX || k > INT_MAX) {
        why_not = "cublasGemmEx takes 32-bit sizes";
        return std::nullopt;
    }
    struct Scalars {
        double f64 = 1.0, f64_zero = 0.0;
        float f32 = 1.0f, f32_zero = 0.0f;
        int32_t i32 = 1, i32_zero = 0;
    };
    const auto scalars = std::make_shared<Scalars>();
    const void* alpha = types.scale_type == CUDA_R_64F   ? static_cast<const void*>(&scalars->f64)
                        : types.scale_type == CUDA_R_32I ? static_cast<const void*>(&scalars->i32)
                                                         : static_cast<const void*>(&scalars->f32);
    const void* beta = types.scale_type == CUDA_R_64F   ? static_cast<const void*>(&scalars->f64_zero)
                       : types.scale_type == CUDA_R_32I ? static_cast<const void*>(&scalars->i32_zero)
                                                        : static_cast<const void*>(&scalars->f32_zero);
    cublasHandle_t handle = device.blas();
    const int mi = static_cast<int>(m), ni = static_cast<int>(n), ki = static_cast<int>(k);
    const auto call = [=](const GemmOperands& ops) {
        return cublasGemmEx(handle, CUBLAS_OP_T, CUBLAS_OP_N, mi, ni, ki, alpha, ops.a, types.a_type, ki, ops.b,
                            types.b_type, ki, beta, ops.d, types.out_type, mi, types.compute, CUBLAS_GEMM_DEFAULT);
    };
    const cublasStatus_t status = call(probe);
    if (status == CUBLAS_STATUS_NOT_SUPPORTED || status == CUBLAS_STATUS_INVALID_VALUE) {
        why_not = "cublasGemmEx: " + cublas_status_text(status);
        return std::nullopt;
    }
    RL_CUBLAS_CALL(status);
    device.synchronize();
    GemmLauncher launcher;
    launcher.run = [call, scalars](const GemmOperands& ops) { RL_CUBLAS_CALL(call(ops)); };
    launcher.algorithm = "cublasGemmEx CUBLAS_GEMM_DEFAULT";
    launcher.config = cublas_gemm_config();
    return launcher;
}

} // namespace

GemmCandidates gemm_candidates(DeviceContext& device, const GemmTypes& types, int64_t m, int64_t n, int64_t k,
                               const void* a_scale, const void* b_scale, const GemmOperands& probe)
{
    const auto problem = std::make_shared<LtProblem>(types, m, n, k, a_scale, b_scale);
    const std::vector<cublasLtMatmulHeuristicResult_t> heuristics =
        problem->heuristics(device.lt(), device.workspace_bytes(), kHeuristicCount);

    GemmCandidates result;
    result.lt_offered = static_cast<int>(heuristics.size());
    result.label = "TN " + types.label;
    std::string refusals;
    DeviceContext* dev = &device;
    for (int i = 0; i < result.lt_offered && static_cast<int>(result.launchers.size()) < kRacedCount; ++i) {
        const cublasLtMatmulAlgo_t algo = heuristics[static_cast<size_t>(i)].algo;
        // A candidate the library refuses at launch is left out; anything else is a real failure.
        const cublasStatus_t status =
            problem->matmul(device.lt(), algo, probe, device.workspace(), device.workspace_bytes(), device.stream());
        if (status == CUBLAS_STATUS_NOT_SUPPORTED || status == CUBLAS_STATUS_INVALID_VALUE) {
            refusals += (refusals.empty() ? "" : "; ") + describe_algo(algo) + ": " + cublas_status_text(status);
            continue;
        }
        RL_CUBLAS_CALL(status);
        GemmLauncher launcher;
        launcher.run = [problem, algo, dev](const GemmOperands& ops) {
            RL_CUBLAS_CALL(problem->matmul(dev->lt(), algo, ops, dev->workspace(), dev->workspace_bytes(),
                                           dev->stream()));
        };
        launcher.algorithm = "cublasLt " + describe_algo(algo) + " (heuristic #" + std::to_string(i + 1) + " of "
                             + std::to_string(result.lt_offered) + ")";
        launcher.config = lt_gemm_config(algo_ids(algo));
        result.launchers.push_back(std::move(launcher));
    }

    std::string ex_reason;
    if (std::optional<GemmLauncher> gemm_ex = gemm_ex_candidate(device, types, m, n, k, probe, ex_reason)) {
        result.launchers.push_back(std::move(*gemm_ex));
        result.has_gemm_ex = true;
    }
    device.synchronize();
    if (!result.launchers.empty())
        return result;

    const std::string lt_reason = heuristics.empty()
                                      ? "cuBLASLt has no algorithm for this case"
                                      : "cuBLASLt refused every algorithm it offered (" + refusals + ")";
    throw Error(RL_STATUS_UNSUPPORTED, lt_reason + "; " + ex_reason);
}

} // namespace rl_cuda
