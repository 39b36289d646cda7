#pragma once
// One opened CUDA device: its properties, a stream, the cuBLASLt handle and workspace, the L2 flush buffer and
// the NVML view of it. Everything is released in the destructor.

#include "device_buffer.h"
#include "l2_flush.h"
#include "nvml_clock.h"
#include "roofline/abi/plugin_abi.h"

#include <cublasLt.h>
#include <cublas_v2.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace rl_cuda {

class CudnnHandle;

struct DeviceProperties {
    std::string name;
    std::string pci_bus_id;
    int cc_major = 0, cc_minor = 0;
    int multiprocessors = 0;
    uint64_t memory_bytes = 0;
    uint64_t l2_bytes = 0;
    int memory_bus_width_bits = 0;
    int max_sm_clock_mhz = 0;
    int max_memory_clock_mhz = 0;
};

class DeviceContext {
public:
    // cuBLASLt wants 32 MiB on Hopper and newer to reach every algorithm (cuBLAS docs, workspace section).
    static constexpr uint64_t kWorkspaceBytes = 32ull << 20;
    // Left free for the library's and driver's own allocations when deciding whether a case fits.
    static constexpr uint64_t kHeadroomBytes = 256ull << 20;

    explicit DeviceContext(int index);
    ~DeviceContext();
    DeviceContext(const DeviceContext&) = delete;
    DeviceContext& operator=(const DeviceContext&) = delete;

    // The runtime's current device is per host thread, and the host may call from any thread (one at a time).
    void make_current() const;

    const DeviceProperties& props() const { return props_; }
    int index() const { return index_; }
    cudaStream_t stream() const { return stream_.get(); }
    void synchronize() { stream_.synchronize(); }
    cublasLtHandle_t lt() const { return lt_.get(); }
    cublasHandle_t blas();       // created on first use (the cublasGemmEx fallback)
    void* workspace() const { return workspace_.get(); }
    uint64_t workspace_bytes() const { return workspace_.bytes(); }
    L2Flush& l2_flush();         // allocated on first cold case
    uint64_t l2_flush_bytes_pending() const { return flush_ ? 0 : 2 * props_.l2_bytes; }
    const NvmlDevice& nvml() const { return nvml_; }
    // Created on first use (attention; defined in cudnn_backend.cpp); throws UNSUPPORTED where cuDNN is missing.
    CudnnHandle& cudnn();
    uint64_t free_bytes() const;

private:
    struct LtDeleter {
        void operator()(cublasLtContext* h) const { static_cast<void>(cublasLtDestroy(h)); }
    };
    struct BlasDeleter {
        void operator()(cublasContext* h) const { static_cast<void>(cublasDestroy(h)); }
    };

    int index_;
    DeviceProperties props_;
    CudaStream stream_;
    DeviceBuffer workspace_;
    std::optional<L2Flush> flush_;
    std::unique_ptr<cublasLtContext, LtDeleter> lt_;
    std::unique_ptr<cublasContext, BlasDeleter> blas_;
    NvmlDevice nvml_;
    // Last: it goes first, while the stream it works on still exists.
    std::shared_ptr<CudnnHandle> cudnn_;
};

// "needs 1.5 GB (incl. 0.3 GB headroom), 0.9 GB free": why a case that does not fit now is SKIPPED.
std::string needs_message(uint64_t need, uint64_t free);
// RL_STATUS_OK if `need` bytes (headroom included) are free now; else SKIPPED with needs_message in `reason`.
rl_status check_fits(const DeviceContext& device, uint64_t need, std::string& reason);

} // namespace rl_cuda
