#include "roofline/calibration/calibration.h"
#include "roofline/calibration/holdout.h"
#include "roofline/support/errors.h"
#include "roofline/hardware/hardware_registry.h"

#include <QtTest>

#include <cmath>

using namespace roofline;

namespace {

// A hardware whose refined behaviour is known exactly: the measurements below are made by it.
HardwareSpec truth()
{
    const HardwareRegistry registry = HardwareRegistry::presets();
    HardwareSpec hw = registry.get("h100_sxm");
    hw.launch_overhead_us = 4.5;
    hw.latency_floor_us = {{KernelType::GEMV, {{Precision::BF16, 6.0}, {Precision::FP8_E4M3, 5.5}}},
                           {KernelType::GEMM, {{Precision::BF16, 4.5}, {Precision::FP8_E4M3, 5.0}}}};
    hw.throttle_after_us = 100;
    hw.throttle_ratio = 0.85;
    hw.unaligned_efficiency = {{KernelType::GEMM, {{Precision::BF16, 0.3}}}};
    hw.partial_line_efficiency = {{KernelType::GEMM, {{Precision::BF16, 0.9}, {Precision::FP8_E4M3, 0.85}}}};
    hw.gemm_tile_m = 128;
    hw.gemm_tile_n = 128;
    hw.l2_bandwidth_gb_s = 7000;
    hw.l2_efficiency = 0.5;
    hw.dram_latency_us = 0.6;
    hw.compute_efficiency = {{KernelType::GEMM, {{Precision::BF16, 0.75}, {Precision::FP8_E4M3, 0.6}}}};
    hw.memory_efficiency = {{KernelType::GEMV, {{Precision::BF16, 0.85}, {Precision::FP8_E4M3, 0.7}}},
                            {KernelType::GEMM, {{Precision::BF16, 0.8}, {Precision::FP8_E4M3, 0.8}}}};
    return hw;
}

MeasurementSet measured_by(const HardwareSpec& hw)
{
    MeasurementSet set;
    set.source = "synthetic";
    set.hardware_key = hw.key;
    std::vector<KernelShape> shapes;
    for (int64_t n : {1024, 2048, 4096, 8192, 16384, 32768})
        shapes.push_back(GemvShape{n, 8192});
    for (int64_t n : {256, 512, 1024, 2048, 3072, 4096, 6144, 8192})
        shapes.push_back(GemmShape{n, n, n});
    // BF16 rows of 3000 and 5000 bytes: off 16-byte boundaries (FP8 is refused there); 3000, 5000 and 6000 elements:
    // on 16-byte boundaries in BF16, off 128-byte ones (FP8: 3000 and 5000 off 16-byte ones).
    for (int64_t n : {1500, 2500, 3000, 5000, 6000})
        shapes.push_back(GemmShape{n, n, n});
    for (int64_t m : {16, 64, 128, 512})
        shapes.push_back(GemmShape{m, 8192, 8192});
    for (const auto& shape : shapes) {
        for (Precision p : {Precision::BF16, Precision::FP8_E4M3}) {
            if (operand_row_alignment(shape, p) == RowAlignment::Unaligned && p == Precision::FP8_E4M3)
                continue;
            for (CacheMode cache : {CacheMode::Cold, CacheMode::Warm}) {
                Measurement m;
                m.shape = shape;
                m.precision = p;
                m.cache_mode = std::string(to_string(cache));
                // A library's own kernel for the shape, as a measured row is (no engine padding or kernel choice).
                ModelOptions as_measured{Mode::Refined, {}, cache, false};
                as_measured.engine_choices = false;
                m.measured_time_us = predict(hw, shape, p, as_measured).predicted_time_us;
                set.rows.push_back(m);
            }
        }
    }
    return set;
}

} // namespace

class TestCalibration : public QObject {
    Q_OBJECT

private slots:
    // Measurements made by a known refined model give that model back.
    void testRecoversAKnownModel()
    {
        const HardwareSpec hw = truth();
        const MeasurementSet set = measured_by(hw);
        MeasuredCeilings ceilings;
        ceilings.l2_read_gb_s = 7000;
        ceilings.launch_overhead_us = 3.0; // the empty kernel is cheaper than a real kernel's floor
        ceilings.launch_gap_graph_us = 1.4; // what a model step's kernels add in a CUDA graph
        const HardwareRegistry registry = HardwareRegistry::presets();
        CalibrationOptions options;
        options.key = "fitted";
        const CalibrationResult result = calibrate(registry.get("h100_sxm"), set, &ceilings, options);
        const HardwareSpec& fitted = result.profile;

        QCOMPARE(result.rows_used, set.rows.size());
        QCOMPARE(fitted.key, std::string("fitted"));
        const std::pair<KernelType, Precision> groups[] = {{KernelType::GEMV, Precision::BF16}, {KernelType::GEMV, Precision::FP8_E4M3},
                                                           {KernelType::GEMM, Precision::BF16}, {KernelType::GEMM, Precision::FP8_E4M3}};
        for (const auto& [kernel, precision] : groups) {
            const double expected = hw.latency_floor_for(kernel, precision), got = fitted.latency_floor_for(kernel, precision);
            QVERIFY2(std::fabs(got - expected) < 0.05, qPrintable(QStringLiteral("%1 %2: floor %3, expected %4")
                                                                       .arg(QString::fromLatin1(to_string(kernel)))
                                                                       .arg(QString::fromLatin1(to_string(precision)))
                                                                       .arg(got)
                                                                       .arg(expected)));
        }
        QCOMPARE(fitted.launch_overhead_us, 5.25); // the median floor, for kernels without one of their own
        QCOMPARE(fitted.throttle_after_us, std::optional<double>(100));
        QVERIFY(std::fabs(*fitted.throttle_ratio - 0.85) < 0.01);
        QVERIFY(std::fabs(*fitted.alignment_efficiency_for(KernelType::GEMM, Precision::BF16, RowAlignment::Unaligned) - 0.3) < 0.01);
        QVERIFY(std::fabs(*fitted.alignment_efficiency_for(KernelType::GEMM, Precision::BF16, RowAlignment::Vector) - 0.9) < 0.01);
        QVERIFY(std::fabs(*fitted.alignment_efficiency_for(KernelType::GEMM, Precision::FP8_E4M3, RowAlignment::Vector) - 0.85) < 0.01);
        // No unaligned FP8 row was measured (cuBLASLt refuses them): no factor is claimed.
        QVERIFY(!fitted.alignment_efficiency_for(KernelType::GEMM, Precision::FP8_E4M3, RowAlignment::Unaligned));
        QCOMPARE(fitted.gemm_tile_m, std::optional<int>(128));
        QCOMPARE(fitted.gemm_tile_n, std::optional<int>(128));
        QVERIFY(std::fabs(*fitted.l2_efficiency - 0.5) < 0.01);
        QVERIFY(std::fabs(*fitted.dram_latency_us - 0.6) < 0.05);
        QVERIFY(std::fabs(*fitted.compute_efficiency_for(KernelType::GEMM, Precision::BF16) - 0.75) < 0.01);
        QVERIFY(std::fabs(*fitted.compute_efficiency_for(KernelType::GEMM, Precision::FP8_E4M3) - 0.6) < 0.01);
        QVERIFY(std::fabs(*fitted.memory_efficiency_for(KernelType::GEMV, Precision::BF16) - 0.85) < 0.01);
        QVERIFY(std::fabs(*fitted.memory_efficiency_for(KernelType::GEMV, Precision::FP8_E4M3) - 0.7) < 0.01);
        // Datasheet figures stay: ideal mode is the datasheet roofline.
        QCOMPARE(fitted.peak_bandwidth_gb_s, 3350.0);
        QCOMPARE(fitted.peak_tflops, registry.get("h100_sxm").peak_tflops);
        // A precision with no rows takes the kernel's median, so it is predicted like its neighbours.
        QVERIFY(fitted.compute_efficiency_for(KernelType::GEMM, Precision::FP16).has_value());

        const ValidationReport report = validate(fitted, set, Mode::Refined);
        QVERIFY2(report.summary.max_abs_error_pct < 1.0, qPrintable(QString::number(report.summary.max_abs_error_pct)));
        // Provenance and sources.
        QCOMPARE(fitted.calibration.at("measurements"), std::string("synthetic"));
        QCOMPARE(fitted.calibration.at("rows"), std::to_string(set.rows.size()));
        QVERIFY(fitted.source_for("launch_overhead_us")->find("fitted") == 0);
        // The measured graph gap is carried with its source; the eager one was not measured, so it is absent.
        QCOMPARE(fitted.launch_gap_graph_us, std::optional<double>(1.4));
        QVERIFY(fitted.source_for("launch_gap_graph_us")->find("measured: ") == 0);
        QVERIFY(!fitted.launch_gap_eager_us);
        QVERIFY(fitted.source_for("compute_efficiency.gemm.BF16")->find("synthetic") != std::string::npos);
        QVERIFY(fitted.source_for("peak_tflops.BF16")->find("datasheet") != std::string::npos);
    }

    void testPlanStyleFactorIsTheMedianRatio()
    {
        MeasurementSet set;
        const HardwareRegistry registry = HardwareRegistry::presets();
        const HardwareSpec& b10 = registry.get("b10");
        // Three GEMV rows at 0.5, 0.6 and 0.9 of the ideal time: the median factor is 0.6.
        for (auto [n, factor] : {std::pair{4096, 0.5}, std::pair{8192, 0.6}, std::pair{16384, 0.9}}) {
            Measurement m;
            m.shape = GemvShape{n, n};
            m.precision = Precision::FP16;
            m.measured_time_us = predict(b10, m.shape, m.precision, Mode::Ideal).ideal_time_us / factor;
            set.rows.push_back(m);
        }
        const CalibrationResult result = calibrate(b10, set, nullptr, {});
        QCOMPARE(result.profile.key, std::string("b10_calibrated"));
        QCOMPARE(*result.profile.efficiency(KernelType::GEMV, Precision::FP16), 0.6);
    }

    void testNothingToCalibrate()
    {
        MeasurementSet set;
        Measurement m;
        m.shape = GemmShape{64, 64, 64};
        m.precision = Precision::NVFP4; // no NVFP4 peak on an H100
        m.measured_time_us = 5;
        set.rows.push_back(m);
        const HardwareRegistry registry = HardwareRegistry::presets();
        QVERIFY_THROWS_EXCEPTION(InputError, calibrate(registry.get("h100_sxm"), set, nullptr, {}));
    }

    void testCeilingsFiles()
    {
        // A results file picked by mistake is not a ceilings file.
        QVERIFY_THROWS_EXCEPTION(InputError, parse_ceilings_json(R"({"hardware_key": "b10", "benchmarks": []})", "r.json"));
        try {
            parse_ceilings_json("{}", "c.json");
            QFAIL("expected InputError");
        } catch (const InputError& e) {
            QVERIFY2(std::string(e.what()).find("c.json: holds no ceiling") == 0, e.what());
        }
        const MeasuredCeilings c = parse_ceilings_json(R"({"meta": {"device": {"name": "GPU A"}}, "l2_read_gb_s": 5000})", "c.json");
        QCOMPARE(c.l2_read_gb_s, std::optional<double>(5000));

        // Ceilings of another device are used, with a warning in the log.
        MeasurementSet set = measured_by(truth());
        set.meta["device"] = {{"name", "GPU B"}};
        const HardwareRegistry registry = HardwareRegistry::presets();
        const CalibrationResult result = calibrate(registry.get("h100_sxm"), set, &c, {});
        QVERIFY(std::any_of(result.log.begin(), result.log.end(),
                            [](const std::string& line) { return line.find("warning: the ceilings were measured on GPU A") == 0; }));
    }

    void testCeilingsLaunchGaps()
    {
        // A file written before the launch gaps were measured still reads, without them.
        const MeasuredCeilings old = load_ceilings(ROOFLINE_SOURCE_DIR "/tests/fuzz/corpus/ceilings/h100_ceilings.json");
        QVERIFY(old.launch_overhead_us.has_value());
        QVERIFY(!old.launch_gap_eager_us.has_value());
        QVERIFY(!old.launch_gap_graph_us.has_value());
        QVERIFY(ceilings_to_json(old).find("launch_gap") == std::string::npos);

        const MeasuredCeilings c = parse_ceilings_json(
            R"({"launch_overhead_us": 2.5, "launch_gap_eager_us": 4.25, "launch_gap_graph_us": 1.5})", "c.json");
        QCOMPARE(c.launch_gap_eager_us, std::optional<double>(4.25));
        QCOMPARE(c.launch_gap_graph_us, std::optional<double>(1.5));
        const MeasuredCeilings back = parse_ceilings_json(ceilings_to_json(c), "back.json");
        QCOMPARE(back.launch_gap_eager_us, c.launch_gap_eager_us);
        QCOMPARE(back.launch_gap_graph_us, c.launch_gap_graph_us);

        // A profile made of measured numbers carries them, sourced.
        MeasuredCeilings measured = c;
        measured.dram_read_gb_s = 4000.0;
        measured.peak_tflops[Precision::BF16] = 700.0;
        const HardwareSpec profile = profile_from_ceilings(measured, "gpu", "c.json");
        QCOMPARE(profile.launch_gap_eager_us, std::optional<double>(4.25));
        QCOMPARE(profile.launch_gap_graph_us, std::optional<double>(1.5));
        QVERIFY(profile.source_for("launch_gap_graph_us").value_or("").find("CUDA graph") != std::string::npos);

        // The gaps alone make a ceilings file; a bad one is an error naming the field.
        QCOMPARE(parse_ceilings_json(R"({"launch_gap_graph_us": 1.0})", "g.json").launch_gap_graph_us,
                 std::optional<double>(1.0));
        for (const char* bad : {R"({"launch_gap_eager_us": -3})", R"({"launch_gap_eager_us": "fast"})"}) {
            try {
                parse_ceilings_json(bad, "bad.json");
                QFAIL("expected InputError");
            } catch (const InputError& e) {
                QVERIFY2(std::string(e.what()).find("launch_gap_eager_us") != std::string::npos, e.what());
            }
        }
    }

    void testSplitByShape()
    {
        const MeasurementSet set = measured_by(truth());
        const auto [calibration, held_out] = split_by_shape(set);
        QCOMPARE(calibration.rows.size() + held_out.rows.size(), set.rows.size());
        QVERIFY(!calibration.rows.empty() && !held_out.rows.empty());
        // No shape is on both sides.
        for (const auto& a : calibration.rows) {
            for (const auto& b : held_out.rows)
                QVERIFY(!(a.kernel() == b.kernel() && dims_of(a.shape) == dims_of(b.shape)));
        }
    }

    void testShapeClasses()
    {
        const HardwareRegistry registry = HardwareRegistry::presets();
        const HardwareSpec& h100 = registry.get("h100_sxm");
        Measurement m;
        m.precision = Precision::BF16;
        m.shape = GemvShape{1024, 1024};
        m.cache_mode = "warm";
        QCOMPARE(shape_class(h100, m), ShapeClass::L2Resident);
        m.cache_mode = "cold";
        QCOMPARE(shape_class(h100, m), ShapeClass::Tiny);
        m.shape = GemmShape{128, 8192, 8192};
        QCOMPARE(shape_class(h100, m), ShapeClass::Skinny);
        m.shape = GemmShape{16384, 16384, 16384};
        QCOMPARE(shape_class(h100, m), ShapeClass::Huge);
        m.shape = GemmShape{4096, 4096, 4096};
        QCOMPARE(shape_class(h100, m), ShapeClass::Regular);
    }
};

QTEST_APPLESS_MAIN(TestCalibration)
#include "tst_calibration.moc"
