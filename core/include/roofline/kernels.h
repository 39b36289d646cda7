#pragma once

#include "roofline/precision.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace roofline {

enum class KernelType { GEMV, GEMM, Attention, FFN };

inline constexpr std::array<KernelType, 4> kAllKernels = {KernelType::GEMV, KernelType::GEMM,
                                                          KernelType::Attention, KernelType::FFN};

std::string_view to_string(KernelType k);           // "gemv", "gemm", "attention", "ffn"
std::optional<KernelType> parse_kernel(std::string_view text); // case-insensitive

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

using KernelShape = std::variant<GemvShape, GemmShape, AttentionShape, FfnShape>;

KernelType kernel_of(const KernelShape& shape);

// The work a kernel must do: every FLOP it must compute and the fewest bytes it must move through DRAM
// (each input read once, each output written once).
struct Workload {
    uint64_t flops = 0;  // [FLOP] (integer ops counted alike for INT8/INT4)
    double bytes = 0;    // [bytes] fractional for sub-byte formats
};

// Throws InputError when a dimension is not positive or the FLOP count overflows 64 bits.
Workload workload(const KernelShape& shape, Precision precision);

// How the rows of the operands fall on memory boundaries: K × the element size (A and the weights are K-major, as
// cuBLAS prefers them) and, for a GEMM, M × the output's element size.
//   Line:      every row a multiple of 128 bytes, the width of the tensor-core kernels' swizzled tiles;
//   Vector:    multiples of 16 bytes only: the last tile of each row is partial (on an H100, ~10 % slower);
//   Unaligned: not even 16 bytes: no vector or TMA loads, cuBLAS falls back to slower kernels (on an H100,
//              FP16 1500³ at a fifth of the rate of 3000³).
// Attention and FFN are taken as Line.
enum class RowAlignment { Line, Vector, Unaligned };
RowAlignment operand_row_alignment(const KernelShape& shape, Precision precision);
std::string_view to_string(RowAlignment a); // "128-byte", "16-byte", "unaligned"

// Shape <-> the plan's array form: gemv [N, K], gemm [M, N, K],
// attention [batch, heads, kv_heads, query_len, kv_len, head_dim] (+ causal flag), ffn [tokens, hidden,
// intermediate] (+ gated flag).
std::vector<int64_t> dims_of(const KernelShape& shape);
std::size_t arity_of(KernelType kernel);
std::vector<std::string_view> dim_names(KernelType kernel); // {"N", "K"}, {"M", "N", "K"}, …

// Builds a shape from dims; flags are the attention `causal` and FFN `gated` switches.
// Throws InputError on wrong arity or a non-positive dimension.
KernelShape make_shape(KernelType kernel, const std::vector<int64_t>& dims, bool flag = false);

// "4096x4096x4096"; attention appends ",causal", FFN ",plain" when not gated.
std::string format_shape(const KernelShape& shape);
// format_shape's text back to a shape of `kernel` (FFN gated unless ",plain"). Throws InputError.
KernelShape parse_shape(KernelType kernel, std::string_view text);
std::string format_dims(const std::vector<int64_t>& dims);

// Parses "4096x4096", "4096,4096", "4096 4096". Throws InputError naming the bad part.
std::vector<int64_t> parse_dims(std::string_view text);

} // namespace roofline
