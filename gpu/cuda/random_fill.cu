#include "cuda_check.h"
#include "random_fill.h"

#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <cuda_fp8.h>

#include <algorithm>

namespace rl_cuda {
namespace {

__host__ __device__ inline uint64_t splitmix64(uint64_t x)
{
    x += 0x9E3779B97F4A7C15ULL;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
    return x ^ (x >> 31);
}

__device__ inline double uniform_pm1(uint64_t h)
{
    return static_cast<double>(h >> 11) * (2.0 / 9007199254740992.0) - 1.0; // 53 bits -> [-1, 1)
}

template <typename T, typename Convert>
__global__ void fill_kernel(T* dst, uint64_t count, uint64_t seed, Convert convert)
{
    const uint64_t stride = static_cast<uint64_t>(gridDim.x) * blockDim.x;
    for (uint64_t i = blockIdx.x * static_cast<uint64_t>(blockDim.x) + threadIdx.x; i < count; i += stride)
        dst[i] = convert(splitmix64(seed ^ (i * 0xD1B54A32D192ED03ULL)));
}

unsigned grid_for(uint64_t count)
{
    constexpr uint64_t kMaxBlocks = 65535;
    return static_cast<unsigned>(std::min<uint64_t>(kMaxBlocks, (count + 255) / 256));
}

template <typename T, typename Convert>
void launch(void* dst, uint64_t count, uint64_t seed, cudaStream_t stream, Convert convert)
{
    if (count == 0)
        return;
    fill_kernel<<<grid_for(count), 256, 0, stream>>>(static_cast<T*>(dst), count, seed, convert);
    RL_CUDA_CHECK_LAUNCH("fill_kernel");
}

} // namespace

uint64_t derive_seed(uint64_t seed, uint64_t index)
{
    return splitmix64(seed ^ splitmix64(index + 0x5EEDULL));
}

void fill_random(void* dst, ElemKind kind, uint64_t count, uint64_t seed, int int_range, cudaStream_t stream)
{
    switch (kind) {
    case ElemKind::F64:
        launch<double>(dst, count, seed, stream, [] __device__(uint64_t h) { return uniform_pm1(h); });
        break;
    case ElemKind::F32:
        launch<float>(dst, count, seed, stream,
                      [] __device__(uint64_t h) { return static_cast<float>(uniform_pm1(h)); });
        break;
    case ElemKind::F16:
        launch<__half>(dst, count, seed, stream,
                       [] __device__(uint64_t h) { return __double2half(uniform_pm1(h)); });
        break;
    case ElemKind::BF16:
        launch<__nv_bfloat16>(dst, count, seed, stream,
                              [] __device__(uint64_t h) { return __double2bfloat16(uniform_pm1(h)); });
        break;
    case ElemKind::E4M3:
        launch<__nv_fp8_e4m3>(dst, count, seed, stream,
                              [] __device__(uint64_t h) { return __nv_fp8_e4m3(uniform_pm1(h)); });
        break;
    case ElemKind::E5M2:
        launch<__nv_fp8_e5m2>(dst, count, seed, stream,
                              [] __device__(uint64_t h) { return __nv_fp8_e5m2(uniform_pm1(h)); });
        break;
    case ElemKind::E2M1:
        // Any two 4-bit codes are valid E2M1 values (+-0, 0.5 .. 6); fill whole bytes.
        launch<uint8_t>(dst, (count + 1) / 2, seed, stream,
                        [] __device__(uint64_t h) { return static_cast<uint8_t>(h >> 56); });
        break;
    case ElemKind::I8: {
        const int range = std::clamp(int_range, 1, 127);
        launch<int8_t>(dst, count, seed, stream, [range] __device__(uint64_t h) {
            return static_cast<int8_t>(static_cast<int>((h >> 32) % static_cast<uint64_t>(2 * range + 1)) - range);
        });
        break;
    }
    case ElemKind::I32:
        launch<int32_t>(dst, count, seed, stream,
                        [] __device__(uint64_t h) { return static_cast<int32_t>(h >> 40) - (1 << 23); });
        break;
    }
}

void fill_random_words(uint32_t* dst, uint64_t words, uint64_t seed, cudaStream_t stream)
{
    launch<uint32_t>(dst, words, seed, stream,
                     [] __device__(uint64_t h) { return static_cast<uint32_t>(h >> 32) | 1u; });
}

} // namespace rl_cuda
