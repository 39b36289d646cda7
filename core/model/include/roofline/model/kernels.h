#pragma once

#include "roofline/model/precision.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace roofline {

enum class KernelType { GEMV, GEMM, Attention, FFN, RMSNorm, RoPE, Residual, Activation, TopK, Embedding, GroupedGEMM };

// The kinds the calculator tab, the bench plan and the plugins know.
inline constexpr std::array<KernelType, 4> kAllKernels = {KernelType::GEMV, KernelType::GEMM,
                                                          KernelType::Attention, KernelType::FFN};
// The kinds a model step adds (workload.h); the calculator predicts them like the others.
inline constexpr std::array<KernelType, 7> kLayerKernels = {KernelType::RMSNorm,    KernelType::RoPE, KernelType::Residual,
                                                            KernelType::Activation, KernelType::TopK, KernelType::Embedding,
                                                            KernelType::GroupedGEMM};

// The layer kinds the plugins run: every one but the grouped GEMM. Plans hold them, calibration fits them.
inline constexpr std::array<KernelType, 6> kBenchmarkedLayerKernels = {KernelType::RMSNorm,    KernelType::RoPE,
                                                                       KernelType::Residual,   KernelType::Activation,
                                                                       KernelType::TopK,       KernelType::Embedding};

// "gemv", "gemm", "attention", "ffn", "rmsnorm", "rope", "residual", "activation", "topk", "embedding", "grouped_gemm"
std::string_view to_string(KernelType k);
std::optional<KernelType> parse_kernel(std::string_view text); // case-insensitive
std::string kernel_names(); // "gemv, gemm, attention, …, grouped_gemm": every name parse_kernel reads

// y[N] = W[N,K] x[K]
struct GemvShape {
    int64_t n = 0;
    int64_t k = 0;

    bool operator==(const GemvShape&) const = default;
};

// C[M,N] = A[M,K] B[K,N]
struct GemmShape {
    int64_t m = 0;
    int64_t n = 0;
    int64_t k = 0;

    bool operator==(const GemmShape&) const = default;
};

// softmax(Q K^T) V per head. Q, O: [batch, heads, query_len, head_dim]; K, V: [batch, kv_heads, kv_len,
// head_dim]. kv_heads < heads is grouped-query attention. Prefill: query_len == kv_len. Decode: query_len 1.
struct AttentionShape {
    int64_t batch = 1;
    int64_t heads = 0;
    int64_t kv_heads = 0;
    int64_t query_len = 0;
    int64_t kv_len = 0;
    int64_t head_dim = 0;
    bool causal = false;
    int64_t window = 0; // sliding-window attention: each query sees at most this many keys; 0: no window

    bool operator==(const AttentionShape&) const = default;
};

// Transformer MLP on `tokens` rows. Gated (SwiGLU): down(silu(x W_gate) * (x W_up)); plain: down(act(x W_up)).
struct FfnShape {
    int64_t tokens = 0;
    int64_t hidden = 0;
    int64_t intermediate = 0;
    bool gated = true;

    bool operator==(const FfnShape&) const = default;
};

// y = x / sqrt(mean(x²) + eps) · w over `rows` rows of `width`; with_residual: the engine's fused add + norm,
// which reads x and the residual r and writes both x + r and the normed row.
struct RmsNormShape {
    int64_t rows = 0;
    int64_t width = 0;
    bool with_residual = false;

    bool operator==(const RmsNormShape&) const = default;
};

// Rotary position embedding, in place on the q and k heads of `tokens` tokens.
struct RopeShape {
    int64_t tokens = 0;
    int64_t heads = 0; // q heads + kv heads
    int64_t head_dim = 0;

    bool operator==(const RopeShape&) const = default;
};

// y = a + b over `elements` elements (the residual connection).
struct ResidualShape {
    int64_t elements = 0;

    bool operator==(const ResidualShape&) const = default;
};

enum class ActivationKind { SiLU, GELU };
std::string_view to_string(ActivationKind a); // "silu", "gelu"

// The FFN's activation on `tokens` rows of `width`: gated, act(gate) · up from a [tokens, 2·width] input; plain,
// act(x) from [tokens, width].
struct ActivationShape {
    int64_t tokens = 0;
    int64_t width = 0;
    bool gated = true;
    ActivationKind kind = ActivationKind::SiLU;

    bool operator==(const ActivationShape&) const = default;
};

// MoE routing: softmax over each token's `experts` router logits and the top `k` of them.
struct TopKShape {
    int64_t tokens = 0;
    int64_t experts = 0;
    int64_t k = 0;

    bool operator==(const TopKShape&) const = default;
};

// The embedding lookup: one row of `hidden` weights per token, gathered from the table.
struct EmbeddingShape {
    int64_t tokens = 0;
    int64_t hidden = 0;

    bool operator==(const EmbeddingShape&) const = default;
};

// MoE experts: `groups` GEMMs C_g[M_g,N] = A_g[M_g,K] B_g[K,N] in one launch, `rows` = Σ M_g, each group reading
// its whole weights B_g.
struct GroupedGemmShape {
    int64_t groups = 0;
    int64_t rows = 0;
    int64_t n = 0;
    int64_t k = 0;

    bool operator==(const GroupedGemmShape&) const = default;
};

using KernelShape = std::variant<GemvShape, GemmShape, AttentionShape, FfnShape, RmsNormShape, RopeShape, ResidualShape,
                                 ActivationShape, TopKShape, EmbeddingShape, GroupedGemmShape>;

KernelType kernel_of(const KernelShape& shape);

// The work a kernel must do: every FLOP it must compute and the fewest bytes it must move through DRAM
// (each input read once, each output written once).
struct Workload {
    uint64_t flops = 0;  // [FLOP] (integer ops counted alike for INT8/INT4)
    double bytes = 0;    // [bytes] fractional for sub-byte formats
};

// Bytes per element of each operand a kernel moves. From one precision (operand_bytes) every operand but the
// output is stored in it; a model step sets them apart: a weight-only format's weights, an FP8 KV cache.
struct OperandBytes {
    double input = 0;  // activations read (GEMM A, x, q, the logits)
    double weight = 0; // weights (GEMV W, GEMM B, FFN and norm weights, the embedding table)
    double output = 0; // what the kernel writes
    double cache = 0;  // attention's K and V (the KV cache)
};
OperandBytes operand_bytes(Precision precision);
struct FfnPart;
// What one part of an FFN moves per element: the activation reads what the gate+up GEMM wrote (the output's
// bytes) and writes what the down GEMM reads (the input's); the GEMMs move the FFN's own.
OperandBytes ffn_part_bytes(const FfnPart& part, const OperandBytes& ffn);

// The kernels an FFN runs as libraries run it, in order: the gate+up GEMM [T, 2·I, H] (gated; plain: the up GEMM
// [T, I, H]), the activation over [T, I], the down GEMM [T, H, I]. Its intermediate goes through memory between them.
struct FfnPart {
    std::string_view name; // "gate+up GEMM" / "up GEMM", "activation", "down GEMM"
    KernelShape shape;     // GemmShape or ActivationShape
};
std::vector<FfnPart> ffn_parts(const FfnShape& shape);

// Throws InputError when a dimension is not positive or the FLOP count overflows 64 bits.
Workload workload(const KernelShape& shape, Precision precision);
Workload workload(const KernelShape& shape, const OperandBytes& bytes);

// How the rows of the operands fall on memory boundaries: K × the element size (A and the weights are K-major, as
// cuBLAS prefers them) and, for a GEMM, M × the output's element size.
//   Line:      every row a multiple of 128 bytes, the width of the tensor-core kernels' swizzled tiles;
//   Vector:    multiples of 16 bytes only: the last tile of each row is partial (on an H100, ~10 % slower);
//   Unaligned: not even 16 bytes: no vector or TMA loads, cuBLAS falls back to slower kernels (on an H100,
//              FP16 1500³ at a fifth of the rate of 3000³).
// Attention, FFN and the layer kinds are taken as Line.
enum class RowAlignment { Line, Vector, Unaligned };
RowAlignment operand_row_alignment(const KernelShape& shape, Precision precision);
std::string_view to_string(RowAlignment a); // "128-byte", "16-byte", "unaligned"

// Shape <-> the plan's array form: gemv [N, K], gemm [M, N, K],
// attention [batch, heads, kv_heads, query_len, kv_len, head_dim] (+ causal flag), ffn [tokens, hidden,
// intermediate] (+ gated flag), rmsnorm [rows, width] (+ residual flag), rope [tokens, heads, head_dim],
// residual [elements], activation [tokens, width] (+ gated flag; SiLU), topk [tokens, experts, k],
// embedding [tokens, hidden], grouped_gemm [groups, rows, N, K].
std::vector<int64_t> dims_of(const KernelShape& shape);
std::size_t arity_of(KernelType kernel);
std::vector<std::string_view> dim_names(KernelType kernel); // {"N", "K"}, {"M", "N", "K"}, …

// Builds a shape from dims; flags are the attention `causal` and FFN `gated` switches.
// Throws InputError on wrong arity or a non-positive dimension.
KernelShape make_shape(KernelType kernel, const std::vector<int64_t>& dims, bool flag = false);

// "4096x4096x4096"; attention appends ",causal" (and ",window N"), FFN and the activation ",plain" when not gated,
// the activation ",gelu" when GELU, RMSNorm ",residual" when the residual add is fused.
std::string format_shape(const KernelShape& shape);
// format_shape's text back to a shape of `kernel` (FFN and the activation gated unless ",plain"). Throws InputError.
KernelShape parse_shape(KernelType kernel, std::string_view text);
std::string format_dims(const std::vector<int64_t>& dims);

// Parses "4096x4096", "4096,4096", "4096 4096". Throws InputError naming the bad part.
std::vector<int64_t> parse_dims(std::string_view text);

} // namespace roofline
