// The `ggml` plan: llama.cpp's ops at the built-in models' (resources/models) shapes, for the ggml plugin
// (gpu/ggml, docs/ggml_plugin.md). Built from the model descriptions, so a model added there joins the plan.
//
// MUL_MAT, F32 activations against weights in a ggml type, for every distinct weight matrix of the models as llama.cpp
// holds them apart: Q, K, V, O, the dense FFN's gate, up and down, the LM head. Tokens 1..16384 (the LM head only in
// decode, as llama.cpp's prefill computes the last token's logits only). The weight types rotate shape by shape and
// token count by token count (a checkerboard), skipping a type whose block does not divide the row, so every type is
// measured across sizes and token counts; llama-3.1-8b, the reference model, has every type at every token count.
// FLASH_ATTN_EXT for every distinct head layout: decode (one query) over depths 512..32k, a causal prefill of
// 512..8192 tokens, and a 512-token chunk over a depth (the second n_ubatch of a long prompt); F16 and Q8_0 caches
// alternate. The elementwise ops (RMS_NORM+MUL with and without the residual ADD, ROPE, ADD, SWIGLU, GET_ROWS from a
// Q4_K table) at 1, 32, 512 and 4096 tokens.
// Every case is cold: the plugin chains distinct tensors past twice the L2 in each timed graph.
#include "roofline/benchmarking/bench_plan.h"

#include "roofline/workloads/ggml_types.h"
#include "roofline/workloads/model_library.h"

#include <algorithm>
#include <set>
#include <tuple>

namespace roofline {

namespace {

constexpr int64_t kTokens[] = {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384};
constexpr int64_t kDecodeTokens = 256; // the LM head runs at most this many tokens (decode batches)
constexpr const char* kWeightTypes[] = {"Q4_K", "Q6_K", "Q8_0", "F16", "Q4_0", "BF16", "Q5_K", "MXFP4", "IQ4_XS", "Q5_0", "Q4_1"};
constexpr const char* kReferenceModel = "llama-3.1-8b";
constexpr int64_t kDecodeDepths[] = {512, 4096, 16384, 32768};
constexpr int64_t kPrefillTokens[] = {512, 2048, 8192};
constexpr int64_t kChunkTokens = 512;
constexpr int64_t kChunkDepth = 4096;
constexpr const char* kCacheTypes[] = {"F16", "Q8_0"};
constexpr int64_t kLayerTokens[] = {1, 32, 512, 4096};

int type_id(const char* name)
{
    return find_ggml_type(name)->id;
}

bool divides(const char* type, int64_t k)
{
    return k % find_ggml_type(type)->block_size == 0;
}

struct Matrix {
    int64_t n = 0, k = 0; // out, in
    bool lm_head = false;

    auto key() const { return std::tie(n, k, lm_head); }
    bool operator<(const Matrix& o) const { return key() < o.key(); }
};

std::vector<Matrix> matrices(const ModelDescription& m)
{
    std::vector<Matrix> out{{m.q_width(), m.hidden_size}, {m.kv_width(), m.hidden_size}, {m.hidden_size, m.q_width()}};
    if (m.moe_layer_count() < m.num_layers && m.intermediate_size > 0) {
        out.push_back({m.intermediate_size, m.hidden_size});
        out.push_back({m.hidden_size, m.intermediate_size});
    }
    out.push_back({m.vocab_size, m.hidden_size, true});
    return out;
}

class Builder {
public:
    explicit Builder(BenchPlan& plan) : plan_(plan) {}

    void add(KernelShape shape, Precision precision, std::optional<int> weights)
    {
        BenchCase c{shape, precision, std::nullopt, weights};
        if (std::find(plan_.cases.begin(), plan_.cases.end(), c) == plan_.cases.end())
            plan_.cases.push_back(c);
    }

private:
    BenchPlan& plan_;
};

void add_matmul(Builder& b, const Matrix& w, int64_t tokens, const char* type)
{
    const KernelShape shape = tokens == 1 ? KernelShape{GemvShape{w.n, w.k}} : KernelShape{GemmShape{tokens, w.n, w.k}};
    b.add(shape, Precision::FP32, type_id(type));
}

} // namespace

BenchPlan ggml_plan()
{
    BenchPlan plan;
    plan.name = "ggml";
    plan.cache_mode = CacheMode::Cold;
    plan.time_budget_per_case_s = 0.15;
    plan.min_samples = 5;
    plan.target_rel_spread = 0.02;
    Builder b(plan);

    std::set<Matrix> seen;
    for (const ModelDescription& m : builtin_models()) {
        for (const Matrix& w : matrices(m)) {
            if (m.name == kReferenceModel) {
                for (int64_t tokens : kTokens)
                    for (const char* type : kWeightTypes)
                        if ((!w.lm_head || tokens <= kDecodeTokens) && divides(type, w.k))
                            add_matmul(b, w, tokens, type);
            }
            if (!seen.insert(w).second)
                continue;
            std::size_t turn = seen.size();
            for (int64_t tokens : kTokens) {
                if (w.lm_head && tokens > kDecodeTokens)
                    break;
                // The next type in the rotation whose block divides the row.
                for (std::size_t tries = 0; tries < std::size(kWeightTypes); ++tries) {
                    const char* type = kWeightTypes[turn++ % std::size(kWeightTypes)];
                    if (divides(type, w.k)) {
                        add_matmul(b, w, tokens, type);
                        break;
                    }
                }
            }
        }
    }

    std::set<std::tuple<int64_t, int64_t, int64_t>> layouts;
    std::size_t cache_turn = 0;
    for (const ModelDescription& m : builtin_models()) {
        if (!layouts.insert({m.num_attention_heads, m.num_kv_heads, m.head_dim}).second)
            continue;
        auto attention = [&](int64_t query_len, int64_t kv_len, bool causal) {
            const char* cache = kCacheTypes[cache_turn++ % std::size(kCacheTypes)];
            if (!divides(cache, m.head_dim))
                cache = "F16";
            b.add(AttentionShape{1, m.num_attention_heads, m.num_kv_heads, query_len, kv_len, m.head_dim, causal, 0},
                  Precision::FP16, type_id(cache));
        };
        for (int64_t depth : kDecodeDepths)
            attention(1, depth, false);
        for (int64_t prompt : kPrefillTokens)
            attention(prompt, prompt, true);
        attention(kChunkTokens, kChunkDepth + kChunkTokens, true);
    }

    std::set<int64_t> hiddens;
    for (const ModelDescription& m : builtin_models()) {
        const bool new_hidden = hiddens.insert(m.hidden_size).second;
        for (int64_t tokens : kLayerTokens) {
            if (new_hidden) {
                b.add(RmsNormShape{tokens, m.hidden_size, false}, Precision::FP32, std::nullopt);
                b.add(RmsNormShape{tokens, m.hidden_size, true}, Precision::FP32, std::nullopt);
                b.add(ResidualShape{tokens * m.hidden_size}, Precision::FP32, std::nullopt);
                if (divides("Q4_K", m.hidden_size))
                    b.add(EmbeddingShape{tokens, m.hidden_size}, Precision::FP32, type_id("Q4_K"));
            }
            b.add(RopeShape{tokens, m.num_attention_heads + m.num_kv_heads, m.head_dim}, Precision::FP32, std::nullopt);
            const int64_t width = m.moe_layer_count() < m.num_layers ? m.intermediate_size : m.moe->expert_intermediate_size;
            b.add(ActivationShape{tokens, width, true, ActivationKind::SiLU}, Precision::FP32, std::nullopt);
        }
    }
    return plan;
}

BenchPlan ggml_smoke_plan()
{
    BenchPlan plan;
    plan.name = "ggml_smoke";
    plan.cache_mode = CacheMode::Cold;
    plan.time_budget_per_case_s = 0.05;
    plan.min_samples = 3;
    plan.max_samples = 50;
    plan.target_rel_spread = 0.05;
    Builder b(plan);
    for (const char* type : {"Q4_K", "Q8_0", "F16"}) {
        b.add(GemvShape{1024, 1024}, Precision::FP32, type_id(type));
        b.add(GemmShape{32, 1024, 1024}, Precision::FP32, type_id(type));
    }
    b.add(AttentionShape{1, 8, 2, 1, 1024, 64, false, 0}, Precision::FP16, type_id("F16"));
    b.add(AttentionShape{1, 8, 2, 128, 128, 64, true, 0}, Precision::FP16, type_id("Q8_0"));
    b.add(RmsNormShape{32, 1024, false}, Precision::FP32, std::nullopt);
    b.add(RopeShape{32, 10, 64}, Precision::FP32, std::nullopt);
    b.add(ActivationShape{32, 1024, true, ActivationKind::SiLU}, Precision::FP32, std::nullopt);
    b.add(EmbeddingShape{32, 1024}, Precision::FP32, type_id("Q4_K"));
    return plan;
}

} // namespace roofline
