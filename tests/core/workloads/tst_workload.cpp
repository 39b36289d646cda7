// The workload of a model step (workload.h) and its prediction (step_prediction.h): kernels, counts, FLOPs and bytes
// against hand counts, E_active, the sum of the step, the memory verdict and the weight formats.
#include "roofline/support/errors.h"
#include "roofline/hardware/hardware_registry.h"
#include "roofline/workloads/model_library.h"
#include "roofline/workloads/model_parameters.h"
#include "roofline/workloads/step_prediction.h"

#include "builtin_models.h"

#include <QtTest>

#include <cmath>
#include <map>

using namespace roofline;

namespace {

const StepKernel& find(const StepWorkload& w, const std::string& name)
{
    for (const StepKernel& k : w.kernels)
        if (k.name == name)
            return k;
    throw std::runtime_error("no kernel " + name);
}

// Σ count · FLOPs and Σ count · bytes over the layers' kernels.
std::pair<double, double> layer_totals(const StepWorkload& w)
{
    double flops = 0, bytes = 0;
    for (const StepKernel& k : w.kernels) {
        if (!k.in_layer)
            continue;
        const Workload work = workload(k.shape, k.bytes);
        flops += static_cast<double>(k.count) * static_cast<double>(work.flops);
        bytes += static_cast<double>(k.count) * work.bytes;
    }
    return {flops, bytes};
}

} // namespace

class TestWorkload : public QObject {
    Q_OBJECT

    HardwareRegistry registry_ = HardwareRegistry::presets();

private slots:
    // One Llama-3.1-8B layer, decode, batch 1, 4096 cached, BF16, no fusion: eleven kernels, the two residual adds
    // one entry of 64 (they are alike), and the head's three.
    void testLlama8bLayerByHand()
    {
        const ModelDescription& m = builtin("llama-3.1-8b");
        StepOptions o; // BF16, batch 1, context 4096
        const StepWorkload w = build_step(m, registry_.get("h100_sxm"), o, Phase::Decode);
        std::map<std::string, int64_t> counts;
        int64_t launches = 0;
        for (const StepKernel& k : w.kernels) {
            counts[k.name] = k.count;
            launches += k.count;
        }
        const std::map<std::string, int64_t> expected = {
            {"attn_norm", 32}, {"qkv_proj", 32}, {"rope", 32}, {"attention", 32}, {"o_proj", 32}, {"residual", 64},
            {"ffn_norm", 32}, {"gate_up_proj", 32}, {"act", 32}, {"down_proj", 32},
            {"embedding", 1}, {"final_norm", 1}, {"lm_head", 1}};
        QCOMPARE(counts, expected);
        QCOMPARE(launches, int64_t{32 * 11 + 3});

        // H 4096, 32 heads, 8 KV heads of 128 (q 4096, k and v 1024 each), I 14336; one token: every product a GEMV.
        QVERIFY(std::holds_alternative<GemvShape>(find(w, "qkv_proj").shape));
        const double H = 4096, Q = 4096, KV = 1024, I = 14336, D = 128, depth = 4096 + 1, b = 2;
        const double flops =
            4 * H                         // attn_norm: square, sum, scale, weight a hidden element
            + 2 * (Q + 2 * KV) * H        // qkv_proj: 2·N·K
            + 3 * (32 + 8) * D            // rope: 3 a rotated element of q and k
            + 4 * 32 * D * depth          // attention: Q·Kᵀ and P·V, 2·D each over 4097 keys (4096 cached + itself)
            + 2 * H * Q                   // o_proj
            + H                           // residual
            + 4 * H                       // ffn_norm
            + 2 * (2 * I) * H             // gate_up_proj: N = 2·intermediate
            + 5 * I                       // act: SiLU (4) and the multiply
            + 2 * H * I                   // down_proj
            + H;                          // residual
        const double bytes =
            (H + H + H) * b                       // attn_norm: x in, y out, the weight
            + ((Q + 2 * KV) * H + H + (Q + 2 * KV)) * b // qkv_proj: W, x, y
            + ((32 + 8) * D * 2 + D) * b          // rope: q and k in and out, cos and sin
            + (32 * D * 2 + 2 * 8 * depth * D) * b // attention: q in, o out, K and V of 4097 positions
            + (H * Q + Q + H) * b                 // o_proj
            + 3 * H * b                           // residual: two in, one out
            + 3 * H * b                           // ffn_norm
            + (2 * I * H + H + 2 * I) * b         // gate_up_proj
            + 3 * I * b                           // act: gate and up in, one out
            + (H * I + I + H) * b                 // down_proj
            + 3 * H * b;                          // residual
        const auto [got_flops, got_bytes] = layer_totals(w);
        QCOMPARE(got_flops / 32, flops);
        QCOMPARE(got_bytes / 32, bytes);
    }

    // Qwen3-30B-A3B, decode at batch 8: N = 8 tokens choose 8 of 128 experts each.
    void testMoeLayerByHand()
    {
        const ModelDescription& m = builtin("qwen3-30b-a3b");
        StepOptions o;
        o.batch = 8;
        o.context = 1024;
        const StepWorkload w = build_step(m, registry_.get("h100_sxm"), o, Phase::Decode);
        const double e_active = 128 * (1 - std::pow(1 - 8.0 / 128, 8)); // E·(1 − (1 − k/E)^N) = 51.62
        QCOMPARE(w.experts_active, e_active);
        QCOMPARE(w.expert_groups, int64_t{52});
        const auto* up = std::get_if<GroupedGemmShape>(&find(w, "experts_gate_up").shape);
        QVERIFY(up);
        QCOMPARE(up->groups, int64_t{52});
        QCOMPARE(up->rows, int64_t{8 * 8}); // N·k token rows, 64 / 52 a group
        QCOMPARE(up->n, int64_t{2 * 768});
        QCOMPARE(find(w, "experts_down").count, int64_t{48});
        QCOMPARE(find(w, "qk_norm").count, int64_t{48});

        const double H = 2048, Q = 32 * 128.0, KV = 4 * 128.0, Ie = 768, E = 128, N = 8, rows = 64, G = 52, b = 2;
        const double depth = 1024 + 1;
        const double flops = 4 * N * H                 // attn_norm
            + 2 * N * (Q + 2 * KV) * H                 // qkv_proj
            + 4 * N * (32 + 4) * 128                   // qk_norm over each q and k head
            + 3 * N * (32 + 4) * 128                   // rope
            + 4 * N * 32 * 128 * depth                 // attention
            + 2 * N * H * Q                            // o_proj
            + N * H + 4 * N * H                        // residual, ffn_norm
            + 2 * N * E * H                            // router
            + 4 * N * E                                // topk: softmax over the logits
            + 2 * rows * (2 * Ie) * H                  // experts_gate_up: 2·R·N·K
            + 5 * rows * Ie                            // experts_act
            + 2 * rows * H * Ie                        // experts_down
            + N * H;                                   // residual
        const double bytes = (2 * N * H + H) * b      // attn_norm: x in, y out, the weight once
            + (N * H + (Q + 2 * KV) * H + N * (Q + 2 * KV)) * b // qkv_proj: A, W, C
            + (2 * N * 36 * 128 + 128) * b             // qk_norm
            + (2 * N * 36 * 128 + N * 128) * b         // rope
            + (2 * N * 32 * 128 + 2 * N * 4 * depth * 128) * b // attention
            + (N * Q + Q * H + N * H) * b              // o_proj
            + 3 * N * H * b + (2 * N * H + H) * b      // residual, ffn_norm
            + (N * H + H * E + N * E) * b              // router
            + N * E * b + N * 8 * (4 + b)              // topk: logits in; ids and weights out
            + (rows * H + G * H * 2 * Ie + rows * 2 * Ie) * b // experts_gate_up: every active expert's weights
            + 3 * rows * Ie * b                        // experts_act
            + (rows * Ie + G * Ie * H + rows * H) * b  // experts_down
            + 3 * N * H * b;                           // residual
        const auto [got_flops, got_bytes] = layer_totals(w);
        QCOMPARE(got_flops / 48, flops);
        QCOMPARE(got_bytes / 48, bytes);
    }

    void testStepTimeAddsUp_data()
    {
        QTest::addColumn<int>("mode");
        QTest::addColumn<int>("fusion");
        QTest::newRow("ideal") << int(Mode::Ideal) << int(Fusion::None);
        QTest::newRow("realistic") << int(Mode::Realistic) << int(Fusion::None);
        QTest::newRow("refined, typical") << int(Mode::Refined) << int(Fusion::Typical);
    }

    void testStepTimeAddsUp()
    {
        QFETCH(int, mode);
        QFETCH(int, fusion);
        const HardwareSpec& hw = registry_.get("h100_sxm");
        StepOptions o;
        o.batch = 4;
        o.model.mode = static_cast<Mode>(mode);
        o.fusion = static_cast<Fusion>(fusion);
        for (const char* name : {"llama-3.1-8b", "gpt-oss-20b", "gemma-3-4b-it"}) {
            const ModelDescription& m = builtin(name);
            for (Phase phase : {Phase::Decode, Phase::Prefill}) {
                const PhasePrediction p = predict_phase(m, hw, o, phase);
                const double gap = launch_gap(hw, o).us;
                QCOMPARE(gap, o.model.mode == Mode::Refined ? 0.0 : hw.launch_overhead_us);
                double sum = 0;
                for (const StepKernel& k : p.workload.kernels) {
                    const Prediction one = predict(hw, k.shape, k.compute, k.bytes, o.model);
                    QVERIFY2(one.predicted_time_us > 0 && std::isfinite(one.predicted_time_us), k.name.c_str());
                    sum += static_cast<double>(k.count) * (one.predicted_time_us + gap);
                }
                QVERIFY(std::abs(sum - p.step_time_us) <= 1e-9 * sum);
                const StepShares& s = p.shares;
                QVERIFY(std::abs(s.gemm + s.attention + s.elementwise + s.launch - p.step_time_us) <= 1e-6 * sum);
                QVERIFY(std::abs(s.memory + s.compute + s.latency - p.step_time_us) <= 1e-6 * sum);
                const double tokens = phase == Phase::Decode ? 4 : 4 * 512;
                QCOMPARE(p.tokens_per_s, tokens / (p.step_time_us * 1e-6));
            }
        }
    }

    // Kinds without efficiency entries fall back to the bound and say so.
    void testMissingEntriesFallBack()
    {
        const HardwareSpec& hw = registry_.get("h100_sxm");
        const Prediction realistic = predict(hw, RmsNormShape{8, 4096, false}, Precision::BF16, Mode::Realistic);
        QCOMPARE(realistic.predicted_time_us, realistic.ideal_time_us);
        QVERIFY(!realistic.notes.empty());
        ModelOptions refined;
        refined.mode = Mode::Refined;
        const Prediction r = predict(hw, RmsNormShape{8, 4096, false}, Precision::BF16, refined);
        QCOMPARE(r.launch_us, hw.launch_overhead_us);
        QVERIFY(!r.notes.empty());
        // A grouped GEMM reads the GEMM's entries: the GEMM's factor where it is compute-bound; where it is
        // memory-bound (16 rows a group) the GEMV's, as a GEMM's factor is a compute factor (issue 29).
        const Prediction g = predict(hw, GroupedGemmShape{4, 4096, 1536, 2048}, Precision::BF16, Mode::Realistic);
        QCOMPARE(g.bottleneck, Bottleneck::Compute);
        QCOMPARE(g.efficiency_factor, *hw.efficiency(KernelType::GEMM, Precision::BF16));
        const Prediction few = predict(hw, GroupedGemmShape{4, 64, 1536, 2048}, Precision::BF16, Mode::Realistic);
        QCOMPARE(few.bottleneck, Bottleneck::Memory);
        QCOMPARE(few.efficiency_factor, *hw.efficiency(KernelType::GEMV, Precision::BF16));
    }

    void testMemoryVerdict()
    {
        StepOptions o; // batch 1, 4096 cached
        const ModelDescription& llama70 = builtin("llama-3.1-70b");
        const MemoryEstimate h100 = estimate_memory(llama70, registry_.get("h100_sxm"), o, StepPhases::Decode);
        QVERIFY(h100.weight_bytes > 140e9); // 70.55 B parameters of 2 bytes
        QVERIFY(!h100.fits());
        QVERIFY(estimate_memory(llama70, registry_.get("h200"), o, StepPhases::Decode).fits());
        const MemoryEstimate spark = estimate_memory(builtin("gpt-oss-120b"), registry_.get("b10"), o, StepPhases::Decode);
        QVERIFY(spark.weight_bytes < 70e9); // MXFP4 experts
        QVERIFY(spark.fits());
        // BF16 weights are 2 bytes a parameter; the KV cache of the 8B is 32 layers · 2 · 1024 · 4097 tokens · 2 bytes.
        const ModelDescription& llama8 = builtin("llama-3.1-8b");
        const MemoryEstimate m = estimate_memory(llama8, registry_.get("h100_sxm"), o, StepPhases::Decode);
        QCOMPARE(m.weight_bytes, 2.0 * static_cast<double>(count_parameters(llama8).total()));
        QCOMPARE(m.kv_cache_bytes, 32.0 * 2 * 1024 * 4097 * 2);
    }

    void testQ4KMix()
    {
        const ModelDescription& m = builtin("llama-3.1-8b");
        const WeightScheme s = parse_weight_scheme("q4_k_m");
        const auto type = [&](TensorRole role, int64_t layer) { return tensor_format(m, s, Precision::BF16, role, layer).name; };
        // use_more_bits(i, 32): i < 4, i >= 28, or (i − 4) % 3 == 2.
        QCOMPARE(type(TensorRole::AttnV, 0), std::string("Q6_K"));
        QCOMPARE(type(TensorRole::AttnV, 4), std::string("Q4_K"));
        QCOMPARE(type(TensorRole::AttnV, 6), std::string("Q6_K"));
        QCOMPARE(type(TensorRole::FfnDown, 31), std::string("Q6_K"));
        QCOMPARE(type(TensorRole::FfnGateUp, 0), std::string("Q4_K"));
        QCOMPARE(type(TensorRole::LmHead, 0), std::string("Q6_K"));
        QCOMPARE(type(TensorRole::Embedding, 0), std::string("Q4_K"));
        int q6 = 0;
        for (int64_t i = 0; i < 32; ++i)
            q6 += type(TensorRole::AttnV, i) == "Q6_K";
        QCOMPARE(q6, 16);
        // Weight-only: the products compute at BF16 and move Q4_K's 144 bytes a 256 weights.
        StepOptions o;
        o.weights = s;
        const StepWorkload w = build_step(m, registry_.get("h100_sxm"), o, Phase::Decode);
        QCOMPARE(find(w, "gate_up_proj").compute, Precision::BF16);
        QCOMPARE(find(w, "gate_up_proj").bytes.weight, 144.0 / 256);
        // gpt-oss's experts: MXFP4 from its description; on an H100 (no MXFP4 peak) dequantized to BF16.
        const StepWorkload oss = build_step(builtin("gpt-oss-20b"), registry_.get("h100_sxm"), StepOptions{}, Phase::Decode);
        QCOMPARE(find(oss, "experts_down").format, std::string("MXFP4"));
        QCOMPARE(find(oss, "experts_down").compute, Precision::BF16);
        QCOMPARE(find(oss, "o_proj").format, std::string("BF16"));
        QVERIFY_THROWS_EXCEPTION(InputError, parse_weight_scheme("Q4_K_X"));
        // gpt-oss rows are 2880 wide, not whole 256-blocks: llama.cpp's fallbacks (Q4_K -> Q5_0, Q6_K -> Q8_0).
        const ModelDescription& g = builtin("gpt-oss-20b");
        QCOMPARE(tensor_format(g, s, Precision::BF16, TensorRole::ExpertGateUp, 5).name, std::string("Q5_0"));
        QCOMPARE(tensor_format(g, s, Precision::BF16, TensorRole::ExpertDown, 0).name, std::string("Q8_0"));
        QCOMPARE(tensor_format(g, s, Precision::BF16, TensorRole::LmHead, 0).name, std::string("Q8_0"));
        // FP8 weights on an A100 (no FP8 peak): dequantized, multiplied at BF16, and said so.
        StepOptions fp8;
        fp8.weights = parse_weight_scheme("fp8");
        const StepWorkload a100 = build_step(m, registry_.get("a100_sxm"), fp8, Phase::Decode);
        QCOMPARE(find(a100, "o_proj").compute, Precision::BF16);
        QCOMPARE(find(a100, "o_proj").bytes.weight, 1.0);
        QVERIFY(!a100.notes.empty() && a100.notes.front().find("no FP8_E4M3 peak") != std::string::npos);
        QCOMPARE(find(build_step(m, registry_.get("h100_sxm"), fp8, Phase::Decode), "o_proj").compute, Precision::FP8_E4M3);

    }

    void testComputeBoundBatch()
    {
        StepOptions o;
        o.model.mode = Mode::Ideal;
        const HardwareSpec& hw = registry_.get("h100_sxm");
        // A BF16 GEMM of M rows has an intensity of about M FLOP a byte: it turns compute-bound near the ridge,
        // 989 TFLOP/s ÷ 3.35 TB/s = 295.
        const auto batch = compute_bound_batch(builtin("llama-3.1-8b"), hw, o);
        QVERIFY(batch);
        QVERIFY2(*batch > 250 && *batch < 450, std::to_string(*batch).c_str());
    }

    // Gemma 3's sliding layers attend over their window and keep only that much cache; an FP8 cache halves it.
    void testSlidingWindowAndFp8Cache()
    {
        const ModelDescription& m = builtin("gemma-3-4b-it");
        QVERIFY(m.sliding_window && m.sliding_layer_count() > 0);
        StepOptions o;
        o.context = 16384;
        const StepWorkload w = build_step(m, registry_.get("h100_sxm"), o, Phase::Decode);
        int64_t windowed = 0, full = 0;
        for (const StepKernel& k : w.kernels) {
            if (const auto* a = std::get_if<AttentionShape>(&k.shape))
                (a->window > 0 ? windowed : full) += k.count;
        }
        QCOMPARE(windowed, m.sliding_layer_count());
        QCOMPARE(full, m.num_layers - m.sliding_layer_count());
        const double window = static_cast<double>(*m.sliding_window), depth = 16384 + 1;
        const double kv_layer = 2.0 * static_cast<double>(m.kv_width()) * 2; // K and V a token, BF16
        const MemoryEstimate mem = estimate_memory(m, registry_.get("h100_sxm"), o, StepPhases::Decode);
        QCOMPARE(mem.kv_cache_bytes, kv_layer * (static_cast<double>(windowed) * window + static_cast<double>(full) * depth));
        o.kv_cache = Precision::FP8_E4M3;
        QCOMPARE(estimate_memory(m, registry_.get("h100_sxm"), o, StepPhases::Decode).kv_cache_bytes, mem.kv_cache_bytes / 2);
        // Refined mode adds no gap: the latency floor holds the launch.
        o.model.mode = Mode::Refined;
        QCOMPARE(launch_gap(registry_.get("h100_sxm"), o).us, 0.0);
    }

    // Tensor parallelism 2 on the H200: every GEMM of a layer does half the work and reads half the weights; two
    // all-reduces a layer (and one after the embedding) of the tokens' hidden rows, timed by the ring formula.
    void testTensorParallelHalvesTheGemms()
    {
        const ModelDescription& m = builtin("llama-3.1-8b");
        const HardwareSpec& hw = registry_.get("h200");
        StepOptions o;
        o.batch = 8;
        o.context = 1024;
        const StepWorkload one = build_step(m, hw, o, Phase::Decode);
        o.tp = 2;
        const StepWorkload two = build_step(m, hw, o, Phase::Decode);
        for (const char* name : {"qkv_proj", "o_proj", "gate_up_proj", "down_proj"}) {
            const Workload a = workload(find(one, name).shape, find(one, name).bytes);
            const Workload b = workload(find(two, name).shape, find(two, name).bytes);
            QCOMPARE(2 * b.flops, a.flops);
            QVERIFY2(b.bytes < 0.51 * a.bytes && b.bytes > 0.49 * a.bytes, name); // weights halve, activations nearly
        }
        // Attention: 16 of 32 query heads and 4 of 8 KV heads a GPU.
        const auto& attention = std::get<AttentionShape>(find(two, "attention").shape);
        QCOMPARE(attention.heads, int64_t{16});
        QCOMPARE(attention.kv_heads, int64_t{4});
        QVERIFY(one.collectives.empty());
        QCOMPARE(two.collectives.size(), std::size_t{3});
        int64_t in_layers = 0;
        for (const StepCollective& c : two.collectives) {
            QCOMPARE(c.bytes, 8.0 * 4096 * 2); // B rows of the hidden size in BF16
            QCOMPARE(c.gpus, int64_t{2});
            in_layers += c.in_layer ? c.count : 0;
        }
        QCOMPARE(in_layers, int64_t{64});
        // By hand: 2 · (2 − 1)/2 · 65536 bytes / 450 GB/s + 8 µs = 0.1456 + 8 µs.
        QVERIFY(std::abs(allreduce_time_us(hw, 65536, 2) - (65536.0 / 450e3 + 8.0)) < 1e-12);
        QVERIFY(std::abs(allreduce_time_us(hw, 65536, 8) - (2.0 * 7 / 8 * 65536.0 / 450e3 + 8.0)) < 1e-12);
        const PhasePrediction p = predict_phase(m, hw, o, Phase::Decode);
        const double gap = launch_gap(hw, o).us;
        double sum = 0;
        for (const KernelTime& k : p.kernels)
            sum += k.total_us();
        for (const CollectiveTime& c : p.collectives) {
            QCOMPARE(c.time_us, allreduce_time_us(hw, c.collective.bytes, 2));
            sum += static_cast<double>(c.collective.count) * (c.time_us + gap);
        }
        QVERIFY(std::abs(sum - p.step_time_us) <= 1e-9 * sum);
        QVERIFY(p.shares.allreduce > 65 * 8.0);
        QVERIFY(std::abs(p.shares.gemm + p.shares.attention + p.shares.elementwise + p.shares.allreduce + p.shares.launch
                         - p.step_time_us) <= 1e-6 * sum);
        // Per GPU, the KV cache halves and the weights nearly do (norms are on both).
        StepOptions single = o;
        single.tp = 1;
        const MemoryEstimate m1 = estimate_memory(m, hw, single, StepPhases::Decode);
        const MemoryEstimate m2 = estimate_memory(m, hw, o, StepPhases::Decode);
        QCOMPARE(2 * m2.kv_cache_bytes, m1.kv_cache_bytes);
        QVERIFY(m2.weight_bytes < 0.501 * m1.weight_bytes);
    }

    void testTensorParallelNeedsLinks()
    {
        const ModelDescription& m = builtin("llama-3.1-8b");
        StepOptions o;
        o.tp = 2;
        try {
            build_step(m, registry_.get("rtx_5090"), o, Phase::Decode);
            QFAIL("--tp 2 without link fields was accepted");
        } catch (const InputError& e) {
            QCOMPARE(e.where().field, std::string("link_bandwidth_gb_s"));
            QVERIFY(std::string(e.what()).find("rtx_5090") != std::string::npos);
        }
        o.tp = 1;
        build_step(m, registry_.get("rtx_5090"), o, Phase::Decode); // one GPU needs no link
        o.tp = 3; // 32 heads do not split over 3 GPUs
        try {
            build_step(m, registry_.get("h200"), o, Phase::Decode);
            QFAIL("--tp 3 with 32 heads was accepted");
        } catch (const InputError& e) {
            QCOMPARE(e.where().field, std::string("tp"));
        }
        // Fewer KV heads than GPUs: each keeps one.
        o.tp = 16;
        QCOMPARE(tensor_parallel_shard(m, 16).num_kv_heads, int64_t{1});
        QCOMPARE(tensor_parallel_shard(m, 16).num_attention_heads, int64_t{2});
    }

    // The launch gap follows --launch: the profile's measured graph or eager gap, else launch_overhead_us.
    void testLaunchModes()
    {
        HardwareSpec hw = registry_.get("h200");
        StepOptions o; // graph by default
        // The H200 preset carries the gaps `roofline ceilings` measured.
        QCOMPARE(launch_gap(hw, o).us, 0.544);
        QVERIFY(launch_gap(hw, o).source.find("resources/measurements/h200_ceilings") != std::string::npos);
        hw.launch_gap_graph_us.reset();
        QCOMPARE(launch_gap(hw, o).us, hw.launch_overhead_us);
        QVERIFY(launch_gap(hw, o).source.find("launch_gap_graph_us") != std::string::npos);
        hw.launch_gap_graph_us = 1.25;
        hw.launch_gap_eager_us = 3.5;
        hw.sources["launch_gap_graph_us"] = "measured: a test";
        QCOMPARE(launch_gap(hw, o).us, 1.25);
        QVERIFY(launch_gap(hw, o).source.find("measured: a test") != std::string::npos);
        o.launch = LaunchMode::Eager;
        QCOMPARE(launch_gap(hw, o).us, 3.5);
        o.launch_gap_us = 0.5;
        QCOMPARE(launch_gap(hw, o).us, 0.5);
        QCOMPARE(parse_launch_mode("graph"), std::optional<LaunchMode>(LaunchMode::Graph));
        QVERIFY(!parse_launch_mode("cuda"));
    }

    void testBadOptions()
    {
        StepOptions o;
        o.batch = 0;
        QVERIFY_THROWS_EXCEPTION(InputError, build_step(builtin("llama-3.1-8b"), registry_.get("h100_sxm"), o, Phase::Decode));
    }
};

QTEST_APPLESS_MAIN(TestWorkload)
#include "tst_workload.moc"
