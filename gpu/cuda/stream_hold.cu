#include "stream_hold.h"

#include "cuda_check.h"

namespace rl_cuda {
namespace {

// About a second at H100 clocks: a host that never releases (an exception between hold and release) must not
// hang the GPU.
constexpr long long kTimeoutCycles = 2'000'000'000LL;

__global__ void hold_kernel(const volatile int32_t* flag, long long timeout_cycles)
{
    const long long start = clock64();
    while (*flag == 0 && clock64() - start < timeout_cycles) {
    }
}

} // namespace

StreamHold::StreamHold()
{
    void* host = nullptr;
    RL_CUDA_CALL(cudaHostAlloc(&host, sizeof(int32_t), cudaHostAllocMapped));
    host_flag_ = static_cast<volatile int32_t*>(host);
    *host_flag_ = 1;
    void* device = nullptr;
    RL_CUDA_CALL(cudaHostGetDevicePointer(&device, host, 0));
    device_flag_ = static_cast<int32_t*>(device);
}

StreamHold::~StreamHold()
{
    if (host_flag_) {
        *host_flag_ = 1;
        static_cast<void>(cudaFreeHost(const_cast<int32_t*>(host_flag_)));
    }
}

void StreamHold::hold(cudaStream_t stream)
{
    *host_flag_ = 0;
    hold_kernel<<<1, 1, 0, stream>>>(device_flag_, kTimeoutCycles);
    RL_CUDA_CHECK_LAUNCH("hold_kernel");
}

void StreamHold::release()
{
    __sync_synchronize();
    *host_flag_ = 1;
}

} // namespace rl_cuda
