#pragma once
// The ABI's kernel kinds as the ggml ops llama.cpp's graph runs for them:
//   GEMV, GEMM      MUL_MAT: weights [k, n] in a ggml type (weight_type) × F32 activations [k, m tokens]
//   EXPERT_GEMM     MUL_MAT_ID: experts' weights [k, n, experts] × F32 [k, 1, m] routed by ids [experts_used, m]
//   ATTENTION       FLASH_ATTN_EXT: F32 Q [d, q, heads, batch], K and V caches [d, kv, kv_heads, batch] in F16 (or
//                   weight_type, e.g. Q8_0), F16 mask (causal, window), F32 precision as llama.cpp sets it
//   RMSNORM         RMS_NORM + MUL by the norm's weight; gated: ADD (the residual) first
//   ROPE            ROPE (NeoX, θ 500000) on F32 [d, heads, tokens]
//   RESIDUAL        ADD of two F32 tensors
//   ACTIVATION      gated: SWIGLU on F32 [2n, m]; plain: GELU on [n, m]
//   EMBEDDING       GET_ROWS of m token rows from a table [k, n] in weight_type (or the case's precision)
// Each op has a reduced shape for the check, with an FP64 host reference computed from the same inputs.

#include "ggml_graph.h"

#include "roofline/abi/plugin_abi.h"

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace roofline::ggml_plugin {

struct Op {
    std::string op;             // ggml's op name(s): "MUL_MAT", "RMS_NORM+MUL"
    ggml_type weight_type = GGML_TYPE_F32; // the weights' (or cache's, or table's) type
    bool has_weights = false;   // the op reads a weight tensor of weight_type
    double copy_bytes = 0;      // [bytes] what each copy has of its own in a cold graph (weights, the KV cache)
    double copy_flops = 0;      // [FLOP] one copy's arithmetic, to bound how long one timed graph runs
    double tolerance = 0;       // of ‖out − ref‖ / ‖ref‖
    std::function<void(Graph&, int copy)> build;                   // adds copy `copy` to the graph
    std::function<std::vector<double>(const Graph&)> reference;    // the check graph's output, FP64 on the host
};

// The op of a case, at its own shape or (check) reduced; nothing and `why` (with the status in `status`) when the
// case is not one this plugin runs.
std::unique_ptr<Op> make_op(const rl_case& c, bool check, std::string& why, rl_status& status);

// "Q4_K", or the case's precision's ggml name where weight_format is not GGML.
std::string weight_type_name(const rl_case& c);

} // namespace roofline::ggml_plugin
