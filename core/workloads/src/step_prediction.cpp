// predict_step: the calculator over every kernel of a step, the launch gaps, and the memory the step needs.
#include "roofline/workloads/step_prediction.h"

#include "roofline/workloads/model_parameters.h"
#include "roofline/support/number_format.h"

#include <algorithm>
#include <set>

namespace roofline {

std::optional<StepPhases> parse_step_phases(std::string_view text)
{
    if (text == "decode")
        return StepPhases::Decode;
    if (text == "prefill")
        return StepPhases::Prefill;
    if (text == "both")
        return StepPhases::Both;
    return std::nullopt;
}

LaunchGap launch_gap(const HardwareSpec& hw, const StepOptions& options)
{
    if (options.launch_gap_us)
        return {*options.launch_gap_us, "given"};
    const bool refined_floor = options.model.mode == Mode::Refined && options.model.terms.launch_floor;
    const bool has_floor = hw.launch_overhead_us > 0 || !hw.latency_floor_us.empty();
    if (refined_floor && has_floor)
        return {0, "none: refined mode's latency floor of each kernel already holds its launch"};
    // Refined mode on a profile without floors would otherwise count no launch at all: it takes the gap instead.
    const std::string why = refined_floor ? "refined mode, but " + hw.key + " has no latency floor to hold the launch: " : "";
    const bool graph = options.launch == LaunchMode::Graph;
    const char* field = graph ? "launch_gap_graph_us" : "launch_gap_eager_us";
    if (const auto& measured = graph ? hw.launch_gap_graph_us : hw.launch_gap_eager_us)
        return {*measured, why + std::string(to_string(options.launch)) + " launch, " + hw.key + "'s " + field + " ("
                               + hw.source_for(field).value_or("no source") + ")"};
    if (hw.launch_overhead_us > 0)
        return {hw.launch_overhead_us, why + "assumed: " + hw.key + "'s launch_overhead_us (it has no " + field + ")"};
    return {kDefaultLaunchGapUs, why + "assumed: the default " + format_number(kDefaultLaunchGapUs, 1) + " µs (" + hw.key
                                     + " has neither " + field + " nor launch_overhead_us)"};
}

PhasePrediction predict_phase(const ModelDescription& model, const HardwareSpec& hw, const StepOptions& options, Phase phase)
{
    PhasePrediction out;
    out.workload = build_step(model, hw, options, phase);
    const double gap = launch_gap(hw, options).us;
    for (const StepKernel& k : out.workload.kernels) {
        KernelTime t{k, predict(hw, k.shape, k.compute, k.bytes, options.model), gap};
        const double runs = static_cast<double>(k.count);
        const double time = runs * t.prediction.predicted_time_us, floor = runs * t.prediction.launch_us;
        out.step_time_us += t.total_us();
        switch (class_of(kernel_of(k.shape))) {
        case KernelClass::GEMM: out.shares.gemm += time - floor; break;
        case KernelClass::Attention: out.shares.attention += time - floor; break;
        case KernelClass::Elementwise: out.shares.elementwise += time - floor; break;
        }
        out.shares.launch += floor + runs * gap;
        switch (t.prediction.bottleneck) {
        case Bottleneck::Memory: out.shares.memory += time; break;
        case Bottleneck::Compute: out.shares.compute += time; break;
        case Bottleneck::Latency: out.shares.latency += time; break;
        }
        out.shares.latency += runs * gap;
        out.kernels.push_back(std::move(t));
    }
    for (const StepCollective& c : out.workload.collectives) {
        CollectiveTime t{c, allreduce_time_us(hw, c.bytes, c.gpus), gap};
        const double runs = static_cast<double>(c.count);
        out.step_time_us += t.total_us();
        out.shares.allreduce += runs * t.time_us;
        out.shares.link += runs * t.time_us;
        out.shares.launch += runs * gap;
        out.shares.latency += runs * gap;
        out.collectives.push_back(std::move(t));
    }
    const double tokens = static_cast<double>(out.workload.tokens);
    out.tokens_per_s = out.step_time_us > 0 ? tokens / (out.step_time_us * 1e-6) : 0;
    return out;
}

namespace {

// Elements of the linear layers one layer holds, by role (with its format), and the head's.
struct Tensor {
    TensorRole role;
    double elements;
};

std::vector<Tensor> layer_tensors(const ModelDescription& m, int64_t layer)
{
    const double h = static_cast<double>(m.hidden_size);
    const double q = static_cast<double>(m.q_width()), kv = static_cast<double>(m.kv_width());
    const double up = m.gated_ffn ? 2 : 1;
    std::vector<Tensor> t = {{TensorRole::AttnQ, h * q}, {TensorRole::AttnK, h * kv}, {TensorRole::AttnV, h * kv},
                             {TensorRole::AttnO, q * h}};
    const bool moe = m.moe && static_cast<std::size_t>(layer) < m.moe_layers.size() && m.moe_layers[static_cast<std::size_t>(layer)];
    if (!moe) {
        const double i = static_cast<double>(m.intermediate_size);
        t.push_back({TensorRole::FfnGateUp, up * i * h});
        t.push_back({TensorRole::FfnDown, i * h});
        return t;
    }
    const MoeDescription& e = *m.moe;
    const double experts = static_cast<double>(e.num_experts), i = static_cast<double>(e.expert_intermediate_size);
    t.push_back({TensorRole::Router, experts * h});
    t.push_back({TensorRole::ExpertGateUp, experts * up * i * h});
    t.push_back({TensorRole::ExpertDown, experts * i * h});
    const double shared = static_cast<double>(e.num_shared_experts * e.shared_expert_intermediate_size);
    if (shared > 0) {
        t.push_back({TensorRole::SharedGateUp, up * shared * h});
        t.push_back({TensorRole::SharedDown, shared * h});
    }
    return t;
}

} // namespace

MemoryEstimate estimate_memory(const ModelDescription& model, const HardwareSpec& hw, const StepOptions& o, StepPhases phases)
{
    const ModelDescription m = tensor_parallel_shard(model, o.tp); // one GPU's part
    MemoryEstimate mem;
    const double act = info(o.activation).bytes_per_element;
    const bool gguf = o.weights.kind == WeightScheme::Kind::GgufMix;
    // Weights: every linear tensor at its format; the rest (norms, biases, sinks) at F32 in GGUF files, else at
    // the activation precision.
    double counted = 0;
    const double table = static_cast<double>(m.vocab_size) * static_cast<double>(m.hidden_size);
    mem.weight_bytes += table * tensor_format(m, o.weights, o.activation, TensorRole::Embedding, 0).bytes_per_element;
    counted += table;
    if (!m.tie_word_embeddings) {
        mem.weight_bytes += table * tensor_format(m, o.weights, o.activation, TensorRole::LmHead, 0).bytes_per_element;
        counted += table;
    }
    for (int64_t layer = 0; layer < m.num_layers; ++layer) {
        for (const Tensor& t : layer_tensors(m, layer)) {
            mem.weight_bytes += t.elements * tensor_format(m, o.weights, o.activation, t.role, layer).bytes_per_element;
            counted += t.elements;
        }
    }
    const double rest = std::max(0.0, static_cast<double>(count_parameters(m).total()) - counted);
    mem.weight_bytes += rest * (gguf ? 4.0 : act);
    // A GGUF file's own tensors: their bytes exactly.
    if (o.weights.kind == WeightScheme::Kind::Model && !m.stored_tensors.empty())
        mem.weight_bytes = m.stored_bytes();

    // KV cache: the deepest context the step leaves behind.
    const bool decode = phases != StepPhases::Prefill, prefill = phases != StepPhases::Decode;
    int64_t depth = o.context + (prefill ? o.prompt : 0) + (decode ? 1 : 0);
    const double cache = info(o.kv_cache).bytes_per_element;
    for (int64_t layer = 0; layer < m.num_layers; ++layer) {
        const bool sliding = static_cast<std::size_t>(layer) < m.layer_attention.size()
            && m.layer_attention[static_cast<std::size_t>(layer)] == LayerAttention::Sliding && m.sliding_window;
        const int64_t kept = sliding ? std::min(depth, *m.sliding_window) : depth;
        mem.kv_cache_bytes += 2.0 * static_cast<double>(m.kv_width()) * static_cast<double>(o.batch) * static_cast<double>(kept) * cache;
    }

    // Activations: the residual stream and the normed copy, the widest of QKV and the FFN's intermediates
    // (gate-up and activation outputs), and the LM head's FP32 logits for every sequence.
    const double tokens = static_cast<double>(o.batch) * static_cast<double>(prefill ? o.prompt : 1);
    double ffn = 3.0 * static_cast<double>(m.intermediate_size);
    if (m.moe) {
        ffn = std::max(ffn, 3.0 * static_cast<double>(m.moe->experts_per_token * m.moe->expert_intermediate_size
                                                       + m.moe->num_shared_experts * m.moe->shared_expert_intermediate_size));
    }
    const double widest = std::max(static_cast<double>(m.q_width() + 2 * m.kv_width()), ffn);
    mem.activation_bytes = tokens * act * (2.0 * static_cast<double>(m.hidden_size) + widest)
        + static_cast<double>(o.batch) * static_cast<double>(m.vocab_size) * 4.0;
    // The datasheets' GB are binary: an "80GB" H100 carries 80 GiB of HBM.
    if (hw.memory_gb)
        mem.device_bytes = *hw.memory_gb * 1024.0 * 1024.0 * 1024.0;
    return mem;
}

std::optional<int64_t> compute_bound_batch(const ModelDescription& m, const HardwareSpec& hw, const StepOptions& o)
{
    const auto compute_bound = [&](int64_t batch) {
        StepOptions at = o;
        at.batch = batch;
        const StepWorkload w = build_step(m, hw, at, Phase::Decode);
        double math = 0, mem = 0;
        for (const StepKernel& k : w.kernels) {
            if (class_of(kernel_of(k.shape)) != KernelClass::GEMM)
                continue;
            const Prediction p = predict(hw, k.shape, k.compute, k.bytes, o.model);
            math += static_cast<double>(k.count) * p.t_math_us;
            mem += static_cast<double>(k.count) * p.t_mem_us;
        }
        return math >= mem;
    };
    constexpr int64_t kLimit = int64_t{1} << 20;
    int64_t hi = 1;
    while (hi <= kLimit && !compute_bound(hi))
        hi *= 2;
    if (hi > kLimit)
        return std::nullopt;
    int64_t lo = hi / 2; // not compute-bound (or 0)
    while (hi - lo > 1) {
        const int64_t mid = lo + (hi - lo) / 2;
        (compute_bound(mid) ? hi : lo) = mid;
    }
    return hi;
}

StepPrediction predict_step(const ModelDescription& m, const HardwareSpec& hw, const StepOptions& o, StepPhases phases)
{
    StepPrediction out;
    out.gap = launch_gap(hw, o);
    if (phases != StepPhases::Decode) {
        out.prefill = predict_phase(m, hw, o, Phase::Prefill);
        out.ttft_us = out.prefill->step_time_us;
    }
    StepOptions decode = o;
    if (phases == StepPhases::Both)
        decode.context = o.context + o.prompt; // one decode step after the prefill
    if (phases != StepPhases::Prefill) {
        out.decode = predict_phase(m, hw, decode, Phase::Decode);
        out.tpot_us = out.decode->step_time_us;
        out.compute_bound_batch = compute_bound_batch(m, hw, decode);
    }
    out.memory = estimate_memory(m, hw, o, phases);
    std::set<std::string> notes;
    for (const auto* phase : {&out.prefill, &out.decode}) {
        if (!*phase)
            continue;
        notes.insert((*phase)->workload.notes.begin(), (*phase)->workload.notes.end());
        for (const KernelTime& k : (*phase)->kernels)
            notes.insert(k.prediction.notes.begin(), k.prediction.notes.end());
    }
    out.notes.assign(notes.begin(), notes.end());
    return out;
}

} // namespace roofline
