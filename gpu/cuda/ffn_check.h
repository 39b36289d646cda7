#pragma once
// What the FFN case needs besides the GEMM machinery: weights scaled as a model's are (so FP16 intermediates stay
// in range), and the check of the activation step (SiLU·mul or GELU) against a host FP64 computation on rows of
// the very gate+up output it read.

#include "elem_kind.h"
#include "reference_check.h"

#include <cuda_runtime_api.h>

#include <cstdint>

namespace rl_cuda {

// data[i] *= factor, in the element type (BF16, FP16 or FP32).
void scale_elements(void* data, ElemKind kind, uint64_t count, float factor, cudaStream_t stream);

// `in` row-major [rows, gated ? 2 width : width], `out` row-major [rows, width]; checks up to 64 spread rows.
CheckResult check_activation(const void* in, const void* out, ElemKind kind, int64_t rows, int64_t width, bool gated,
                             double tolerance, cudaStream_t stream);

} // namespace rl_cuda
