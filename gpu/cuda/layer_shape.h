#pragma once
// The shapes of the elementwise kinds of a layer (RMSNORM … EMBEDDING, plugin_abi.h's rl_kernel comments), read
// from an rl_case and checked, and the bytes each kernel must move. Plain C++: no CUDA header.

#include "case_spec.h"

#include <cstdint>
#include <string>

namespace rl_cuda {

// Copies m, n, k, gated and the precision of a layer kind into `spec`; throws INVALID_ARGUMENT for a shape that
// means nothing (a non-positive or overflowing size, TOPK's k above n, ROPE's odd head_dim).
void read_layer_shape(const rl_case& in, CaseSpec& spec);

// "4096 x 8192 BF16" and the like, for CaseSpec::describe().
std::string layer_shape(const CaseSpec& spec);

// Bytes of one activation element of the case's precision: 2 (BF16, FP16) or 4 (FP32); 0 for any other precision,
// which these kernels do not run.
int activation_bytes(rl_precision precision);

// What one run of the kernel must read and write [bytes], at the case's precision: the activations, plus the
// norm's weight, RoPE's cos/sin table (FP32), the router's FP32 weights and INT32 indices, the token ids.
double layer_bytes_moved(const CaseSpec& spec);

// The elements of each buffer a layer kernel uses, so the case can allocate and the check can size them.
struct LayerBuffers {
    uint64_t in = 0;      // activations read (x; a; gate+up; logits; the embedding table)
    uint64_t in2 = 0;     // a second activation input (RMSNORM gated: the residual; RESIDUAL: b)
    uint64_t out = 0;     // activations written (ROPE: none, it rotates `in` in place)
    uint64_t weight = 0;  // RMSNORM: the norm's weight [n]
    uint64_t table = 0;   // ROPE: cos and sin per token and frequency [2 * m * k / 2] (FP32)
    uint64_t index = 0;   // TOPK: [m * k] chosen experts; EMBEDDING: [m] token ids (INT32)
    uint64_t probs = 0;   // TOPK: [m * k] routing weights (FP32)
};
LayerBuffers layer_buffers(const CaseSpec& spec);

// The same case at a size the host can check in full: at most a few rows (m), a few table rows (EMBEDDING's n),
// and a bounded RESIDUAL length that keeps the original's remainder after vectorisation.
CaseSpec reduced_for_check(const CaseSpec& spec);

} // namespace rl_cuda
