// build_step: the kernels of one decode step or prefill, layer by layer, then the head. docs/workload_model.md
// lists them and what each fusion setting merges.
#include "roofline/workloads/workload.h"

#include "roofline/support/errors.h"

#include <algorithm>
#include <cmath>
#include <set>

namespace roofline {

namespace {

InputError option_error(const std::string& field, const std::string& problem)
{
    return InputError(InputLocation{"", {}, {}, {}, field}, problem);
}

struct Part {
    TensorFormat format;
    double elements = 1; // the share of the weights in this format
};

class Builder {
public:
    Builder(const ModelDescription& m, const HardwareSpec& hw, const StepOptions& o, Phase phase)
        : m_(m), hw_(hw), o_(o), fused_(o.fusion == Fusion::Typical)
    {
        w_.phase = phase;
        w_.batch = o.batch;
        w_.query_tokens = phase == Phase::Decode ? 1 : o.prompt;
        w_.depth = o.context;
        w_.tokens = w_.batch * w_.query_tokens;
        act_ = info(o.activation).bytes_per_element;
        cache_ = info(o.kv_cache).bytes_per_element;
        // GGUF files keep norms in F32; safetensors checkpoints in the activation precision.
        const bool gguf_file = o.weights.kind == WeightScheme::Kind::Model && !m.stored_tensors.empty();
        norm_bytes_ = o.weights.kind == WeightScheme::Kind::GgufMix || gguf_file ? 4.0 : act_;
    }

    StepWorkload build()
    {
        const int64_t n = w_.tokens;
        add(head_embedding(n), false);
        add_allreduce("embedding_allreduce", false); // each GPU gathers the rows of its part of the vocabulary
        if (fused_)
            add(norm("attn_norm (layer 0)", n, m_.hidden_size, false), false);
        for (int64_t layer = 0; layer < m_.num_layers; ++layer)
            add_layer(layer);
        if (!fused_)
            add(norm("final_norm", n, m_.hidden_size, false), false);
        // The LM head: every sequence's last token only (prefill throws the other rows' logits away).
        add(linear("lm_head", w_.batch, m_.vocab_size, m_.hidden_size,
                   {{tensor_format(m_, o_.weights, o_.activation, TensorRole::LmHead, 0)}}),
            false);
        notes();
        return std::move(w_);
    }

private:
    OperandBytes elementwise() const { return {act_, norm_bytes_, act_, cache_}; }

    StepKernel kernel(std::string name, KernelShape shape) const
    {
        StepKernel k;
        k.name = std::move(name);
        k.shape = shape;
        k.compute = o_.activation;
        k.bytes = elementwise();
        return k;
    }

    StepKernel norm(std::string name, int64_t rows, int64_t width, bool with_residual) const
    {
        return kernel(std::move(name), RmsNormShape{rows, width, with_residual});
    }

    StepKernel head_embedding(int64_t n) const
    {
        StepKernel k = kernel("embedding", EmbeddingShape{n, m_.hidden_size});
        const TensorFormat f = tensor_format(m_, o_.weights, o_.activation, TensorRole::Embedding, 0);
        k.bytes.weight = f.bytes_per_element;
        k.format = f.name;
        return k;
    }

    // What a product with weights in `f` computes at: its own precision where the format is one the device has a
    // peak for, else the activation precision (the weights dequantized in the kernel).
    Precision compute_for(const TensorFormat& f)
    {
        if (f.weight_only || !f.precision)
            return o_.activation;
        if (hw_.peak_tflops_for(*f.precision))
            return *f.precision;
        notes_.insert(hw_.key + " has no " + f.name + " peak: " + f.name + " weights are dequantized and multiplied at "
                      + std::string(to_string(o_.activation)));
        return o_.activation;
    }

    // A product with weights: a GEMV for one row, else a GEMM (or the given grouped shape). Weights of several
    // formats in one product (a fused QKV whose V is Q6_K) move their bytes in proportion.
    StepKernel weighted(std::string name, KernelShape shape, const std::vector<Part>& parts, double output_scale = 1)
    {
        double bytes = 0, elements = 0;
        std::string format;
        for (const Part& p : parts) {
            bytes += p.format.bytes_per_element * p.elements;
            elements += p.elements;
            if (format.find(p.format.name) == std::string::npos)
                format += (format.empty() ? "" : "+") + p.format.name;
        }
        StepKernel k = kernel(std::move(name), shape);
        k.compute = compute_for(parts.front().format);
        k.bytes.input = k.compute == o_.activation ? act_ : info(k.compute).bytes_per_element;
        k.bytes.weight = bytes / elements;
        k.bytes.output = act_ * output_scale; // a fused gated activation writes half the columns
        k.format = format;
        return k;
    }

    StepKernel linear(std::string name, int64_t rows, int64_t out, int64_t in, const std::vector<Part>& parts,
                      double output_scale = 1)
    {
        const KernelShape shape = rows == 1 ? KernelShape{GemvShape{out, in}} : KernelShape{GemmShape{rows, out, in}};
        return weighted(std::move(name), shape, parts, output_scale);
    }

    TensorFormat format(TensorRole role, int64_t layer) const
    {
        return tensor_format(m_, o_.weights, o_.activation, role, layer);
    }

    ActivationKind activation_kind() const
    {
        return m_.hidden_act.find("gelu") != std::string::npos ? ActivationKind::GELU : ActivationKind::SiLU;
    }

    void add_layer(int64_t layer)
    {
        const int64_t n = w_.tokens, h = m_.hidden_size, d = m_.head_dim;
        const int64_t heads = m_.num_attention_heads, kv_heads = m_.num_kv_heads;
        if (!fused_)
            add(norm("attn_norm", n, h, false));
        const double q = static_cast<double>(m_.q_width()) * h, kv = static_cast<double>(m_.kv_width()) * h;
        const bool rope_apart = !fused_ || m_.qk_norm;
        add(linear(rope_apart ? "qkv_proj" : "qkv_proj+rope", n, m_.q_width() + 2 * m_.kv_width(), h,
                   {{format(TensorRole::AttnQ, layer), q}, {format(TensorRole::AttnK, layer), kv},
                    {format(TensorRole::AttnV, layer), kv}}));
        if (m_.qk_norm)
            add(norm(fused_ ? "qk_norm+rope" : "qk_norm", n * (heads + kv_heads), d, false));
        if (!fused_)
            add(kernel("rope", RopeShape{n, heads + kv_heads, d}));
        const bool sliding = static_cast<std::size_t>(layer) < m_.layer_attention.size()
            && m_.layer_attention[static_cast<std::size_t>(layer)] == LayerAttention::Sliding && m_.sliding_window;
        const bool prefill = w_.phase == Phase::Prefill;
        StepKernel attention = kernel("attention", // a sliding layer's shape carries its window
                                      AttentionShape{w_.batch, heads, kv_heads, w_.query_tokens, w_.depth + w_.query_tokens,
                                                     d, prefill, sliding ? *m_.sliding_window : 0});
        attention.format = std::string(to_string(o_.kv_cache)) + " cache";
        add(attention);
        add(linear("o_proj", n, h, m_.q_width(), {{format(TensorRole::AttnO, layer)}}));
        add_allreduce("attn_allreduce", true);
        if (m_.norms_per_layer >= 4)
            add(norm("post_attn_norm", n, h, false));
        if (fused_) {
            add(norm("residual+ffn_norm", n, h, true));
        } else {
            add(kernel("residual", ResidualShape{n * h}));
            add(norm("ffn_norm", n, h, false));
        }
        const bool moe = m_.moe && static_cast<std::size_t>(layer) < m_.moe_layers.size()
            && m_.moe_layers[static_cast<std::size_t>(layer)];
        if (moe)
            add_experts(layer);
        else
            add_ffn("", m_.intermediate_size, TensorRole::FfnGateUp, TensorRole::FfnDown, layer);
        add_allreduce("ffn_allreduce", true);
        if (m_.norms_per_layer >= 4)
            add(norm("post_ffn_norm", n, h, false));
        if (fused_) {
            add(norm("residual+next_norm", n, h, true)); // the next layer's attn_norm; the last layer's final norm
        } else {
            add(kernel("residual", ResidualShape{n * h}));
        }
    }

    // gate-up, activation, down on `width` columns (a dense FFN or the shared expert).
    void add_ffn(const std::string& prefix, int64_t width, TensorRole gate_up, TensorRole down, int64_t layer)
    {
        const int64_t n = w_.tokens, h = m_.hidden_size;
        const int64_t up_width = m_.gated_ffn ? 2 * width : width;
        add(linear(prefix + (fused_ ? "gate_up_proj+act" : "gate_up_proj"), n, up_width, h, {{format(gate_up, layer)}},
                   fused_ && m_.gated_ffn ? 0.5 : 1));
        if (!fused_)
            add(kernel(prefix + "act", ActivationShape{n, width, m_.gated_ffn, activation_kind()}));
        add(linear(prefix + "down_proj", n, h, width, {{format(down, layer)}}));
    }

    void add_experts(int64_t layer)
    {
        const MoeDescription& e = *m_.moe;
        const int64_t n = w_.tokens, h = m_.hidden_size, k = e.experts_per_token, width = e.expert_intermediate_size;
        add(linear("router", n, e.num_experts, h, {{format(TensorRole::Router, layer)}}));
        add(kernel("topk", TopKShape{n, e.num_experts, k}));
        // N tokens choose k of E experts each: E_active = E·(1 − (1 − k/E)^N) experts run (expected, routing taken
        // as uniform), with N·k / E_active tokens each; every one reads its whole weights.
        const double experts = static_cast<double>(e.num_experts);
        w_.experts_active = experts * (1 - std::pow(1 - static_cast<double>(k) / experts, static_cast<double>(n)));
        const int64_t rows = n * k;
        w_.expert_groups = std::clamp<int64_t>(std::llround(w_.experts_active), 1, std::min(e.num_experts, rows));
        const int64_t g = w_.expert_groups;
        const int64_t up_width = m_.gated_ffn ? 2 * width : width;
        add(weighted(fused_ ? "experts_gate_up+act" : "experts_gate_up", GroupedGemmShape{g, rows, up_width, h},
                     {{format(TensorRole::ExpertGateUp, layer)}}, fused_ && m_.gated_ffn ? 0.5 : 1));
        if (!fused_)
            add(kernel("experts_act", ActivationShape{rows, width, m_.gated_ffn, activation_kind()}));
        add(weighted("experts_down", GroupedGemmShape{g, rows, h, width}, {{format(TensorRole::ExpertDown, layer)}}));
        if (e.num_shared_experts > 0 && e.shared_expert_intermediate_size > 0)
            add_ffn("shared_", e.num_shared_experts * e.shared_expert_intermediate_size, TensorRole::SharedGateUp,
                    TensorRole::SharedDown, layer);
    }

    // Tensor parallelism joins the GPUs' partial sums of the hidden state: every token's row, at the activation
    // precision.
    void add_allreduce(const std::string& name, bool in_layer)
    {
        if (o_.tp <= 1)
            return;
        for (StepCollective& c : w_.collectives) {
            if (c.name == name) {
                ++c.count;
                return;
            }
        }
        w_.collectives.push_back({name, in_layer, static_cast<double>(w_.tokens * m_.hidden_size) * act_, o_.tp, 1});
    }

    // Kernels that are the same in several layers are one entry with their count.
    void add(StepKernel k, bool in_layer = true)
    {
        k.in_layer = in_layer;
        const std::string shape = format_shape(k.shape);
        std::size_t after = w_.kernels.size(); // a variant (another format, a window) goes after its namesakes
        for (std::size_t i = 0; i < w_.kernels.size(); ++i) {
            StepKernel& have = w_.kernels[i];
            if (have.in_layer != in_layer || have.name != k.name)
                continue;
            if (have.format == k.format && have.compute == k.compute && format_shape(have.shape) == shape
                && have.bytes.weight == k.bytes.weight) {
                ++have.count;
                return;
            }
            after = i + 1;
        }
        w_.kernels.insert(w_.kernels.begin() + static_cast<std::ptrdiff_t>(after), std::move(k));
    }

    void notes()
    {
        w_.notes.assign(notes_.begin(), notes_.end());
        if (m_.attention_sinks)
            w_.notes.push_back("attention sinks (one logit a head) are not counted");
        if (m_.moe && m_.moe->shared_expert_gate)
            w_.notes.push_back("the shared expert's sigmoid gate (hidden -> 1) is not counted");
        if (m_.moe)
            w_.notes.push_back("the weighted sum of the k expert outputs is taken into experts_down's epilogue");
        w_.notes.push_back("writing the new K and V into the cache is not counted");
    }

    const ModelDescription& m_;
    const HardwareSpec& hw_;
    const StepOptions& o_;
    bool fused_;
    double act_ = 2, cache_ = 2, norm_bytes_ = 2;
    StepWorkload w_;
    std::set<std::string> notes_;
};

} // namespace

StepWorkload build_step(const ModelDescription& model, const HardwareSpec& hw, const StepOptions& options, Phase phase)
{
    if (options.batch < 1)
        throw option_error("batch", "must be at least 1, got " + std::to_string(options.batch));
    if (options.prompt < 1)
        throw option_error("prompt", "must be at least 1, got " + std::to_string(options.prompt));
    if (options.context < 0)
        throw option_error("context", "must not be negative, got " + std::to_string(options.context));
    if (model.num_layers < 1 || model.hidden_size < 1 || model.head_dim < 1 || model.num_kv_heads < 1)
        throw InputError(InputLocation{model.source, {}, {}, {}, "num_hidden_layers"}, "the description has no layers to run");
    require_link(hw, options.tp);
    const ModelDescription shard = tensor_parallel_shard(model, options.tp);
    StepWorkload w = Builder(shard, hw, options, phase).build();
    if (options.tp > 1)
        w.notes.push_back("tensor parallelism " + std::to_string(options.tp) + ": one GPU's part of every kernel; "
                          "the LM head's logits stay split (their gather is not counted)");
    return w;
}

} // namespace roofline
