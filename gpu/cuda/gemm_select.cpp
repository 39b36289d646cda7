#include "gemm_select.h"

#include "cuda_check.h"

#include <algorithm>
#include <climits>
#include <memory>
#include <optional>

namespace rl_cuda {
namespace {

constexpr int kHeuristicCount = 16; // algorithms asked of the heuristic
// Of those, how many are timed. The heuristic's first pick is not always the fastest (seen on an H100: FP8 and
// INT8 GEMV, FP64 GEMM), and timing is cheap next to the case's own sampling.
constexpr int kTimedCount = 8;
constexpr double kTimingBudgetUs = 20000.0; // per candidate, after one warm-up and one probe run

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
    launcher.algorithm = "cublasGemmEx CUBLAS_GEMM_DEFAULT; TN " + types.label;
    return launcher;
}

} // namespace

GemmLauncher select_gemm(DeviceContext& device, const GemmTypes& types, int64_t m, int64_t n, int64_t k,
                         const void* a_scale, const void* b_scale, const GemmOperands& probe)
{
    const auto problem = std::make_shared<LtProblem>(types, m, n, k, a_scale, b_scale);
    const std::vector<cublasLtMatmulHeuristicResult_t> candidates =
        problem->heuristics(device.lt(), device.workspace_bytes(), kHeuristicCount);

    const cudaStream_t stream = device.stream();
    CudaEvent start, stop;
    // Warm time of one launch: a probe run, then up to 10 repetitions within the timing budget.
    const auto time_us = [&](const std::function<cublasStatus_t()>& run) {
        start.record(stream);
        RL_CUBLAS_CALL(run());
        stop.record(stream);
        const double once_us = elapsed_us(start, stop);
        const int reps = static_cast<int>(std::clamp(kTimingBudgetUs / std::max(once_us, 1.0), 1.0, 10.0));
        start.record(stream);
        for (int r = 0; r < reps; ++r)
            RL_CUBLAS_CALL(run());
        stop.record(stream);
        return elapsed_us(start, stop) / reps;
    };

    int best = -1, timed = 0;
    double best_us = 0.0;
    std::string refusals;
    for (int i = 0; i < static_cast<int>(candidates.size()) && timed < kTimedCount; ++i) {
        const cublasLtMatmulAlgo_t& algo = candidates[static_cast<size_t>(i)].algo;
        const auto run = [&] {
            return problem->matmul(device.lt(), algo, probe, device.workspace(), device.workspace_bytes(), stream);
        };
        // A candidate the library refuses at launch is skipped; anything else is a real failure.
        const cublasStatus_t status = run();
        if (status == CUBLAS_STATUS_NOT_SUPPORTED || status == CUBLAS_STATUS_INVALID_VALUE) {
            refusals += (refusals.empty() ? "" : "; ") + describe_algo(algo) + ": " + cublas_status_text(status);
            continue;
        }
        RL_CUBLAS_CALL(status);
        const double us = time_us(run);
        ++timed;
        if (best < 0 || us < best_us) {
            best = i;
            best_us = us;
        }
    }

    std::string ex_reason;
    std::optional<GemmLauncher> gemm_ex = gemm_ex_candidate(device, types, m, n, k, probe, ex_reason);
    if (gemm_ex) {
        const double ex_us = time_us([&] {
            try {
                gemm_ex->run(probe);
                return CUBLAS_STATUS_SUCCESS;
            } catch (...) {
                return CUBLAS_STATUS_EXECUTION_FAILED;
            }
        });
        if (best < 0 || ex_us < best_us) {
            gemm_ex->algorithm += best < 0 ? " (cuBLASLt offered no algorithm that runs)"
                                           : " (faster than the " + std::to_string(timed) + " cuBLASLt candidates timed)";
            return *gemm_ex;
        }
    }

    if (best >= 0) {
        const cublasLtMatmulAlgo_t algo = candidates[static_cast<size_t>(best)].algo;
        DeviceContext* dev = &device;
        GemmLauncher launcher;
        launcher.run = [problem, algo, dev](const GemmOperands& ops) {
            RL_CUBLAS_CALL(problem->matmul(dev->lt(), algo, ops, dev->workspace(), dev->workspace_bytes(),
                                           dev->stream()));
        };
        launcher.algorithm = "cublasLt " + describe_algo(algo) + " (heuristic #" + std::to_string(best + 1)
                             + ", fastest of " + std::to_string(timed) + " timed, " + std::to_string(candidates.size())
                             + " offered" + (gemm_ex ? ", and cublasGemmEx" : "") + "); TN " + types.label;
        return launcher;
    }

    const std::string lt_reason = candidates.empty()
                                      ? "cuBLASLt has no algorithm for this case"
                                      : "cuBLASLt refused every algorithm it offered (" + refusals + ")";
    throw Error(RL_STATUS_UNSUPPORTED, lt_reason + "; " + ex_reason);
}

} // namespace rl_cuda
