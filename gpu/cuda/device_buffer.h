#pragma once
// RAII owners for the CUDA resources the plugin uses (like nvbench's cuda_timer.cuh and l2flush.cuh).
// Destructors cannot report errors: a failed free or destroy here means the context is already broken, and the
// call that broke it has reported that.

#include "cuda_check.h"

#include <cuda_runtime_api.h>

#include <cstddef>
#include <utility>

namespace rl_cuda {

// Device memory from cudaMalloc: 256-byte aligned, which covers cuBLASLt's 16-byte rule and the workspace rule.
class DeviceBuffer {
public:
    DeviceBuffer() = default;
    explicit DeviceBuffer(std::size_t bytes) : bytes_(bytes)
    {
        if (bytes_ > 0)
            RL_CUDA_CALL(cudaMalloc(&ptr_, bytes_));
    }
    ~DeviceBuffer() { reset(); }
    DeviceBuffer(DeviceBuffer&& other) noexcept
        : ptr_(std::exchange(other.ptr_, nullptr)), bytes_(std::exchange(other.bytes_, 0))
    {
    }
    DeviceBuffer& operator=(DeviceBuffer&& other) noexcept
    {
        if (this != &other) {
            reset();
            ptr_ = std::exchange(other.ptr_, nullptr);
            bytes_ = std::exchange(other.bytes_, 0);
        }
        return *this;
    }
    DeviceBuffer(const DeviceBuffer&) = delete;
    DeviceBuffer& operator=(const DeviceBuffer&) = delete;

    void reset() noexcept
    {
        if (ptr_)
            static_cast<void>(cudaFree(ptr_));
        ptr_ = nullptr;
        bytes_ = 0;
    }
    void* get() const { return ptr_; }
    template <typename T> T* as() const { return static_cast<T*>(ptr_); }
    std::size_t bytes() const { return bytes_; }

private:
    void* ptr_ = nullptr;
    std::size_t bytes_ = 0;
};

class CudaEvent {
public:
    CudaEvent() { RL_CUDA_CALL(cudaEventCreate(&event_)); }
    ~CudaEvent()
    {
        if (event_)
            static_cast<void>(cudaEventDestroy(event_));
    }
    CudaEvent(const CudaEvent&) = delete;
    CudaEvent& operator=(const CudaEvent&) = delete;

    void record(cudaStream_t stream) { RL_CUDA_CALL(cudaEventRecord(event_, stream)); }
    void synchronize() { RL_CUDA_CALL(cudaEventSynchronize(event_)); }
    cudaEvent_t get() const { return event_; }

private:
    cudaEvent_t event_ = nullptr;
};

// Time between two recorded events [µs]; waits for `stop`.
inline double elapsed_us(const CudaEvent& start, CudaEvent& stop)
{
    stop.synchronize();
    float ms = 0.0f;
    RL_CUDA_CALL(cudaEventElapsedTime(&ms, start.get(), stop.get()));
    return static_cast<double>(ms) * 1000.0;
}

class CudaStream {
public:
    CudaStream() { RL_CUDA_CALL(cudaStreamCreateWithFlags(&stream_, cudaStreamNonBlocking)); }
    ~CudaStream()
    {
        if (stream_)
            static_cast<void>(cudaStreamDestroy(stream_));
    }
    CudaStream(const CudaStream&) = delete;
    CudaStream& operator=(const CudaStream&) = delete;

    cudaStream_t get() const { return stream_; }
    void synchronize() { RL_CUDA_CALL(cudaStreamSynchronize(stream_)); }

private:
    cudaStream_t stream_ = nullptr;
};

} // namespace rl_cuda
