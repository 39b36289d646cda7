#pragma once
// A transformer's shape as its Hugging Face config.json states it: the figures a step's workload is built from.

#include "roofline/model/precision.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace roofline {

enum class ModelFamily { Llama, Mistral, Mixtral, Qwen2, Qwen2Moe, Qwen3, Qwen3Moe, Gemma3, GptOss };

std::string_view to_string(ModelFamily family);

enum class LayerAttention { Full, Sliding };

struct MoeDescription {
    int64_t num_experts = 0;
    int64_t experts_per_token = 0;
    int64_t expert_intermediate_size = 0;
    int64_t num_shared_experts = 0;              // always-on experts beside the routed ones
    int64_t shared_expert_intermediate_size = 0; // width of each shared expert
    bool shared_expert_gate = false;             // Qwen2-MoE scales the shared expert by a sigmoid(hidden -> 1)
    bool router_bias = false;
    bool expert_bias = false;                    // gpt-oss experts carry biases on gate-up and down
};

// The format one group of tensors is stored in. A config that quantizes some modules (gpt-oss: MXFP4 experts)
// leaves the rest in its torch_dtype.
struct TensorFormats {
    Precision embedding = Precision::BF16;
    Precision attention = Precision::BF16;
    Precision dense_ffn = Precision::BF16;
    Precision experts = Precision::BF16;
    Precision router = Precision::BF16;
    Precision norms = Precision::BF16;
    Precision lm_head = Precision::BF16;
};

struct ModelQuantization {
    std::string method;                          // quantization_config.quant_method, e.g. "mxfp4"
    Precision format = Precision::MXFP4;         // what the quantized tensors are stored as
    std::vector<std::string> unconverted_modules; // quantization_config.modules_to_not_convert, as written
};

// One tensor a model file stores, as its table lists it (GGUF): the weights' own format and exact bytes.
struct StoredTensor {
    std::string name;             // "blk.0.attn_v.weight"
    std::string type;             // ggml type name, "Q6_K"
    std::vector<int64_t> shape;   // ggml's ne
    double bytes = 0;             // [bytes]
};

struct ModelDescription {
    std::string name;          // built-in key ("llama-3.1-8b") or the file's stem
    std::string source;        // the file read, or "built-in <file>"
    std::string repo_id;       // "_source.repo_id" when the file names it
    std::string config_url;    // "_source.config_url"
    std::string checked_note;  // "_checked": where the figures were checked

    std::string architecture;  // "LlamaForCausalLM"
    ModelFamily family = ModelFamily::Llama;

    int64_t hidden_size = 0;
    int64_t num_layers = 0;
    int64_t num_attention_heads = 0;
    int64_t num_kv_heads = 0;
    int64_t head_dim = 0;          // explicit head_dim, else hidden_size / num_attention_heads
    int64_t intermediate_size = 0; // the dense FFN's width
    int64_t vocab_size = 0;
    bool tie_word_embeddings = false;

    std::string hidden_act;        // "silu", "gelu_pytorch_tanh"
    bool gated_ffn = true;         // gate and up projections, multiplied
    bool qkv_bias = false;
    bool o_bias = false;
    bool mlp_bias = false;
    bool qk_norm = false;          // an RMSNorm over each head's q and k (Qwen3, Gemma 3)
    bool attention_sinks = false;  // one learned logit per head (gpt-oss)
    int norms_per_layer = 2;       // Gemma 3 has four: before and after attention and FFN

    std::optional<MoeDescription> moe;
    std::vector<bool> moe_layers;              // one per layer: true where the FFN is the MoE block
    std::vector<LayerAttention> layer_attention; // one per layer
    std::optional<int64_t> sliding_window;     // tokens a sliding layer attends over

    std::string torch_dtype;                   // as written ("bfloat16"); empty when the config states none
    Precision weight_precision = Precision::BF16; // torch_dtype as a precision; BF16 when none is stated
    std::optional<ModelQuantization> quantization;
    // Read from a GGUF file: every tensor as stored. Empty for a config.json, whose formats come from its dtype.
    std::vector<StoredTensor> stored_tensors;  // sorted by name
    int64_t max_context = 0;                   // GGUF <arch>.context_length; 0 when not stated
    std::string file_type;                     // GGUF: general.file_type as llama.cpp names it ("Q4_K_M")

    int64_t sliding_layer_count() const;
    int64_t moe_layer_count() const;
    int64_t q_width() const { return num_attention_heads * head_dim; }
    int64_t kv_width() const { return num_kv_heads * head_dim; }
    // Which format each tensor group is stored in, from torch_dtype and quantization_config.
    TensorFormats tensor_formats() const;
    const StoredTensor* stored_tensor(std::string_view tensor_name) const; // nullptr when not stored
    double stored_bytes() const;                                           // [bytes] Σ stored tensors
};

// Reads a config.json text. Throws InputError naming `source_name` and the field (e.g. "text_config.hidden_size")
// for text that is not JSON, an architecture not listed in supported_architectures(), and missing, negative or
// wrongly typed fields. Keys the model does not need are ignored, as Hugging Face configs carry many.
ModelDescription parse_model_config(std::string_view text, const std::string& source_name);
ModelDescription load_model_config_file(const std::string& path);

// "LlamaForCausalLM, MistralForCausalLM, …": the architectures parse_model_config reads.
std::vector<std::string> supported_architectures();

} // namespace roofline
