#include "model_families.h"

namespace roofline::detail {

const std::vector<FamilyTraits>& all_families()
{
    // Biases, norms and tie defaults follow each model's modeling_*.py and configuration_*.py in transformers.
    static const TextDefaults none{};
    static const TextDefaults gemma3{262208, 8, 4, 256, 4096, 6};
    // GptOssConfig alternates sliding and full layers when no layer_types list is given.
    static const TextDefaults gpt_oss{std::nullopt, std::nullopt, std::nullopt, std::nullopt, std::nullopt, 2};
    static const std::vector<FamilyTraits> families = {
        {"LlamaForCausalLM", ModelFamily::Llama, false, BiasRule::AttentionBiasField, MoeStyle::Dense,
         WindowStyle::None, false, false, 2, false, "hidden_act", "silu", none},
        {"MistralForCausalLM", ModelFamily::Mistral, false, BiasRule::None, MoeStyle::Dense,
         WindowStyle::AllLayers, false, false, 2, false, "hidden_act", "silu", none},
        {"MixtralForCausalLM", ModelFamily::Mixtral, false, BiasRule::None, MoeStyle::Mixtral,
         WindowStyle::AllLayers, false, false, 2, false, "hidden_act", "silu", none},
        {"Qwen2ForCausalLM", ModelFamily::Qwen2, false, BiasRule::QkvAlways, MoeStyle::Dense,
         WindowStyle::QwenUpperLayers, false, false, 2, false, "hidden_act", "silu", none},
        {"Qwen2MoeForCausalLM", ModelFamily::Qwen2Moe, false, BiasRule::QkvAlways, MoeStyle::Qwen,
         WindowStyle::QwenUpperLayers, false, false, 2, false, "hidden_act", "silu", none},
        {"Qwen3ForCausalLM", ModelFamily::Qwen3, false, BiasRule::AttentionBiasField, MoeStyle::Dense,
         WindowStyle::QwenUpperLayers, true, false, 2, false, "hidden_act", "silu", none},
        {"Qwen3MoeForCausalLM", ModelFamily::Qwen3Moe, false, BiasRule::AttentionBiasField, MoeStyle::Qwen,
         WindowStyle::QwenUpperLayers, true, false, 2, false, "hidden_act", "silu", none},
        {"Gemma3ForCausalLM", ModelFamily::Gemma3, false, BiasRule::AttentionBiasField, MoeStyle::Dense,
         WindowStyle::LayerTypes, true, false, 4, true, "hidden_activation", "gelu_pytorch_tanh", gemma3},
        {"Gemma3ForConditionalGeneration", ModelFamily::Gemma3, true, BiasRule::AttentionBiasField,
         MoeStyle::Dense, WindowStyle::LayerTypes, true, false, 4, true, "hidden_activation", "gelu_pytorch_tanh",
         gemma3},
        {"GptOssForCausalLM", ModelFamily::GptOss, false, BiasRule::AttentionBiasField, MoeStyle::GptOss,
         WindowStyle::LayerTypes, false, true, 2, false, "hidden_act", "silu", gpt_oss},
    };
    return families;
}

const FamilyTraits* find_family(std::string_view architecture)
{
    for (const auto& family : all_families())
        if (family.architecture == architecture)
            return &family;
    return nullptr;
}

} // namespace roofline::detail
