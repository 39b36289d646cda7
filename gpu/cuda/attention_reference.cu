#include "attention_reference.h"

#include "cuda_check.h"
#include "device_buffer.h"

#include <cuda_bf16.h>
#include <cuda_fp16.h>

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <vector>

namespace rl_cuda {
namespace {

// The FP32 scores of one block of rows: at most this much device memory.
constexpr uint64_t kScoreBudgetBytes = 64ull << 20;
constexpr int kMaxCheckedHeads = 4;
constexpr int kSoftmaxThreads = 256;

template <typename T> __device__ inline float as_float(T v);
template <> __device__ inline float as_float(__nv_bfloat16 v) { return __bfloat162float(v); }
template <> __device__ inline float as_float(__half v) { return __half2float(v); }

template <typename T> __global__ void widen_kernel(const T* in, float* out, int64_t count)
{
    const int64_t stride = static_cast<int64_t>(gridDim.x) * blockDim.x;
    for (int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < count; i += stride)
        out[i] = as_float(in[i]);
}

__device__ float block_reduce(float value, bool take_max, float* shared)
{
    const int lane = threadIdx.x % 32, warp = threadIdx.x / 32;
    for (int offset = 16; offset > 0; offset /= 2) {
        const float other = __shfl_xor_sync(0xFFFFFFFFu, value, offset);
        value = take_max ? fmaxf(value, other) : value + other;
    }
    if (lane == 0)
        shared[warp] = value;
    __syncthreads();
    if (warp == 0) {
        value = lane < static_cast<int>(blockDim.x / 32) ? shared[lane] : (take_max ? -FLT_MAX : 0.0f);
        for (int offset = 16; offset > 0; offset /= 2) {
            const float other = __shfl_xor_sync(0xFFFFFFFFu, value, offset);
            value = take_max ? fmaxf(value, other) : value + other;
        }
        if (lane == 0)
            shared[0] = value;
    }
    __syncthreads();
    const float result = shared[0];
    __syncthreads();
    return result;
}

// One block per row of scores, in place: P = softmax(scale · S) over the keys the row sees. Row r of the block
// starting at `first_row` sits at key position kv_len - query_len + first_row + r: causal, it sees no key after
// that; with a window of w, none before position - w + 1.
__global__ void softmax_rows_kernel(float* scores, int64_t kv_len, int64_t query_len, int64_t first_row, bool causal,
                                    int64_t window, float scale)
{
    __shared__ float shared[32];
    float* row = scores + static_cast<int64_t>(blockIdx.x) * kv_len;
    const int64_t position = kv_len - query_len + first_row + blockIdx.x;
    const int64_t last_key = causal ? position : kv_len - 1;
    const int64_t first_key = window > 0 ? (position - window + 1 > 0 ? position - window + 1 : 0) : 0;
    float row_max = -FLT_MAX;
    for (int64_t j = first_key + threadIdx.x; j <= last_key; j += blockDim.x)
        row_max = fmaxf(row_max, row[j] * scale);
    row_max = block_reduce(row_max, true, shared);
    float sum = 0.0f;
    for (int64_t j = first_key + threadIdx.x; j <= last_key; j += blockDim.x)
        sum += expf(row[j] * scale - row_max);
    sum = block_reduce(sum, false, shared);
    for (int64_t j = threadIdx.x; j < kv_len; j += blockDim.x)
        row[j] = j >= first_key && j <= last_key ? expf(row[j] * scale - row_max) / sum : 0.0f;
}

cudaDataType_t cuda_type(ElemKind kind)
{
    return kind == ElemKind::BF16 ? CUDA_R_16BF : CUDA_R_16F;
}

float host_float(const uint16_t bits, ElemKind kind)
{
    if (kind == ElemKind::BF16) {
        const uint32_t wide = static_cast<uint32_t>(bits) << 16;
        float value;
        std::memcpy(&value, &wide, sizeof(value));
        return value;
    }
    __half_raw raw;
    raw.x = bits;
    return __half2float(__half(raw));
}

void widen(const void* in, ElemKind kind, float* out, int64_t count, cudaStream_t stream)
{
    const auto blocks = static_cast<unsigned>(std::min<int64_t>((count + 255) / 256, 4096));
    if (kind == ElemKind::BF16)
        widen_kernel<<<blocks, 256, 0, stream>>>(static_cast<const __nv_bfloat16*>(in), out, count);
    else
        widen_kernel<<<blocks, 256, 0, stream>>>(static_cast<const __half*>(in), out, count);
    RL_CUDA_CHECK_LAUNCH("widen_kernel");
}

} // namespace

uint64_t AttentionCheckPlan::device_bytes() const
{
    const auto rows = static_cast<uint64_t>(rows_per_block);
    const auto keys = static_cast<uint64_t>(kv_len), dim = static_cast<uint64_t>(head_dim);
    return (rows * keys + keys * dim + rows * dim) * sizeof(float);
}

AttentionCheckPlan plan_attention_check(const AttentionLayout& layout)
{
    AttentionCheckPlan plan;
    plan.kv_len = layout.kv_len;
    plan.head_dim = layout.head_dim;
    const int64_t group = layout.heads / layout.kv_heads;
    // Corners and middles of the (batch, head) grid, and a head of a second KV group where there is one.
    const AttentionCheckPlan::Head picks[kMaxCheckedHeads] = {
        {0, 0},
        {layout.batch - 1, layout.heads - 1},
        {layout.batch / 2, layout.heads / 2},
        {0, std::min(layout.heads - 1, group)},
    };
    for (const auto& pick : picks) {
        const bool seen = std::any_of(plan.heads.begin(), plan.heads.end(), [&](const AttentionCheckPlan::Head& h) {
            return h.batch == pick.batch && h.head == pick.head;
        });
        if (!seen)
            plan.heads.push_back(pick);
    }
    const auto fit = static_cast<int64_t>(kScoreBudgetBytes / (static_cast<uint64_t>(layout.kv_len) * sizeof(float)));
    plan.rows_per_block = std::clamp<int64_t>(fit, 1, layout.query_len);
    plan.row_starts.push_back(0);
    if (plan.rows_per_block < layout.query_len) // the first rows and the last (a causal row sees most keys there)
        plan.row_starts.push_back(layout.query_len - plan.rows_per_block);
    return plan;
}

CheckResult check_attention(const void* q, const void* k, const void* v, const void* o, const AttentionLayout& layout,
                            const AttentionCheckPlan& plan, double tolerance, cublasHandle_t blas,
                            cudaStream_t stream)
{
    const int64_t sq = layout.query_len, skv = layout.kv_len, d = layout.head_dim;
    const int64_t rows = plan.rows_per_block;
    const int64_t group = layout.heads / layout.kv_heads;
    const size_t elem = storage_bits(layout.io) / 8;
    const cudaDataType_t io_type = cuda_type(layout.io);
    DeviceBuffer scores(static_cast<size_t>(rows * skv) * sizeof(float));
    DeviceBuffer v_wide(static_cast<size_t>(skv * d) * sizeof(float));
    DeviceBuffer o_ref(static_cast<size_t>(rows * d) * sizeof(float));
    std::vector<float> host_ref(static_cast<size_t>(rows * d));
    std::vector<uint16_t> host_out(static_cast<size_t>(rows * d));
    const float one = 1.0f, zero = 0.0f;

    double diff2 = 0.0, ref2 = 0.0;
    uint64_t bad = 0, checked = 0;
    for (const AttentionCheckPlan::Head& head : plan.heads) {
        const int64_t kv_head = head.head / group;
        const auto* q_head = static_cast<const char*>(q) + (head.batch * layout.heads + head.head) * sq * d * elem;
        const auto* o_head = static_cast<const char*>(o) + (head.batch * layout.heads + head.head) * sq * d * elem;
        const auto* k_head = static_cast<const char*>(k) + (head.batch * layout.kv_heads + kv_head) * skv * d * elem;
        const auto* v_head = static_cast<const char*>(v) + (head.batch * layout.kv_heads + kv_head) * skv * d * elem;
        widen(v_head, layout.io, v_wide.as<float>(), skv * d, stream);
        for (const int64_t first_row : plan.row_starts) {
            // Scores, row-major [rows, skv] = column-major [skv, rows] = Kᵀ-major product K · Qᵀ.
            RL_CUBLAS_CALL(cublasGemmEx(blas, CUBLAS_OP_T, CUBLAS_OP_N, static_cast<int>(skv), static_cast<int>(rows),
                                        static_cast<int>(d), &one, k_head, io_type, static_cast<int>(d),
                                        q_head + first_row * d * elem, io_type, static_cast<int>(d), &zero,
                                        scores.get(), CUDA_R_32F, static_cast<int>(skv), CUBLAS_COMPUTE_32F,
                                        CUBLAS_GEMM_DEFAULT));
            softmax_rows_kernel<<<static_cast<unsigned>(rows), kSoftmaxThreads, 0, stream>>>(
                scores.as<float>(), skv, sq, first_row, layout.causal, layout.window, layout.scale);
            RL_CUDA_CHECK_LAUNCH("softmax_rows_kernel");
            // O row-major [rows, d] = column-major [d, rows] = Vᵀ-major product of V [d, skv] and P [skv, rows].
            RL_CUBLAS_CALL(cublasGemmEx(blas, CUBLAS_OP_N, CUBLAS_OP_N, static_cast<int>(d), static_cast<int>(rows),
                                        static_cast<int>(skv), &one, v_wide.get(), CUDA_R_32F, static_cast<int>(d),
                                        scores.get(), CUDA_R_32F, static_cast<int>(skv), &zero, o_ref.get(),
                                        CUDA_R_32F, static_cast<int>(d), CUBLAS_COMPUTE_32F, CUBLAS_GEMM_DEFAULT));
            RL_CUDA_CALL(cudaMemcpyAsync(host_ref.data(), o_ref.get(), o_ref.bytes(), cudaMemcpyDeviceToHost, stream));
            RL_CUDA_CALL(cudaMemcpyAsync(host_out.data(), o_head + first_row * d * elem,
                                         host_out.size() * sizeof(uint16_t), cudaMemcpyDeviceToHost, stream));
            RL_CUDA_CALL(cudaStreamSynchronize(stream));
            for (size_t i = 0; i < host_ref.size(); ++i) {
                const double out = host_float(host_out[i], layout.io);
                if (!std::isfinite(out)) {
                    ++bad;
                    continue;
                }
                diff2 += (out - host_ref[i]) * (out - host_ref[i]);
                ref2 += static_cast<double>(host_ref[i]) * host_ref[i];
            }
            checked += host_ref.size();
        }
    }

    CheckResult result;
    result.tolerance = tolerance;
    result.checked = checked;
    if (bad > 0) {
        result.rel_error = INFINITY;
        result.message = std::to_string(bad) + " of " + std::to_string(checked)
                         + " checked attention outputs are NaN/Inf or unwritten (poison left)";
        return result;
    }
    result.rel_error = ref2 > 0.0 ? std::sqrt(diff2 / ref2) : std::sqrt(diff2);
    result.passed = result.rel_error <= tolerance;
    const int64_t rows_checked = rows * static_cast<int64_t>(plan.row_starts.size());
    result.message = "checked " + std::to_string(plan.heads.size()) + " head(s) x " + std::to_string(rows_checked)
                     + (rows_checked == sq ? " (all) rows" : " of " + std::to_string(sq) + " rows")
                     + " x all keys against a cuBLAS FP32 reference: rel. error " + format_3g(result.rel_error)
                     + " (tolerance " + format_3g(tolerance) + ")";
    return result;
}

} // namespace rl_cuda
