#pragma once
// Evicts the L2 before a cold sample by writing a buffer of twice its size (nvbench's l2flush writes one L2;
// twice leaves no line of the previous sample's inputs behind whatever the replacement policy does).

#include "device_buffer.h"

#include <cstdint>

namespace rl_cuda {

class L2Flush {
public:
    explicit L2Flush(uint64_t l2_bytes) : buffer_(2 * l2_bytes) {}

    void flush(cudaStream_t stream)
    {
        if (buffer_.bytes() > 0)
            RL_CUDA_CALL(cudaMemsetAsync(buffer_.get(), ++value_, buffer_.bytes(), stream));
    }
    uint64_t bytes() const { return buffer_.bytes(); }

private:
    DeviceBuffer buffer_;
    unsigned char value_ = 0;
};

} // namespace rl_cuda
