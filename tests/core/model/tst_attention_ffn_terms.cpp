// Refined mode's attention and FFN terms (core/model/src/attention_terms.cpp, ffn_terms.cpp) against hand-computed
// cases, and their calibration and the elementwise kinds' (kernel_terms_fit.cpp) recovering the numbers that made a
// set of measurements.
#include "roofline/calibration/calibration.h"
#include "roofline/model/calculator.h"
#include "roofline/support/errors.h"
#include "roofline/hardware/hardware_registry.h"
#include "roofline/results/measurements.h"

#include <QTest>

#include <cmath>

using namespace roofline;

namespace {

// A small GPU whose numbers make the arithmetic easy to follow: 16 SMs, 100 TFLOP/s BF16, 1000 GB/s.
HardwareSpec small_gpu()
{
    HardwareSpec hw;
    hw.key = "small";
    hw.name = "small";
    hw.peak_bandwidth_gb_s = 1000;
    hw.peak_tflops[Precision::BF16] = 100;
    hw.sm_count = 16;
    hw.gemm_tile_m = 64;
    hw.gemm_tile_n = 64;
    for (KernelType k : {KernelType::Attention, KernelType::FFN}) {
        hw.compute_efficiency[k][Precision::BF16] = 0.5;
        hw.memory_efficiency[k][Precision::BF16] = 0.8;
        hw.latency_floor_us[k][Precision::BF16] = 2;
    }
    hw.attention_query_tile = 64;
    hw.attention_unit_bandwidth_gb_s = 100;
    return hw;
}

Prediction refined(const HardwareSpec& hw, const KernelShape& shape, const ModelTerms& terms = {})
{
    return predict(hw, shape, Precision::BF16, ModelOptions{Mode::Refined, terms, CacheMode::Cold, true});
}

const Term* term(const Prediction& p, const std::string& name)
{
    for (const Term& t : p.breakdown) {
        if (t.name == name)
            return &t;
    }
    return nullptr;
}

// BF16 rows, cold, each measured at the time `truth` predicts for it in refined mode.
MeasurementSet measured_by(const HardwareSpec& truth, const std::vector<KernelShape>& shapes)
{
    MeasurementSet set;
    set.source = "synthetic";
    for (const KernelShape& shape : shapes) {
        Measurement m;
        m.row_index = set.rows.size();
        m.shape = shape;
        m.precision = Precision::BF16;
        m.cache_mode = "cold";
        m.measured_time_us = predict(truth, shape, Precision::BF16, ModelOptions{Mode::Refined, {}, CacheMode::Cold, false}).predicted_time_us;
        set.rows.push_back(m);
    }
    return set;
}

} // namespace

class TestAttentionFfnTerms : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // Decode, 1 sequence × 4 heads (2 KV heads) × 1024 keys × 64: 4 units, one per head, each streaming its
    // K and V, 2·1024·64·2 = 262144 bytes, at 100 GB/s: 2.62144 µs, more than the memory roof
    // (525312 bytes / 1000 GB/s / 0.8 = 0.65664 µs) and the math of the 4 query tiles cut down to 16 rows
    // (4·64·16·1024 FLOP a tile on 100/16 TFLOP/s × 0.5: 1.34217728 µs). + the floor of 2 µs.
    void testDecodeHasAPartitionFloor()
    {
        const HardwareSpec hw = small_gpu();
        const AttentionShape decode{1, 4, 2, 1, 1024, 64, false};
        const Prediction p = refined(hw, decode);
        QVERIFY(std::fabs(p.predicted_time_us - 4.62144) < 1e-9);
        QCOMPARE(p.bottleneck, Bottleneck::Memory);
        QVERIFY(term(p, "partition floor") && std::fabs(term(p, "partition floor")->time_us - 2.62144) < 1e-9);
        QVERIFY(std::fabs(term(p, "memory")->time_us - 0.65664) < 1e-9);
        QVERIFY(std::fabs(term(p, "math")->time_us - 1.34217728) < 1e-9);
        QCOMPARE(p.launch_us, 2.0);
    }

    // Split-KV in partitions of 256 keys: 16 units, one wave on 16 SMs, each streaming 65536 bytes (the floor falls
    // to 0.65536 µs) and computing a quarter of its tile's math (0.33554432 µs): the memory roof decides.
    void testSplitKvLowersTheFloor()
    {
        HardwareSpec hw = small_gpu();
        hw.attention_kv_split = 256;
        const Prediction p = refined(hw, AttentionShape{1, 4, 2, 1, 1024, 64, false});
        QVERIFY(std::fabs(term(p, "partition floor")->time_us - 0.65536) < 1e-9);
        QVERIFY(std::fabs(term(p, "math")->time_us - 0.33554432) < 1e-9);
        QVERIFY(std::fabs(p.predicted_time_us - (0.65664 + 2)) < 1e-9);
        QCOMPARE(p.bottleneck, Bottleneck::Latency); // the 2 µs floor is more than any bound
        // Without the wave term there are neither tiles nor a partition floor: the plain roofline + floor.
        ModelTerms no_waves;
        no_waves.wave_quantization = false;
        const Prediction plain = refined(hw, AttentionShape{1, 4, 2, 1, 1024, 64, false}, no_waves);
        QVERIFY(!term(plain, "partition floor"));
        QVERIFY(std::fabs(plain.predicted_time_us - (0.65664 + 2)) < 1e-9);
    }

    // Causal prefill of 256 queries in tiles of 64: the tiles see 64, 128, 192 and 256 keys (640 a head, against
    // 1024 without the mask); 16 tiles, one wave; mean tile 4·64·64·640·4/16 FLOP on 100/16 TFLOP/s × 0.5:
    // 0.8388608 µs, above the memory (524288 bytes: 0.65536 µs) and the partition floor (160 keys a tile:
    // 40960 bytes at 100 GB/s = 0.4096 µs).
    void testCausalPrefillInTilesAndWaves()
    {
        const HardwareSpec hw = small_gpu();
        const Prediction causal = refined(hw, AttentionShape{1, 4, 4, 256, 256, 64, true});
        QVERIFY(std::fabs(causal.predicted_time_us - 2.8388608) < 1e-9);
        QVERIFY(causal.t_math_us > causal.t_mem_us);
        QCOMPARE(refined(hw, AttentionShape{1, 4, 4, 1024, 1024, 64, true}).bottleneck, Bottleneck::Compute);
        const Prediction full = refined(hw, AttentionShape{1, 4, 4, 256, 256, 64, false});
        QVERIFY(std::fabs(full.t_math_us - 1.34217728) < 1e-9);
        QVERIFY(std::fabs(causal.t_math_us / full.t_math_us - 640.0 / 1024.0) < 1e-12);
        // Twice the batch: 32 tiles in two waves on 16 SMs, twice the math.
        const Prediction batched = refined(hw, AttentionShape{2, 4, 4, 256, 256, 64, false});
        QVERIFY(std::fabs(batched.t_math_us - 2 * 1.34217728) < 1e-9);
        // 17 heads: 68 tiles, 5 waves (the last runs 4 tiles on 16 SMs): 5 times one wave's math.
        const Prediction ragged = refined(hw, AttentionShape{1, 17, 17, 256, 256, 64, false});
        QVERIFY(std::fabs(ragged.t_math_us - 5 * 1.34217728) < 1e-9);
    }

    // SwiGLU FFN, 16 tokens, hidden 128, intermediate 256, as its three kernels, each + 2 µs:
    //   gate+up GEMM 16×512×128: 151552 bytes / 1000 GB/s / 0.8 = 0.18944 µs (math 2097152 FLOP at 100 TFLOP/s,
    //     wave efficiency 0.5 (8 tiles of 16×64 on 16 SMs), × 0.5: 0.08388608 µs);
    //   activation over 16×256: reads 16·512·2, writes 16·256·2 = 24576 bytes: 0.03072 µs;
    //   down GEMM 16×128×256: math 1048576 FLOP, wave efficiency 0.125 (2 tiles), × 0.5: 0.16777216 µs
    //     (memory 77824 bytes: 0.09728 µs).
    void testFfnIsTheSumOfItsKernels()
    {
        const HardwareSpec hw = small_gpu();
        const FfnShape ffn{16, 128, 256, true};
        const Prediction p = refined(hw, ffn);
        QVERIFY(std::fabs(p.predicted_time_us - (2.18944 + 2.03072 + 2.16777216)) < 1e-9);
        QCOMPARE(p.launch_us, 6.0);
        QCOMPARE(p.bytes, 151552.0 + 24576.0 + 77824.0);
        QCOMPARE(p.flops, uint64_t(2097152 + 1048576));
        QCOMPARE(p.breakdown.size(), std::size_t(3));
        QCOMPARE(p.breakdown[0].name, std::string("gate+up GEMM"));
        QVERIFY(std::fabs(p.breakdown[2].time_us - 2.16777216) < 1e-9);
        // Plain: the up GEMM is 16×256×128, the activation reads 16·256·2 bytes and writes as many.
        const Prediction plain = refined(hw, FfnShape{16, 128, 256, false});
        QCOMPARE(plain.breakdown[0].name, std::string("up GEMM"));
        QCOMPARE(plain.bytes, 2.0 * (16 * 128 + 128 * 256 + 16 * 256) + 2.0 * (2 * 16 * 256) + 77824.0);
    }

    // Measurements made by a known profile: calibration finds its numbers again, and predicts every row within 1 %.
    void testCalibrationRecoversTheTerms()
    {
        const HardwareRegistry presets = HardwareRegistry::presets();
        HardwareSpec truth = presets.get("h200");
        truth.compute_efficiency[KernelType::Attention][Precision::BF16] = 0.55;
        truth.memory_efficiency[KernelType::Attention][Precision::BF16] = 0.85;
        truth.latency_floor_us[KernelType::Attention][Precision::BF16] = 6;
        truth.attention_query_tile = 128;
        truth.attention_kv_split = 1024;
        // A unit's rate × the SMs above the DRAM bandwidth: large batches reach the memory roof, small ones the floor.
        truth.attention_unit_bandwidth_gb_s = 200;
        truth.compute_efficiency[KernelType::FFN][Precision::BF16] = 0.7;
        truth.memory_efficiency[KernelType::FFN][Precision::BF16] = 0.75;
        truth.latency_floor_us[KernelType::FFN][Precision::BF16] = 3;

        std::vector<KernelShape> shapes;
        for (int64_t batch : {1, 4, 16, 64})
            for (int64_t depth : {512, 4096, 32768})
                shapes.push_back(AttentionShape{batch, 32, 8, 1, depth, 128, false});
        for (int64_t tokens : {128, 512, 2048, 8192})
            shapes.push_back(AttentionShape{1, 32, 8, tokens, tokens, 128, true});
        shapes.push_back(AttentionShape{1, 32, 8, 4096, 4096, 128, false});
        for (int64_t tokens : {1, 16, 64, 256, 1024, 4096, 16384})
            shapes.push_back(FfnShape{tokens, 4096, 14336, true});
        const MeasurementSet set = measured_by(truth, shapes);
        CalibrationOptions options;
        options.key = "h200_synthetic";
        const CalibrationResult fit = calibrate(presets.get("h200"), set, nullptr, options);
        const HardwareSpec& got = fit.profile;
        for (const std::string& line : fit.log)
            qInfo("%s", line.c_str());
        QCOMPARE(fit.rows_used, set.rows.size());
        QCOMPARE(got.attention_query_tile, std::optional<int>(128));
        QCOMPARE(got.attention_kv_split, std::optional<int>(1024));
        QVERIFY(got.attention_unit_bandwidth_gb_s && std::fabs(*got.attention_unit_bandwidth_gb_s / 200 - 1) < 0.02);
        QVERIFY(std::fabs(got.compute_efficiency.at(KernelType::Attention).at(Precision::BF16) / 0.55 - 1) < 0.02);
        QVERIFY(std::fabs(got.memory_efficiency.at(KernelType::Attention).at(Precision::BF16) / 0.85 - 1) < 0.02);
        QVERIFY(std::fabs(got.compute_efficiency.at(KernelType::FFN).at(Precision::BF16) / 0.7 - 1) < 0.02);
        QVERIFY(std::fabs(got.memory_efficiency.at(KernelType::FFN).at(Precision::BF16) / 0.75 - 1) < 0.02);
        QVERIFY(std::fabs(got.latency_floor_us.at(KernelType::FFN).at(Precision::BF16) / 3 - 1) < 0.05);
        for (const Measurement& m : set.rows) {
            const double us = predict(got, m.shape, m.precision, ModelOptions{Mode::Refined, {}, CacheMode::Cold, false}).predicted_time_us;
            QVERIFY2(std::fabs(us / m.measured_time_us - 1) < 0.01, format_shape(m.shape).c_str());
        }
        QVERIFY(got.sources.count("attention_unit_bandwidth_gb_s"));
        QVERIFY(got.source_for("compute_efficiency.attention.BF16").has_value());
    }

    // The elementwise kinds: rows made by a profile with known memory efficiencies and floors (cold: each pays the
    // DRAM latency too) are fitted back to those numbers, per kind, apart from the GEMMs'.
    void testCalibrationRecoversTheLayerKinds()
    {
        const HardwareRegistry presets = HardwareRegistry::presets();
        HardwareSpec truth = presets.get("h200");
        const std::map<KernelType, std::pair<double, double>> numbers = {
            {KernelType::RMSNorm, {0.6, 3.5}}, {KernelType::RoPE, {0.45, 2.5}}, {KernelType::Residual, {0.8, 2}},
            {KernelType::Activation, {0.7, 3}}, {KernelType::TopK, {0.3, 5}}, {KernelType::Embedding, {0.5, 2.2}}};
        for (const auto& [kind, n] : numbers) {
            truth.compute_efficiency[kind][Precision::BF16] = 0.7;
            truth.memory_efficiency[kind][Precision::BF16] = n.first;
            truth.latency_floor_us[kind][Precision::BF16] = n.second;
        }
        std::vector<KernelShape> shapes;
        for (int64_t tokens : {1, 8, 64, 512, 4096, 32768}) {
            shapes.insert(shapes.end(), {RmsNormShape{tokens, 4096, false}, RmsNormShape{tokens, 8192, true}, RopeShape{tokens, 40, 128},
                                         ResidualShape{tokens * 4096}, ActivationShape{tokens, 14336, true, ActivationKind::SiLU},
                                         TopKShape{tokens, 128, 8}, EmbeddingShape{tokens, 4096}});
        }
        const MeasurementSet set = measured_by(truth, shapes);
        CalibrationOptions options;
        options.key = "h200_synthetic";
        const CalibrationResult fit = calibrate(presets.get("h200"), set, nullptr, options);
        for (const std::string& line : fit.log)
            qInfo("%s", line.c_str());
        QCOMPARE(fit.rows_used, set.rows.size());
        const HardwareSpec& got = fit.profile;
        for (const auto& [kind, n] : numbers) {
            const std::string name(to_string(kind));
            QVERIFY2(std::fabs(got.memory_efficiency.at(kind).at(Precision::BF16) / n.first - 1) < 0.02, name.c_str());
            QVERIFY2(std::fabs(got.latency_floor_us.at(kind).at(Precision::BF16) / n.second - 1) < 0.05, name.c_str());
            QVERIFY2(got.source_for("memory_efficiency." + name + ".BF16").has_value(), name.c_str());
        }
        QVERIFY(!got.memory_efficiency.count(KernelType::GEMM)); // no GEMM row: the GEMM fit did not run
        for (const Measurement& m : set.rows) {
            const double us = predict(got, m.shape, m.precision, ModelOptions{Mode::Refined, {}, CacheMode::Cold, false}).predicted_time_us;
            QVERIFY2(std::fabs(us / m.measured_time_us - 1) < 0.01, format_shape(m.shape).c_str());
        }
    }

    // A profile with the attention terms is written and read back with them.
    void testProfileKeepsTheTerms()
    {
        HardwareSpec hw = small_gpu();
        hw.attention_kv_split = 512;
        const HardwareSpec again = parse_hardware_json(hardware_to_json(hw), "again.json");
        QCOMPARE(again.attention_query_tile, hw.attention_query_tile);
        QCOMPARE(again.attention_kv_split, hw.attention_kv_split);
        QCOMPARE(again.attention_unit_bandwidth_gb_s, hw.attention_unit_bandwidth_gb_s);
    }
};

QTEST_APPLESS_MAIN(TestAttentionFfnTerms)
#include "tst_attention_ffn_terms.moc"
