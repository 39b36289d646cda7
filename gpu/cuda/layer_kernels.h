#pragma once
// The plugin's own kernels for the elementwise kinds of a layer (RMSNORM, ROPE, RESIDUAL, TOPK, EMBEDDING; the
// activations are elementwise_kernels.h's). Each is bandwidth-bound, computes in FP32 and loads and stores 16
// bytes at a time where the row width allows it. `type` is the activations' type: CUDA_R_16BF, CUDA_R_16F or
// CUDA_R_32F. Row-major throughout.

#include <cuda_runtime.h>
#include <library_types.h>

#include <cstdint>

namespace rl_cuda {

// The epsilon inside the norm's square root, as Llama's and Qwen's configs set it.
inline constexpr float kRmsNormEpsilon = 1e-6f;

// y[r, :] = x[r, :] / sqrt(mean(x[r, :]²) + eps) · weight. With `residual` (not null), the fused form engines run
// between sublayers: residual[r, :] += x[r, :] first (written back), and the sum is what is normalised.
void launch_rmsnorm(const void* x, void* residual, const void* weight, void* y, int64_t rows, int64_t width,
                    cudaDataType_t type, cudaStream_t stream);

// Rotary embedding in place, rotate-half form (Llama / NeoX): x is [tokens, heads, head_dim]; for i < head_dim / 2,
// (x[i], x[i + head_dim/2]) turns by the angle whose cos and sin are cos_sin[t, i] and cos_sin[tokens · head_dim/2
// + t · head_dim/2 + i] (FP32).
void launch_rope(void* x, const float* cos_sin, int64_t tokens, int64_t heads, int64_t head_dim, cudaDataType_t type,
                 cudaStream_t stream);

// y = a + b over `elements`.
void launch_residual_add(const void* a, const void* b, void* y, int64_t elements, cudaDataType_t type,
                         cudaStream_t stream);

// MoE routing: for each of `tokens` rows of `experts` logits, the softmax over all experts, then the `k` largest
// (ties to the lower expert), in descending order: their probabilities and expert indices, [tokens, k] each.
// experts <= kTopkMaxExperts.
inline constexpr int64_t kTopkMaxExperts = 1024;
void launch_topk_softmax(const void* logits, float* probs, int32_t* indices, int64_t tokens, int64_t experts,
                         int64_t k, cudaDataType_t type, cudaStream_t stream);

// out[t, :] = table[ids[t], :] for `tokens` ids into a table of rows of `width`.
void launch_embedding(const void* table, const int32_t* ids, void* out, int64_t tokens, int64_t width,
                      cudaDataType_t type, cudaStream_t stream);

} // namespace rl_cuda
