#include "roofline/model/calculator.h"
#include "roofline/support/errors.h"
#include "roofline/hardware/hardware_registry.h"

#include <QtTest>

#include <algorithm>
#include <set>

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
        // The plan's runs were repeated on one input (warm): its FP8 GEMV's 16.8 MB stayed in the 25 MB L2, which is
        // how it read 482 GB/s from a 287 GB/s memory. Cold, that factor is held at the roof
        // (testFactorAboveOneIsCappedCold).
        const Prediction p = predict(registry_.get("b10"), shape, precision, ModelOptions{Mode::Realistic, {}, CacheMode::Warm, true});
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
        // The compute ceiling is the GEMM's factor's: b10's GEMV factor is a memory factor (testFactorAppliesToItsBound).
        QCOMPARE(p.effective_tflops, 62.0 * 0.155);
        QVERIFY(!p.faster_than_roofline);
    }

    // Warm, with a working set that fits in L2 and a profile with no L2 bandwidth to cap at, a factor above 1 stands
    // (only an L2 hit reaches it) and is flagged.
    void testFactorAboveOneIsFlagged()
    {
        const ModelOptions warm{Mode::Realistic, {}, CacheMode::Warm, true};
        const Prediction p = predict(registry_.get("b10"), GemvShape{4096, 4096}, Precision::FP8_E4M3, warm);
        QCOMPARE(p.efficiency_factor, 1.68);
        QVERIFY(p.faster_than_roofline);
        QVERIFY(!p.capped_at_roof);
        QVERIFY(p.predicted_time_us < p.ideal_time_us);
        QCOMPARE(p.notes.size(), std::size_t(1));
        QVERIFY2(p.notes[0].find("not capped") != std::string::npos && p.notes[0].find("fits in the 25.17 MB L2") != std::string::npos,
                 p.notes[0].c_str());
    }

    // Physical limits: cold (inputs from DRAM), or warm but larger than the L2, the same factor would stream 482 GB/s
    // on a 287 GB/s memory; the prediction is held at the roofline and a note names the factor and its source.
    void testFactorAboveOneIsCappedCold()
    {
        const HardwareSpec& b10 = registry_.get("b10");
        for (const Mode mode : {Mode::Realistic, Mode::Refined}) {
            const Prediction p = predict(b10, GemvShape{4096, 4096}, Precision::FP8_E4M3, ModelOptions{mode, {}, CacheMode::Cold, true});
            QVERIFY(p.capped_at_roof);
            QVERIFY(!p.faster_than_roofline);
            QCOMPARE(p.efficiency_factor, 1.0);
            QCOMPARE(p.predicted_time_us, p.ideal_time_us); // b10 has no floor: refined adds none (and says so)
            QVERIFY(!p.notes.empty());
            const std::string& note = p.notes[0];
            QVERIFY2(note.find("b10's gemv × FP8_E4M3 factor 1.68") != std::string::npos, note.c_str());
            QVERIFY2(note.find(*b10.source_for("kernel_efficiency.gemv.FP8_E4M3")) != std::string::npos, note.c_str());
            QVERIFY2(note.find("would stream 482 GB/s, above the 287 GB/s DRAM roof: held at the roof") != std::string::npos, note.c_str());
        }
        const Prediction big = predict(b10, GemvShape{8192, 8192}, Precision::FP8_E4M3, ModelOptions{Mode::Realistic, {}, CacheMode::Warm, true});
        QVERIFY(big.capped_at_roof);
        QCOMPARE(big.predicted_time_us, big.ideal_time_us);
        QVERIFY2(big.notes[0].find("does not fit in the 25.17 MB L2") != std::string::npos, big.notes[0].c_str());
        // A GEMM of a few rows is memory-bound and streams its weights at the GEMV's factor: capped the same way.
        const Prediction two = predict(b10, GemmShape{2, 4096, 4096}, Precision::FP8_E4M3, Mode::Realistic);
        QVERIFY(two.capped_at_roof);
        QVERIFY(two.predicted_time_us >= two.ideal_time_us);
        // Where a profile has an L2 bandwidth, a warm working set that fits is held at the L2 roof instead.
        HardwareSpec with_l2 = b10;
        with_l2.l2_bandwidth_gb_s = 400;
        const Prediction l2 = predict(with_l2, GemvShape{4096, 4096}, Precision::FP8_E4M3, ModelOptions{Mode::Realistic, {}, CacheMode::Warm, true});
        QVERIFY(l2.capped_at_roof);
        QCOMPARE(qRound64(l2.bytes / (l2.predicted_time_us * 1e-6) / 1e9), qint64(400));
        QVERIFY2(l2.notes[0].find("held at the L2 roof, 400 GB/s") != std::string::npos, l2.notes[0].c_str());
    }

    // A realistic factor applies to the bound it was measured on: b10's GEMM factor (0.155, fitted on compute-bound
    // 4096³ runs) slows compute-bound GEMMs only; a GEMM of a few rows streams its weights at the GEMV's factor.
    void testFactorAppliesToItsBound()
    {
        const HardwareSpec& b10 = registry_.get("b10");
        const Prediction gemv = predict(b10, GemvShape{4096, 4096}, Precision::BF16, Mode::Realistic);
        const Prediction two = predict(b10, GemmShape{2, 4096, 4096}, Precision::BF16, Mode::Realistic);
        QCOMPARE(two.bottleneck, Bottleneck::Memory);
        QCOMPARE(two.efficiency_factor, 0.585);
        QVERIFY(two.efficiency_from_table);
        // 2 rows move 8 KB more than 1 (the second activation and output rows): 0.05 % of the 33.5 MB of weights.
        QVERIFY(two.predicted_time_us > gemv.predicted_time_us);
        QVERIFY(two.predicted_time_us < gemv.predicted_time_us * 1.001);
        QVERIFY2(two.notes.size() == 1 && two.notes[0].find("a memory-bound gemm takes the profile's gemv × BF16 factor 0.585") != std::string::npos,
                 two.notes.empty() ? "no note" : two.notes[0].c_str());
        const Prediction big = predict(b10, GemmShape{4096, 4096, 4096}, Precision::BF16, Mode::Realistic);
        QCOMPARE(big.bottleneck, Bottleneck::Compute);
        QCOMPARE(big.efficiency_factor, 0.155);
        QCOMPARE(big.predicted_time_us, big.ideal_time_us / 0.155);
        // Refined mode on a profile with only the plan's factors reads them the same way.
        const Prediction refined = predict(b10, GemmShape{2, 4096, 4096}, Precision::BF16, ModelOptions{Mode::Refined, {}, CacheMode::Cold, true});
        QCOMPARE(refined.memory_efficiency, 0.585);
        QCOMPARE(refined.compute_efficiency, 0.155);
    }

    // Refined mode says when the profile lacks a term it would otherwise take as zero; a whole step on such a
    // profile takes the launch gap instead of none.
    void testMissingTermsAreSaid()
    {
        const ModelOptions refined{Mode::Refined, {}, CacheMode::Cold, true};
        const Prediction b10 = predict(registry_.get("b10"), GemvShape{1, 4096}, Precision::BF16, refined);
        QCOMPARE(b10.launch_us, 0.0);
        const auto has = [](const Prediction& p, const std::string& text) {
            return std::any_of(p.notes.begin(), p.notes.end(), [&](const std::string& n) { return n.find(text) != std::string::npos; });
        };
        QVERIFY(has(b10, "b10 has no latency floor (no latency_floor_us, no launch_overhead_us): refined mode adds none to any kernel"));
        QVERIFY(has(b10, "b10 has no dram_latency_us"));
        // gb10 has a floor now (transferred from h200's measurements, and its source says so).
        const HardwareSpec& gb10 = registry_.get("gb10");
        const Prediction floored = predict(gb10, GemvShape{1, 4096}, Precision::BF16, refined);
        QCOMPARE(floored.launch_us, 4.55);
        QVERIFY(floored.predicted_time_us > 4.55);
        QVERIFY(!has(floored, "no latency floor"));
        QVERIFY(gb10.source_for("launch_overhead_us")->rfind("transferred from h200 measurements", 0) == 0);
        QVERIFY(gb10.source_for("launch_gap_graph_us")->rfind("transferred from h200 measurements", 0) == 0);
        // Switched off, a term is no longer missing.
        ModelTerms no_floor;
        no_floor.launch_floor = false;
        QVERIFY(!has(predict(registry_.get("b10"), GemvShape{1, 4096}, Precision::BF16, ModelOptions{Mode::Refined, no_floor, CacheMode::Cold, true}),
                     "no latency floor"));
    }

    // An engine pads M: a GEMM whose output rows fall off 16-byte boundaries is never predicted slower than the padded
    // one, and says so; a library's own rows (validation) keep the measured penalty.
    void testPaddedRows()
    {
        HardwareSpec hw = registry_.get("h100_sxm");
        const ModelOptions refined{Mode::Refined, {}, CacheMode::Cold, true};
        const Prediction three = predict(hw, GemmShape{3, 4096, 4096}, Precision::BF16, refined);
        const Prediction eight = predict(hw, GemmShape{8, 4096, 4096}, Precision::BF16, refined);
        QVERIFY(three.predicted_time_us <= eight.predicted_time_us);
        QCOMPARE(three.flops, uint64_t(2) * 3 * 4096 * 4096);
        QCOMPARE(three.ideal_time_us, predict(hw, GemmShape{3, 4096, 4096}, Precision::BF16, Mode::Ideal).ideal_time_us);
        QVERIFY(std::any_of(three.notes.begin(), three.notes.end(),
                            [](const std::string& n) { return n.find("; the library's GEMM for M = 3 as it is runs at") != std::string::npos; }));
        // Past the rows a GEMV kernel takes, M = 24 (48-byte rows, on 16-byte boundaries) is padded to 64 (128 bytes).
        const Prediction rows24 = predict(hw, GemmShape{24, 4096, 4096}, Precision::BF16, refined);
        QVERIFY(std::any_of(rows24.notes.begin(), rows24.notes.end(),
                            [](const std::string& n) { return n.find("predicted as M padded from 24 to 64 rows") != std::string::npos; }));
        ModelOptions as_called = refined;
        as_called.engine_choices = false;
        const Prediction library = predict(hw, GemmShape{3, 4096, 4096}, Precision::BF16, as_called);
        QCOMPARE(library.alignment_efficiency, *hw.alignment_efficiency_for(KernelType::GEMM, Precision::BF16, RowAlignment::Unaligned));
        QVERIFY(library.predicted_time_us > three.predicted_time_us);
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
        hw.dram_latency_us.reset();
        hw.latency_floor_us.clear();
        hw.throttle_after_us.reset();
        hw.throttle_ratio.reset();
        hw.partial_line_efficiency.clear();
        hw.unaligned_efficiency.clear();
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

        // Warm, larger than the L2: streamed in order, nothing is left for the next run, all from DRAM.
        const Prediction warm = predict(hw, GemvShape{8192, 8192}, Precision::BF16, ModelOptions{Mode::Refined, {}, CacheMode::Warm, true});
        QCOMPARE(warm.t_mem_us, cold.t_mem_us);
        QVERIFY(!warm.l2_resident);
        // Warm, 33,570,816 bytes fit in the 50 MiB L2: all at 7000 GB/s × 0.5 = 9.5917 µs.
        const Prediction fits = predict(hw, GemvShape{4096, 4096}, Precision::BF16, ModelOptions{Mode::Refined, {}, CacheMode::Warm, true});
        QVERIFY(fits.l2_resident);
        QCOMPARE(qRound64(fits.t_mem_us * 10000), qint64(95917));

        // Wave quantization: 256² output in 128² tiles is 4 tiles on 132 SMs: one wave at 4/132.
        QCOMPARE(wave_efficiency(hw, GemmShape{256, 256, 256}), 4.0 / 132);
        // 1536² is 144 tiles: two waves of 132 slots.
        QCOMPARE(wave_efficiency(hw, GemmShape{1536, 1536, 64}), 144.0 / 264);
        // 1000² is 64 tiles of 128² covering 1024²: one wave at 64/132, and 1000²/1024² of the tiles' work is kept.
        QCOMPARE(wave_efficiency(hw, GemmShape{1000, 1000, 64}), 64.0 / 132 * (1000.0 * 1000.0) / (1024.0 * 1024.0));
        QCOMPARE(wave_efficiency(hw, GemvShape{1024, 1024}), 1.0);
        // A skinny GEMM gets a tile cut down to it, rounded up to 16: 20 rows run 32×128 tiles, 32 of them on 132
        // SMs, keeping 20/32 of their work (not 20/128 of 128-row tiles).
        QCOMPARE(wave_efficiency(hw, GemmShape{20, 4096, 4096}), 32.0 / 132 * 20.0 / 32.0);
        const Prediction skinny = predict(hw, GemmShape{20, 4096, 4096}, Precision::FP32, ModelOptions{Mode::Refined, {}, CacheMode::Cold, true});
        QVERIFY2(skinny.breakdown[0].detail.find("32 tiles of 32×128") != std::string::npos, skinny.breakdown[0].detail.c_str());
        const Prediction gemm = predict(hw, GemmShape{256, 256, 256}, Precision::BF16, ModelOptions{Mode::Refined, {}, CacheMode::Cold, true});
        QCOMPARE(gemm.wave_efficiency, 4.0 / 132);
        // 2·256³ / 989 TFLOP/s / (4/132) / 0.8 = 1.3995 µs, under the 5 µs floor: latency-bound.
        QCOMPARE(qRound64(gemm.t_math_us * 1000), qint64(1400));
        QCOMPARE(gemm.bottleneck, Bottleneck::Latency);

        // Every term off is the plan's realistic mode: one factor for both bounds, nothing added.
        for (const KernelShape& shape : {KernelShape(GemmShape{4096, 4096, 4096}), KernelShape(GemvShape{8192, 8192})}) {
            const Prediction bare = predict(hw, shape, Precision::BF16, ModelOptions{Mode::Refined, ModelTerms::none(), CacheMode::Warm, true});
            QCOMPARE(bare.predicted_time_us, predict(hw, shape, Precision::BF16, Mode::Realistic).predicted_time_us);
        }
    }

    // The fitted terms: a floor per kernel × precision, the power throttle's knee, rows off 128- and 16-byte boundaries.
    void testFittedTerms()
    {
        HardwareSpec hw = registry_.get("h100_sxm");
        hw.launch_overhead_us = 5;
        hw.latency_floor_us = {{KernelType::GEMV, {{Precision::BF16, 7}}}};
        hw.compute_efficiency = {{KernelType::GEMM, {{Precision::BF16, 0.8}}}};
        hw.memory_efficiency = {{KernelType::GEMV, {{Precision::BF16, 0.9}}}};
        hw.unaligned_efficiency = {{KernelType::GEMM, {{Precision::BF16, 0.25}}}};
        hw.partial_line_efficiency = {{KernelType::GEMM, {{Precision::BF16, 0.9}}}};
        hw.throttle_after_us = 100;
        hw.throttle_ratio = 0.8;
        hw.gemm_tile_m = 128;
        hw.gemm_tile_n = 128;
        const ModelOptions refined{Mode::Refined, {}, CacheMode::Cold, true};

        QCOMPARE(predict(hw, GemvShape{1024, 1024}, Precision::BF16, refined).launch_us, 7.0);
        // Inputs from DRAM pay its latency, inputs in L2 (warm, fits) do not.
        hw.dram_latency_us = 0.5;
        const Prediction from_dram = predict(hw, GemvShape{1024, 1024}, Precision::BF16, refined);
        QCOMPARE(from_dram.dram_latency_us, 0.5);
        QCOMPARE(from_dram.breakdown.back().name, std::string("DRAM latency"));
        QCOMPARE(predict(hw, GemvShape{1024, 1024}, Precision::BF16, ModelOptions{Mode::Refined, {}, CacheMode::Warm, true}).dram_latency_us, 0.0);
        QCOMPARE(predict(hw, GemvShape{8192, 8192}, Precision::BF16, ModelOptions{Mode::Refined, {}, CacheMode::Warm, true}).dram_latency_us, 0.5);
        hw.dram_latency_us.reset();
        QCOMPARE(predict(hw, GemvShape{1024, 1024}, Precision::FP16, refined).launch_us, 5.0); // no entry: launch_overhead_us

        // GEMM 8192³ BF16: 2·8192³ / 989 TFLOP/s / 0.8 = 1389.63 µs of math (64² tiles of 128²: 4096 tiles in 32
        // waves of 132 = 0.9697); beyond the 100 µs knee at 0.8 × the rate.
        const Prediction big = predict(hw, GemmShape{8192, 8192, 8192}, Precision::BF16, refined);
        const double math_us = 2.0 * 8192 * 8192 * 8192 / 989e12 * 1e6 / 0.8 / (4096.0 / (32 * 132));
        QCOMPARE(qRound64(big.t_math_us * 100), qRound64((100 + (math_us - 100) / 0.8) * 100));
        QCOMPARE(qRound64(big.throttle_us * 100), qRound64((math_us - 100) * 0.25 * 100));
        ModelTerms no_power;
        no_power.power_throttle = false;
        QCOMPARE(qRound64(predict(hw, GemmShape{8192, 8192, 8192}, Precision::BF16, ModelOptions{Mode::Refined, no_power, CacheMode::Cold, true})
                              .t_math_us * 100),
                 qRound64(math_us * 100));

        // 1500 BF16 elements are 3000 bytes: rows off 16-byte boundaries; 3000 are 6000 bytes, on 16-byte
        // boundaries but not 128-byte ones; 1536 are 3072 bytes, whole 128-byte lines.
        QCOMPARE(operand_row_alignment(GemmShape{1500, 1500, 1500}, Precision::BF16), RowAlignment::Unaligned);
        QCOMPARE(operand_row_alignment(GemmShape{3000, 3000, 3000}, Precision::BF16), RowAlignment::Vector);
        QCOMPARE(operand_row_alignment(GemmShape{1536, 1536, 1536}, Precision::BF16), RowAlignment::Line);
        QCOMPARE(operand_row_alignment(GemmShape{1500, 1500, 1500}, Precision::FP32), RowAlignment::Vector);
        QCOMPARE(operand_row_alignment(GemmShape{1500, 1536, 1536}, Precision::BF16), RowAlignment::Unaligned); // M: the output's rows
        QCOMPARE(operand_row_alignment(GemvShape{3000, 3000}, Precision::INT8), RowAlignment::Unaligned);
        QCOMPARE(predict(hw, GemmShape{3000, 3000, 3000}, Precision::BF16, refined).alignment_efficiency, 0.9);
        QCOMPARE(predict(hw, GemmShape{3072, 3072, 3072}, Precision::BF16, refined).alignment_efficiency, 1.0);
        QCOMPARE(predict(hw, GemmShape{3000, 3000, 3000}, Precision::FP16, refined).alignment_efficiency, 1.0); // no entry
        const Prediction odd = predict(hw, GemmShape{1500, 1500, 1500}, Precision::BF16, refined);
        QCOMPARE(odd.row_alignment, RowAlignment::Unaligned);
        QCOMPARE(odd.alignment_efficiency, 0.25);
        ModelTerms no_align;
        no_align.alignment = false;
        const Prediction ignored = predict(hw, GemmShape{1500, 1500, 1500}, Precision::BF16, ModelOptions{Mode::Refined, no_align, CacheMode::Cold, true});
        QCOMPARE(qRound64(odd.t_math_us * 1000), qRound64(ignored.t_math_us * 4 * 1000));
        QVERIFY2(odd.breakdown[0].detail.find("rows off 16-byte boundaries 0.25") != std::string::npos, odd.breakdown[0].detail.c_str());
    }

    // Every term has a distinct CLI name and flag, and ModelTerms::none() switches each off.
    void testTermRegistry()
    {
        std::set<std::string_view> keys;
        const ModelTerms none = ModelTerms::none();
        const ModelTerms all;
        for (const TermInfo& term : model_terms()) {
            QVERIFY(keys.insert(term.key).second);
            QVERIFY(!(none.*term.flag));
            QVERIFY(all.*term.flag);
            // Switching this term off leaves every other on: no two entries share a flag.
            ModelTerms one_off;
            one_off.*term.flag = false;
            int off = 0;
            for (const TermInfo& other : model_terms())
                off += one_off.*other.flag ? 0 : 1;
            QCOMPARE(off, 1);
        }
        QCOMPARE(keys.size(), std::size_t(6));
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
