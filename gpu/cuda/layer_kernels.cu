#include "layer_kernels.h"

#include "cuda_check.h"

#include <cuda_bf16.h>
#include <cuda_fp16.h>

#include <algorithm>
#include <climits>
#include <cmath>

namespace rl_cuda {
namespace {

constexpr int kBlock = 256;
constexpr int kWarp = 32;
// Grid-stride kernels launch at most this many blocks; the loops cover the rest.
constexpr int64_t kMaxBlocks = int64_t{1} << 19;

__device__ inline float to_float(float v) { return v; }
__device__ inline float to_float(__half v) { return __half2float(v); }
__device__ inline float to_float(__nv_bfloat16 v) { return __bfloat162float(v); }

template <typename T> __device__ inline T from_float(float v);
template <> __device__ inline float from_float<float>(float v) { return v; }
template <> __device__ inline __half from_float<__half>(float v) { return __float2half_rn(v); }
template <> __device__ inline __nv_bfloat16 from_float<__nv_bfloat16>(float v) { return __float2bfloat16_rn(v); }

// V elements loaded or stored as one access: 16 bytes when V = 16 / sizeof(T), one element when V = 1.
template <typename T, int V> struct alignas(sizeof(T) * V) Pack {
    T v[V];
};

template <typename T, int V> __device__ inline Pack<T, V> load(const T* base, int64_t pack)
{
    return reinterpret_cast<const Pack<T, V>*>(base)[pack];
}
template <typename T, int V> __device__ inline void store(T* base, int64_t pack, const Pack<T, V>& p)
{
    reinterpret_cast<Pack<T, V>*>(base)[pack] = p;
}

template <typename T> constexpr int kVector = static_cast<int>(16 / sizeof(T));

unsigned grid_for(int64_t items, int block = kBlock)
{
    return static_cast<unsigned>(std::clamp<int64_t>((items + block - 1) / block, 1, kMaxBlocks));
}

__device__ inline float warp_sum(float v)
{
    for (int offset = kWarp / 2; offset > 0; offset /= 2)
        v += __shfl_xor_sync(0xffffffffu, v, offset);
    return v;
}

__device__ inline float warp_max(float v)
{
    for (int offset = kWarp / 2; offset > 0; offset /= 2)
        v = fmaxf(v, __shfl_xor_sync(0xffffffffu, v, offset));
    return v;
}

// The sum over the block, returned to every thread.
__device__ float block_sum(float v)
{
    __shared__ float partial[kBlock / kWarp];
    const int warp = static_cast<int>(threadIdx.x) / kWarp, lane = static_cast<int>(threadIdx.x) % kWarp;
    v = warp_sum(v);
    if (lane == 0)
        partial[warp] = v;
    __syncthreads();
    const int warps = static_cast<int>(blockDim.x) / kWarp;
    v = lane < warps ? partial[lane] : 0.0f;
    v = warp_sum(v);
    __syncthreads(); // partial is reused by a later call
    return v;
}

// One block a row. Pass 1 sums the squares (and, fused, writes residual += x); pass 2 re-reads the row (from L1/L2,
// it was just read) and writes the normalised product.
template <typename T, int V, bool kFused>
__global__ void rmsnorm_kernel(const T* __restrict__ x, T* __restrict__ residual, const T* __restrict__ weight,
                               T* __restrict__ y, int64_t width, float epsilon)
{
    const int64_t row = blockIdx.x;
    const T* xr = x + row * width;
    T* rr = kFused ? residual + row * width : nullptr;
    T* yr = y + row * width;
    const int64_t packs = width / V;
    float squares = 0.0f;
    for (int64_t p = threadIdx.x; p < packs; p += blockDim.x) {
        Pack<T, V> a = load<T, V>(xr, p);
        if constexpr (kFused) {
            Pack<T, V> r = load<T, V>(rr, p);
#pragma unroll
            for (int j = 0; j < V; ++j)
                r.v[j] = from_float<T>(to_float(a.v[j]) + to_float(r.v[j]));
            store<T, V>(rr, p, r);
            a = r;
        }
#pragma unroll
        for (int j = 0; j < V; ++j) {
            const float f = to_float(a.v[j]);
            squares += f * f;
        }
    }
    const float scale = rsqrtf(block_sum(squares) / static_cast<float>(width) + epsilon);
    const T* source = kFused ? rr : xr;
    for (int64_t p = threadIdx.x; p < packs; p += blockDim.x) {
        const Pack<T, V> a = load<T, V>(source, p);
        const Pack<T, V> w = load<T, V>(weight, p);
        Pack<T, V> out;
#pragma unroll
        for (int j = 0; j < V; ++j)
            out.v[j] = from_float<T>(to_float(a.v[j]) * scale * to_float(w.v[j]));
        store<T, V>(yr, p, out);
    }
}

template <typename T, int V>
__global__ void rope_kernel(T* __restrict__ x, const float* __restrict__ cos_table, const float* __restrict__ sin_table,
                            int64_t heads, int64_t half, int64_t items)
{
    const int64_t groups = half / V;
    for (int64_t i = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x; i < items;
         i += static_cast<int64_t>(gridDim.x) * blockDim.x) {
        const int64_t g = i % groups;
        const int64_t token_head = i / groups;
        const int64_t token = token_head / heads;
        T* head = x + token_head * 2 * half;
        const Pack<T, V> a = load<T, V>(head, g);
        const Pack<T, V> b = load<T, V>(head + half, g);
        const float* c = cos_table + token * half + g * V;
        const float* s = sin_table + token * half + g * V;
        Pack<T, V> ra, rb;
#pragma unroll
        for (int j = 0; j < V; ++j) {
            const float fa = to_float(a.v[j]), fb = to_float(b.v[j]);
            ra.v[j] = from_float<T>(fa * c[j] - fb * s[j]);
            rb.v[j] = from_float<T>(fb * c[j] + fa * s[j]);
        }
        store<T, V>(head, g, ra);
        store<T, V>(head + half, g, rb);
    }
}

// The packs by grid stride, then the last elements % V one by one.
template <typename T, int V>
__global__ void residual_kernel(const T* __restrict__ a, const T* __restrict__ b, T* __restrict__ y, int64_t elements)
{
    const int64_t packs = elements / V;
    const int64_t first = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x;
    const int64_t stride = static_cast<int64_t>(gridDim.x) * blockDim.x;
    for (int64_t p = first; p < packs; p += stride) {
        const Pack<T, V> pa = load<T, V>(a, p), pb = load<T, V>(b, p);
        Pack<T, V> out;
#pragma unroll
        for (int j = 0; j < V; ++j)
            out.v[j] = from_float<T>(to_float(pa.v[j]) + to_float(pb.v[j]));
        store<T, V>(y, p, out);
    }
    for (int64_t e = packs * V + first; e < elements; e += stride)
        y[e] = from_float<T>(to_float(a[e]) + to_float(b[e]));
}

// One warp a token; lane l holds experts l, l + 32, …, so kSlots = ceil(experts / 32) values. k rounds of a warp
// argmax pick the largest (ties to the lower expert), each knocked out after it is chosen.
template <typename T, int kSlots>
__global__ void topk_kernel(const T* __restrict__ logits, float* __restrict__ probs, int32_t* __restrict__ indices,
                            int64_t tokens, int experts, int k)
{
    const int64_t token = (blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x) / kWarp;
    const int lane = static_cast<int>(threadIdx.x) % kWarp;
    if (token >= tokens)
        return; // the whole warp: all its lanes share the token
    const T* row = logits + token * experts;
    float v[kSlots];
    float top = -INFINITY;
#pragma unroll
    for (int s = 0; s < kSlots; ++s) {
        const int e = lane + kWarp * s;
        v[s] = e < experts ? to_float(row[e]) : -INFINITY;
        top = fmaxf(top, v[s]);
    }
    top = warp_max(top);
    float sum = 0.0f;
#pragma unroll
    for (int s = 0; s < kSlots; ++s)
        sum += lane + kWarp * s < experts ? expf(v[s] - top) : 0.0f;
    sum = warp_sum(sum);
    for (int r = 0; r < k; ++r) {
        float best = -INFINITY;
        int best_index = INT_MAX;
#pragma unroll
        for (int s = 0; s < kSlots; ++s) {
            const int e = lane + kWarp * s;
            if (e < experts && v[s] > best) {
                best = v[s];
                best_index = e;
            }
        }
        for (int offset = kWarp / 2; offset > 0; offset /= 2) {
            const float other = __shfl_xor_sync(0xffffffffu, best, offset);
            const int other_index = __shfl_xor_sync(0xffffffffu, best_index, offset);
            if (other > best || (other == best && other_index < best_index)) {
                best = other;
                best_index = other_index;
            }
        }
        if (lane == 0) {
            probs[token * k + r] = expf(best - top) / sum;
            indices[token * k + r] = best_index;
        }
#pragma unroll
        for (int s = 0; s < kSlots; ++s)
            if (lane + kWarp * s == best_index)
                v[s] = -INFINITY;
    }
}

template <typename T, int V>
__global__ void embedding_kernel(const T* __restrict__ table, const int32_t* __restrict__ ids, T* __restrict__ out,
                                 int64_t tokens, int64_t width)
{
    const int64_t packs = width / V;
    const int64_t items = tokens * packs;
    for (int64_t i = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x; i < items;
         i += static_cast<int64_t>(gridDim.x) * blockDim.x) {
        const int64_t token = i / packs, p = i % packs;
        const int64_t row = ids[token];
        store<T, V>(out + token * width, p, load<T, V>(table + row * width, p));
    }
}

// Calls fn with a value of the element type of `type`.
template <typename Fn> void with_type(cudaDataType_t type, Fn&& fn)
{
    switch (type) {
    case CUDA_R_32F: fn(float{}); return;
    case CUDA_R_16F: fn(__half{}); return;
    case CUDA_R_16BF: fn(__nv_bfloat16{}); return;
    default: throw Error(RL_STATUS_UNSUPPORTED, "the layer kernels run BF16, FP16 or FP32 activations");
    }
}

template <typename T, int V>
void rmsnorm_typed(const void* x, void* residual, const void* weight, void* y, int64_t rows, int64_t width,
                   cudaStream_t stream)
{
    const int64_t packs = width / V;
    const int block = static_cast<int>(std::clamp<int64_t>((packs + kWarp - 1) / kWarp * kWarp, kWarp, kBlock));
    const auto* xs = static_cast<const T*>(x);
    const auto* ws = static_cast<const T*>(weight);
    if (residual)
        rmsnorm_kernel<T, V, true><<<static_cast<unsigned>(rows), block, 0, stream>>>(
            xs, static_cast<T*>(residual), ws, static_cast<T*>(y), width, kRmsNormEpsilon);
    else
        rmsnorm_kernel<T, V, false><<<static_cast<unsigned>(rows), block, 0, stream>>>(
            xs, nullptr, ws, static_cast<T*>(y), width, kRmsNormEpsilon);
    RL_CUDA_CHECK_LAUNCH("rmsnorm_kernel");
}

template <typename T, int kSlots>
void topk_typed(const void* logits, float* probs, int32_t* indices, int64_t tokens, int64_t experts, int64_t k,
                cudaStream_t stream)
{
    const int64_t threads = tokens * kWarp;
    topk_kernel<T, kSlots><<<static_cast<unsigned>((threads + kBlock - 1) / kBlock), kBlock, 0, stream>>>(
        static_cast<const T*>(logits), probs, indices, tokens, static_cast<int>(experts), static_cast<int>(k));
    RL_CUDA_CHECK_LAUNCH("topk_kernel");
}

} // namespace

void launch_rmsnorm(const void* x, void* residual, const void* weight, void* y, int64_t rows, int64_t width,
                    cudaDataType_t type, cudaStream_t stream)
{
    with_type(type, [&](auto tag) {
        using T = decltype(tag);
        if (width % kVector<T> == 0)
            rmsnorm_typed<T, kVector<T>>(x, residual, weight, y, rows, width, stream);
        else
            rmsnorm_typed<T, 1>(x, residual, weight, y, rows, width, stream);
    });
}

void launch_rope(void* x, const float* cos_sin, int64_t tokens, int64_t heads, int64_t head_dim, cudaDataType_t type,
                 cudaStream_t stream)
{
    const int64_t half = head_dim / 2;
    const float* cos_table = cos_sin;
    const float* sin_table = cos_sin + tokens * half;
    with_type(type, [&](auto tag) {
        using T = decltype(tag);
        auto* xs = static_cast<T*>(x);
        if (half % kVector<T> == 0) {
            const int64_t items = tokens * heads * (half / kVector<T>);
            rope_kernel<T, kVector<T>><<<grid_for(items), kBlock, 0, stream>>>(xs, cos_table, sin_table, heads, half,
                                                                               items);
        } else {
            const int64_t items = tokens * heads * half;
            rope_kernel<T, 1><<<grid_for(items), kBlock, 0, stream>>>(xs, cos_table, sin_table, heads, half, items);
        }
        RL_CUDA_CHECK_LAUNCH("rope_kernel");
    });
}

void launch_residual_add(const void* a, const void* b, void* y, int64_t elements, cudaDataType_t type,
                         cudaStream_t stream)
{
    with_type(type, [&](auto tag) {
        using T = decltype(tag);
        constexpr int V = kVector<T>;
        residual_kernel<T, V><<<grid_for(std::max<int64_t>(elements / V, 1)), kBlock, 0, stream>>>(
            static_cast<const T*>(a), static_cast<const T*>(b), static_cast<T*>(y), elements);
        RL_CUDA_CHECK_LAUNCH("residual_kernel");
    });
}

void launch_topk_softmax(const void* logits, float* probs, int32_t* indices, int64_t tokens, int64_t experts,
                         int64_t k, cudaDataType_t type, cudaStream_t stream)
{
    if (experts < 1 || experts > kTopkMaxExperts || k < 1 || k > experts)
        throw Error(RL_STATUS_INVALID_ARGUMENT, "top-k needs 1 <= k <= experts <= "
                                                    + std::to_string(kTopkMaxExperts));
    const int64_t slots = (experts + kWarp - 1) / kWarp;
    with_type(type, [&](auto tag) {
        using T = decltype(tag);
        if (slots <= 1)
            topk_typed<T, 1>(logits, probs, indices, tokens, experts, k, stream);
        else if (slots <= 2)
            topk_typed<T, 2>(logits, probs, indices, tokens, experts, k, stream);
        else if (slots <= 4)
            topk_typed<T, 4>(logits, probs, indices, tokens, experts, k, stream);
        else if (slots <= 8)
            topk_typed<T, 8>(logits, probs, indices, tokens, experts, k, stream);
        else if (slots <= 16)
            topk_typed<T, 16>(logits, probs, indices, tokens, experts, k, stream);
        else
            topk_typed<T, 32>(logits, probs, indices, tokens, experts, k, stream);
    });
}

void launch_embedding(const void* table, const int32_t* ids, void* out, int64_t tokens, int64_t width,
                      cudaDataType_t type, cudaStream_t stream)
{
    with_type(type, [&](auto tag) {
        using T = decltype(tag);
        const auto* t = static_cast<const T*>(table);
        if (width % kVector<T> == 0) {
            const int64_t items = tokens * (width / kVector<T>);
            embedding_kernel<T, kVector<T>><<<grid_for(items), kBlock, 0, stream>>>(t, ids, static_cast<T*>(out),
                                                                                    tokens, width);
        } else {
            embedding_kernel<T, 1><<<grid_for(tokens * width), kBlock, 0, stream>>>(t, ids, static_cast<T*>(out),
                                                                                    tokens, width);
        }
        RL_CUDA_CHECK_LAUNCH("embedding_kernel");
    });
}

} // namespace rl_cuda
