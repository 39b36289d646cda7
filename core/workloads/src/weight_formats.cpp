// --weights: how a model step's tensors are stored. One format for every linear layer, the description's own
// formats, or a GGUF file type's mix as llama.cpp's quantizer makes it.
#include "roofline/workloads/workload.h"

#include "roofline/support/errors.h"
#include "roofline/workloads/ggml_types.h"

#include <algorithm>
#include <cctype>

namespace roofline {

std::string_view to_string(Phase p)
{
    return p == Phase::Prefill ? "prefill" : "decode";
}

std::string_view to_string(Fusion f)
{
    return f == Fusion::Typical ? "typical" : "none";
}

std::optional<Fusion> parse_fusion(std::string_view text)
{
    if (text == "none")
        return Fusion::None;
    if (text == "typical")
        return Fusion::Typical;
    return std::nullopt;
}

std::string_view to_string(LaunchMode l)
{
    return l == LaunchMode::Eager ? "eager" : "graph";
}

std::optional<LaunchMode> parse_launch_mode(std::string_view text)
{
    if (text == "eager")
        return LaunchMode::Eager;
    if (text == "graph")
        return LaunchMode::Graph;
    return std::nullopt;
}

std::string_view to_string(KernelClass c)
{
    switch (c) {
    case KernelClass::GEMM: return "gemm";
    case KernelClass::Attention: return "attention";
    case KernelClass::Elementwise: return "elementwise";
    }
    return "?";
}

KernelClass class_of(KernelType kernel)
{
    switch (kernel) {
    case KernelType::GEMV:
    case KernelType::GEMM:
    case KernelType::FFN:
    case KernelType::GroupedGEMM: return KernelClass::GEMM;
    case KernelType::Attention: return KernelClass::Attention;
    default: return KernelClass::Elementwise;
    }
}

namespace {

// W4A16 (GPTQ, AWQ): 4-bit weights and one FP16 scale per group of 128 along K; zero points not counted.
constexpr double kW4A16Bytes = 0.5 + 2.0 / 128;

std::string upper(std::string_view text)
{
    std::string out;
    for (char c : text)
        out += static_cast<char>(std::toupper(static_cast<unsigned char>(c == '-' ? '_' : c)));
    return out;
}

TensorFormat precision_format(Precision p)
{
    return {std::string(to_string(p)), info(p).bytes_per_element, false, p};
}

TensorFormat ggml_format(const GgmlType& t)
{
    if (t.name == "F16")
        return precision_format(Precision::FP16);
    if (t.name == "BF16")
        return precision_format(Precision::BF16);
    if (t.name == "F32")
        return precision_format(Precision::FP32);
    return {std::string(t.name), t.bytes_per_element(), t.quantized, std::nullopt};
}

TensorFormat ggml_named(std::string_view name)
{
    return ggml_format(*find_ggml_type(name));
}

// The GGUF file types whose mix is modelled, with their base type (llama.cpp's LLAMA_FTYPE_MOSTLY_*).
struct GgufMix {
    std::string_view name;
    std::string_view base;
};
constexpr GgufMix kMixes[] = {{"Q4_K_M", "Q4_K"}, {"Q4_K_S", "Q4_K"}, {"Q5_K_M", "Q5_K"}, {"Q5_K_S", "Q5_K"}};

// llama.cpp's use_more_bits: the first and last eighth of the layers and every third one between them.
bool use_more_bits(int64_t i, int64_t n)
{
    return i < n / 8 || i >= 7 * n / 8 || (i - n / 8) % 3 == 2;
}

// tensor_type_fallback: a row (ne[0], the input width) that is not a whole number of blocks takes a smaller block.
std::string fallback(std::string type, int64_t columns)
{
    const GgmlType* t = find_ggml_type(type);
    if (!t || columns % t->block_size == 0)
        return type;
    if (type == "Q4_K")
        type = "Q5_0";
    else if (type == "Q5_K")
        type = "Q5_1";
    else if (type == "Q6_K")
        type = "Q8_0";
    else if (type == "IQ4_XS")
        type = "IQ4_NL";
    else
        return "F16";
    return columns % find_ggml_type(type)->block_size == 0 ? type : "F16";
}

// The input width (ggml's ne[0]) of a tensor: what its rows hold.
int64_t columns_of(const ModelDescription& m, TensorRole role)
{
    switch (role) {
    case TensorRole::AttnO: return m.q_width();
    case TensorRole::FfnDown: return m.intermediate_size;
    case TensorRole::ExpertDown: return m.moe ? m.moe->expert_intermediate_size : m.intermediate_size;
    case TensorRole::SharedDown: return m.moe ? m.moe->shared_expert_intermediate_size : m.intermediate_size;
    default: return m.hidden_size;
    }
}

// llama_tensor_get_type_impl (ggml-org/llama.cpp src/llama-quant.cpp) for the mixes of kMixes.
std::string gguf_mix_type(const ModelDescription& m, const WeightScheme& s, TensorRole role, int64_t layer)
{
    const std::string base = s.format.name;
    const std::string& mix = s.name;
    const int64_t n = m.num_layers;
    const int64_t n_expert = m.moe ? m.moe->num_experts : 0;
    const int64_t n_gqa = m.num_kv_heads > 0 ? m.num_attention_heads / m.num_kv_heads : 1;
    std::string type = base;
    const bool tied_table = role == TensorRole::Embedding && m.tie_word_embeddings;
    if (role == TensorRole::LmHead || tied_table) {
        // The output (and a tied table, which is the output): Q6_K unless the base is Q8_0 or the rows are not
        // whole Q6_K blocks, when Q8_0.
        type = (base == "Q8_0" || m.hidden_size % 256 != 0) ? "Q8_0" : "Q6_K";
        return type;
    }
    if (role == TensorRole::Embedding)
        return base;
    if (role == TensorRole::AttnV) {
        if ((mix == "Q4_K_M" || mix == "Q5_K_M") && use_more_bits(layer, n))
            type = "Q6_K";
        else if (mix == "Q4_K_S" && layer < 4)
            type = "Q5_K";
        if (n == 80 && type == "Q4_K") // llama.cpp's LLM_TYPE_70B: 80 layers; its small attn_v takes more bits
            type = "Q5_K";
        if (n_expert == 8)
            type = "Q8_0";
    } else if (role == TensorRole::AttnK) {
        if (n_expert == 8)
            type = "Q8_0";
    } else if (role == TensorRole::FfnDown || role == TensorRole::ExpertDown || role == TensorRole::SharedDown) {
        if ((mix == "Q4_K_M" || mix == "Q5_K_M") && use_more_bits(layer, n))
            type = "Q6_K";
        else if (mix == "Q4_K_S" && layer < n / 8)
            type = "Q5_K";
    } else if (role == TensorRole::AttnO) {
        if (n_expert == 8 && (mix == "Q4_K_M" || mix == "Q4_K_S"))
            type = "Q5_K";
    }
    (void)n_gqa; // the IQ and Q2/Q3 mixes that read it are not modelled
    return type;
}

// The tensor a GGUF file stores for a role (llama.cpp's tensor names, src/llama-arch.cpp).
std::vector<std::string> stored_names(TensorRole role, int64_t layer)
{
    const std::string blk = "blk." + std::to_string(layer) + ".";
    switch (role) {
    case TensorRole::Embedding: return {"token_embd.weight"};
    case TensorRole::LmHead: return {"output.weight", "token_embd.weight"};
    case TensorRole::AttnQ: return {blk + "attn_q.weight", blk + "attn_qkv.weight"};
    case TensorRole::AttnK: return {blk + "attn_k.weight", blk + "attn_qkv.weight"};
    case TensorRole::AttnV: return {blk + "attn_v.weight", blk + "attn_qkv.weight"};
    case TensorRole::AttnO: return {blk + "attn_output.weight"};
    case TensorRole::FfnGateUp: return {blk + "ffn_gate.weight", blk + "ffn_up.weight"};
    case TensorRole::FfnDown: return {blk + "ffn_down.weight"};
    case TensorRole::Router: return {blk + "ffn_gate_inp.weight"};
    case TensorRole::ExpertGateUp: return {blk + "ffn_gate_exps.weight", blk + "ffn_up_exps.weight", blk + "ffn_gate_up_exps.weight"};
    case TensorRole::ExpertDown: return {blk + "ffn_down_exps.weight"};
    case TensorRole::SharedGateUp: return {blk + "ffn_gate_shexp.weight", blk + "ffn_up_shexp.weight"};
    case TensorRole::SharedDown: return {blk + "ffn_down_shexp.weight"};
    }
    return {};
}

// The stored format of a role: gate and up of different types move their bytes half and half.
std::optional<TensorFormat> stored_format(const ModelDescription& m, TensorRole role, int64_t layer)
{
    const bool gate_up = role == TensorRole::FfnGateUp || role == TensorRole::ExpertGateUp || role == TensorRole::SharedGateUp;
    std::vector<const StoredTensor*> found;
    for (const std::string& name : stored_names(role, layer)) {
        if (const StoredTensor* t = m.stored_tensor(name)) {
            found.push_back(t);
            if (!gate_up)
                break;
        }
    }
    if (found.empty())
        return std::nullopt;
    TensorFormat f = ggml_named(found.front()->type);
    if (found.size() > 1 && found[1]->type != found.front()->type) {
        const TensorFormat other = ggml_named(found[1]->type);
        f = {f.name + "+" + other.name, (f.bytes_per_element + other.bytes_per_element) / 2, true, std::nullopt};
    }
    return f;
}

} // namespace

WeightScheme parse_weight_scheme(std::string_view text)
{
    const std::string name = upper(text);
    WeightScheme s;
    if (name.empty() || name == "MODEL") {
        s.description = "the description's own formats (its torch_dtype and quantization_config)";
        return s;
    }
    s.name = name;
    for (const GgufMix& mix : kMixes) {
        if (name == mix.name) {
            s.kind = WeightScheme::Kind::GgufMix;
            s.format = ggml_named(mix.base);
            s.description = "GGUF " + name + ": " + std::string(mix.base)
                + " with llama.cpp's exceptions (Q6_K output; attn_v, ffn_down on some layers), norms F32";
            return s;
        }
    }
    s.kind = WeightScheme::Kind::Uniform;
    if (name == "INT4" || name == "W4A16") {
        s.name = "W4A16";
        s.format = {"W4A16", kW4A16Bytes, true, std::nullopt};
        s.description = "weight-only INT4, one FP16 scale per 128 weights; products at the activation precision";
        return s;
    }
    if (name == "W8A16") {
        s.format = {"W8A16", 1.0, true, std::nullopt};
        s.description = "weight-only INT8 (per-channel scales); products at the activation precision";
        return s;
    }
    if (const auto p = parse_precision(name); p && *p != Precision::TF32 && *p != Precision::FP64 && *p != Precision::INT4) {
        s.name = std::string(to_string(*p));
        s.format = precision_format(*p);
        s.description = s.name + " linear layers; embedding, LM head and router at the activation precision";
        return s;
    }
    if (const GgmlType* t = find_ggml_type(name)) {
        s.name = std::string(t->name);
        s.format = ggml_format(*t);
        if (!t->quantized) { // F16, BF16, F32: a plain precision
            s.name = s.format.name;
            s.description = s.name + " linear layers; embedding, LM head and router at the activation precision";
            return s;
        }
        s.description = "every linear layer, the embedding and the output in ggml " + s.name
            + " (llama-quantize --pure), norms F32";
        s.kind = WeightScheme::Kind::GgufMix; // a pure mix: no exceptions, but GGUF's F32 norms and block fallbacks
        return s;
    }
    throw InputError(InputLocation{"", {}, {}, {}, "weights"},
                     "unknown format '" + std::string(text) + "' (known: " + weight_scheme_names() + ")");
}

std::string weight_scheme_names()
{
    std::string out = "model, BF16, FP16, FP8_E4M3, MXFP8, NVFP4, MXFP4, INT8, W8A16, INT4 (W4A16), ";
    for (const GgufMix& mix : kMixes)
        out += std::string(mix.name) + ", ";
    return out + "or a ggml tensor type (Q8_0, Q6_K, Q5_K, Q4_K, Q4_0, IQ4_XS, …)";
}

TensorFormat tensor_format(const ModelDescription& m, const WeightScheme& s, Precision activation, TensorRole role,
                           int64_t layer)
{
    if (s.kind == WeightScheme::Kind::Model) {
        if (!m.stored_tensors.empty()) {
            if (auto stored = stored_format(m, role, layer))
                return *stored;
        }
        const TensorFormats f = m.tensor_formats();
        switch (role) {
        case TensorRole::Embedding: return precision_format(f.embedding);
        case TensorRole::AttnQ:
        case TensorRole::AttnK:
        case TensorRole::AttnV:
        case TensorRole::AttnO: return precision_format(f.attention);
        case TensorRole::FfnGateUp:
        case TensorRole::FfnDown: return precision_format(f.dense_ffn);
        case TensorRole::Router: return precision_format(f.router);
        case TensorRole::LmHead: return precision_format(f.lm_head);
        default: return precision_format(f.experts);
        }
    }
    if (s.kind == WeightScheme::Kind::Uniform) {
        if (role == TensorRole::Embedding || role == TensorRole::LmHead || role == TensorRole::Router)
            return precision_format(activation);
        return s.format;
    }
    // GGUF: llama.cpp never quantizes the router (ffn_gate_inp); F32 is assumed, the converter's type for it.
    if (role == TensorRole::Router)
        return precision_format(Precision::FP32);
    const std::string type = s.name == s.format.name ? s.format.name : gguf_mix_type(m, s, role, layer);
    return ggml_named(fallback(type, columns_of(m, role)));
}

} // namespace roofline
