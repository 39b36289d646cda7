#include "roofline/calculator.h"
#include "roofline/errors.h"
#include "roofline/hardware_registry.h"

#include <QtTest>

using namespace roofline;

Q_DECLARE_METATYPE(roofline::KernelShape)
Q_DECLARE_METATYPE(roofline::Precision)

class TestCalculator : public QObject {
    Q_OBJECT

    HardwareRegistry registry_ = HardwareRegistry::presets();

private slots:
    // The plan's Phase 1 success criteria on b10, realistic mode.
    void testPlanCriteria_data()
    {
        QTest::addColumn<KernelShape>("shape");
        QTest::addColumn<Precision>("precision");
        QTest::addColumn<double>("expected_us");
        QTest::addColumn<double>("tolerance_us");
        QTest::newRow("GEMV FP16") << KernelShape(GemvShape{4096, 4096}) << Precision::FP16 << 203.0 << 20.0;
        QTest::newRow("GEMV FP8") << KernelShape(GemvShape{4096, 4096}) << Precision::FP8_E4M3 << 35.0 << 5.0;
        QTest::newRow("GEMM FP16") << KernelShape(GemmShape{4096, 4096, 4096}) << Precision::FP16 << 14300.0 << 1500.0;
        QTest::newRow("GEMM FP8") << KernelShape(GemmShape{4096, 4096, 4096}) << Precision::FP8_E4M3 << 834.0 << 100.0;
        QTest::newRow("GEMM TF32") << KernelShape(GemmShape{4096, 4096, 4096}) << Precision::TF32 << 3680.0 << 400.0;
    }
    void testPlanCriteria()
    {
        QFETCH(KernelShape, shape);
        QFETCH(Precision, precision);
        QFETCH(double, expected_us);
        QFETCH(double, tolerance_us);
        const Prediction p = predict(registry_.get("b10"), shape, precision, Mode::Realistic);
        QVERIFY2(std::abs(p.predicted_time_us - expected_us) <= tolerance_us,
                 qPrintable(QStringLiteral("predicted %1 us, criterion %2 ± %3").arg(p.predicted_time_us).arg(expected_us).arg(tolerance_us)));
        QVERIFY(p.efficiency_from_table);
        QCOMPARE(p.predicted_time_us, p.ideal_time_us / p.efficiency_factor);
    }

    // Ideal mode is the pure roofline for the same cases: max(flops / peak, bytes / bandwidth).
    void testIdealIsPureRoofline_data() { testPlanCriteria_data(); }
    void testIdealIsPureRoofline()
    {
        QFETCH(KernelShape, shape);
        QFETCH(Precision, precision);
        const HardwareSpec& b10 = registry_.get("b10");
        const Workload w = workload(shape, precision);
        const Prediction p = predict(b10, shape, precision, Mode::Ideal);
        const double t_math_us = double(w.flops) / (*b10.peak_tflops_for(precision) * 1e12) * 1e6;
        const double t_mem_us = w.bytes / (287e9) * 1e6;
        QCOMPARE(p.predicted_time_us, std::max(t_math_us, t_mem_us));
        QCOMPARE(p.ideal_time_us, p.predicted_time_us);
        QCOMPARE(p.efficiency_factor, 1.0);
        QCOMPARE(p.effective_tflops, *b10.peak_tflops_for(precision));
        QCOMPARE(p.bottleneck, t_mem_us >= t_math_us ? Bottleneck::Memory : Bottleneck::Compute);
        QCOMPARE(p.predicted_tflops, double(w.flops) / (p.predicted_time_us * 1e-6) / 1e12);
        QCOMPARE(p.flops, w.flops);
        QCOMPARE(p.bytes, w.bytes);
        QCOMPARE(p.ai, double(w.flops) / w.bytes);
        QCOMPARE(p.critical_ai, *b10.critical_ai(precision));
    }

    void testHandComputedGemv()
    {
        // 33,570,816 bytes / 287 GB/s = 116.9715 µs; / 0.575 = 203.4287 µs.
        const Prediction p = predict(registry_.get("b10"), GemvShape{4096, 4096}, Precision::FP16, Mode::Realistic);
        QCOMPARE(qRound64(p.ideal_time_us * 1000), qint64(116971));
        QCOMPARE(qRound64(p.predicted_time_us * 1000), qint64(203429));
        QCOMPARE(p.bottleneck, Bottleneck::Memory);
        QCOMPARE(p.effective_tflops, 62.0 * 0.575);
        QVERIFY(!p.faster_than_roofline);
    }

    void testFactorAboveOneIsFlagged()
    {
        const Prediction p = predict(registry_.get("b10"), GemvShape{4096, 4096}, Precision::FP8_E4M3, Mode::Realistic);
        QCOMPARE(p.efficiency_factor, 1.68);
        QVERIFY(p.faster_than_roofline);
        QVERIFY(p.predicted_time_us < p.ideal_time_us);
    }

    void testMissingFactorIsOne()
    {
        const Prediction p = predict(registry_.get("b10"), GemmShape{1024, 1024, 1024}, Precision::FP32, Mode::Realistic);
        QCOMPARE(p.efficiency_factor, 1.0);
        QVERIFY(!p.efficiency_from_table);
        QCOMPARE(p.predicted_time_us, p.ideal_time_us);
    }

    void testComputeBound()
    {
        const Prediction p = predict(registry_.get("h100_sxm"), GemmShape{8192, 8192, 8192}, Precision::BF16, Mode::Ideal);
        QCOMPARE(p.bottleneck, Bottleneck::Compute);
        QVERIFY(p.ai > p.critical_ai);
        // 2·8192³ / 989 TFLOP/s = 1111.74 µs
        QCOMPARE(qRound64(p.predicted_time_us * 10), qint64(11117));
    }

    void testAttentionAndFfnShareTheRoofline()
    {
        const HardwareSpec& h100 = registry_.get("h100_sxm");
        const Prediction decode = predict(h100, AttentionShape{1, 32, 8, 1, 4096, 128, true}, Precision::BF16, Mode::Ideal);
        QCOMPARE(decode.bottleneck, Bottleneck::Memory);
        const Prediction prefill = predict(h100, AttentionShape{1, 32, 8, 4096, 4096, 128, true}, Precision::BF16, Mode::Ideal);
        QCOMPARE(prefill.bottleneck, Bottleneck::Compute);
        const Prediction ffn = predict(h100, FfnShape{1, 4096, 14336, true}, Precision::BF16, Mode::Ideal);
        QCOMPARE(ffn.bottleneck, Bottleneck::Memory);
        QCOMPARE(ffn.t_mem_us, ffn.bytes / 3350e9 * 1e6);
    }

    // Refined mode: each term on its own, against hand-computed numbers on an H100-like profile.
    void testRefinedTerms()
    {
        HardwareSpec hw = registry_.get("h100_sxm");
        hw.launch_overhead_us = 5;
        hw.l2_bandwidth_gb_s = 7000;
        hw.l2_efficiency = 0.5;
        hw.gemm_tile_m = 128;
        hw.gemm_tile_n = 128;
        hw.compute_efficiency = {{KernelType::GEMM, {{Precision::BF16, 0.8}}}};
        hw.memory_efficiency = {{KernelType::GEMV, {{Precision::BF16, 0.9}}}};

        // GEMV 8192² BF16 cold: 134,250,496 bytes / 3350 GB/s / 0.9 = 44.5275 µs, + 5 µs floor.
        const Prediction cold = predict(hw, GemvShape{8192, 8192}, Precision::BF16, ModelOptions{Mode::Refined, {}, CacheMode::Cold, true});
        QCOMPARE(qRound64(cold.t_mem_us * 1000), qint64(44528));
        QCOMPARE(qRound64(cold.predicted_time_us * 1000), qint64(49528));
        QCOMPARE(cold.bottleneck, Bottleneck::Memory);
        QCOMPARE(cold.breakdown.size(), std::size_t(3));
        QCOMPARE(cold.breakdown[2].name, std::string("latency floor"));

        // Warm: 52,428,800 bytes still in L2 stream at 7000 GB/s × 0.5, the other 81,821,696 from DRAM.
        const Prediction warm = predict(hw, GemvShape{8192, 8192}, Precision::BF16, ModelOptions{Mode::Refined, {}, CacheMode::Warm, true});
        const double expected_us = 81821696.0 / 3350e9 * 1e6 / 0.9 + 52428800.0 / 7000e9 * 1e6 / 0.5;
        QVERIFY(std::abs(warm.t_mem_us - expected_us) < 1e-9);
        QVERIFY(!warm.l2_resident);
        const Prediction small = predict(hw, GemvShape{1024, 1024}, Precision::BF16, ModelOptions{Mode::Refined, {}, CacheMode::Warm, true});
        QVERIFY(small.l2_resident);

        // Wave quantization: 256² output in 128² tiles is 4 tiles on 132 SMs: one wave at 4/132.
        QCOMPARE(wave_efficiency(hw, GemmShape{256, 256, 256}), 4.0 / 132);
        // 1536² is 144 tiles: two waves of 132 slots.
        QCOMPARE(wave_efficiency(hw, GemmShape{1536, 1536, 64}), 144.0 / 264);
        QCOMPARE(wave_efficiency(hw, GemvShape{1024, 1024}), 1.0);
        const Prediction gemm = predict(hw, GemmShape{256, 256, 256}, Precision::BF16, ModelOptions{Mode::Refined, {}, CacheMode::Cold, true});
        QCOMPARE(gemm.wave_efficiency, 4.0 / 132);
        // 2·256³ / 989 TFLOP/s / (4/132) / 0.8 = 1.3995 µs, under the 5 µs floor: latency-bound.
        QCOMPARE(qRound64(gemm.t_math_us * 1000), qint64(1400));
        QCOMPARE(gemm.bottleneck, Bottleneck::Latency);

        // Every term off is the plan's realistic mode: one factor for both bounds, nothing added.
        const ModelTerms none{false, false, false, false};
        for (const KernelShape& shape : {KernelShape(GemmShape{4096, 4096, 4096}), KernelShape(GemvShape{8192, 8192})}) {
            const Prediction bare = predict(hw, shape, Precision::BF16, ModelOptions{Mode::Refined, none, CacheMode::Warm, true});
            QCOMPARE(bare.predicted_time_us, predict(hw, shape, Precision::BF16, Mode::Realistic).predicted_time_us);
        }
    }

    void testNoPeakForPrecision()
    {
        try {
            predict(registry_.get("h100_sxm"), GemmShape{64, 64, 64}, Precision::NVFP4, Mode::Realistic);
            QFAIL("expected InputError");
        } catch (const InputError& e) {
            QCOMPARE(std::string(e.what()), std::string("h100_sxm has no NVFP4 peak"));
        }
    }
};

QTEST_APPLESS_MAIN(TestCalculator)
#include "tst_calculator.moc"
