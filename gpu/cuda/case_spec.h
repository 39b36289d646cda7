#pragma once
// An rl_case read safely (a host may pass an older, shorter struct), checked, and with defaults filled in.

#include "roofline/abi/plugin_abi.h"

#include <cstdint>
#include <string>

namespace rl_cuda {

struct CaseSpec {
    rl_kernel kernel = RL_KERNEL_GEMM;
    rl_precision precision = RL_PRECISION_FP32;
    rl_cache_mode cache_mode = RL_CACHE_COLD;
    // The product as the plugin runs it: D[m, n] = A[m, k] B[n, k]^T. A GEMV is m = rows of W, n = 1.
    int64_t m = 0, n = 0, k = 0;
    uint64_t bytes = 0;
    // ABI 3: attention (Q, O [batch, heads, query_len, head_dim]; K, V [batch, kv_heads, kv_len, head_dim]) and
    // the gate: FFN and ACTIVATION gated (SwiGLU), RMSNORM with the residual add fused. FFN uses m (tokens),
    // k (hidden) and n (intermediate).
    int64_t batch = 0, heads = 0, kv_heads = 0, query_len = 0, kv_len = 0, head_dim = 0, window = 0;
    bool causal = false;
    bool gated = false;
    double time_budget_s = 0.0;     // 0 in the case: 1 s
    int min_samples = 0;            // <= 0 in the case: 10 (or max_samples if lower)
    int max_samples = 0;            // <= 0 in the case: 10000
    double target_rel_spread = 0.0; // <= 0: no spread criterion
    uint64_t seed = 0;

    bool is_gemm_like() const { return kernel == RL_KERNEL_GEMM || kernel == RL_KERNEL_GEMV; }
    // RMSNORM … EMBEDDING: the plugin's own kernels of a layer (layer_kernels.h); shapes in m, n, k.
    bool is_layer_kernel() const { return kernel >= RL_KERNEL_RMSNORM && kernel <= RL_KERNEL_EMBEDDING; }
    bool is_launch_chain() const
    {
        return kernel == RL_KERNEL_LAUNCH_CHAIN_EAGER || kernel == RL_KERNEL_LAUNCH_CHAIN_GRAPH;
    }
    std::string describe() const;   // "GEMM 1024x1024x1024 BF16 cold"
};

// Throws Error(RL_STATUS_INVALID_ARGUMENT) for a null or too-short struct, an unknown kernel, precision or cache
// mode, a non-positive or overflowing shape, or bad sampling settings.
CaseSpec read_case(const rl_case* c);

// The attention and FFN fields of `in` into `s` (llm_case_spec.cpp); `host_case_size` is the host's struct_size.
void read_attention_fields(const rl_case& in, uint32_t host_case_size, CaseSpec& s);
void read_ffn_fields(const rl_case& in, CaseSpec& s);

// Checked a * b for sizes [elements or bytes]; throws INVALID_ARGUMENT naming `what` on overflow.
uint64_t checked_mul(uint64_t a, uint64_t b, const char* what);

// "1.5 GB" (10^9 bytes, as memory sizes are quoted on datasheets).
std::string format_gb(uint64_t bytes);

} // namespace rl_cuda
