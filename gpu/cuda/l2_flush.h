#pragma once
// Evicts the L2 before a cold sample by reading a buffer of twice its size, so the lines left behind are clean.
// nvbench's l2flush writes one L2 with a memset; that leaves the L2 full of dirty lines, and the timed kernel then
// pays for writing them back to DRAM as it evicts them (on an H100, 8-10 µs more for a GEMV of 64 MB or more
// than the same GEMV run warm). Twice the L2 leaves no line of the previous sample's inputs behind whatever the
// replacement policy does. ROOFLINE_CUDA_L2_FLUSH=write selects the memset flush, to compare the two.

#include "device_buffer.h"

#include <cuda_runtime.h>

#include <cstdint>

namespace rl_cuda {

class L2Flush {
public:
    enum class Method { Read, Write };

    L2Flush(uint64_t l2_bytes, int sm_count);

    void flush(cudaStream_t stream);
    uint64_t bytes() const { return buffer_.bytes(); }
    Method method() const { return method_; }
    const char* description() const; // "read (clean lines left)" or "memset (dirty lines left)", for notes

private:
    DeviceBuffer buffer_;
    DeviceBuffer sink_;
    Method method_ = Method::Read;
    int blocks_ = 1;
    unsigned char value_ = 0;
};

} // namespace rl_cuda
