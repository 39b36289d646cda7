#pragma once
// How many weights a model holds and how many bytes they take, from its description alone.

#include "roofline/workloads/model_config.h"

#include <cstdint>

namespace roofline {

// Parameters by tensor group, over all layers. Tied embeddings count once (in `embedding`).
struct ParameterCount {
    int64_t embedding = 0;
    int64_t attention = 0;      // q, k, v, o with their biases, q/k norms and sinks
    int64_t dense_ffn = 0;      // the FFNs of layers without experts
    int64_t routed_experts = 0;
    int64_t shared_experts = 0; // with the shared expert's gate
    int64_t router = 0;
    int64_t norms = 0;          // per-layer norms and the final one
    int64_t lm_head = 0;        // 0 when tied to the embedding

    int64_t total() const;
    // The weights one token's forward pass reads: routed experts at experts_per_token of num_experts, and not
    // an untied embedding table, of which it reads one row. OpenAI counts gpt-oss's 3.6 B / 5.1 B active this way;
    // Qwen's 3.3 B for Qwen3-30B-A3B adds the embedding table.
    int64_t active_per_token = 0;
};

ParameterCount count_parameters(const ModelDescription& model);

// Bytes of each group at the formats the config states (ModelDescription::tensor_formats).
struct WeightBytes {
    double embedding_bytes = 0;
    double attention_bytes = 0;
    double dense_ffn_bytes = 0;
    double expert_bytes = 0;   // routed and shared
    double router_bytes = 0;
    double norm_bytes = 0;
    double lm_head_bytes = 0;

    double total_bytes() const;
};

WeightBytes weight_bytes(const ModelDescription& model);
WeightBytes weight_bytes(const ModelDescription& model, const TensorFormats& formats);

} // namespace roofline
