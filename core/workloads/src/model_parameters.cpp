#include "roofline/workloads/model_parameters.h"

#include "roofline/support/errors.h"

#include <initializer_list>

namespace roofline {

double WeightBytes::total_bytes() const
{
    return embedding_bytes + attention_bytes + dense_ffn_bytes + expert_bytes + router_bytes + norm_bytes + lm_head_bytes;
}

namespace {

// Sums and products of a description's sizes, refused where they leave 64 bits (a config.json may hold any size:
// found by the long fuzz run, which reached signed overflow here).
[[noreturn]] void overflows()
{
    throw InputError("the model's parameter count overflows 64 bits: its sizes are far beyond any model's");
}

// `step(acc, value, &acc)` folds each value in and says whether it overflowed.
template <class Step> int64_t fold_checked(std::initializer_list<int64_t> values, int64_t start, Step step)
{
    int64_t acc = start;
    for (int64_t value : values) {
        if (step(acc, value, &acc))
            overflows();
    }
    return acc;
}

int64_t mul(std::initializer_list<int64_t> factors)
{
    return fold_checked(factors, 1, [](int64_t a, int64_t b, int64_t* out) { return __builtin_mul_overflow(a, b, out); });
}

int64_t add(std::initializer_list<int64_t> terms)
{
    return fold_checked(terms, 0, [](int64_t a, int64_t b, int64_t* out) { return __builtin_add_overflow(a, b, out); });
}

int64_t attention_per_layer(const ModelDescription& m)
{
    const int64_t h = m.hidden_size;
    const int64_t q = mul({m.num_attention_heads, m.head_dim}), kv = mul({m.num_kv_heads, m.head_dim});
    // Q, K, V and O projections
    int64_t n = add({mul({h, q}), mul({2, h, kv}), mul({q, h})});
    if (m.qkv_bias)
        n = add({n, q, mul({2, kv})});
    if (m.o_bias)
        n = add({n, h});
    if (m.qk_norm)
        n = add({n, mul({2, m.head_dim})});
    if (m.attention_sinks)
        n = add({n, m.num_attention_heads});
    return n;
}

// A gated FFN has gate, up and down projections; an ungated one up and down.
int64_t ffn_weights(int64_t hidden, int64_t width, bool gated, bool biased)
{
    const int64_t inputs = gated ? 2 : 1;
    int64_t n = mul({inputs + 1, hidden, width});
    if (biased)
        n = add({n, mul({inputs, width}), hidden});
    return n;
}

} // namespace

int64_t ParameterCount::total() const
{
    return add({embedding, attention, dense_ffn, routed_experts, shared_experts, router, norms, lm_head});
}

ParameterCount count_parameters(const ModelDescription& m)
{
    ParameterCount count;
    const int64_t h = m.hidden_size;
    count.embedding = mul({m.vocab_size, h});
    count.lm_head = m.tie_word_embeddings ? 0 : count.embedding;
    count.attention = mul({attention_per_layer(m), m.num_layers});
    count.norms = add({mul({static_cast<int64_t>(m.norms_per_layer), h, m.num_layers}), h});

    const int64_t moe_layers = m.moe ? m.moe_layer_count() : 0;
    count.dense_ffn = mul({ffn_weights(h, m.intermediate_size, m.gated_ffn, m.mlp_bias), m.num_layers - moe_layers});
    int64_t active_experts = 0;
    if (m.moe) {
        const MoeDescription& e = *m.moe;
        const int64_t expert = ffn_weights(h, e.expert_intermediate_size, m.gated_ffn, e.expert_bias);
        count.routed_experts = mul({expert, e.num_experts, moe_layers});
        active_experts = mul({expert, e.experts_per_token, moe_layers});
        count.router = mul({add({mul({h, e.num_experts}), e.router_bias ? e.num_experts : 0}), moe_layers});
        int64_t shared = mul({ffn_weights(h, e.shared_expert_intermediate_size, m.gated_ffn, false), e.num_shared_experts});
        if (e.shared_expert_gate)
            shared = add({shared, h});
        count.shared_experts = mul({shared, moe_layers});
    }
    // A tied table is the LM head too, which reads all of it.
    const int64_t gathered_only = m.tie_word_embeddings ? 0 : count.embedding;
    count.active_per_token = add({count.total(), -gathered_only, -count.routed_experts, active_experts});
    return count;
}

WeightBytes weight_bytes(const ModelDescription& model)
{
    return weight_bytes(model, model.tensor_formats());
}

WeightBytes weight_bytes(const ModelDescription& model, const TensorFormats& formats)
{
    const ParameterCount n = count_parameters(model);
    const auto bytes = [](int64_t parameters, Precision p) { return static_cast<double>(parameters) * info(p).bytes_per_element; };
    WeightBytes b;
    b.embedding_bytes = bytes(n.embedding, formats.embedding);
    b.attention_bytes = bytes(n.attention, formats.attention);
    b.dense_ffn_bytes = bytes(n.dense_ffn, formats.dense_ffn);
    b.expert_bytes = bytes(n.routed_experts + n.shared_experts, formats.experts);
    b.router_bytes = bytes(n.router, formats.router);
    b.norm_bytes = bytes(n.norms, formats.norms);
    b.lm_head_bytes = bytes(n.lm_head, formats.lm_head);
    return b;
}

} // namespace roofline
