#pragma once
// The attention check: for a few (batch, head) pairs and query rows, softmax(scale · Q Kᵀ) V recomputed with
// cuBLAS (Q·Kᵀ with FP32 accumulation and output, then a softmax kernel with the scale and the causal mask, then
// P·V in FP32) and compared with the fused kernel's output by relative Frobenius error. Rows are independent, so
// a subset of (batch, head, row) checks the full-size case at reduced cost: every key of each checked row counts.
// Layout as attention_graph.h: BHSD, packed.

#include "elem_kind.h"
#include "reference_check.h"

#include <cublas_v2.h>
#include <cuda_runtime_api.h>

#include <cstdint>

namespace rl_cuda {

struct AttentionLayout {
    ElemKind io = ElemKind::BF16;
    int64_t batch = 1, heads = 1, kv_heads = 1, query_len = 1, kv_len = 1, head_dim = 64;
    bool causal = false;
    int64_t window = 0; // > 0: a row sees only the `window` keys up to its position
    float scale = 1.0f;
};

// The rows checked per (batch, head): all of them where they fit, else the first and the last rows.
struct AttentionCheckPlan {
    struct Head {
        int64_t batch = 0, head = 0;
    };
    std::vector<Head> heads;
    int64_t rows_per_block = 0;       // rows in each checked block
    std::vector<int64_t> row_starts;  // first row of each block
    uint64_t device_bytes() const;    // what check_attention allocates [bytes]
    int64_t kv_len = 0, head_dim = 0;
};
AttentionCheckPlan plan_attention_check(const AttentionLayout& layout);

CheckResult check_attention(const void* q, const void* k, const void* v, const void* o, const AttentionLayout& layout,
                            const AttentionCheckPlan& plan, double tolerance, cublasHandle_t blas,
                            cudaStream_t stream);

} // namespace rl_cuda
