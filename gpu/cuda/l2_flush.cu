#include "l2_flush.h"

#include "cuda_check.h"

#include <cstdlib>
#include <cstring>

namespace rl_cuda {
namespace {

constexpr int kThreadsPerBlock = 256;
constexpr int kBlocksPerSm = 8;
// The buffer holds zeros; an XOR of its words never equals this, so the store never happens, but the compiler
// cannot know that and must keep every load.
constexpr uint32_t kNeverSeen = 0x9E3779B9u;

__global__ void read_kernel(const uint4* __restrict__ words, size_t count, uint32_t* sink)
{
    uint32_t acc = 0;
    for (size_t i = blockIdx.x * static_cast<size_t>(blockDim.x) + threadIdx.x; i < count;
         i += static_cast<size_t>(gridDim.x) * blockDim.x) {
        const uint4 v = words[i];
        acc ^= v.x ^ v.y ^ v.z ^ v.w;
    }
    if (acc == kNeverSeen)
        *sink = acc;
}

L2Flush::Method method_from_environment()
{
    const char* value = std::getenv("ROOFLINE_CUDA_L2_FLUSH");
    return value && std::strcmp(value, "write") == 0 ? L2Flush::Method::Write : L2Flush::Method::Read;
}

} // namespace

L2Flush::L2Flush(uint64_t l2_bytes, int sm_count)
    : buffer_(2 * l2_bytes), sink_(sizeof(uint32_t)), method_(method_from_environment()),
      blocks_(sm_count > 0 ? sm_count * kBlocksPerSm : 1)
{
    if (buffer_.bytes() > 0) {
        RL_CUDA_CALL(cudaMemset(buffer_.get(), 0, buffer_.bytes()));
        RL_CUDA_CALL(cudaDeviceSynchronize());
    }
}

void L2Flush::flush(cudaStream_t stream)
{
    if (buffer_.bytes() == 0)
        return;
    if (method_ == Method::Write) {
        RL_CUDA_CALL(cudaMemsetAsync(buffer_.get(), ++value_, buffer_.bytes(), stream));
        return;
    }
    read_kernel<<<blocks_, kThreadsPerBlock, 0, stream>>>(buffer_.as<const uint4>(), buffer_.bytes() / sizeof(uint4),
                                                          sink_.as<uint32_t>());
    RL_CUDA_CHECK_LAUNCH("l2 flush read_kernel");
}

const char* L2Flush::description() const
{
    return method_ == Method::Read ? "read, clean lines left" : "memset, dirty lines left";
}

} // namespace rl_cuda
