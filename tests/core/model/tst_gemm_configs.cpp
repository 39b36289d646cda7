// The learned GEMM configurations: which classes hand-made measurements fall in and what each class learns, the
// table's round trip through a profile, and predictions that move with the learned tile as wave quantization says.
#include "roofline/benchmarking/bench_plan.h"
#include "roofline/model/calculator.h"
#include "roofline/support/errors.h"
#include "roofline/calibration/gemm_config_learning.h"
#include "roofline/model/gemm_configs.h"
#include "roofline/hardware/hardware_registry.h"
#include "roofline/results/measurements.h"

#include <QtTest>

#include <set>

using namespace roofline;

namespace {

constexpr int kSms = 132;

Measurement gemm_row(int64_t m, int64_t n, int64_t k, Precision p, const std::string& algorithm)
{
    Measurement row;
    row.shape = GemmShape{m, n, k};
    row.precision = p;
    row.measured_time_us = 10;
    row.gemm_config = parse_algorithm_text(algorithm).value_or(GemmConfig{});
    return row;
}

// An H200-like profile: 132 SMs, every term of the refined model neutral but wave quantization.
HardwareSpec plain_profile()
{
    HardwareSpec hw;
    hw.key = "test";
    hw.name = "test GPU";
    hw.peak_bandwidth_gb_s = 4800;
    hw.peak_tflops[Precision::BF16] = 989;
    hw.sm_count = kSms;
    return hw;
}

LearnedGemmConfig entry(GemmShapeClass c, std::vector<std::pair<int, int>> tiles, int split_k)
{
    LearnedGemmConfig e;
    e.shape_class = c;
    e.tiles = std::move(tiles);
    e.split_ks = {split_k};
    e.rows = 10; // enough for its menu to be trusted (gemm_configs.cpp's kMinMenuRows)
    return e;
}

ModelOptions waves_only()
{
    ModelOptions o{Mode::Refined, ModelTerms::none(), CacheMode::Cold, true};
    o.terms.wave_quantization = true;
    return o;
}

} // namespace

class TestGemmConfigs : public QObject {
    Q_OBJECT

private slots:
    void testShapeClasses()
    {
        // 8 x 4096: 32 tiles of 128 x 128 on 132 SMs, a quarter of a wave.
        const GemmShapeClass decode = gemm_shape_class({8, 4096, 4096}, Precision::BF16, kSms);
        QCOMPARE(decode.m, MBand::Decode);
        QCOMPARE(decode.fill, WaveFill::Half);
        QCOMPARE(decode.alignment, RowAlignment::Vector); // 8 output rows of 2 bytes: 16 bytes, not 128
        const GemmShapeClass big = gemm_shape_class({4096, 4096, 4096}, Precision::BF16, kSms);
        QCOMPARE(big.m, MBand::Large);
        QCOMPARE(big.fill, WaveFill::Many); // 1024 tiles: 7.8 waves
        QCOMPARE(gemm_shape_class({64, 512, 4096}, Precision::FP16, kSms).fill, WaveFill::Eighth);
        QCOMPARE(gemm_shape_class({64, 512, 4096}, Precision::FP16, kSms).m, MBand::Skinny);
        QCOMPARE(gemm_shape_class({256, 8192, 4096}, Precision::FP16, kSms).fill, WaveFill::Under); // 128 tiles
        QCOMPARE(gemm_shape_class({1024, 4096, 4096}, Precision::FP16, kSms).fill, WaveFill::Few);  // 256 tiles
        QCOMPARE(gemm_shape_class({1001, 4096, 4097}, Precision::FP16, kSms).alignment, RowAlignment::Unaligned);
        QCOMPARE(gemm_shape_class({1024, 4096, 4104}, Precision::FP16, kSms).alignment, RowAlignment::Vector);
        QCOMPARE(gemm_shape_class({1024, 4096, 4096}, Precision::FP16, kSms).alignment, RowAlignment::Line);
    }

    // Hand-made measurements -> the classes and what each learns; rows without a known tile teach nothing.
    void testLearnFromMeasurements()
    {
        MeasurementSet set;
        set.rows.push_back(gemm_row(8, 4096, 4096, Precision::BF16, "cublasLt algo 66 tile 8x64 stages 64xAUTO splitK 2 (heuristic #1 of 8)"));
        set.rows.push_back(gemm_row(8, 5120, 5120, Precision::BF16, "cublasLt algo 66 tile 8x64 stages 64xAUTO splitK 1"));
        set.rows.push_back(gemm_row(16, 4096, 4096, Precision::BF16, "cublasLt algo 66 tile 16x128 stages 64xAUTO splitK 4"));
        set.rows.push_back(gemm_row(4096, 4096, 4096, Precision::BF16, "cublasLt algo 66 tile 256x128 stages 64xAUTO splitK 1"));
        set.rows.push_back(gemm_row(8192, 8192, 8192, Precision::BF16, "cublasLt algo 66 tile 128x256 stages 64xAUTO splitK 1"));
        set.rows.push_back(gemm_row(6144, 6144, 6144, Precision::BF16, "cublasLt algo 66 tile 256x128 stages 64xAUTO splitK 1"));
        // No configuration to learn from: a cublasGemmEx winner, a tile reported as auto, an unsupported row, a GEMV.
        set.rows.push_back(gemm_row(8, 4096, 4096, Precision::BF16, "cublasGemmEx CUBLAS_GEMM_DEFAULT, fastest median of 9 raced"));
        set.rows.push_back(gemm_row(4096, 4096, 4096, Precision::TF32, "cublasLt algo 13 tile auto stages auto splitK 1"));
        Measurement unsupported = gemm_row(4096, 4096, 4096, Precision::FP8_E4M3, "cublasLt algo 66 tile 128x128 stages 64xAUTO splitK 1");
        unsupported.status = RowStatus::Unsupported;
        set.rows.push_back(unsupported);
        Measurement gemv = gemm_row(1, 1, 1, Precision::BF16, "cublasLt algo 66 tile 8x64 stages 64xAUTO splitK 1");
        gemv.shape = GemvShape{4096, 4096};
        set.rows.push_back(gemv);

        const std::vector<LearnedGemmConfig> table = learn_gemm_configs(set, kSms);
        QCOMPARE(table.size(), std::size_t(2));
        const GemmShapeClass decode_class{Precision::BF16, MBand::Decode, WaveFill::Half, RowAlignment::Vector};
        const LearnedGemmConfig* decode = find_gemm_config(table, decode_class);
        QVERIFY(decode);
        QCOMPARE(decode->shape_class, decode_class);
        QCOMPARE(decode->rows, 3);
        QCOMPARE(decode->tiles, (std::vector<std::pair<int, int>>{{8, 64}, {16, 128}})); // the most frequent first
        QCOMPARE(decode->split_ks, (std::vector<int>{1, 2, 4})); // once each
        const LearnedGemmConfig* large = find_gemm_config(table, {Precision::BF16, MBand::Large, WaveFill::Many, RowAlignment::Line});
        QVERIFY(large);
        QCOMPARE(large->rows, 3);
        QCOMPARE(large->tiles, (std::vector<std::pair<int, int>>{{256, 128}, {128, 256}}));
        QCOMPARE(large->split_ks, std::vector<int>{1});

        // A class nobody measured takes the nearest learned one of its precision family; another family, nothing.
        const LearnedGemmConfig* near = find_gemm_config(table, {Precision::FP16, MBand::Medium, WaveFill::Many, RowAlignment::Vector});
        QCOMPARE(near, large);
        QCOMPARE(find_gemm_config(table, {Precision::FP16, MBand::Skinny, WaveFill::Half, RowAlignment::Line}), decode);
        QVERIFY(!find_gemm_config(table, {Precision::FP32, MBand::Large, WaveFill::Many, RowAlignment::Line}));
        QVERIFY(!find_gemm_config({}, {Precision::BF16, MBand::Large, WaveFill::Many, RowAlignment::Line}));
    }

    void testProfileRoundTrip()
    {
        HardwareSpec hw = plain_profile();
        hw.gemm_configs = {entry({Precision::BF16, MBand::Decode, WaveFill::Half, RowAlignment::Line}, {{8, 64}, {16, 128}}, 2),
                           entry({Precision::FP8_E4M3, MBand::Large, WaveFill::Many, RowAlignment::Unaligned}, {{128, 256}}, 1)};
        const std::string text = hardware_to_json(hw);
        QVERIFY(text.find("\"gemm_configs\"") != std::string::npos);
        QVERIFY(text.find("\"m<=16\"") != std::string::npos);
        const HardwareSpec again = parse_hardware_json(text, "round trip");
        QCOMPARE(again.gemm_configs, hw.gemm_configs);
        QCOMPARE(parse_hardware_json(hardware_to_json(again), "twice").gemm_configs, hw.gemm_configs);

        // A profile from before the table reads as it did: no table.
        for (const auto& preset : embedded_presets()) {
            const HardwareSpec spec = parse_hardware_json(preset.json, std::string(preset.file_name));
            if (std::string(preset.json).find("gemm_configs") == std::string::npos)
                QVERIFY(spec.gemm_configs.empty());
        }
    }

    void testMalformedTable_data()
    {
        QTest::addColumn<QString>("table");
        QTest::addColumn<QString>("field");
        const QString good = R"({"precision": "BF16", "m": "m<=16", "fill": "<1/2 wave", "alignment": "128-byte", "tiles": [[8, 64]], "split_k": [2]})";
        QTest::newRow("not a list") << R"({"precision": "BF16"})" << "gemm_configs";
        QTest::newRow("bad fill") << R"([{"precision": "BF16", "m": "m<=16", "fill": "half", "alignment": "128-byte", "tiles": [[8, 64]]}])"
                                  << "gemm_configs[0].fill";
        QTest::newRow("bad precision") << R"([{"precision": "BF17", "m": "m<=16", "fill": "<1/2 wave", "alignment": "128-byte", "tiles": [[8, 64]]}])"
                                       << "gemm_configs[0].precision";
        QTest::newRow("no tiles") << R"([{"precision": "BF16", "m": "m<=16", "fill": "<1/2 wave", "alignment": "128-byte", "tiles": []}])"
                                  << "gemm_configs[0].tiles";
        QTest::newRow("zero tile") << R"([{"precision": "BF16", "m": "m<=16", "fill": "<1/2 wave", "alignment": "128-byte", "tiles": [[0, 64]]}])"
                                   << "gemm_configs[0].tiles[0][0]";
        QTest::newRow("split 0") << R"([{"precision": "BF16", "m": "m<=16", "fill": "<1/2 wave", "alignment": "128-byte", "tiles": [[8, 64]], "split_k": [0]}])"
                                 << "gemm_configs[0].split_k[0]";
        QTest::newRow("split not a list") << R"([{"precision": "BF16", "m": "m<=16", "fill": "<1/2 wave", "alignment": "128-byte", "tiles": [[8, 64]], "split_k": 2}])"
                                          << "gemm_configs[0].split_k";
        QTest::newRow("unknown field") << R"([{"precision": "BF16", "m": "m<=16", "fill": "<1/2 wave", "alignment": "128-byte", "tiles": [[8, 64]], "tile": 1}])"
                                       << "gemm_configs[0].tile";
        QTest::newRow("twice") << "[" + good + ", " + good + "]" << "gemm_configs[1]";
    }

    void testMalformedTable()
    {
        QFETCH(QString, table);
        QFETCH(QString, field);
        const std::string text = R"({"key": "bad", "name": "bad", "peak_bandwidth_gb_s": 100, "peak_tflops": {"BF16": 10},
            "gemm_configs": )" + table.toStdString() + "}";
        try {
            parse_hardware_json(text, "bad.json");
            QFAIL("accepted a bad gemm_configs");
        } catch (const InputError& e) {
            QCOMPARE(QString::fromStdString(e.where().field), field);
            QCOMPARE(e.where().file, std::string("bad.json"));
        }
    }

    // 896 x 2432 BF16 (compute-bound at K = 16384): 128 x 128 tiles make 7 x 19 = 133, one past a wave of 132, so
    // two waves for 133 tiles (efficiency 133 / 264); 64 x 64 tiles make 14 x 38 = 532, five waves (532 / 660).
    void testPredictionFollowsTheLearnedTile()
    {
        const GemmShape shape{896, 2432, 16384};
        const GemmShapeClass c = gemm_shape_class(shape, Precision::BF16, kSms);
        HardwareSpec big_tile = plain_profile();
        big_tile.gemm_configs = {entry(c, {{128, 128}}, 1)};
        HardwareSpec small_tile = plain_profile();
        small_tile.gemm_configs = {entry(c, {{64, 64}}, 1)};
        HardwareSpec either = plain_profile();
        either.gemm_configs = {entry(c, {{128, 128}, {64, 64}}, 1)};

        const Prediction with_big = predict(big_tile, shape, Precision::BF16, waves_only());
        const Prediction with_small = predict(small_tile, shape, Precision::BF16, waves_only());
        QCOMPARE(with_big.bottleneck, Bottleneck::Compute);
        QVERIFY(qAbs(with_big.wave_efficiency - 133.0 / 264.0) < 1e-12);
        QVERIFY(qAbs(with_small.wave_efficiency - 532.0 / 660.0) < 1e-12);
        const double ideal_us = 2.0 * 896 * 2432 * 16384 / 989e12 * 1e6;
        QVERIFY(qAbs(with_big.predicted_time_us - ideal_us * 264.0 / 133.0) < 1e-9 * ideal_us);
        QVERIFY(qAbs(with_small.predicted_time_us - ideal_us * 660.0 / 532.0) < 1e-9 * ideal_us);
        // Of the class's tiles, the one that fills the last wave best, as the library's race finds it.
        QCOMPARE(predict(either, shape, Precision::BF16, waves_only()).predicted_time_us, with_small.predicted_time_us);
        QVERIFY2(with_big.breakdown.front().detail.find("133 CTAs of 128×128") != std::string::npos, with_big.breakdown.front().detail.c_str());

        // A class learned from too few rows leaves the profile's single tile in charge.
        HardwareSpec thin = small_tile;
        thin.gemm_configs.front().rows = 2;
        QCOMPARE(predict(thin, shape, Precision::BF16, waves_only()).wave_efficiency, wave_efficiency(thin, shape));

        // Without a table the profile's single tile still rules (here the 128 x 128 default): the old prediction.
        const Prediction plain = predict(plain_profile(), shape, Precision::BF16, waves_only());
        QCOMPARE(plain.wave_efficiency, wave_efficiency(plain_profile(), shape));
        // Wave quantization switched off: no tile counts at all.
        ModelOptions off = waves_only();
        off.terms.wave_quantization = false;
        QCOMPARE(predict(big_tile, shape, Precision::BF16, off).wave_efficiency, 1.0);
    }

    // The calibration plan the generator wrote reads as a plan: GEMMs and GEMVs in the six precisions the H200 runs,
    // on 128-byte rows, 16-byte rows and neither.
    void testCalibrationPlanReads()
    {
        const BenchPlan plan = load_plan(ROOFLINE_SOURCE_DIR "/bench/plans/gemm_calibration.json");
        QCOMPARE(plan.name, std::string("gemm-calibration"));
        QCOMPARE(plan.cases.size(), std::size_t(2654));
        std::set<Precision> precisions;
        std::set<RowAlignment> alignments;
        std::size_t gemv = 0;
        int64_t most_tokens = 0;
        for (const BenchCase& c : plan.cases) {
            precisions.insert(c.precision);
            alignments.insert(operand_row_alignment(c.shape, c.precision));
            gemv += std::holds_alternative<GemvShape>(c.shape) ? 1 : 0;
            if (const auto* g = std::get_if<GemmShape>(&c.shape))
                most_tokens = std::max(most_tokens, g->m);
        }
        QCOMPARE(precisions, (std::set<Precision>{Precision::BF16, Precision::FP16, Precision::FP8_E4M3, Precision::INT8, Precision::TF32,
                                                  Precision::FP32}));
        QCOMPARE(alignments.size(), std::size_t(3));
        QCOMPARE(gemv, std::size_t(312)); // 52 weights in six precisions
        QCOMPARE(most_tokens, int64_t(8192));
    }

    // The menus worked out once per class give the launch the table gives, on a real learned table (the H200
    // preset's), for shapes of every M band, fill and alignment in every precision it has; menus of another table
    // are not read.
    void testMenusGiveTheTablesLaunch()
    {
        const HardwareSpec h200 = HardwareRegistry::presets().get("h200");
        QVERIFY(h200.gemm_configs.size() > 100);
        const GemmMenus menus(h200.gemm_configs);
        const HardwareSpec other = plain_profile();
        const GemmMenus others(other.gemm_configs);
        QVERIFY(menus.built_from(h200.gemm_configs));
        QVERIFY(!others.built_from(h200.gemm_configs));
        int learned = 0;
        std::set<GemmShapeClass> classes;
        for (Precision p : kAllPrecisions) {
            for (int64_t m : {1, 8, 40, 200, 1000, 4000}) {
                for (int64_t n : {1000, 4096, 12288}) {
                    for (int64_t k : {1024, 4099, 28672}) {
                        const GemmShape shape{m, n, k};
                        const auto direct = gemm_launch(h200, shape, p);
                        const auto quick = gemm_launch(h200, shape, p, &menus);
                        const auto ignored = gemm_launch(h200, shape, p, &others);
                        QVERIFY(direct && quick && ignored);
                        for (const auto& launch : {*quick, *ignored}) {
                            QCOMPARE(launch.tile_m, direct->tile_m);
                            QCOMPARE(launch.tile_n, direct->tile_n);
                            QCOMPARE(launch.split_k, direct->split_k);
                            QCOMPARE(launch.ctas, direct->ctas);
                            QCOMPARE(launch.wave_efficiency, direct->wave_efficiency);
                            QCOMPARE(launch.reduction_bytes, direct->reduction_bytes);
                            QCOMPARE(launch.learned, direct->learned);
                        }
                        learned += direct->learned ? 1 : 0;
                        classes.insert(gemm_shape_class(shape, p, *h200.sm_count));
                    }
                }
            }
        }
        QVERIFY2(learned > 300, qPrintable(QString::number(learned))); // most of them race the library's tiles
        QVERIFY(classes.size() > 150);
    }

    // A split-K class: its CTAs fill more of the SMs, and the partial products cost DRAM traffic.
    void testSplitKCountsSlicesAndTheirReduction()
    {
        const GemmShape shape{16, 1024, 8192}; // memory-bound: 16.8 MB of weights
        const GemmShapeClass c = gemm_shape_class(shape, Precision::BF16, kSms);
        HardwareSpec split = plain_profile();
        split.gemm_configs = {entry(c, {{16, 128}}, 4)};
        HardwareSpec whole = plain_profile();
        whole.gemm_configs = {entry(c, {{16, 128}}, 1)};
        const auto launch = gemm_launch(split, shape, Precision::BF16);
        QVERIFY(launch);
        QCOMPARE(launch->ctas, int64_t(8 * 4));
        QCOMPARE(launch->split_k, 4);
        QVERIFY(qAbs(launch->wave_efficiency - 32.0 / 132.0) < 1e-12);
        QCOMPARE(launch->reduction_bytes, 2.0 * 4 * 4 * 16 * 1024);
        QCOMPARE(gemm_launch(whole, shape, Precision::BF16)->reduction_bytes, 0.0);

        const Prediction with_split = predict(split, shape, Precision::BF16, waves_only());
        const Prediction without = predict(whole, shape, Precision::BF16, waves_only());
        QCOMPARE(with_split.bottleneck, Bottleneck::Memory);
        const double extra_us = launch->reduction_bytes / 4800e9 * 1e6;
        QVERIFY(qAbs(with_split.t_mem_us - without.t_mem_us - extra_us) < 1e-9);
        QVERIFY(with_split.wave_efficiency > without.wave_efficiency); // 32 CTAs instead of 8
    }
};

QTEST_APPLESS_MAIN(TestGemmConfigs)
#include "tst_gemm_configs.moc"
