// The `llm` plan: attention and FFN as the built-in models (resources/models) run them on one GPU, decode and
// prefill, in BF16 and FP16. Built from the model descriptions, so a model added there joins the plan.
//
// Attention, for every distinct (heads, kv heads, head dim) of the models:
//   decode:  one query per sequence, batches 1..256 over KV depths 512..128k, half of that grid (a checkerboard
//            that shifts from one head layout to the next, so every batch and depth is measured on some layout);
//   prefill: causal, one prompt of 128..32k tokens; a few prompts batched and a few without the mask;
//   sliding: the models' window (gpt-oss 128, Gemma 3 1024) in decode and prefill.
// FFN, for every distinct (hidden, intermediate) of the dense FFNs and of the MoE experts (one expert's FFN), at
// 1..256 tokens (decode) and 512..32k tokens (prefill); and a few plain (non-gated) FFNs.
// Precisions alternate case by case, so each shape runs in one of them and both are measured throughout; every
// case is cold but a few small ones, warm, whose working set fits in L2.
// Every case is capped to fit the H200's memory (resources/hardware/h200.json: memory_gb): a decode whose KV cache
// would take more than kMemoryShare of it runs at the largest batch that fits.
#include "roofline/benchmarking/bench_plan.h"

#include "roofline/hardware/hardware_registry.h"
#include "roofline/workloads/model_library.h"

#include <algorithm>
#include <iterator>
#include <set>
#include <tuple>

namespace roofline {

namespace {

// The share of the GPU's memory one case's tensors may take: the plugin also holds the buffer it flushes L2 with,
// the reference's inputs and cuDNN's workspace.
constexpr double kMemoryShare = 0.4;
constexpr double kFallbackMemoryGb = 141.0; // H200 datasheet, where the preset is not built in
constexpr double kBytesPerElement = 2;      // BF16 and FP16
constexpr double kL2ResidentBytes = 40e6;   // warm cases stay below the H200's 60 MB L2

constexpr int64_t kDecodeBatches[] = {1, 4, 16, 64, 256};
constexpr int64_t kKvDepths[] = {512, 2048, 8192, 32768, 131072};
constexpr int64_t kPromptTokens[] = {128, 512, 2048, 8192, 32768};
constexpr int64_t kFfnTokens[] = {1, 4, 16, 64, 256, 512, 2048, 8192, 32768};
constexpr Precision kPrecisions[] = {Precision::BF16, Precision::FP16};

struct HeadLayout {
    int64_t heads = 0, kv_heads = 0, head_dim = 0;
    int64_t window = 0; // the model's sliding window, 0 when no layer slides

    auto key() const { return std::tie(heads, kv_heads, head_dim); }
};

struct FfnWidths {
    int64_t hidden = 0, intermediate = 0;
};

double memory_cap_bytes()
{
    const HardwareRegistry presets = HardwareRegistry::presets();
    const HardwareSpec* h200 = presets.find("h200");
    const double gb = h200 && h200->memory_gb ? *h200->memory_gb : kFallbackMemoryGb;
    return kMemoryShare * gb * 1e9;
}

// What a case holds in device memory: attention's Q, K, V and O; the FFN's weights, input, gate+up product,
// activation and output.
double tensor_bytes(const KernelShape& shape)
{
    if (const auto* a = std::get_if<AttentionShape>(&shape)) {
        const double q = static_cast<double>(a->batch * a->heads * a->query_len * a->head_dim);
        const double kv = 2.0 * static_cast<double>(a->batch * a->kv_heads * a->kv_len * a->head_dim);
        return (2 * q + kv) * kBytesPerElement;
    }
    const auto& f = std::get<FfnShape>(shape);
    const double up = f.gated ? 2.0 : 1.0;
    const double weights = (up + 1) * static_cast<double>(f.hidden * f.intermediate);
    const double rows = static_cast<double>(f.tokens) * (2.0 * static_cast<double>(f.hidden) + (up + 1) * static_cast<double>(f.intermediate));
    return (weights + rows) * kBytesPerElement;
}

std::vector<HeadLayout> head_layouts()
{
    std::vector<HeadLayout> layouts;
    for (const ModelDescription& m : builtin_models()) {
        const HeadLayout layout{m.num_attention_heads, m.num_kv_heads, m.head_dim,
                                m.sliding_layer_count() > 0 ? m.sliding_window.value_or(0) : 0};
        const bool seen = std::any_of(layouts.begin(), layouts.end(), [&](const HeadLayout& l) { return l.key() == layout.key(); });
        if (!seen)
            layouts.push_back(layout);
    }
    return layouts;
}

std::vector<FfnWidths> ffn_widths()
{
    std::vector<FfnWidths> widths;
    std::set<std::pair<int64_t, int64_t>> seen;
    auto add = [&](int64_t hidden, int64_t intermediate) {
        if (hidden > 0 && intermediate > 0 && seen.insert({hidden, intermediate}).second)
            widths.push_back({hidden, intermediate});
    };
    for (const ModelDescription& m : builtin_models()) {
        if (m.moe_layer_count() < m.num_layers)
            add(m.hidden_size, m.intermediate_size);
        if (m.moe)
            add(m.hidden_size, m.moe->expert_intermediate_size);
    }
    return widths;
}

class PlanBuilder {
public:
    explicit PlanBuilder(BenchPlan& plan) : plan_(plan), cap_bytes_(memory_cap_bytes()) {}

    // Adds the case unless it is there already; a decode that does not fit runs at the largest batch that does.
    void add(KernelShape shape, Precision precision, std::optional<CacheMode> cache = std::nullopt)
    {
        if (auto* a = std::get_if<AttentionShape>(&shape)) {
            while (tensor_bytes(shape) > cap_bytes_ && a->batch > 1)
                a->batch /= 2;
        }
        if (tensor_bytes(shape) > cap_bytes_)
            return;
        const BenchCase c{shape, precision, cache};
        if (std::find(plan_.cases.begin(), plan_.cases.end(), c) == plan_.cases.end())
            plan_.cases.push_back(c);
    }

    Precision next_precision() { return kPrecisions[turn_++ % 2]; }

private:
    BenchPlan& plan_;
    double cap_bytes_;
    std::size_t turn_ = 0;
};

AttentionShape attention(const HeadLayout& l, int64_t batch, int64_t query_len, int64_t kv_len, bool causal, int64_t window = 0)
{
    return {batch, l.heads, l.kv_heads, query_len, kv_len, l.head_dim, causal, window};
}

} // namespace

BenchPlan llm_plan()
{
    BenchPlan plan = short_kernel_plan("llm", 0.15);
    PlanBuilder builder(plan);

    const std::vector<HeadLayout> layouts = head_layouts();
    for (std::size_t i = 0; i < layouts.size(); ++i) {
        const HeadLayout& l = layouts[i];
        for (std::size_t b = 0; b < std::size(kDecodeBatches); ++b) {
            for (std::size_t s = 0; s < std::size(kKvDepths); ++s) {
                if ((b + s + i) % 2 == 0)
                    builder.add(attention(l, kDecodeBatches[b], 1, kKvDepths[s], false), builder.next_precision());
            }
        }
        for (int64_t tokens : kPromptTokens)
            builder.add(attention(l, 1, tokens, tokens, true), builder.next_precision());
        if (l.window > 0) {
            builder.add(attention(l, 16, 1, 8192, false, l.window), builder.next_precision());
            builder.add(attention(l, 64, 1, 32768, false, l.window), builder.next_precision());
            builder.add(attention(l, 1, 4096, 4096, true, l.window), builder.next_precision());
            builder.add(attention(l, 1, 16384, 16384, true, l.window), builder.next_precision());
        }
    }
    // Prompts batched, and without the mask (the pairs causal attention halves), on the first two layouts of the
    // most common head size.
    int common = 0;
    for (const HeadLayout& l : layouts) {
        if (l.head_dim != 128 || common == 2)
            continue;
        ++common;
        builder.add(attention(l, 8, 512, 512, true), builder.next_precision());
        builder.add(attention(l, 4, 2048, 2048, true), builder.next_precision());
        builder.add(attention(l, 1, 2048, 2048, false), builder.next_precision());
        builder.add(attention(l, 1, 8192, 8192, false), builder.next_precision());
    }

    const std::vector<FfnWidths> widths = ffn_widths();
    for (const FfnWidths& w : widths) {
        for (int64_t tokens : kFfnTokens)
            builder.add(FfnShape{tokens, w.hidden, w.intermediate, true}, builder.next_precision());
    }
    for (int64_t tokens : {16, 2048, 8192})
        builder.add(FfnShape{tokens, 4096, 16384, false}, builder.next_precision());

    // Warm: small decode steps whose KV cache or weights stay in L2 from one sample to the next.
    for (std::size_t i = 0; i < std::min<std::size_t>(3, layouts.size()); ++i) {
        for (auto [batch, depth] : {std::pair<int64_t, int64_t>{1, 2048}, {4, 4096}}) {
            const AttentionShape a = attention(layouts[i], batch, 1, depth, false);
            if (tensor_bytes(a) <= kL2ResidentBytes)
                builder.add(a, builder.next_precision(), CacheMode::Warm);
        }
    }
    for (const FfnWidths& w : widths) {
        for (int64_t tokens : {1, 16}) {
            const FfnShape f{tokens, w.hidden, w.intermediate, true};
            if (tensor_bytes(f) <= kL2ResidentBytes)
                builder.add(f, builder.next_precision(), CacheMode::Warm);
        }
    }
    return plan;
}

} // namespace roofline
