#pragma once
// Scaled-dot-product attention as a cuDNN operation graph, the pattern cuDNN's fused flash-attention engines
// recognise (the composite graph cudnn-frontend's SDPA node builds): S = Q·Kᵀ (FP32), S·scale, the causal mask
// (row/column indices, a compare, a select of -inf), softmax (max, subtract, exp, sum, divide; with its stats,
// max + log sum), O = P·V with P in the I/O type. Layout BHSD, packed: Q, O [batch, heads, query_len, head_dim];
// K, V [batch, kv_heads, kv_len, head_dim]; kv_heads < heads is grouped-query attention. A causal query i sees
// keys up to kv_len - query_len + i (the queries are the last positions, as in decode and chunked prefill); a
// sliding window of w keys masks, in the same terms, keys before kv_len - query_len + i - w + 1 (left bound).

#include "cudnn_backend.h"

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <vector>

namespace rl_cuda {

struct AttentionShape {
    int64_t batch = 1, heads = 1, kv_heads = 1, query_len = 1, kv_len = 1, head_dim = 64;
    bool causal = false;
    int64_t window = 0; // > 0: each query sees only the last `window` keys up to its position
    cudnnDataType_t io_type = CUDNN_DATA_BFLOAT16;
    // Stats as a real output (what training keeps for the backward pass) rather than virtual (inference).
    bool stats_output = false;

    // Whether the graph carries the causal mask. A decode query (query_len 1) sits at the last key, so the mask
    // excludes nothing there and is left out, except beside a sliding window: cuDNN takes a window (left bound)
    // only with a causal-like right bound before 9.10.2, and 9.14.0 has a known bug without one.
    bool masked() const { return query_len > 1 ? causal : window > 0; }
    float scale() const;                                     // 1 / sqrt(head_dim)
};

// Why this cuDNN version (cudnnGetVersion()) on a device of compute capability cc cannot run the shape, from
// cudnn-frontend's SDPA support surface; nullopt when it can (the engines still have the last word).
std::optional<std::string> attention_unsupported(const AttentionShape& shape, int cudnn_version, int cc_major,
                                                 int cc_minor);

class AttentionGraph {
public:
    // Builds and finalizes the operation graph; throws Error(UNSUPPORTED) with cuDNN's reason where it refuses.
    AttentionGraph(cudnnHandle_t handle, const AttentionShape& shape);
    // The variant packs point at the by-value scalars inside: the graph stays where it was built.
    AttentionGraph(const AttentionGraph&) = delete;
    AttentionGraph& operator=(const AttentionGraph&) = delete;

    const BackendDescriptor& graph() const { return graph_; }
    const AttentionShape& shape() const { return shape_; }
    // A variant pack for one set of tensors; `stats` is needed only with stats_output.
    BackendDescriptor pack(const void* q, const void* k, const void* v, void* o, void* stats, void* workspace);

private:
    AttentionShape shape_;
    std::deque<BackendDescriptor> tensors_; // and the op descriptors the ops refer to
    std::deque<BackendDescriptor> ops_;
    BackendDescriptor graph_;
    // By-value scalars: the variant pack points at these.
    float scale_ = 1.0f;
    float masked_value_ = 0.0f;
    float window_shift_ = 0.0f, window_masked_value_ = 0.0f;
    int32_t kv_len_ = 0, query_len_ = 0; // the bottom-right shift of the causal diagonal, added then subtracted
};

} // namespace rl_cuda
