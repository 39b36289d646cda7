#include "gemm_lt.h"

#include "cuda_check.h"
#include "lt_names.h"

namespace rl_cuda {
namespace {

template <typename T> void set_attr(cublasLtMatmulDesc_t desc, cublasLtMatmulDescAttributes_t attr, const T& value)
{
    RL_CUBLAS_CALL(cublasLtMatmulDescSetAttribute(desc, attr, &value, sizeof(value)));
}

template <typename T> T read_config(const cublasLtMatmulAlgo_t& algo, cublasLtMatmulAlgoConfigAttributes_t attr)
{
    T value{};
    size_t written = 0;
    if (cublasLtMatmulAlgoConfigGetAttribute(&algo, attr, &value, sizeof(value), &written) != CUBLAS_STATUS_SUCCESS)
        return T{};
    return value;
}

} // namespace

LtProblem::LtProblem(const GemmTypes& types, int64_t m, int64_t n, int64_t k, const void* a_scale,
                     const void* b_scale)
{
    cublasLtMatmulDesc_t op = nullptr;
    RL_CUBLAS_CALL(cublasLtMatmulDescCreate(&op, types.compute, types.scale_type));
    op_.reset(op);
    set_attr(op, CUBLASLT_MATMUL_DESC_TRANSA, CUBLAS_OP_T);
    set_attr(op, CUBLASLT_MATMUL_DESC_TRANSB, CUBLAS_OP_N);

    if (types.scaling != BlockScale::None) {
        if (types.scaling != BlockScale::TensorScalar) {
            const int32_t mode = types.scaling == BlockScale::Vec16UE4M3 ? CUBLASLT_MATMUL_MATRIX_SCALE_VEC16_UE4M3
                                                                         : CUBLASLT_MATMUL_MATRIX_SCALE_VEC32_UE8M0;
            set_attr(op, CUBLASLT_MATMUL_DESC_A_SCALE_MODE, mode);
            set_attr(op, CUBLASLT_MATMUL_DESC_B_SCALE_MODE, mode);
        }
        set_attr(op, CUBLASLT_MATMUL_DESC_A_SCALE_POINTER, a_scale);
        set_attr(op, CUBLASLT_MATMUL_DESC_B_SCALE_POINTER, b_scale);
    }

    const auto layout = [](cudaDataType_t type, int64_t rows, int64_t cols, int64_t ld) {
        cublasLtMatrixLayout_t l = nullptr;
        RL_CUBLAS_CALL(cublasLtMatrixLayoutCreate(&l, type, static_cast<uint64_t>(rows),
                                                  static_cast<uint64_t>(cols), ld));
        return Layout(l);
    };
    a_ = layout(types.a_type, k, m, k);
    b_ = layout(types.b_type, k, n, k);
    d_ = layout(types.out_type, m, n, m);

    if (types.scale_type == CUDA_R_64F) {
        alpha_.f64 = 1.0;
        beta_.f64 = 0.0;
    } else if (types.scale_type == CUDA_R_32I) {
        alpha_.i32 = 1;
        beta_.i32 = 0;
    } else {
        alpha_.f32 = 1.0f;
        beta_.f32 = 0.0f;
    }
}

std::vector<cublasLtMatmulHeuristicResult_t> LtProblem::heuristics(cublasLtHandle_t lt, uint64_t workspace_bytes,
                                                                   int count) const
{
    cublasLtMatmulPreference_t pref = nullptr;
    RL_CUBLAS_CALL(cublasLtMatmulPreferenceCreate(&pref));
    const std::unique_ptr<cublasLtMatmulPreferenceOpaque_t, cublasStatus_t (*)(cublasLtMatmulPreference_t)> owner(
        pref, cublasLtMatmulPreferenceDestroy);
    const uint64_t ws = workspace_bytes;
    RL_CUBLAS_CALL(cublasLtMatmulPreferenceSetAttribute(pref, CUBLASLT_MATMUL_PREF_MAX_WORKSPACE_BYTES, &ws,
                                                        sizeof(ws)));
    std::vector<cublasLtMatmulHeuristicResult_t> results(static_cast<size_t>(count));
    int returned = 0;
    const cublasStatus_t status = cublasLtMatmulAlgoGetHeuristic(lt, op_.get(), a_.get(), b_.get(), d_.get(),
                                                                 d_.get(), pref, count, results.data(), &returned);
    // "No algorithm" comes back as NOT_SUPPORTED (or INVALID_VALUE for a layout no kernel takes): not an error here.
    if (status == CUBLAS_STATUS_NOT_SUPPORTED || status == CUBLAS_STATUS_INVALID_VALUE)
        return {};
    if (status != CUBLAS_STATUS_SUCCESS)
        RL_CUBLAS_CALL(status);
    results.resize(static_cast<size_t>(returned));
    std::erase_if(results, [](const cublasLtMatmulHeuristicResult_t& r) { return r.state != CUBLAS_STATUS_SUCCESS; });
    return results;
}

cublasStatus_t LtProblem::matmul(cublasLtHandle_t lt, const cublasLtMatmulAlgo_t& algo, const GemmOperands& ops,
                                 void* workspace, uint64_t workspace_bytes, cudaStream_t stream) const
{
    return cublasLtMatmul(lt, op_.get(), &alpha_, ops.a, a_.get(), ops.b, b_.get(), &beta_, ops.d, d_.get(), ops.d,
                          d_.get(), &algo, workspace, workspace_bytes, stream);
}

LtAlgoIds algo_ids(const cublasLtMatmulAlgo_t& algo)
{
    LtAlgoIds ids;
    ids.algo_id = read_config<int32_t>(algo, CUBLASLT_ALGO_CONFIG_ID);
    ids.tile_id = read_config<uint32_t>(algo, CUBLASLT_ALGO_CONFIG_TILE_ID);
    ids.stages_id = read_config<uint32_t>(algo, CUBLASLT_ALGO_CONFIG_STAGES_ID);
    ids.split_k = read_config<int32_t>(algo, CUBLASLT_ALGO_CONFIG_SPLITK_NUM);
    ids.reduction_scheme = read_config<uint32_t>(algo, CUBLASLT_ALGO_CONFIG_REDUCTION_SCHEME);
#if CUBLAS_VER_MAJOR >= 12 // thread-block clusters (sm_90) came with cuBLAS 12
    ids.cluster_id = read_config<uint16_t>(algo, CUBLASLT_ALGO_CONFIG_CLUSTER_SHAPE_ID);
#endif
    return ids;
}

std::string describe_algo(const cublasLtMatmulAlgo_t& algo)
{
    const LtAlgoIds ids = algo_ids(algo);
    return "algo " + std::to_string(ids.algo_id) + " tile " + tile_name(ids.tile_id) + " stages "
           + stages_name(ids.stages_id) + " splitK " + std::to_string(ids.split_k > 0 ? ids.split_k : 1);
}

} // namespace rl_cuda
