#include "roofline/kernels.h"

#include "roofline/errors.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <limits>

namespace roofline {

namespace {

// Checked 64-bit arithmetic: a shape whose counts do not fit is bad input, not a wrapped number.
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

constexpr const char* kFlops = "the FLOP count";
constexpr const char* kElements = "the element count";

Workload gemv(const GemvShape& s, const PrecisionInfo& p)
{
    const uint64_t n = dim(s.n, "N"), k = dim(s.k, "K");
    // y[N] = W[N,K] x[K]
    //   flops = 2·N·K                       (one multiply and one add per weight)
    //   bytes = (N·K + K)·b_in + N·b_out    (W and x read once, y written once)
    const uint64_t flops = mul({2, n, k}, kFlops);
    const uint64_t inputs = add(mul({n, k}, kElements), k, kElements);
    return {flops, static_cast<double>(inputs) * p.bytes_per_element + static_cast<double>(n) * p.output_bytes_per_element};
}

Workload gemm(const GemmShape& s, const PrecisionInfo& p)
{
    const uint64_t m = dim(s.m, "M"), n = dim(s.n, "N"), k = dim(s.k, "K");
    // C[M,N] = A[M,K] B[K,N]
    //   flops = 2·M·N·K
    //   bytes = (M·K + K·N)·b_in + M·N·b_out  (A and B read once, C written once)
    const uint64_t flops = mul({2, m, n, k}, kFlops);
    const uint64_t inputs = add(mul({m, k}, kElements), mul({k, n}, kElements), kElements);
    const uint64_t outputs = mul({m, n}, kElements);
    return {flops, static_cast<double>(inputs) * p.bytes_per_element + static_cast<double>(outputs) * p.output_bytes_per_element};
}

Workload attention(const AttentionShape& s, const PrecisionInfo& p)
{
    const uint64_t b = dim(s.batch, "batch"), h = dim(s.heads, "heads"), hkv = dim(s.kv_heads, "kv_heads");
    const uint64_t sq = dim(s.query_len, "query_len"), skv = dim(s.kv_len, "kv_len"), d = dim(s.head_dim, "head_dim");
    if (h % hkv != 0)
        throw InputError("heads (" + std::to_string(h) + ") must be a multiple of kv_heads (" + std::to_string(hkv) + ")");
    if (s.causal && sq > skv)
        throw InputError("causal attention needs query_len <= kv_len (the queries are the last query_len positions)");
    // Query/key pairs that are scored. Causal: the queries are the last Sq of Skv positions, query i
    // (0-based) sees Skv - Sq + i + 1 keys, so pairs = Sq·(Skv - Sq) + Sq·(Sq + 1)/2 (prefill Sq = Skv: Sq·(Sq+1)/2).
    const uint64_t pairs = s.causal ? add(mul({sq, skv - sq}, kFlops), mul({sq, sq + 1}, kFlops) / 2, kFlops)
                                    : mul({sq, skv}, kFlops);
    // flops = 4·B·H·D·pairs              (Q·Kᵀ and P·V, 2·D each per pair; softmax not counted)
    // bytes = B·H·Sq·D·(b_in + b_out)     (Q read, O written)
    //       + 2·B·Hkv·Skv·D·b_in          (K and V read once: flash attention keeps the scores on chip)
    const uint64_t flops = mul({4, b, h, d, pairs}, kFlops);
    const uint64_t q_elements = mul({b, h, sq, d}, kElements);
    const uint64_t kv_elements = mul({2, b, hkv, skv, d}, kElements);
    const double bytes = static_cast<double>(q_elements) * (p.bytes_per_element + p.output_bytes_per_element)
        + static_cast<double>(kv_elements) * p.bytes_per_element;
    return {flops, bytes};
}

Workload ffn(const FfnShape& s, const PrecisionInfo& p)
{
    const uint64_t t = dim(s.tokens, "tokens"), hid = dim(s.hidden, "hidden"), inter = dim(s.intermediate, "intermediate");
    const uint64_t matrices = s.gated ? 3 : 2; // gate, up, down (SwiGLU) or up, down
    // flops = 2·T·H·I·matrices
    // bytes = (matrices·H·I + T·H)·b_in + T·H·b_out   (weights and x read once, y written once; the
    //         intermediate h[T,I] stays on chip — an unfused kernel adds 2·T·I·b_in)
    const uint64_t flops = mul({2, t, hid, inter, matrices}, kFlops);
    const uint64_t inputs = add(mul({matrices, hid, inter}, kElements), mul({t, hid}, kElements), kElements);
    const uint64_t outputs = mul({t, hid}, kElements);
    return {flops, static_cast<double>(inputs) * p.bytes_per_element + static_cast<double>(outputs) * p.output_bytes_per_element};
}

template <class... Ts>
struct Overloaded : Ts... {
    using Ts::operator()...;
};
template <class... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;

} // namespace

std::string_view to_string(KernelType k)
{
    switch (k) {
    case KernelType::GEMV: return "gemv";
    case KernelType::GEMM: return "gemm";
    case KernelType::Attention: return "attention";
    case KernelType::FFN: return "ffn";
    }
    return "?";
}

std::optional<KernelType> parse_kernel(std::string_view text)
{
    std::string lower;
    for (char c : text)
        lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    for (KernelType k : kAllKernels) {
        if (lower == to_string(k))
            return k;
    }
    if (lower == "mlp")
        return KernelType::FFN;
    if (lower == "attn" || lower == "sdpa")
        return KernelType::Attention;
    return std::nullopt;
}

KernelType kernel_of(const KernelShape& shape)
{
    return std::visit(Overloaded{[](const GemvShape&) { return KernelType::GEMV; },
                                 [](const GemmShape&) { return KernelType::GEMM; },
                                 [](const AttentionShape&) { return KernelType::Attention; },
                                 [](const FfnShape&) { return KernelType::FFN; }},
                      shape);
}

Workload workload(const KernelShape& shape, Precision precision)
{
    const PrecisionInfo& p = info(precision);
    return std::visit(Overloaded{[&](const GemvShape& s) { return gemv(s, p); },
                                 [&](const GemmShape& s) { return gemm(s, p); },
                                 [&](const AttentionShape& s) { return attention(s, p); },
                                 [&](const FfnShape& s) { return ffn(s, p); }},
                      shape);
}

namespace {

constexpr int64_t kVectorBytes = 16;
constexpr int64_t kLineBytes = 128;

// Stored bits of one element, without MX/NV block scales (which live in their own arrays).
int64_t element_bits(Precision p)
{
    switch (p) {
    case Precision::FP64: return 64;
    case Precision::FP32:
    case Precision::TF32: return 32;
    case Precision::BF16:
    case Precision::FP16: return 16;
    case Precision::NVFP4:
    case Precision::MXFP4:
    case Precision::INT4: return 4;
    default: return 8;
    }
}

RowAlignment row_alignment(int64_t elements, int64_t bits)
{
    const int64_t row_bits = elements * bits;
    if (row_bits % (8 * kLineBytes) == 0)
        return RowAlignment::Line;
    return row_bits % (8 * kVectorBytes) == 0 ? RowAlignment::Vector : RowAlignment::Unaligned;
}

} // namespace

RowAlignment operand_row_alignment(const KernelShape& shape, Precision precision)
{
    const int64_t bits = element_bits(precision);
    const int64_t output_bits = static_cast<int64_t>(info(precision).output_bytes_per_element * 8);
    // The worse of the operands' rows decides (the enum runs from best to worst).
    return std::visit(Overloaded{[&](const GemvShape& s) { return row_alignment(s.k, bits); },
                                 [&](const GemmShape& s) { return std::max(row_alignment(s.k, bits), row_alignment(s.m, output_bits)); },
                                 [](const AttentionShape&) { return RowAlignment::Line; },
                                 [](const FfnShape&) { return RowAlignment::Line; }},
                      shape);
}

std::string_view to_string(RowAlignment a)
{
    switch (a) {
    case RowAlignment::Line: return "128-byte";
    case RowAlignment::Vector: return "16-byte";
    case RowAlignment::Unaligned: return "unaligned";
    }
    return "?";
}

std::vector<int64_t> dims_of(const KernelShape& shape)
{
    return std::visit(Overloaded{[](const GemvShape& s) { return std::vector<int64_t>{s.n, s.k}; },
                                 [](const GemmShape& s) { return std::vector<int64_t>{s.m, s.n, s.k}; },
                                 [](const AttentionShape& s) {
                                     return std::vector<int64_t>{s.batch, s.heads, s.kv_heads, s.query_len, s.kv_len, s.head_dim};
                                 },
                                 [](const FfnShape& s) { return std::vector<int64_t>{s.tokens, s.hidden, s.intermediate}; }},
                      shape);
}

std::vector<std::string_view> dim_names(KernelType kernel)
{
    switch (kernel) {
    case KernelType::GEMV: return {"N", "K"};
    case KernelType::GEMM: return {"M", "N", "K"};
    case KernelType::Attention: return {"batch", "heads", "kv_heads", "query_len", "kv_len", "head_dim"};
    case KernelType::FFN: return {"tokens", "hidden", "intermediate"};
    }
    return {};
}

std::size_t arity_of(KernelType kernel)
{
    return dim_names(kernel).size();
}

KernelShape make_shape(KernelType kernel, const std::vector<int64_t>& d, bool flag)
{
    const std::size_t arity = arity_of(kernel);
    if (d.size() != arity) {
        std::string names;
        for (auto n : dim_names(kernel))
            names += (names.empty() ? "" : ", ") + std::string(n);
        throw InputError("expected " + std::to_string(arity) + " dimensions for " + std::string(to_string(kernel)) + " ["
                         + names + "], got " + std::to_string(d.size()));
    }
    const auto names = dim_names(kernel);
    for (std::size_t i = 0; i < d.size(); ++i)
        dim(d[i], names[i]);
    switch (kernel) {
    case KernelType::GEMV: return GemvShape{d[0], d[1]};
    case KernelType::GEMM: return GemmShape{d[0], d[1], d[2]};
    case KernelType::Attention: return AttentionShape{d[0], d[1], d[2], d[3], d[4], d[5], flag};
    case KernelType::FFN: return FfnShape{d[0], d[1], d[2], flag};
    }
    throw InputError("unknown kernel");
}

std::string format_dims(const std::vector<int64_t>& dims)
{
    std::string out;
    for (int64_t v : dims) {
        if (!out.empty())
            out += 'x';
        out += std::to_string(v);
    }
    return out;
}

std::string format_shape(const KernelShape& shape)
{
    std::string out = format_dims(dims_of(shape));
    if (const auto* a = std::get_if<AttentionShape>(&shape); a && a->causal)
        out += ",causal";
    if (const auto* f = std::get_if<FfnShape>(&shape); f && !f->gated)
        out += ",plain";
    return out;
}

KernelShape parse_shape(KernelType kernel, std::string_view text)
{
    // The flag word, if any, follows the last separator.
    const std::string_view flag_word = kernel == KernelType::Attention ? ",causal" : kernel == KernelType::FFN ? ",plain" : "";
    const bool flagged = !flag_word.empty() && text.ends_with(flag_word);
    if (flagged)
        text.remove_suffix(flag_word.size());
    const bool flag = kernel == KernelType::FFN ? !flagged : flagged;
    return make_shape(kernel, parse_dims(text), flag);
}

std::vector<int64_t> parse_dims(std::string_view text)
{
    std::vector<int64_t> dims;
    std::size_t i = 0;
    auto is_sep = [](char c) { return c == 'x' || c == 'X' || c == ',' || c == ' ' || c == '*'; };
    while (i < text.size()) {
        while (i < text.size() && is_sep(text[i]))
            ++i;
        if (i == text.size())
            break;
        std::size_t j = i;
        while (j < text.size() && !is_sep(text[j]))
            ++j;
        const std::string_view part = text.substr(i, j - i);
        int64_t value = 0;
        const auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), value);
        if (ec == std::errc::result_out_of_range)
            throw InputError("dimension '" + std::string(part) + "' does not fit in 64 bits");
        if (ec != std::errc() || end != part.data() + part.size())
            throw InputError("'" + std::string(part) + "' in shape '" + std::string(text) + "' is not an integer");
        dims.push_back(value);
        i = j;
    }
    if (dims.empty())
        throw InputError("shape '" + std::string(text) + "' has no dimensions");
    return dims;
}

} // namespace roofline
