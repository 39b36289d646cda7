#include "roofline/workloads/model_config.h"

#include "roofline/workloads/model_parameters.h"

#include "config_fields.h"
#include "roofline/support/json_util.h"
#include "model_families.h"
#include "model_quantization.h"
#include "roofline/support/errors.h"
#include "roofline/support/files.h"

#include <algorithm>
#include <filesystem>
#include <set>

namespace roofline {

using nlohmann::ordered_json;

std::string_view to_string(ModelFamily family)
{
    switch (family) {
    case ModelFamily::Llama: return "Llama";
    case ModelFamily::Mistral: return "Mistral";
    case ModelFamily::Mixtral: return "Mixtral";
    case ModelFamily::Qwen2: return "Qwen2";
    case ModelFamily::Qwen2Moe: return "Qwen2-MoE";
    case ModelFamily::Qwen3: return "Qwen3";
    case ModelFamily::Qwen3Moe: return "Qwen3-MoE";
    case ModelFamily::Gemma3: return "Gemma 3";
    case ModelFamily::GptOss: return "gpt-oss";
    }
    return "unknown";
}

int64_t ModelDescription::sliding_layer_count() const
{
    return std::count(layer_attention.begin(), layer_attention.end(), LayerAttention::Sliding);
}

int64_t ModelDescription::moe_layer_count() const
{
    return std::count(moe_layers.begin(), moe_layers.end(), true);
}

const StoredTensor* ModelDescription::stored_tensor(std::string_view tensor_name) const
{
    const auto it = std::lower_bound(stored_tensors.begin(), stored_tensors.end(), tensor_name,
                                     [](const StoredTensor& t, std::string_view n) { return t.name < n; });
    return it != stored_tensors.end() && it->name == tensor_name ? &*it : nullptr;
}

double ModelDescription::stored_bytes() const
{
    double total = 0;
    for (const StoredTensor& t : stored_tensors)
        total += t.bytes;
    return total;
}

std::vector<std::string> supported_architectures()
{
    std::vector<std::string> names;
    for (const auto& family : detail::all_families())
        names.emplace_back(family.architecture);
    return names;
}

namespace {

constexpr int64_t kMaxLayers = 100000;


using detail::Fields;

std::string architecture_of(const ordered_json& doc, const std::string& source)
{
    const InputLocation where{source, {}, {}, {}, "architectures"};
    const auto it = doc.find("architectures");
    if (it == doc.end() || it->is_null())
        throw InputError(where, "missing; a config.json names its model class there, e.g. [\"LlamaForCausalLM\"]");
    if (!it->is_array() || it->empty())
        throw InputError(where, "expected a list of one model class, got " + detail::json_type_name(*it));
    const std::string name = detail::read_string(it->front(), where);
    if (!detail::find_family(name)) {
        std::set<std::string> known;
        for (const auto& family : detail::all_families())
            known.insert(std::string(family.architecture));
        throw InputError(where, "architecture '" + name + "' is not supported (supported: " + detail::join_names(known) + ")");
    }
    return name;
}

Precision precision_of_dtype(const Fields& fields, std::string_view field, const std::string& dtype)
{
    if (dtype == "bfloat16")
        return Precision::BF16;
    if (dtype == "float16" || dtype == "half")
        return Precision::FP16;
    if (dtype == "float32" || dtype == "float")
        return Precision::FP32;
    throw InputError(fields.at(field), "'" + dtype + "' is not a weight type this tool knows (bfloat16, float16, float32)");
}

std::vector<LayerAttention> read_layer_types(const Fields& fields, const ordered_json& list, int64_t num_layers)
{
    const InputLocation where = fields.at("layer_types");
    if (!list.is_array())
        throw InputError(where, "expected a list of \"full_attention\" or \"sliding_attention\", got " + detail::json_type_name(list));
    if (static_cast<int64_t>(list.size()) != num_layers)
        throw InputError(where, "lists " + std::to_string(list.size()) + " layers, but num_hidden_layers is " + std::to_string(num_layers));
    std::vector<LayerAttention> layers;
    for (const auto& entry : list) {
        const std::string kind = detail::read_string(entry, where);
        if (kind == "full_attention")
            layers.push_back(LayerAttention::Full);
        else if (kind == "sliding_attention")
            layers.push_back(LayerAttention::Sliding);
        else
            throw InputError(where, "'" + kind + "' is not a layer type this tool knows (full_attention, sliding_attention)");
    }
    return layers;
}

void read_attention_layout(const Fields& f, const detail::FamilyTraits& traits, ModelDescription& m)
{
    const auto fullness = [&](LayerAttention kind) { return std::vector<LayerAttention>(m.num_layers, kind); };
    if (const ordered_json* list = f.find("layer_types")) {
        m.layer_attention = read_layer_types(f, *list, m.num_layers);
    } else {
        switch (traits.window) {
        case detail::WindowStyle::None:
            m.layer_attention = fullness(LayerAttention::Full);
            break;
        case detail::WindowStyle::AllLayers:
            m.layer_attention = fullness(f.has("sliding_window") ? LayerAttention::Sliding : LayerAttention::Full);
            break;
        case detail::WindowStyle::QwenUpperLayers: {
            m.layer_attention = fullness(LayerAttention::Full);
            if (f.flag_or("use_sliding_window", false) && f.has("sliding_window")) {
                const int64_t first = f.positive_or("max_window_layers", m.num_layers);
                for (int64_t i = first; i < m.num_layers; ++i)
                    m.layer_attention[i] = LayerAttention::Sliding;
            }
            break;
        }
        case detail::WindowStyle::LayerTypes: {
            const int64_t pattern = f.positive_or("sliding_window_pattern", traits.defaults.sliding_window_pattern);
            m.layer_attention = fullness(LayerAttention::Sliding);
            for (int64_t i = pattern - 1; i < m.num_layers; i += pattern)
                m.layer_attention[i] = LayerAttention::Full;
            break;
        }
        }
    }
    if (m.sliding_layer_count() > 0)
        m.sliding_window = f.positive_or("sliding_window", traits.defaults.sliding_window);
}

void read_moe(const Fields& f, const detail::FamilyTraits& traits, ModelDescription& m)
{
    m.moe_layers.assign(m.num_layers, traits.moe != detail::MoeStyle::Dense);
    if (traits.moe == detail::MoeStyle::Dense)
        return;
    MoeDescription moe;
    std::string per_token_field = "num_experts_per_tok";
    switch (traits.moe) {
    case detail::MoeStyle::Mixtral:
        moe.num_experts = f.positive("num_local_experts");
        moe.experts_per_token = f.positive("num_experts_per_tok");
        moe.expert_intermediate_size = m.intermediate_size;
        break;
    case detail::MoeStyle::GptOss:
        moe.num_experts = f.positive("num_local_experts");
        if (!f.has(per_token_field))
            per_token_field = "experts_per_token";
        moe.experts_per_token = f.positive(per_token_field);
        moe.expert_intermediate_size = m.intermediate_size;
        moe.router_bias = true;
        moe.expert_bias = true;
        break;
    case detail::MoeStyle::Qwen: {
        moe.num_experts = f.positive("num_experts");
        moe.experts_per_token = f.positive("num_experts_per_tok");
        moe.expert_intermediate_size = f.positive("moe_intermediate_size");
        moe.shared_expert_intermediate_size = f.count_or("shared_expert_intermediate_size", 0);
        moe.num_shared_experts = moe.shared_expert_intermediate_size > 0 ? 1 : 0;
        moe.shared_expert_gate = moe.num_shared_experts > 0 && traits.family == ModelFamily::Qwen2Moe;
        const int64_t step = f.positive_or("decoder_sparse_step", 1);
        std::set<int64_t> dense_only;
        if (const ordered_json* list = f.find("mlp_only_layers")) {
            if (!list->is_array())
                throw InputError(f.at("mlp_only_layers"), "expected a list of layer indices, got " + detail::json_type_name(*list));
            for (const auto& index : *list) {
                if (!index.is_number_integer() || index.get<int64_t>() < 0 || index.get<int64_t>() >= m.num_layers)
                    throw InputError(f.at("mlp_only_layers"), "expected layer indices from 0 to " + std::to_string(m.num_layers - 1) + ", got " + index.dump());
                dense_only.insert(index.get<int64_t>());
            }
        }
        for (int64_t i = 0; i < m.num_layers; ++i)
            m.moe_layers[i] = !dense_only.count(i) && (i + 1) % step == 0;
        break;
    }
    case detail::MoeStyle::Dense:
        break;
    }
    // DeepSeek-style configs count their shared experts.
    for (const char* name : {"num_shared_experts", "n_shared_experts"})
        if (f.has(name))
            moe.num_shared_experts = f.count_or(name, 0);
    if (moe.num_shared_experts > 0 && moe.shared_expert_intermediate_size == 0)
        moe.shared_expert_intermediate_size = moe.expert_intermediate_size;
    if (moe.experts_per_token > moe.num_experts)
        throw InputError(f.at(per_token_field),
                         std::to_string(moe.experts_per_token) + " experts per token, but the model has only " + std::to_string(moe.num_experts));
    m.moe = moe;
}

void read_shape(const Fields& f, const detail::FamilyTraits& traits, ModelDescription& m)
{
    m.hidden_size = f.positive("hidden_size");
    m.num_layers = f.positive("num_hidden_layers");
    if (m.num_layers > kMaxLayers) // every layer gets entries of its own below: a typo must not allocate gigabytes
        throw InputError(f.at("num_hidden_layers"), std::to_string(m.num_layers) + " layers; a model description takes at most "
                                                     + std::to_string(kMaxLayers) + " (the largest public models have under 200)");
    m.num_attention_heads = f.positive_or("num_attention_heads", traits.defaults.num_attention_heads);
    m.num_kv_heads = f.has("num_key_value_heads") ? f.positive("num_key_value_heads")
                                                  : traits.defaults.num_key_value_heads.value_or(m.num_attention_heads);
    if (f.has("head_dim") || traits.defaults.head_dim) {
        m.head_dim = f.positive_or("head_dim", traits.defaults.head_dim);
    } else {
        if (m.hidden_size % m.num_attention_heads != 0)
            throw InputError(f.at("num_attention_heads"),
                             "hidden_size " + std::to_string(m.hidden_size) + " is not a multiple of num_attention_heads " +
                                 std::to_string(m.num_attention_heads) + ", and no head_dim is given");
        m.head_dim = m.hidden_size / m.num_attention_heads;
    }
    if (m.num_attention_heads % m.num_kv_heads != 0)
        throw InputError(f.at("num_key_value_heads"),
                         std::to_string(m.num_kv_heads) + " does not divide num_attention_heads " + std::to_string(m.num_attention_heads));
    m.intermediate_size = f.positive("intermediate_size");
    m.vocab_size = f.positive_or("vocab_size", traits.defaults.vocab_size);
    m.hidden_act = f.string_or(traits.act_field, std::string(traits.act_default));
    m.mlp_bias = f.flag_or("mlp_bias", false);
    const bool attention_bias = f.flag_or("attention_bias", false);
    m.qkv_bias = traits.bias == detail::BiasRule::QkvAlways || (traits.bias == detail::BiasRule::AttentionBiasField && attention_bias);
    m.o_bias = traits.bias == detail::BiasRule::AttentionBiasField && attention_bias;
    m.qk_norm = traits.qk_norm;
    m.attention_sinks = traits.attention_sinks;
    m.norms_per_layer = traits.norms_per_layer;
}

void read_source_notes(const ordered_json& doc, const std::string& source, ModelDescription& m)
{
    if (const auto it = doc.find("_source"); it != doc.end() && !it->is_null()) {
        if (!it->is_object())
            throw InputError(InputLocation{source, {}, {}, {}, "_source"}, "expected an object with repo_id and config_url, got " + detail::json_type_name(*it));
        const Fields s(*it, source, "_source.");
        m.repo_id = s.string_or("repo_id", "");
        m.config_url = s.string_or("config_url", "");
    }
    m.checked_note = Fields(doc, source, "").string_or("_checked", "");
}

} // namespace

ModelDescription parse_model_config(std::string_view text, const std::string& source_name)
{
    const ordered_json doc = detail::parse_json_text(text, source_name);
    if (!doc.is_object())
        throw InputError(InputLocation{source_name, {}, {}, {}, {}}, "expected a config.json object, got " + detail::json_type_name(doc));
    ModelDescription m;
    m.source = source_name;
    m.architecture = architecture_of(doc, source_name);
    const detail::FamilyTraits& traits = *detail::find_family(m.architecture);
    m.family = traits.family;

    const ordered_json* text_object = &doc;
    std::string prefix;
    if (traits.nested_text_config) {
        const auto it = doc.find("text_config");
        if (it == doc.end() || !it->is_object())
            throw InputError(InputLocation{source_name, {}, {}, {}, "text_config"},
                             std::string(it == doc.end() ? "missing" : "expected an object") + "; " + m.architecture +
                                 " keeps its language model's figures there");
        text_object = &*it;
        prefix = "text_config.";
    }
    const Fields top(doc, source_name, "");
    const Fields f(*text_object, source_name, prefix);

    read_shape(f, traits, m);
    read_attention_layout(f, traits, m);
    read_moe(f, traits, m);
    // A multimodal config states the tie at the top, beside the vision tower.
    m.tie_word_embeddings = f.has("tie_word_embeddings") ? f.flag_or("tie_word_embeddings", false)
                                                          : top.flag_or("tie_word_embeddings", traits.tie_default);
    // Newer transformers write "dtype" where older ones wrote "torch_dtype".
    for (const Fields* fields : {&f, &top}) {
        for (const char* name : {"torch_dtype", "dtype"}) {
            if (m.torch_dtype.empty() && fields->has(name)) {
                m.torch_dtype = fields->string_or(name, "");
                m.weight_precision = precision_of_dtype(*fields, name, m.torch_dtype);
            }
        }
    }
    m.quantization = detail::read_quantization(doc, source_name);
    read_source_notes(doc, source_name, m);
    // A Hugging Face snapshot keeps config.json in a folder named after the model.
    const std::filesystem::path path(source_name);
    m.name = path.stem() == "config" && path.has_parent_path() ? path.parent_path().filename().string() : path.stem().string();
    // Sizes each valid alone can still multiply past 64 bits: such a description is refused here, not later.
    try {
        (void)count_parameters(m).total();
    } catch (const InputError& e) {
        throw InputError(InputLocation{source_name, {}, {}, {}, prefix + "hidden_size"}, e.problem());
    }
    return m;
}

ModelDescription load_model_config_file(const std::string& path)
{
    return parse_model_config(read_text_file(path), path);
}

} // namespace roofline
