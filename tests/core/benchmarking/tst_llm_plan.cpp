// The `llm` plan (core/benchmarking/src/llm_plan.cpp): attention and FFN shapes of the built-in models, decode and prefill, each
// case within the H200's memory, the whole plan within about five minutes of H200 time, and bench/plans/llm.json
// the plan as the core builds it.
#include "roofline/benchmarking/bench_plan.h"
#include "roofline/model/calculator.h"
#include "roofline/hardware/hardware_registry.h"
#include "roofline/results/measurements.h"
#include "roofline/workloads/model_library.h"

#include <QTest>

#include <algorithm>
#include <map>
#include <set>

using namespace roofline;

namespace {

// [s] What one case costs the plugin beyond its samples (allocating and filling the inputs, cuDNN's plan and
// heuristics, the reference check): an allowance, to be replaced by the H200 run's own figure.
constexpr double kSetupPerCaseS = 0.3;
constexpr double kPlanLimitS = 300;     // the "under about 5 minutes of GPU time"
constexpr double kH200MemoryBytes = 141e9;

bool is_decode(const BenchCase& c)
{
    if (const auto* a = std::get_if<AttentionShape>(&c.shape))
        return a->query_len == 1;
    return std::get<FfnShape>(c.shape).tokens <= 256;
}

} // namespace

class TestLlmPlan : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void testOnlyAttentionAndFfnInBf16AndFp16()
    {
        const BenchPlan plan = llm_plan();
        QCOMPARE(plan.name, std::string("llm"));
        QVERIFY2(plan.cases.size() >= 150 && plan.cases.size() <= 400, std::to_string(plan.cases.size()).c_str());
        std::set<Precision> precisions;
        std::map<std::pair<KernelType, bool>, int> per_phase;
        int warm = 0;
        for (const BenchCase& c : plan.cases) {
            const KernelType k = kernel_of(c.shape);
            QVERIFY(k == KernelType::Attention || k == KernelType::FFN);
            precisions.insert(c.precision);
            ++per_phase[{k, is_decode(c)}];
            warm += plan.cache_of(c) == CacheMode::Warm;
        }
        QCOMPARE(precisions, (std::set<Precision>{Precision::BF16, Precision::FP16}));
        // Each kernel and phase has enough shapes that both halves of a split by shape can fit and test it.
        for (const auto& [key, count] : per_phase)
            QVERIFY2(count >= 20, (std::string(to_string(key.first)) + (key.second ? " decode " : " prefill ") + std::to_string(count)).c_str());
        QCOMPARE(per_phase.size(), std::size_t(4));
        QVERIFY(warm >= 5 && warm <= 30);
        QCOMPARE(plan.cache_mode, CacheMode::Cold);
    }

    // Every head layout and FFN width of the built-in models, the batches and depths the issue names.
    void testCoversTheModels()
    {
        const BenchPlan plan = llm_plan();
        std::set<std::tuple<int64_t, int64_t, int64_t>> layouts;
        std::set<std::pair<int64_t, int64_t>> widths;
        std::set<int64_t> batches, depths, prompts, windows;
        bool causal = false, full = false, plain = false;
        for (const BenchCase& c : plan.cases) {
            if (const auto* a = std::get_if<AttentionShape>(&c.shape)) {
                layouts.insert({a->heads, a->kv_heads, a->head_dim});
                if (a->query_len == 1) {
                    batches.insert(a->batch);
                    depths.insert(a->kv_len);
                } else {
                    prompts.insert(a->query_len);
                    (a->causal ? causal : full) = true;
                }
                if (a->window > 0)
                    windows.insert(a->window);
            } else {
                const auto& f = std::get<FfnShape>(c.shape);
                widths.insert({f.hidden, f.intermediate});
                plain |= !f.gated;
            }
        }
        for (const ModelDescription& m : builtin_models()) {
            QVERIFY2(layouts.count({m.num_attention_heads, m.num_kv_heads, m.head_dim}), m.name.c_str());
            if (m.moe_layer_count() < m.num_layers)
                QVERIFY2(widths.count({m.hidden_size, m.intermediate_size}), m.name.c_str());
            if (m.moe)
                QVERIFY2(widths.count({m.hidden_size, m.moe->expert_intermediate_size}), m.name.c_str());
        }
        for (int64_t b : {1, 4, 16, 64, 256})
            QVERIFY2(batches.count(b), std::to_string(b).c_str());
        for (int64_t s : {512, 2048, 8192, 32768, 131072})
            QVERIFY2(depths.count(s), std::to_string(s).c_str());
        for (int64_t p : {128, 512, 2048, 8192, 32768})
            QVERIFY2(prompts.count(p), std::to_string(p).c_str());
        QVERIFY(causal && full && plain);
        QCOMPARE(windows, (std::set<int64_t>{128, 1024})); // gpt-oss, Gemma 3
    }

    // Q, K, V, O (attention) or weights and activations (FFN) within 40 % of an H200's memory.
    void testEveryCaseFitsTheH200()
    {
        for (const BenchCase& c : llm_plan().cases) {
            double bytes = 0;
            if (const auto* a = std::get_if<AttentionShape>(&c.shape))
                bytes = 2.0 * static_cast<double>(a->batch * a->query_len * a->heads * a->head_dim + a->batch * a->kv_len * a->kv_heads * a->head_dim) * 2;
            else
                bytes = workload(c.shape, c.precision).bytes;
            QVERIFY2(bytes <= 0.4 * kH200MemoryBytes, format_shape(c.shape).c_str());
        }
    }

    // Each case samples for its budget or its minimum samples, whichever is longer, at the H200 datasheet's
    // realistic time, plus the setup allowance.
    void testRunsInAboutFiveMinutes()
    {
        const BenchPlan plan = llm_plan();
        const HardwareRegistry presets = HardwareRegistry::presets();
        const HardwareSpec& h200 = presets.get("h200");
        double total_s = 0, longest_s = 0;
        for (const BenchCase& c : plan.cases) {
            const double sample_s = predict(h200, c.shape, c.precision, Mode::Realistic).predicted_time_us * 1e-6;
            const double case_s = std::max(plan.time_budget_per_case_s, (plan.min_samples + 1) * sample_s) + kSetupPerCaseS;
            total_s += case_s;
            longest_s = std::max(longest_s, case_s);
        }
        qInfo("llm plan: %zu cases, about %.0f s on an H200 (longest case %.2f s)", plan.cases.size(), total_s, longest_s);
        QVERIFY2(total_s < kPlanLimitS, std::to_string(total_s).c_str());
    }

    // The `layers` plan: every elementwise kind the plugins run, at the models' decode and prefill token counts, in
    // both precisions, each shape once, within two minutes of H200 time.
    void testLayerPlan()
    {
        const BenchPlan plan = layer_plan();
        QCOMPARE(plan.name, std::string("layers"));
        std::map<KernelType, int> per_kind;
        std::set<Precision> precisions;
        std::set<int64_t> rmsnorm_rows;
        bool fused_residual = false;
        double total_s = 0;
        const HardwareRegistry presets = HardwareRegistry::presets();
        for (const BenchCase& c : plan.cases) {
            ++per_kind[kernel_of(c.shape)];
            precisions.insert(c.precision);
            if (const auto* n = std::get_if<RmsNormShape>(&c.shape)) {
                rmsnorm_rows.insert(n->rows);
                fused_residual |= n->with_residual;
            }
            const double sample_s = predict(presets.get("h200"), c.shape, c.precision, Mode::Realistic).predicted_time_us * 1e-6;
            total_s += std::max(plan.time_budget_per_case_s, (plan.min_samples + 1) * sample_s) + kSetupPerCaseS / 3;
            QVERIFY2(workload(c.shape, c.precision).bytes <= 0.4 * kH200MemoryBytes, format_shape(c.shape).c_str());
            QCOMPARE(std::count(plan.cases.begin(), plan.cases.end(), c), std::ptrdiff_t(1));
        }
        for (KernelType k : {KernelType::RMSNorm, KernelType::RoPE, KernelType::Residual, KernelType::Activation,
                             KernelType::TopK, KernelType::Embedding})
            QVERIFY2(per_kind[k] >= 20, (std::string(to_string(k)) + " " + std::to_string(per_kind[k])).c_str());
        QCOMPARE(per_kind.size(), std::size_t(6)); // no grouped GEMM: no plugin runs it
        QCOMPARE(precisions, (std::set<Precision>{Precision::BF16, Precision::FP16}));
        for (int64_t rows : {1, 256, 32768}) // a decode batch's tokens, the largest batch, the longest prompt
            QVERIFY2(rmsnorm_rows.count(rows), std::to_string(rows).c_str());
        QVERIFY(fused_residual);
        qInfo("layers plan: %zu cases, about %.0f s on an H200", plan.cases.size(), total_s);
        QVERIFY2(total_s < 120, std::to_string(total_s).c_str());
        QVERIFY(parse_plan_json(plan_to_json(plan), "layers.json").cases == plan.cases); // a plan the plugins run
    }

    // The committed file is the plan the core builds (bench/plans/make_llm_plan.py rewrites it).
    void testCommittedFileIsCurrent()
    {
        const BenchPlan file = load_plan(std::string(ROOFLINE_SOURCE_DIR) + "/bench/plans/llm.json");
        const BenchPlan built = llm_plan();
        QVERIFY2(file.cases == built.cases, "bench/plans/llm.json is stale: run python3 bench/plans/make_llm_plan.py");
        QCOMPARE(file.time_budget_per_case_s, built.time_budget_per_case_s);
        QCOMPARE(file.min_samples, built.min_samples);
        QCOMPARE(file.cache_mode, built.cache_mode);
    }
};

QTEST_APPLESS_MAIN(TestLlmPlan)
#include "tst_llm_plan.moc"
