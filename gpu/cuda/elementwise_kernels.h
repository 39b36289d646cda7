#pragma once
// The plugin's own elementwise kernels: what an engine runs between its GEMMs and attention. Each is
// bandwidth-bound and vectorised; `type` is the activations' type (CUDA_R_16BF, CUDA_R_16F or CUDA_R_32F).

#include <cuda_runtime.h>
#include <library_types.h>

#include <cstdint>

namespace rl_cuda {

// SiLU(gate) · up, row by row: `gate_up` is row-major [rows, 2·width] (each row's gate, then its up, as a fused
// gate+up GEMM writes them); `out` is row-major [rows, width].
void launch_silu_mul(const void* gate_up, void* out, int64_t rows, int64_t width, cudaDataType_t type,
                     cudaStream_t stream);

// GELU (tanh approximation) over `elements` elements, out of place.
void launch_gelu(const void* in, void* out, int64_t elements, cudaDataType_t type, cudaStream_t stream);

} // namespace rl_cuda
