#pragma once
// Holds a stream while the host enqueues a sample, as nvbench's blocking kernel does: without it, an idle GPU
// runs the start event at once and the timed interval includes the host's launch latency (seen on an H100:
// a 1024² GEMV took 13.5 µs "warm" and 7.9 µs after a cold-mode flush that kept the GPU busy).

#include <cuda_runtime.h>

#include <cstdint>

namespace rl_cuda {

class StreamHold {
public:
    StreamHold();
    ~StreamHold();
    StreamHold(const StreamHold&) = delete;
    StreamHold& operator=(const StreamHold&) = delete;

    // Enqueues a one-thread kernel that spins until release() (or, should the host never release, a timeout).
    void hold(cudaStream_t stream);
    void release();

private:
    volatile int32_t* host_flag_ = nullptr; // pinned, mapped: the kernel polls it
    int32_t* device_flag_ = nullptr;
};

} // namespace rl_cuda
