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
