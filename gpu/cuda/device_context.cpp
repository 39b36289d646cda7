#include "device_context.h"

#include "case_spec.h"

namespace rl_cuda {
namespace {

int attribute(cudaDeviceAttr attr, int device)
{
    int value = 0;
    RL_CUDA_CALL(cudaDeviceGetAttribute(&value, attr, device));
    return value;
}

// Runs before the members that need the device to be current (stream, buffers, handles).
DeviceProperties read_properties(int index)
{
    RL_CUDA_CALL(cudaSetDevice(index));
    cudaDeviceProp prop{};
    RL_CUDA_CALL(cudaGetDeviceProperties(&prop, index));
    DeviceProperties p;
    p.name = prop.name;
    p.cc_major = prop.major;
    p.cc_minor = prop.minor;
    p.multiprocessors = prop.multiProcessorCount;
    p.memory_bytes = prop.totalGlobalMem;
    p.l2_bytes = static_cast<uint64_t>(attribute(cudaDevAttrL2CacheSize, index));
    p.memory_bus_width_bits = attribute(cudaDevAttrGlobalMemoryBusWidth, index);
    // CUDA 13 dropped clockRate and memoryClockRate from cudaDeviceProp; the attributes remain [kHz].
    p.max_sm_clock_mhz = attribute(cudaDevAttrClockRate, index) / 1000;
    p.max_memory_clock_mhz = attribute(cudaDevAttrMemoryClockRate, index) / 1000;
    char bus_id[64] = {};
    RL_CUDA_CALL(cudaDeviceGetPCIBusId(bus_id, sizeof(bus_id), index));
    p.pci_bus_id = bus_id;
    return p;
}

} // namespace

DeviceContext::DeviceContext(int index)
    : index_(index), props_(read_properties(index)), workspace_(kWorkspaceBytes), nvml_(props_.pci_bus_id)
{
    cublasLtHandle_t handle = nullptr;
    RL_CUBLAS_CALL(cublasLtCreate(&handle));
    lt_.reset(handle);
    // NVML's maximum is the boost clock the driver allows; the CUDA attribute can be missing or the base clock.
    if (const unsigned mhz = nvml_.max_sm_clock_mhz())
        props_.max_sm_clock_mhz = static_cast<int>(mhz);
    if (const unsigned mhz = nvml_.max_memory_clock_mhz())
        props_.max_memory_clock_mhz = static_cast<int>(mhz);
}

DeviceContext::~DeviceContext()
{
    // Finish queued work before the buffers it uses go away; errors cannot be reported from here.
    static_cast<void>(cudaSetDevice(index_));
    static_cast<void>(cudaStreamSynchronize(stream_.get()));
}

void DeviceContext::make_current() const
{
    RL_CUDA_CALL(cudaSetDevice(index_));
}

cublasHandle_t DeviceContext::blas()
{
    if (!blas_) {
        cublasHandle_t handle = nullptr;
        RL_CUBLAS_CALL(cublasCreate(&handle));
        blas_.reset(handle);
        RL_CUBLAS_CALL(cublasSetStream(handle, stream_.get()));
        RL_CUBLAS_CALL(cublasSetWorkspace(handle, workspace_.get(), workspace_.bytes()));
    }
    return blas_.get();
}

L2Flush& DeviceContext::l2_flush()
{
    if (!flush_)
        flush_.emplace(props_.l2_bytes, props_.multiprocessors);
    return *flush_;
}

std::string needs_message(uint64_t need, uint64_t free)
{
    return "needs " + format_gb(need) + " (incl. " + format_gb(DeviceContext::kHeadroomBytes) + " headroom), "
           + format_gb(free) + " free";
}

rl_status check_fits(const DeviceContext& device, uint64_t need, std::string& reason)
{
    const uint64_t free = device.free_bytes();
    if (need <= free)
        return RL_STATUS_OK;
    reason = needs_message(need, free);
    return RL_STATUS_SKIPPED;
}

uint64_t DeviceContext::free_bytes() const
{
    size_t free = 0, total = 0;
    RL_CUDA_CALL(cudaMemGetInfo(&free, &total));
    return free;
}

} // namespace rl_cuda
