#pragma once
// Host references for the layer kernels (layer_kernels.h), in FP64 from the same (already rounded) inputs, and
// the conversions of device bytes to float that reading them needs. Plain C++: no CUDA header.

#include "roofline/abi/plugin_abi.h"

#include <cstdint>
#include <vector>

namespace rl_cuda {

// The values of `count` elements of BF16, FP16 or FP32 stored in `bytes`.
std::vector<double> decode_activations(const std::vector<unsigned char>& bytes, rl_precision precision);
double half_bits_to_double(uint16_t bits);
double bfloat16_bits_to_double(uint16_t bits);

// ||out - ref|| / ||ref|| (the ABI's max_rel_error); ||out - ref|| alone where ref is all zeros. Any NaN in `out`
// (an output the kernel did not write) gives infinity.
double relative_error(const std::vector<double>& out, const std::vector<double>& ref);

std::vector<double> rmsnorm_reference(const std::vector<double>& x, const std::vector<double>& weight, int64_t rows,
                                      int64_t width, double epsilon);
std::vector<double> rope_reference(const std::vector<double>& x, const std::vector<float>& cos_sin, int64_t tokens,
                                   int64_t heads, int64_t head_dim);
std::vector<double> residual_reference(const std::vector<double>& a, const std::vector<double>& b);

struct TopkReference {
    std::vector<double> probs;     // [tokens, k], descending
    std::vector<int32_t> indices;  // [tokens, k]; ties to the lower expert
};
TopkReference topk_reference(const std::vector<double>& logits, int64_t tokens, int64_t experts, int64_t k);

std::vector<double> embedding_reference(const std::vector<double>& table, const std::vector<int32_t>& ids,
                                        int64_t width);

// SiLU(gate) · up over rows of [gate (width), up (width)]; GELU with the tanh approximation.
std::vector<double> silu_mul_reference(const std::vector<double>& gate_up, int64_t rows, int64_t width);
std::vector<double> gelu_reference(const std::vector<double>& x);

// RoPE's table for `tokens` positions (0, 1, …) and head_dim / 2 frequencies theta^(-2i / head_dim): the cosines,
// then the sines, as launch_rope reads them.
std::vector<float> rope_table(int64_t tokens, int64_t head_dim, double theta);

} // namespace rl_cuda

