#pragma once
// Random inputs drawn on the device from a seed (a counter-based hash, so no cuRAND and the same values for the
// same seed on every run): floats uniform in [-1, 1) rounded to the element type, integers uniform in
// [-int_range, int_range]. Never all zeros.

#include "elem_kind.h"

#include <cuda_runtime_api.h>

#include <cstdint>

namespace rl_cuda {

void fill_random(void* dst, ElemKind kind, uint64_t count, uint64_t seed, int int_range, cudaStream_t stream);

// Random 32-bit words with no zero word, for the bandwidth kernels.
void fill_random_words(uint32_t* dst, uint64_t words, uint64_t seed, cudaStream_t stream);

// A seed for stream `index` of a case's seed, so rotated input sets and operands A and B differ.
uint64_t derive_seed(uint64_t seed, uint64_t index);

} // namespace rl_cuda
