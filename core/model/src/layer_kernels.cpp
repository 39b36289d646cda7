#include "layer_kernels.h"

#include "roofline/support/errors.h"

namespace roofline {

namespace kernel_math {

uint64_t mul(std::initializer_list<uint64_t> factors, const char* what)
{
    uint64_t product = 1;
    for (uint64_t f : factors) {
        if (__builtin_mul_overflow(product, f, &product))
            throw InputError(std::string(what) + " overflows 64 bits");
    }
    return product;
}

uint64_t add(uint64_t a, uint64_t b, const char* what)
{
    uint64_t sum = 0;
    if (__builtin_add_overflow(a, b, &sum))
        throw InputError(std::string(what) + " overflows 64 bits");
    return sum;
}

uint64_t dim(int64_t value, std::string_view name)
{
    if (value <= 0)
        throw InputError("dimension " + std::string(name) + " must be positive, got " + std::to_string(value));
    return static_cast<uint64_t>(value);
}

} // namespace kernel_math

using namespace kernel_math;

namespace {

// FLOPs per element of an activation, a transcendental (exp, tanh) counted as one:
//   SiLU x·σ(x) = x / (1 + e^(−x)):                     negate, exp, add, divide                = 4
//   GELU (tanh form) 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))): x³ (2), ×c, +x, ×√(2/π), tanh, +1, ×x, ×0.5 = 9
constexpr uint64_t kSiluFlops = 4;
constexpr uint64_t kGeluFlops = 9;
constexpr double kIndexBytes = 4; // int32 token and expert ids

double d(uint64_t v)
{
    return static_cast<double>(v);
}

} // namespace

Workload layer_workload(const RmsNormShape& s, const OperandBytes& b)
{
    const uint64_t rows = dim(s.rows, "rows"), width = dim(s.width, "width");
    const uint64_t n = mul({rows, width}, kElements);
    // y = x / sqrt(mean(x²) + eps) · w
    //   flops = 4·R·W   (square, sum, scale by 1/rms, multiply by w; one rsqrt per row not counted)
    //   bytes = R·W·b_in + W·b_w + R·W·b_out
    // with_residual (fused add + norm): + R·W flops (the add); x and r read, x + r and y written:
    //   bytes = 2·R·W·b_in + W·b_w + 2·R·W·b_out
    const uint64_t reads = s.with_residual ? 2 : 1;
    const uint64_t flops = mul({s.with_residual ? 5u : 4u, n}, kFlops);
    return {flops, d(n) * d(reads) * (b.input + b.output) + d(width) * b.weight};
}

Workload layer_workload(const RopeShape& s, const OperandBytes& b)
{
    const uint64_t t = dim(s.tokens, "tokens"), h = dim(s.heads, "heads"), hd = dim(s.head_dim, "head_dim");
    const uint64_t n = mul({t, h, hd}, kElements);
    // Each pair (x1, x2) -> (x1·cos − x2·sin, x1·sin + x2·cos): 4 multiplies and 2 adds per 2 elements.
    //   flops = 3·T·H·D
    //   bytes = T·H·D·(b_in + b_out) + T·D·b_in   (q and k rotated in place; cos and sin, D/2 each a token)
    const uint64_t flops = mul({3, n}, kFlops);
    return {flops, d(n) * (b.input + b.output) + d(mul({t, hd}, kElements)) * b.input};
}

Workload layer_workload(const ResidualShape& s, const OperandBytes& b)
{
    const uint64_t n = dim(s.elements, "elements");
    // y = a + b:  flops = E,  bytes = 2·E·b_in + E·b_out
    return {n, d(n) * (2 * b.input + b.output)};
}

Workload layer_workload(const ActivationShape& s, const OperandBytes& b)
{
    const uint64_t t = dim(s.tokens, "tokens"), w = dim(s.width, "width");
    const uint64_t n = mul({t, w}, kElements);
    const uint64_t per = s.kind == ActivationKind::GELU ? kGeluFlops : kSiluFlops;
    // gated: y = act(gate) · up   flops = (c_act + 1)·T·I,  bytes = 2·T·I·b_in + T·I·b_out
    // plain: y = act(x)           flops = c_act·T·I,        bytes = T·I·(b_in + b_out)
    const uint64_t flops = mul({s.gated ? per + 1 : per, n}, kFlops);
    return {flops, d(n) * ((s.gated ? 2 : 1) * b.input + b.output)};
}

Workload layer_workload(const TopKShape& s, const OperandBytes& b)
{
    const uint64_t t = dim(s.tokens, "tokens"), e = dim(s.experts, "experts"), k = dim(s.k, "k");
    if (k > e)
        throw InputError("top-k needs k <= experts, got k " + std::to_string(k) + " of " + std::to_string(e));
    // Softmax over E logits (subtract the max, exp, sum, divide: 4 a logit) and the top k (comparisons not counted)
    //   flops = 4·T·E
    //   bytes = T·E·b_in + T·k·(4 + b_out)   (logits read; int32 expert ids and their weights written)
    const uint64_t flops = mul({4, t, e}, kFlops);
    return {flops, d(mul({t, e}, kElements)) * b.input + d(mul({t, k}, kElements)) * (kIndexBytes + b.output)};
}

Workload layer_workload(const EmbeddingShape& s, const OperandBytes& b)
{
    const uint64_t t = dim(s.tokens, "tokens"), h = dim(s.hidden, "hidden");
    const uint64_t n = mul({t, h}, kElements);
    // A gather: flops = 0,  bytes = T·H·b_w + T·H·b_out + 4·T   (one table row a token, written out; the ids)
    return {0, d(n) * (b.weight + b.output) + d(t) * kIndexBytes};
}

Workload layer_workload(const GroupedGemmShape& s, const OperandBytes& b)
{
    const uint64_t g = dim(s.groups, "groups"), r = dim(s.rows, "rows"), n = dim(s.n, "N"), k = dim(s.k, "K");
    if (g > r)
        throw InputError("a grouped GEMM needs at least one row a group, got " + std::to_string(g) + " groups of "
                         + std::to_string(r) + " rows");
    // G products C_g[M_g,N] = A_g[M_g,K] B_g[K,N], R = Σ M_g rows in all
    //   flops = 2·R·N·K
    //   bytes = R·K·b_in + G·K·N·b_w + R·N·b_out   (every group reads its whole weights once)
    const uint64_t flops = mul({2, r, n, k}, kFlops);
    return {flops, d(mul({r, k}, kElements)) * b.input + d(mul({g, k, n}, kElements)) * b.weight
                       + d(mul({r, n}, kElements)) * b.output};
}

std::vector<int64_t> layer_dims(const RmsNormShape& s) { return {s.rows, s.width}; }
std::vector<int64_t> layer_dims(const RopeShape& s) { return {s.tokens, s.heads, s.head_dim}; }
std::vector<int64_t> layer_dims(const ResidualShape& s) { return {s.elements}; }
std::vector<int64_t> layer_dims(const ActivationShape& s) { return {s.tokens, s.width}; }
std::vector<int64_t> layer_dims(const TopKShape& s) { return {s.tokens, s.experts, s.k}; }
std::vector<int64_t> layer_dims(const EmbeddingShape& s) { return {s.tokens, s.hidden}; }
std::vector<int64_t> layer_dims(const GroupedGemmShape& s) { return {s.groups, s.rows, s.n, s.k}; }

std::vector<std::string_view> layer_dim_names(KernelType kernel)
{
    switch (kernel) {
    case KernelType::RMSNorm: return {"rows", "width"};
    case KernelType::RoPE: return {"tokens", "heads", "head_dim"};
    case KernelType::Residual: return {"elements"};
    case KernelType::Activation: return {"tokens", "width"};
    case KernelType::TopK: return {"tokens", "experts", "k"};
    case KernelType::Embedding: return {"tokens", "hidden"};
    case KernelType::GroupedGEMM: return {"groups", "rows", "N", "K"};
    default: return {};
    }
}

KernelShape make_layer_shape(KernelType kernel, const std::vector<int64_t>& v, bool flag)
{
    switch (kernel) {
    case KernelType::RMSNorm: return RmsNormShape{v[0], v[1], flag};
    case KernelType::RoPE: return RopeShape{v[0], v[1], v[2]};
    case KernelType::Residual: return ResidualShape{v[0]};
    case KernelType::Activation: return ActivationShape{v[0], v[1], flag, ActivationKind::SiLU};
    case KernelType::TopK: return TopKShape{v[0], v[1], v[2]};
    case KernelType::Embedding: return EmbeddingShape{v[0], v[1]};
    case KernelType::GroupedGEMM: return GroupedGemmShape{v[0], v[1], v[2], v[3]};
    default: throw InputError("unknown kernel");
    }
}

std::string layer_shape_suffix(const KernelShape& shape)
{
    if (const auto* n = std::get_if<RmsNormShape>(&shape); n && n->with_residual)
        return ",residual";
    if (const auto* a = std::get_if<ActivationShape>(&shape)) {
        std::string out = a->gated ? "" : ",plain";
        if (a->kind == ActivationKind::GELU)
            out += ",gelu";
        return out;
    }
    return {};
}

} // namespace roofline
