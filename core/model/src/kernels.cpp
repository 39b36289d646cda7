#include "roofline/model/kernels.h"

#include "layer_kernels.h"
#include "roofline/support/errors.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <limits>

namespace roofline {

namespace {

using namespace kernel_math;

Workload gemv(const GemvShape& s, const OperandBytes& b)
{
    const uint64_t n = dim(s.n, "N"), k = dim(s.k, "K");
    // y[N] = W[N,K] x[K]
    //   flops = 2·N·K                          (one multiply and one add per weight)
    //   bytes = N·K·b_w + K·b_in + N·b_out     (W and x read once, y written once)
    const uint64_t flops = mul({2, n, k}, kFlops);
    const uint64_t weights = mul({n, k}, kElements);
    return {flops, static_cast<double>(weights) * b.weight + static_cast<double>(k) * b.input + static_cast<double>(n) * b.output};
}

Workload gemm(const GemmShape& s, const OperandBytes& b)
{
    const uint64_t m = dim(s.m, "M"), n = dim(s.n, "N"), k = dim(s.k, "K");
    // C[M,N] = A[M,K] B[K,N]   (B holds the weights when a model step runs it)
    //   flops = 2·M·N·K
    //   bytes = M·K·b_in + K·N·b_w + M·N·b_out  (A and B read once, C written once)
    const uint64_t flops = mul({2, m, n, k}, kFlops);
    const uint64_t a = mul({m, k}, kElements), weights = mul({k, n}, kElements);
    const uint64_t outputs = mul({m, n}, kElements);
    return {flops, static_cast<double>(a) * b.input + static_cast<double>(weights) * b.weight
                       + static_cast<double>(outputs) * b.output};
}

Workload attention(const AttentionShape& s, const OperandBytes& b)
{
    const uint64_t bt = dim(s.batch, "batch"), h = dim(s.heads, "heads"), hkv = dim(s.kv_heads, "kv_heads");
    const uint64_t sq = dim(s.query_len, "query_len"), skv = dim(s.kv_len, "kv_len"), d = dim(s.head_dim, "head_dim");
    if (h % hkv != 0)
        throw InputError("heads (" + std::to_string(h) + ") must be a multiple of kv_heads (" + std::to_string(hkv) + ")");
    if (s.causal && sq > skv)
        throw InputError("causal attention needs query_len <= kv_len (the queries are the last query_len positions)");
    if (s.window < 0)
        throw InputError("window must not be negative, got " + std::to_string(s.window));
    const uint64_t w = s.window > 0 ? static_cast<uint64_t>(s.window) : skv;
    // Query/key pairs that are scored. Causal: the queries are the last Sq of Skv positions, query i
    // (0-based) sees v_i = Skv - Sq + i + 1 keys, so pairs = Sq·(Skv - Sq) + Sq·(Sq + 1)/2 (prefill Sq = Skv:
    // Sq·(Sq+1)/2). A window W caps each query at min(v_i, W) keys. Not causal: every query sees min(Skv, W).
    uint64_t pairs = 0, kv_read = std::min(skv, w);
    if (!s.causal) {
        pairs = mul({sq, kv_read}, kFlops);
    } else {
        const uint64_t lo = skv - sq + 1, hi = skv; // the queries see lo … hi keys
        const auto sum_to = [](uint64_t from, uint64_t to) { return mul({from + to, to - from + 1}, kFlops) / 2; };
        if (w >= hi)
            pairs = sum_to(lo, hi);
        else if (w < lo)
            pairs = mul({sq, w}, kFlops);
        else
            pairs = add(sum_to(lo, w), mul({w, hi - w}, kFlops), kFlops);
        kv_read = std::min(skv, sq + w - 1); // the first query's window reaches this far back
    }
    // flops = 4·B·H·D·pairs               (Q·Kᵀ and P·V, 2·D each per pair; softmax not counted)
    // bytes = B·H·Sq·D·(b_in + b_out)      (Q read, O written)
    //       + 2·B·Hkv·Skv'·D·b_cache       (K and V read once: flash attention keeps the scores on chip;
    //                                      Skv' = the keys some query sees: Skv, or less under a window)
    const uint64_t flops = mul({4, bt, h, d, pairs}, kFlops);
    const uint64_t q_elements = mul({bt, h, sq, d}, kElements);
    const uint64_t kv_elements = mul({2, bt, hkv, kv_read, d}, kElements);
    const double bytes = static_cast<double>(q_elements) * (b.input + b.output) + static_cast<double>(kv_elements) * b.cache;
    return {flops, bytes};
}

Workload ffn(const FfnShape& s, const OperandBytes& b)
{
    dim(s.tokens, "tokens");
    dim(s.hidden, "hidden");
    dim(s.intermediate, "intermediate");
    // The sum of its kernels (ffn_parts): gated, with W_gu [H, 2I] and W_down [I, H],
    //   flops = 2·T·H·2I + 2·T·I·H                       (the GEMMs; the activation's few FLOP per element are
    //                                                     not tensor-core work and are left out)
    //   bytes = (T·H·b_in + H·2I·b_w + T·2I·b_out)        gate+up GEMM
    //         + (T·2I·b_out + T·I·b_in)                  activation
    //         + (T·I·b_in + I·H·b_w + T·H·b_out)         down GEMM
    // so the intermediate costs 4·T·I·b_out + 2·T·I·b_in beyond weights, x and y (plain: 2·T·I each). A fused FFN
    // whose intermediate stays on chip would move only the weights, x and y; no library runs one at these sizes.
    Workload total;
    for (const FfnPart& part : ffn_parts(s)) {
        const Workload one = workload(part.shape, ffn_part_bytes(part, b));
        if (std::holds_alternative<GemmShape>(part.shape))
            total.flops = add(total.flops, one.flops, kFlops);
        total.bytes += one.bytes;
    }
    return total;
}

template <class... Ts>
struct Overloaded : Ts... {
    using Ts::operator()...;
};
template <class... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;

} // namespace

std::vector<FfnPart> ffn_parts(const FfnShape& s)
{
    if (s.gated && s.intermediate > std::numeric_limits<int64_t>::max() / 2)
        throw InputError("intermediate " + std::to_string(s.intermediate) + ": the gate+up GEMM's 2 × intermediate columns overflow 64 bits");
    const int64_t up = s.gated ? 2 * s.intermediate : s.intermediate;
    return {{s.gated ? "gate+up GEMM" : "up GEMM", GemmShape{s.tokens, up, s.hidden}},
            {"activation", ActivationShape{s.tokens, s.intermediate, s.gated, s.gated ? ActivationKind::SiLU : ActivationKind::GELU}},
            {"down GEMM", GemmShape{s.tokens, s.hidden, s.intermediate}}};
}

OperandBytes ffn_part_bytes(const FfnPart& part, const OperandBytes& b)
{
    if (std::holds_alternative<ActivationShape>(part.shape))
        return {b.output, b.weight, b.input, b.cache};
    return b;
}

std::string_view to_string(KernelType k)
{
    switch (k) {
    case KernelType::GEMV: return "gemv";
    case KernelType::GEMM: return "gemm";
    case KernelType::Attention: return "attention";
    case KernelType::FFN: return "ffn";
    case KernelType::RMSNorm: return "rmsnorm";
    case KernelType::RoPE: return "rope";
    case KernelType::Residual: return "residual";
    case KernelType::Activation: return "activation";
    case KernelType::TopK: return "topk";
    case KernelType::Embedding: return "embedding";
    case KernelType::GroupedGEMM: return "grouped_gemm";
    }
    return "?";
}

std::string_view to_string(ActivationKind a)
{
    return a == ActivationKind::GELU ? "gelu" : "silu";
}

std::string kernel_names()
{
    std::string out;
    for (const auto& kinds : {std::vector<KernelType>(kAllKernels.begin(), kAllKernels.end()),
                              std::vector<KernelType>(kLayerKernels.begin(), kLayerKernels.end())}) {
        for (KernelType k : kinds)
            out += (out.empty() ? "" : ", ") + std::string(to_string(k));
    }
    return out;
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
    for (KernelType k : kLayerKernels) {
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
                                 [](const FfnShape&) { return KernelType::FFN; },
                                 [](const RmsNormShape&) { return KernelType::RMSNorm; },
                                 [](const RopeShape&) { return KernelType::RoPE; },
                                 [](const ResidualShape&) { return KernelType::Residual; },
                                 [](const ActivationShape&) { return KernelType::Activation; },
                                 [](const TopKShape&) { return KernelType::TopK; },
                                 [](const EmbeddingShape&) { return KernelType::Embedding; },
                                 [](const GroupedGemmShape&) { return KernelType::GroupedGEMM; }},
                      shape);
}

OperandBytes operand_bytes(Precision precision)
{
    const PrecisionInfo& p = info(precision);
    return {p.bytes_per_element, p.bytes_per_element, p.output_bytes_per_element, p.bytes_per_element};
}

Workload workload(const KernelShape& shape, Precision precision)
{
    return workload(shape, operand_bytes(precision));
}

Workload workload(const KernelShape& shape, const OperandBytes& b)
{
    return std::visit(Overloaded{[&](const GemvShape& s) { return gemv(s, b); },
                                 [&](const GemmShape& s) { return gemm(s, b); },
                                 [&](const AttentionShape& s) { return attention(s, b); },
                                 [&](const FfnShape& s) { return ffn(s, b); },
                                 [&](const auto& s) { return layer_workload(s, b); }},
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
                                 [](const auto&) { return RowAlignment::Line; }},
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
                                 [](const FfnShape& s) { return std::vector<int64_t>{s.tokens, s.hidden, s.intermediate}; },
                                 [](const auto& s) { return layer_dims(s); }},
                      shape);
}

std::vector<std::string_view> dim_names(KernelType kernel)
{
    switch (kernel) {
    case KernelType::GEMV: return {"N", "K"};
    case KernelType::GEMM: return {"M", "N", "K"};
    case KernelType::Attention: return {"batch", "heads", "kv_heads", "query_len", "kv_len", "head_dim"};
    case KernelType::FFN: return {"tokens", "hidden", "intermediate"};
    default: return layer_dim_names(kernel);
    }
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
    default: return make_layer_shape(kernel, d, flag);
    }
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
    if (const auto* a = std::get_if<AttentionShape>(&shape); a && a->window > 0)
        out += ",window " + std::to_string(a->window);
    out += layer_shape_suffix(shape);
    return out;
}

KernelShape parse_shape(KernelType kernel, std::string_view text)
{
    // Attention's ",window N", which format_shape writes last.
    int64_t window = 0;
    if (const auto at = text.rfind(",window "); kernel == KernelType::Attention && at != std::string_view::npos) {
        const std::vector<int64_t> value = parse_dims(text.substr(at + 8));
        if (value.size() != 1 || value[0] <= 0)
            throw InputError("',window' in shape '" + std::string(text) + "' needs one positive number of keys");
        window = value[0];
        text = text.substr(0, at);
    }
    // The activation's ",gelu", which follows its ",plain".
    const bool gelu = kernel == KernelType::Activation && text.ends_with(",gelu");
    if (gelu)
        text.remove_suffix(5);
    // The flag word, if any, follows the last separator.
    const std::string_view flag_word = kernel == KernelType::Attention                                  ? ",causal"
                                       : kernel == KernelType::FFN || kernel == KernelType::Activation ? ",plain"
                                       : kernel == KernelType::RMSNorm                                  ? ",residual"
                                                                                                        : "";
    const bool flagged = !flag_word.empty() && text.ends_with(flag_word);
    if (flagged)
        text.remove_suffix(flag_word.size());
    const bool flag = flag_word == ",plain" ? !flagged : flagged;
    KernelShape shape = make_shape(kernel, parse_dims(text), flag);
    if (auto* a = std::get_if<AttentionShape>(&shape))
        a->window = window;
    if (auto* a = std::get_if<ActivationShape>(&shape); a && gelu)
        a->kind = ActivationKind::GELU;
    return shape;
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
