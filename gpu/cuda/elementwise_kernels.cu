#include "cuda_check.h"
#include "elementwise_kernels.h"

#include <cuda_bf16.h>
#include <cuda_fp16.h>

#include <algorithm>
#include <string>

namespace rl_cuda {
namespace {

constexpr int kThreads = 256;
constexpr int kVectorBytes = 16; // one 128-bit load or store per thread and step

template <typename T> __device__ inline float to_float(T v) { return static_cast<float>(v); }
template <> __device__ inline float to_float(__half v) { return __half2float(v); }
template <> __device__ inline float to_float(__nv_bfloat16 v) { return __bfloat162float(v); }

template <typename T> __device__ inline T from_float(float v) { return static_cast<T>(v); }
template <> __device__ inline __half from_float(float v) { return __float2half_rn(v); }
template <> __device__ inline __nv_bfloat16 from_float(float v) { return __float2bfloat16_rn(v); }

__device__ inline float silu(float x) { return x / (1.0f + __expf(-x)); }

__device__ inline float gelu_tanh(float x)
{
    constexpr float kSqrt2OverPi = 0.7978845608028654f;
    return 0.5f * x * (1.0f + tanhf(kSqrt2OverPi * (x + 0.044715f * x * x * x)));
}

template <typename T> struct alignas(kVectorBytes) Vec {
    static constexpr int kLanes = kVectorBytes / static_cast<int>(sizeof(T));
    T lane[kLanes];
};

inline bool aligned(const void* p)
{
    return (reinterpret_cast<uintptr_t>(p) % kVectorBytes) == 0;
}

// One thread per vector of `kLanes` columns of a row; rows whose width is not a whole number of vectors (or
// misaligned pointers) take the scalar path for every element, so no load crosses a row's end.
template <typename T>
__global__ void silu_mul_kernel(const T* __restrict__ gate_up, T* __restrict__ out, int64_t rows, int64_t width,
                                bool vectorised)
{
    const int64_t stride = static_cast<int64_t>(gridDim.x) * blockDim.x;
    const int64_t first = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
    if (vectorised) {
        constexpr int kLanes = Vec<T>::kLanes;
        const int64_t vectors_per_row = width / kLanes;
        const int64_t total = rows * vectors_per_row;
        for (int64_t i = first; i < total; i += stride) {
            const int64_t row = i / vectors_per_row;
            const int64_t col = (i - row * vectors_per_row) * kLanes;
            const T* gate_row = gate_up + row * 2 * width;
            const Vec<T> g = *reinterpret_cast<const Vec<T>*>(gate_row + col);
            const Vec<T> u = *reinterpret_cast<const Vec<T>*>(gate_row + width + col);
            Vec<T> o;
#pragma unroll
            for (int l = 0; l < kLanes; ++l)
                o.lane[l] = from_float<T>(silu(to_float(g.lane[l])) * to_float(u.lane[l]));
            *reinterpret_cast<Vec<T>*>(out + row * width + col) = o;
        }
        return;
    }
    const int64_t total = rows * width;
    for (int64_t i = first; i < total; i += stride) {
        const int64_t row = i / width;
        const int64_t col = i - row * width;
        const T* gate_row = gate_up + row * 2 * width;
        out[i] = from_float<T>(silu(to_float(gate_row[col])) * to_float(gate_row[width + col]));
    }
}

template <typename T>
__global__ void gelu_kernel(const T* __restrict__ in, T* __restrict__ out, int64_t elements, bool vectorised)
{
    const int64_t stride = static_cast<int64_t>(gridDim.x) * blockDim.x;
    const int64_t first = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
    int64_t scalar_from = 0;
    if (vectorised) {
        constexpr int kLanes = Vec<T>::kLanes;
        const int64_t vectors = elements / kLanes;
        for (int64_t i = first; i < vectors; i += stride) {
            const Vec<T> x = reinterpret_cast<const Vec<T>*>(in)[i];
            Vec<T> o;
#pragma unroll
            for (int l = 0; l < kLanes; ++l)
                o.lane[l] = from_float<T>(gelu_tanh(to_float(x.lane[l])));
            reinterpret_cast<Vec<T>*>(out)[i] = o;
        }
        scalar_from = vectors * kLanes;
    }
    for (int64_t i = scalar_from + first; i < elements; i += stride)
        out[i] = from_float<T>(gelu_tanh(to_float(in[i])));
}

// Enough blocks to fill the device a few times over; the grid-stride loops take the rest.
unsigned blocks_for(int64_t work_items)
{
    constexpr int64_t kMaxBlocks = 4096;
    return static_cast<unsigned>(std::clamp<int64_t>((work_items + kThreads - 1) / kThreads, 1, kMaxBlocks));
}

[[noreturn]] void unsupported_type(const char* kernel, cudaDataType_t type)
{
    throw Error(RL_STATUS_UNSUPPORTED, std::string(kernel) + ": unsupported activation type (cudaDataType " +
                                           std::to_string(static_cast<int>(type)) + "); BF16, FP16 or FP32");
}

template <typename T>
void silu_mul_typed(const void* gate_up, void* out, int64_t rows, int64_t width, cudaStream_t stream)
{
    constexpr int kLanes = Vec<T>::kLanes;
    const bool vectorised = width % kLanes == 0 && aligned(gate_up) && aligned(out);
    const int64_t items = vectorised ? rows * (width / kLanes) : rows * width;
    silu_mul_kernel<T><<<blocks_for(items), kThreads, 0, stream>>>(static_cast<const T*>(gate_up),
                                                                   static_cast<T*>(out), rows, width, vectorised);
    RL_CUDA_CHECK_LAUNCH("silu_mul_kernel");
}

template <typename T> void gelu_typed(const void* in, void* out, int64_t elements, cudaStream_t stream)
{
    constexpr int kLanes = Vec<T>::kLanes;
    const bool vectorised = aligned(in) && aligned(out);
    const int64_t items = vectorised ? std::max<int64_t>(elements / kLanes, 1) : elements;
    gelu_kernel<T><<<blocks_for(items), kThreads, 0, stream>>>(static_cast<const T*>(in), static_cast<T*>(out),
                                                               elements, vectorised);
    RL_CUDA_CHECK_LAUNCH("gelu_kernel");
}

} // namespace

void launch_silu_mul(const void* gate_up, void* out, int64_t rows, int64_t width, cudaDataType_t type,
                     cudaStream_t stream)
{
    if (rows <= 0 || width <= 0)
        return;
    switch (type) {
    case CUDA_R_16BF: silu_mul_typed<__nv_bfloat16>(gate_up, out, rows, width, stream); return;
    case CUDA_R_16F: silu_mul_typed<__half>(gate_up, out, rows, width, stream); return;
    case CUDA_R_32F: silu_mul_typed<float>(gate_up, out, rows, width, stream); return;
    default: unsupported_type("silu_mul", type);
    }
}

void launch_gelu(const void* in, void* out, int64_t elements, cudaDataType_t type, cudaStream_t stream)
{
    if (elements <= 0)
        return;
    switch (type) {
    case CUDA_R_16BF: gelu_typed<__nv_bfloat16>(in, out, elements, stream); return;
    case CUDA_R_16F: gelu_typed<__half>(in, out, elements, stream); return;
    case CUDA_R_32F: gelu_typed<float>(in, out, elements, stream); return;
    default: unsupported_type("gelu", type);
    }
}

} // namespace rl_cuda
