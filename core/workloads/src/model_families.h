#pragma once
// Private: what each supported architecture's config leaves implicit, as its transformers modeling code fixes it.

#include "roofline/workloads/model_config.h"

#include <optional>
#include <string_view>
#include <vector>

namespace roofline::detail {

enum class BiasRule {
    None,              // no biases (Mistral, Mixtral)
    AttentionBiasField, // q, k, v and o biased when "attention_bias" is true (Llama, Qwen3, Gemma 3, gpt-oss)
    QkvAlways,         // q, k and v always biased, o never (Qwen2, Qwen2-MoE)
};

enum class MoeStyle {
    Dense,
    Mixtral,  // num_local_experts, num_experts_per_tok; experts as wide as intermediate_size
    Qwen,     // num_experts, num_experts_per_tok, moe_intermediate_size, decoder_sparse_step, mlp_only_layers
    GptOss,   // num_local_experts, num_experts_per_tok (or experts_per_token); biased router and experts
};

enum class WindowStyle {
    None,          // every layer full (Llama)
    AllLayers,     // a non-null sliding_window applies to every layer (Mistral, Mixtral)
    QwenUpperLayers, // with use_sliding_window, layers from max_window_layers on slide
    LayerTypes,    // a layer_types list, else Gemma 3's sliding_window_pattern
};

// Gemma 3's config.json names only what differs from transformers' Gemma3TextConfig; these are its defaults
// for the fields the 4B checkpoint leaves out (configuration_gemma3.py).
struct TextDefaults {
    std::optional<int64_t> vocab_size;
    std::optional<int64_t> num_attention_heads;
    std::optional<int64_t> num_key_value_heads;
    std::optional<int64_t> head_dim;
    std::optional<int64_t> sliding_window;
    std::optional<int64_t> sliding_window_pattern; // every n-th layer full, the others sliding
};

struct FamilyTraits {
    std::string_view architecture;
    ModelFamily family;
    bool nested_text_config; // the language model's fields live under "text_config"
    BiasRule bias;
    MoeStyle moe;
    WindowStyle window;
    bool qk_norm;
    bool attention_sinks;
    int norms_per_layer;
    bool tie_default;          // tie_word_embeddings when the config leaves it out
    std::string_view act_field;
    std::string_view act_default;
    TextDefaults defaults;
};

const FamilyTraits* find_family(std::string_view architecture);
const std::vector<FamilyTraits>& all_families();

} // namespace roofline::detail
