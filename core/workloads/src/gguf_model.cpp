// A GGUF header as a ModelDescription: llama.cpp's <arch>.* keys (src/llama-arch.cpp names them) for the shape,
// the tensor table for what the keys leave out (biases, q/k norms, a tied output, which layers hold experts).
#include "roofline/workloads/gguf.h"

#include "model_families.h"
#include "roofline/support/errors.h"

#include <algorithm>
#include <filesystem>
#include <functional>

namespace roofline {

namespace {

// general.architecture → the transformers class whose traits the family shares.
struct GgufArchitecture {
    std::string_view gguf;
    std::string_view dense;  // the class without experts
    std::string_view moe;    // with expert_count > 0 (llama.cpp writes Mixtral as "llama")
};
constexpr GgufArchitecture kArchitectures[] = {
    {"llama", "LlamaForCausalLM", "MixtralForCausalLM"},
    {"qwen2", "Qwen2ForCausalLM", ""},
    {"qwen2moe", "Qwen2MoeForCausalLM", "Qwen2MoeForCausalLM"},
    {"qwen3", "Qwen3ForCausalLM", ""},
    {"qwen3moe", "Qwen3MoeForCausalLM", "Qwen3MoeForCausalLM"},
    {"gemma3", "Gemma3ForCausalLM", ""},
    {"gpt-oss", "GptOssForCausalLM", "GptOssForCausalLM"},
};

// llama.cpp's enum llama_ftype (include/llama.h): general.file_type as llama-quantize names it.
struct FileType {
    int id;
    std::string_view name;
};
constexpr FileType kFileTypes[] = {
    {0, "F32"}, {1, "F16"}, {2, "Q4_0"}, {3, "Q4_1"}, {7, "Q8_0"}, {8, "Q5_0"}, {9, "Q5_1"}, {10, "Q2_K"},
    {11, "Q3_K_S"}, {12, "Q3_K_M"}, {13, "Q3_K_L"}, {14, "Q4_K_S"}, {15, "Q4_K_M"}, {16, "Q5_K_S"}, {17, "Q5_K_M"},
    {18, "Q6_K"}, {19, "IQ2_XXS"}, {20, "IQ2_XS"}, {21, "Q2_K_S"}, {22, "IQ3_XS"}, {23, "IQ3_XXS"}, {24, "IQ1_S"},
    {25, "IQ4_NL"}, {26, "IQ3_S"}, {27, "IQ3_M"}, {28, "IQ2_S"}, {29, "IQ2_M"}, {30, "IQ4_XS"}, {31, "IQ1_M"},
    {32, "BF16"}, {36, "TQ1_0"}, {37, "TQ2_0"}, {38, "MXFP4_MOE"},
};

class Keys {
public:
    Keys(const GgufFile& file, std::string arch) : file_(file), arch_(std::move(arch)) {}

    std::string key(const std::string& name) const { return arch_ + "." + name; }

    InputError error(const std::string& key, const std::string& problem) const
    {
        return InputError(InputLocation{file_.source, {}, {}, {}, key}, problem);
    }

    // <arch>.name as a positive whole number; a per-layer array counts when all its entries agree.
    std::optional<int64_t> optional(const std::string& name) const
    {
        const std::string key = arch_ + "." + name;
        const GgufValue* v = file_.find(key);
        if (!v)
            return std::nullopt;
        std::optional<int64_t> n;
        if (v->type == GgufValueType::Array) {
            if (v->numbers.empty() || v->numbers.size() != v->count)
                throw error(key, "expected a number or a short per-layer list of numbers, got a " + std::string(to_string(v->element_type))
                                     + " array of " + std::to_string(v->count));
            if (std::adjacent_find(v->numbers.begin(), v->numbers.end(), std::not_equal_to<>()) != v->numbers.end())
                throw error(key, "differs between layers; a model whose layers differ in this is not supported");
            GgufValue first;
            first.scalar = v->numbers.front();
            n = first.as_integer();
        } else {
            n = v->as_integer();
        }
        if (!n || *n < 0)
            throw error(key, "expected a whole number of at least 0, got a " + std::string(to_string(v->type)));
        return n;
    }

    int64_t required(const std::string& name) const
    {
        const auto n = optional(name);
        if (!n || *n == 0)
            throw error(arch_ + "." + name, n ? "must be at least 1, got 0" : "missing; the model needs it");
        return *n;
    }

    int64_t positive_or(const std::string& name, int64_t fallback) const
    {
        const auto n = optional(name);
        if (n && *n == 0)
            throw error(arch_ + "." + name, "must be at least 1, got 0");
        return n.value_or(fallback);
    }

private:
    const GgufFile& file_;
    std::string arch_;
};

std::string architecture_key(const GgufFile& file)
{
    const GgufValue* v = file.find("general.architecture");
    const InputLocation where{file.source, {}, {}, {}, "general.architecture"};
    if (!v)
        throw InputError(where, "missing; a GGUF model names its architecture there");
    if (!v->as_string())
        throw InputError(where, "expected a string, got a " + std::string(to_string(v->type)));
    return *v->as_string();
}

const GgufTensor* tensor(const GgufFile& file, const std::string& name)
{
    for (const GgufTensor& t : file.tensors)
        if (t.name == name)
            return &t;
    return nullptr;
}

bool has_tensor(const GgufFile& file, const std::string& name)
{
    return tensor(file, name) != nullptr;
}

std::string layer_tensor(int64_t layer, std::string_view name)
{
    return "blk." + std::to_string(layer) + "." + std::string(name);
}

int64_t vocabulary(const GgufFile& file, const Keys& keys)
{
    if (const GgufValue* tokens = file.find("tokenizer.ggml.tokens"); tokens && tokens->type == GgufValueType::Array
                                                                     && tokens->count > 0)
        return static_cast<int64_t>(tokens->count);
    if (const auto n = keys.optional("vocab_size"); n && *n > 0)
        return *n;
    for (const char* name : {"output.weight", "token_embd.weight"})
        if (const GgufTensor* t = tensor(file, name); t && t->shape.size() >= 2)
            return t->shape[1];
    throw keys.error("tokenizer.ggml.tokens", "missing, and no vocab_size key or token_embd tensor to count the vocabulary from");
}

void read_moe(const GgufFile& file, const Keys& keys, const detail::FamilyTraits& traits, ModelDescription& m)
{
    m.moe_layers.assign(static_cast<std::size_t>(m.num_layers), false);
    const int64_t experts = keys.optional("expert_count").value_or(0);
    if (experts == 0)
        return;
    MoeDescription moe;
    moe.num_experts = experts;
    moe.experts_per_token = keys.required("expert_used_count");
    if (moe.experts_per_token > experts)
        throw keys.error(keys.key("expert_used_count"), std::to_string(moe.experts_per_token) + " experts per token, but expert_count is "
                                                  + std::to_string(experts));
    moe.expert_intermediate_size = keys.positive_or("expert_feed_forward_length", m.intermediate_size);
    moe.shared_expert_intermediate_size = keys.optional("expert_shared_feed_forward_length").value_or(0);
    for (int64_t i = 0; i < m.num_layers; ++i) {
        const bool routed = has_tensor(file, layer_tensor(i, "ffn_gate_exps.weight")) || has_tensor(file, layer_tensor(i, "ffn_up_exps.weight"))
            || has_tensor(file, layer_tensor(i, "ffn_down_exps.weight"));
        m.moe_layers[static_cast<std::size_t>(i)] = routed;
        if (routed && has_tensor(file, layer_tensor(i, "ffn_gate_inp_shexp.weight")))
            moe.shared_expert_gate = true;
        if (routed && has_tensor(file, layer_tensor(i, "ffn_up_shexp.weight")) && moe.num_shared_experts == 0)
            moe.num_shared_experts = keys.optional("expert_shared_count").value_or(1);
        if (routed && has_tensor(file, layer_tensor(i, "ffn_gate_inp.bias")))
            moe.router_bias = true;
        if (routed && (has_tensor(file, layer_tensor(i, "ffn_up_exps.bias")) || has_tensor(file, layer_tensor(i, "ffn_gate_up_exps.bias"))))
            moe.expert_bias = true;
    }
    if (moe.num_shared_experts > 0 && moe.shared_expert_intermediate_size == 0)
        moe.shared_expert_intermediate_size = moe.expert_intermediate_size;
    if (std::none_of(m.moe_layers.begin(), m.moe_layers.end(), [](bool b) { return b; }))
        throw keys.error(keys.key("expert_count"), std::to_string(experts) + " experts, but no layer stores expert tensors (blk.N.ffn_*_exps)");
    (void)traits;
    m.moe = moe;
}

void read_attention_layout(const Keys& keys, const detail::FamilyTraits& traits, ModelDescription& m)
{
    m.layer_attention.assign(static_cast<std::size_t>(m.num_layers), LayerAttention::Full);
    const auto window = keys.optional("attention.sliding_window");
    if (!window || *window == 0)
        return;
    switch (traits.window) {
    case detail::WindowStyle::AllLayers:
        std::fill(m.layer_attention.begin(), m.layer_attention.end(), LayerAttention::Sliding);
        break;
    case detail::WindowStyle::LayerTypes: {
        // llama.cpp's swa pattern: every n-th layer full (Gemma 3: 6; gpt-oss: 2), as the families' defaults state.
        const int64_t pattern = traits.defaults.sliding_window_pattern.value_or(1);
        for (int64_t i = 0; i < m.num_layers; ++i)
            m.layer_attention[static_cast<std::size_t>(i)] = (i + 1) % pattern == 0 ? LayerAttention::Full : LayerAttention::Sliding;
        break;
    }
    default: // llama.cpp runs Qwen's windows as full attention
        return;
    }
    m.sliding_window = *window;
}

// What the tensors of layer 0 show: biases, q/k norms, sinks, the norms a layer has, a gated FFN.
void read_tensor_traits(const GgufFile& file, ModelDescription& m)
{
    const auto has = [&](std::string_view name) { return has_tensor(file, layer_tensor(0, name)); };
    m.qkv_bias = has("attn_q.bias") || has("attn_qkv.bias");
    m.o_bias = has("attn_output.bias");
    m.mlp_bias = has("ffn_down.bias");
    m.qk_norm = has("attn_q_norm.weight");
    m.attention_sinks = has("attn_sinks.weight") || has("attn_sinks");
    int norms = 0;
    for (const char* name : {"attn_norm.weight", "ffn_norm.weight", "post_attention_norm.weight", "post_ffw_norm.weight"})
        norms += has(name) ? 1 : 0;
    m.norms_per_layer = std::max(norms, 1);
    bool dense_layer = false, gated = false;
    for (int64_t i = 0; i < m.num_layers; ++i) {
        if (has_tensor(file, layer_tensor(i, "ffn_up.weight"))) {
            dense_layer = true;
            gated = gated || has_tensor(file, layer_tensor(i, "ffn_gate.weight"));
        }
    }
    if (dense_layer)
        m.gated_ffn = gated;
    m.tie_word_embeddings = !has_tensor(file, "output.weight");
}

// A lying header: a field the tensors contradict.
void check_against_tensors(const GgufFile& file, const Keys& keys, const ModelDescription& m)
{
    if (const GgufTensor* t = tensor(file, "token_embd.weight"); t && t->shape[0] != m.hidden_size)
        throw keys.error(keys.key("embedding_length"), std::to_string(m.hidden_size) + ", but token_embd.weight has rows of "
                                                 + std::to_string(t->shape[0]));
    if (const GgufTensor* t = tensor(file, layer_tensor(0, "attn_q.weight"));
        t && (t->shape[0] != m.hidden_size || t->shape.size() < 2 || t->shape[1] != m.q_width()))
        throw keys.error(keys.key("attention.head_count"), std::to_string(m.num_attention_heads) + " heads of " + std::to_string(m.head_dim)
                                                     + " do not match blk.0.attn_q.weight's shape");
    if (const GgufTensor* t = tensor(file, layer_tensor(0, "attn_k.weight")); t && (t->shape.size() < 2 || t->shape[1] != m.kv_width()))
        throw keys.error(keys.key("attention.head_count_kv"), std::to_string(m.num_kv_heads) + " KV heads of " + std::to_string(m.head_dim)
                                                        + " do not match blk.0.attn_k.weight's shape");
    if (has_tensor(file, layer_tensor(m.num_layers, "attn_norm.weight")))
        throw keys.error(keys.key("block_count"), std::to_string(m.num_layers) + ", but the file stores tensors of layer "
                                            + std::to_string(m.num_layers));
}

} // namespace

ModelDescription gguf_model(const GgufFile& file)
{
    const std::string arch = architecture_key(file);
    const Keys keys(file, arch);
    const auto entry = std::find_if(std::begin(kArchitectures), std::end(kArchitectures),
                                    [&](const GgufArchitecture& a) { return a.gguf == arch; });
    if (entry == std::end(kArchitectures)) {
        std::string known;
        for (const auto& a : kArchitectures)
            known += (known.empty() ? "" : ", ") + std::string(a.gguf);
        throw keys.error("general.architecture", "architecture '" + arch + "' is not supported (supported: " + known + ")");
    }
    const bool experts = keys.optional("expert_count").value_or(0) > 0;
    if (experts && entry->moe.empty())
        throw keys.error(keys.key("expert_count"), "a " + arch + " model with experts is not supported");
    ModelDescription m;
    m.source = file.source;
    m.architecture = std::string(experts ? entry->moe : entry->dense);
    const detail::FamilyTraits& traits = *detail::find_family(m.architecture);
    m.family = traits.family;

    m.hidden_size = keys.required("embedding_length");
    m.num_layers = keys.required("block_count");
    m.num_attention_heads = keys.required("attention.head_count");
    m.num_kv_heads = keys.positive_or("attention.head_count_kv", m.num_attention_heads);
    if (m.num_attention_heads % m.num_kv_heads != 0)
        throw keys.error(keys.key("attention.head_count_kv"), std::to_string(m.num_kv_heads) + " does not divide attention.head_count "
                                                                + std::to_string(m.num_attention_heads));
    if (const auto key_length = keys.optional("attention.key_length"); key_length && *key_length > 0) {
        m.head_dim = *key_length;
    } else {
        if (m.hidden_size % m.num_attention_heads != 0)
            throw keys.error(keys.key("attention.head_count"), "embedding_length is not a multiple of it, and no attention.key_length is given");
        m.head_dim = m.hidden_size / m.num_attention_heads;
    }
    if (const auto value_length = keys.optional("attention.value_length"); value_length && *value_length != m.head_dim)
        throw keys.error(keys.key("attention.value_length"), "differs from attention.key_length; such attention is not modelled");
    const auto ffn = keys.optional("feed_forward_length");
    const auto expert_ffn = keys.optional("expert_feed_forward_length");
    if ((!ffn || *ffn == 0) && !expert_ffn)
        throw keys.error(keys.key("feed_forward_length"), "missing; the model needs it");
    m.intermediate_size = ffn && *ffn > 0 ? *ffn : *expert_ffn;
    m.max_context = keys.optional("context_length").value_or(0);
    m.vocab_size = vocabulary(file, keys);
    m.hidden_act = std::string(traits.act_default);
    // Every layer stores at least one tensor: a larger count is a lying header, and the per-layer loops and lists
    // below must never be sized by it.
    if (static_cast<uint64_t>(m.num_layers) > file.tensors.size())
        throw keys.error(keys.key("block_count"), std::to_string(m.num_layers) + ", but the file stores only "
                                                      + std::to_string(file.tensors.size()) + " tensors");
    read_tensor_traits(file, m);
    read_moe(file, keys, traits, m);
    read_attention_layout(keys, traits, m);
    check_against_tensors(file, keys, m);

    if (const GgufValue* ft = file.find("general.file_type")) {
        const auto id = ft->as_integer();
        const auto known = std::find_if(std::begin(kFileTypes), std::end(kFileTypes), [&](const FileType& f) { return id && f.id == *id; });
        m.file_type = known != std::end(kFileTypes) ? std::string(known->name) : "file type " + (id ? std::to_string(*id) : std::string("?"));
    }
    for (const GgufTensor& t : file.tensors)
        m.stored_tensors.push_back({t.name, t.type, t.shape, static_cast<double>(t.bytes)});
    std::sort(m.stored_tensors.begin(), m.stored_tensors.end(), [](const StoredTensor& a, const StoredTensor& b) { return a.name < b.name; });
    m.name = std::filesystem::path(file.source).stem().string();
    if (const GgufValue* name = file.find("general.name"); name && name->as_string())
        m.checked_note = "GGUF general.name: " + *name->as_string();
    return m;
}

std::string_view gguf_architecture(ModelFamily family)
{
    if (family == ModelFamily::Mistral)
        return "llama";
    for (const GgufArchitecture& a : kArchitectures) {
        for (std::string_view cls : {a.dense, a.moe})
            if (const auto* traits = cls.empty() ? nullptr : detail::find_family(cls); traits && traits->family == family)
                return a.gguf;
    }
    return {};
}

ModelDescription load_gguf_model(const std::filesystem::path& path)
{
    return gguf_model(read_gguf_file(path));
}

} // namespace roofline
