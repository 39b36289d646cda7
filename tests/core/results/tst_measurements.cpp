#include "roofline/support/errors.h"
#include "roofline/results/measurement_extra.h"
#include "roofline/results/measurements.h"

#include <QtTest>

#include <fstream>

using namespace roofline;

namespace {

std::string row(const std::string& fields)
{
    return R"({"hardware_key": "b10", "benchmarks": [{)" + fields + "}]}";
}

const std::string kGoodRow = R"("kernel_type": "gemv", "shape": [4096, 4096], "precision": "FP16", "measured_time_us": 203.4)";

} // namespace

class TestMeasurements : public QObject {
    Q_OBJECT

private slots:
    void testSeedFile()
    {
        const MeasurementSet set = load_measurements(ROOFLINE_TEST_DATA_DIR "/gb10_seed_measurements.json");
        QCOMPARE(set.hardware_key, std::string("b10"));
        QCOMPARE(set.rows.size(), std::size_t(5));
        QCOMPARE(set.rows[0].kernel(), KernelType::GEMV);
        QCOMPARE(set.rows[0].measured_time_us, 203.4);
        QCOMPARE(set.rows[0].measured_tflops, 0.165); // given: kept as written
        QCOMPARE(set.rows[3].precision, Precision::FP8_E4M3);
        QCOMPARE(dims_of(set.rows[4].shape), (std::vector<int64_t>{4096, 4096, 4096}));
        QVERIFY(set.extra.contains("source")); // an unknown top-level field is kept
    }

    void testLenientReading()
    {
        // A bare list, "kernel" for "kernel_type", a shape string, lower-case precision, derived fields.
        const MeasurementSet set = parse_measurements(
            R"([{"kernel": "GEMM", "shape": "1024x1024x1024", "precision": "bf16", "measured_time_us": 10,
                 "algorithm": "algo 7", "samples": 12}])",
            "pasted text");
        QVERIFY(set.hardware_key.empty());
        const Measurement& m = set.rows.at(0);
        QCOMPARE(m.kernel(), KernelType::GEMM);
        QCOMPARE(m.precision, Precision::BF16);
        // 2·1024³ FLOP in 10 µs = 214.748 TFLOP/s; 3·1024²·2 bytes in 10 µs = 629.1 GB/s
        QCOMPARE(qRound64(m.measured_tflops * 1000), qint64(214748));
        QCOMPARE(qRound64(m.measured_bandwidth_gb_s * 10), qint64(6291));
        QCOMPARE(m.ai, 2.0 * 1024 * 1024 * 1024 / (3.0 * 1024 * 1024 * 2));
        QCOMPARE(m.extra["algorithm"].get<std::string>(), std::string("algo 7"));
        QCOMPARE(m.extra["samples"].get<int>(), 12);
        // "results" instead of "benchmarks"
        QCOMPARE(parse_measurements(R"({"results": [{)" + kGoodRow + "}]}", "x").rows.size(), std::size_t(1));
    }

    void testStatusRows()
    {
        const MeasurementSet set = parse_measurements(
            R"([{"kernel_type": "gemm", "shape": [64, 64, 64], "precision": "NVFP4", "status": "unsupported",
                 "reason": "NVFP4 needs sm_100"},
                {"kernel_type": "gemm", "shape": [64, 64, 64], "precision": "FP16", "status": "cancelled",
                 "measured_time_us": 5}])",
            "run");
        QCOMPARE(set.rows[0].status, RowStatus::Unsupported);
        QCOMPARE(set.rows[0].reason, std::string("NVFP4 needs sm_100"));
        QCOMPARE(set.rows[0].measured_time_us, 0.0);
        QCOMPARE(set.rows[1].status, RowStatus::Cancelled);
        QCOMPARE(set.rows[1].measured_time_us, 5.0);
    }

    void testMalformed_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("message");
        QTest::newRow("not JSON") << "not json" << "in.json: line 1, column 2: not valid JSON";
        QTest::newRow("second line") << "{\n  \"benchmarks\": [,]\n}" << "in.json: line 2, column 18: not valid JSON";
        QTest::newRow("empty text") << "  " << "not valid JSON: the text is empty";
        QTest::newRow("top-level number") << "42" << "expected an object with a \"benchmarks\" list";
        QTest::newRow("no benchmarks") << R"({"hardware_key": "b10"})" << "in.json: field 'benchmarks': missing";
        QTest::newRow("benchmarks not a list") << R"({"benchmarks": {}})" << "field 'benchmarks': expected a list, got an object";
        QTest::newRow("empty list") << R"({"benchmarks": []})" << "field 'benchmarks': the list is empty";
        QTest::newRow("row not an object") << R"({"benchmarks": [7]})" << "row 0: expected an object, got an integer";
        QTest::newRow("missing time") << QString::fromStdString(row(R"("kernel_type": "gemv", "shape": [4, 4], "precision": "FP16")"))
                                      << "row 0, field 'measured_time_us': missing";
        QTest::newRow("missing kernel") << QString::fromStdString(row(R"("shape": [4, 4], "precision": "FP16", "measured_time_us": 1)"))
                                        << "row 0, field 'kernel_type': missing";
        QTest::newRow("missing shape") << QString::fromStdString(row(R"("kernel_type": "gemv", "precision": "FP16", "measured_time_us": 1)"))
                                       << "row 0, field 'shape': missing";
        QTest::newRow("time as string") << QString::fromStdString(row(R"("kernel_type": "gemv", "shape": [4, 4], "precision": "FP16", "measured_time_us": "203")"))
                                        << "field 'measured_time_us': expected a number, got a string";
        QTest::newRow("unknown kernel") << QString::fromStdString(row(R"("kernel_type": "conv", "shape": [4, 4], "precision": "FP16", "measured_time_us": 1)"))
                                        << "field 'kernel_type': unknown kernel 'conv'";
        QTest::newRow("unknown precision") << QString::fromStdString(row(R"("kernel_type": "gemv", "shape": [4, 4], "precision": "FP12", "measured_time_us": 1)"))
                                           << "field 'precision': unknown precision 'FP12'";
        QTest::newRow("wrong arity") << QString::fromStdString(row(R"("kernel_type": "gemm", "shape": [4, 4], "precision": "FP16", "measured_time_us": 1)"))
                                     << "field 'shape': expected 3 dimensions for gemm [M, N, K], got 2";
        QTest::newRow("zero time") << QString::fromStdString(row(R"("kernel_type": "gemv", "shape": [4, 4], "precision": "FP16", "measured_time_us": 0)"))
                                   << "field 'measured_time_us': must be greater than 0, got 0";
        QTest::newRow("negative time") << QString::fromStdString(row(R"("kernel_type": "gemv", "shape": [4, 4], "precision": "FP16", "measured_time_us": -3.5)"))
                                       << "must be greater than 0, got -3.5";
        QTest::newRow("NaN literal") << QString::fromStdString(row(R"("kernel_type": "gemv", "shape": [4, 4], "precision": "FP16", "measured_time_us": NaN)"))
                                     << "not valid JSON";
        QTest::newRow("infinite time") << QString::fromStdString(row(R"("kernel_type": "gemv", "shape": [4, 4], "precision": "FP16", "measured_time_us": 1e999)"))
                                       << "in.json: not valid JSON: number overflow parsing '1e999'";
        QTest::newRow("zero dimension") << QString::fromStdString(row(R"("kernel_type": "gemv", "shape": [0, 4], "precision": "FP16", "measured_time_us": 1)"))
                                        << "field 'shape[0]': must be greater than 0, got 0";
        QTest::newRow("fractional dimension") << QString::fromStdString(row(R"("kernel_type": "gemv", "shape": [4096.5, 4], "precision": "FP16", "measured_time_us": 1)"))
                                              << "field 'shape[0]': expected a whole number";
        QTest::newRow("FLOPs overflow") << QString::fromStdString(row(R"("kernel_type": "gemm", "shape": [2097152, 2097152, 2097152], "precision": "FP16", "measured_time_us": 1)"))
                                        << "field 'shape': the FLOP count overflows 64 bits";
        QTest::newRow("dimension beyond int64") << QString::fromStdString(row(R"("kernel_type": "gemv", "shape": [18446744073709551615, 4], "precision": "FP16", "measured_time_us": 1)"))
                                                << "does not fit in 64 bits";
        QTest::newRow("bad shape string") << QString::fromStdString(row(R"("kernel_type": "gemv", "shape": "4096 by 4096", "precision": "FP16", "measured_time_us": 1)"))
                                          << "field 'shape': 'by' in shape";
        QTest::newRow("negative tflops") << QString::fromStdString(row(kGoodRow + R"(, "measured_tflops": -1)"))
                                         << "field 'measured_tflops': must not be negative";
        QTest::newRow("unknown status") << QString::fromStdString(row(kGoodRow + R"(, "status": "great")"))
                                        << "field 'status': unknown status 'great'";
        QTest::newRow("bad cache mode") << QString::fromStdString(row(kGoodRow + R"(, "cache_mode": "hot")"))
                                        << "field 'cache_mode': expected \"cold\" or \"warm\"";
        QTest::newRow("second row") << QString::fromStdString(R"({"benchmarks": [{)" + kGoodRow + R"(}, {"kernel_type": "gemv"}]})")
                                    << "row 1, field 'precision': missing";
        QTest::newRow("every bad row listed") << QString::fromStdString(R"({"benchmarks": [{}, {}, {}]})")
                                              << "2 more problem(s):\n  in.json: row 1, field 'kernel_type': missing";
    }
    void testMalformed()
    {
        QFETCH(QString, text);
        QFETCH(QString, message);
        try {
            parse_measurements(text.toStdString(), "in.json");
            QFAIL("expected InputError");
        } catch (const InputError& e) {
            QVERIFY2(QString::fromStdString(e.what()).contains(message), e.what());
            QCOMPARE(e.where().file, std::string("in.json"));
        }
    }

    // A big text (past 4 MB) has its rows read on a second thread: the same rows in the same order, the same
    // problems in the same order as a small one's.
    void testBigTextReadInOrder()
    {
        const int rows = 60000;
        std::string good = R"({"hardware_key": "b10", "benchmarks": [)";
        for (int i = 0; i < rows; ++i)
            good += (i ? ",\n" : "") + std::string(R"({"kernel_type": "gemv", "shape": [)") + std::to_string(i + 1)
                + R"(, 4096], "precision": "FP16", "measured_time_us": 12.5, "note": "padding padding padding"})";
        good += "]}";
        QVERIFY(good.size() > (std::size_t(4) << 20));
        const MeasurementSet set = parse_measurements(good, "big.json");
        QCOMPARE(set.rows.size(), std::size_t(rows));
        for (int i = 0; i < rows; i += 997) {
            QCOMPARE(set.rows[i].row_index, std::size_t(i));
            QCOMPARE(std::get<GemvShape>(set.rows[i].shape).n, int64_t(i + 1));
        }
        QCOMPARE(set.rows.back().extra["note"].get<std::string>(), std::string("padding padding padding"));

        std::string bad = good;
        const std::string row7 = R"([8, 4096], "precision": "FP16")";
        bad.replace(bad.find(row7), row7.size(), R"([8, 4096], "precision": "FP99")");
        const std::string last = "[" + std::to_string(rows) + R"(, 4096], "precision": "FP16", "measured_time_us": 12.5)";
        bad.replace(bad.find(last), last.size(), "[" + std::to_string(rows) + R"(, 4096], "precision": "FP16", "measured_time_us": -1)");
        try {
            parse_measurements(bad, "big.json");
            QFAIL("expected InputError");
        } catch (const InputError& e) {
            QCOMPARE(e.where().row, std::optional<std::size_t>(7));
            QCOMPARE(e.where().field, std::string("precision"));
            const std::string expected_second = "big.json: row " + std::to_string(rows - 1) + ", field 'measured_time_us'";
            QVERIFY2(std::string(e.what()).find("1 more problem(s):\n  " + expected_second) != std::string::npos, e.what());
        }
    }

    void testErrorLocation()
    {
        try {
            parse_measurements(row(R"("kernel_type": "gemv", "shape": [4, 4], "precision": "FP99", "measured_time_us": 1)"), "r.json");
            QFAIL("expected InputError");
        } catch (const InputError& e) {
            QCOMPARE(e.where().row, std::optional<std::size_t>(0));
            QCOMPARE(e.where().field, std::string("precision"));
        }
    }

    void testMissingFile()
    {
        try {
            load_measurements("/nonexistent/results.json");
            QFAIL("expected InputError");
        } catch (const InputError& e) {
            QVERIFY2(std::string(e.what()).find("/nonexistent/results.json: cannot open the file") == 0, e.what());
        }
    }

    void testWriteReadRoundTrip()
    {
        MeasurementSet set = load_measurements(ROOFLINE_TEST_DATA_DIR "/gb10_seed_measurements.json");
        set.rows[1].extra["algorithm"] = "cublasLt algo 21";
        set.rows[2].cache_mode = "warm";
        Measurement unsupported = set.rows[0];
        unsupported.status = RowStatus::Unsupported;
        unsupported.reason = "no FP4 here";
        unsupported.measured_time_us = 0;
        set.rows.push_back(unsupported);
        set.meta = make_meta(nlohmann::ordered_json{{"name", "NVIDIA GB10"}});

        const std::string text = measurements_to_json(set);
        const MeasurementSet again = parse_measurements(text, "round trip");
        QCOMPARE(again.hardware_key, set.hardware_key);
        QCOMPARE(again.rows.size(), set.rows.size());
        for (std::size_t i = 0; i < set.rows.size(); ++i) {
            QCOMPARE(again.rows[i].measured_time_us, set.rows[i].measured_time_us);
            QCOMPARE(again.rows[i].precision, set.rows[i].precision);
            QCOMPARE(dims_of(again.rows[i].shape), dims_of(set.rows[i].shape));
            QCOMPARE(again.rows[i].status, set.rows[i].status);
            QCOMPARE(again.rows[i].reason, set.rows[i].reason);
            QCOMPARE(again.rows[i].cache_mode, set.rows[i].cache_mode);
            QCOMPARE(again.rows[i].extra, set.rows[i].extra);
        }
        QCOMPARE(again.meta["schema_version"].get<int>(), kMeasurementSchemaVersion);
        QCOMPARE(again.meta["tool"].get<std::string>(), std::string("roofline-lab"));
        QCOMPARE(again.meta["device"]["name"].get<std::string>(), std::string("NVIDIA GB10"));
        QVERIFY(again.meta.contains("timestamp"));
        QVERIFY(again.extra.contains("source"));
    }

    // A results file from before ABI 2 has no "gemm_config": the configuration comes from the algorithm text where
    // that text has one, and stays unknown where it does not.
    void testOlderFileWithoutConfigFields()
    {
        const std::string file = ROOFLINE_TEST_DATA_DIR "/h200_workload_shapes.json";
        QVERIFY(read_text_file(file).find("gemm_config") == std::string::npos);
        const MeasurementSet set = load_measurements(file);
        // "cublasLt algo 66 tile 8x64 stages 64xAUTO splitK 2 (heuristic #1 of 8), fastest median of 9 raced …"
        const GemmConfig& first = set.rows[0].gemm_config;
        QCOMPARE(first.library, GemmLibrary::CublasLt);
        QCOMPARE(first.algo_id, 66);
        QCOMPARE(first.tile_m, 8);
        QCOMPARE(first.tile_n, 64);
        QCOMPARE(first.tile_k, 64);
        QCOMPARE(first.stages, 0); // AUTO
        QCOMPARE(first.split_k, 2);
        QCOMPARE(first.candidates_timed, 9);
        std::size_t lt = 0, gemm_ex = 0, auto_tile = 0, unknown = 0;
        for (const Measurement& m : set.rows) {
            const std::string text = roofline::extra_field(m, "algorithm", std::string());
            const GemmConfig& c = m.gemm_config;
            if (text.rfind("cublasGemmEx", 0) == 0) {
                ++gemm_ex;
                QCOMPARE(c.library, GemmLibrary::Cublas);
                QVERIFY(!c.has_tile());
                QCOMPARE(c.split_k, 0);
            } else if (text.find("tile auto") != std::string::npos) {
                ++auto_tile;
                QCOMPARE(c.library, GemmLibrary::CublasLt);
                QVERIFY(!c.has_tile());
                QVERIFY(c.split_k >= 1);
            } else if (text.rfind("cublasLt", 0) == 0) {
                ++lt;
                QVERIFY2(c.has_tile() && c.split_k >= 1, text.c_str());
            } else {
                ++unknown;
                QVERIFY(!c.known());
            }
        }
        QCOMPARE(lt + gemm_ex + auto_tile + unknown, set.rows.size());
        QVERIFY(lt > 200 && gemm_ex > 20 && auto_tile > 5 && unknown > 5); // every kind of text is in the file

        const MeasurementSet bare = parse_measurements(
            R"({"benchmarks": [{"kernel_type": "gemm", "shape": [64, 64, 64], "precision": "FP16", "measured_time_us": 5}]})", "bare");
        QVERIFY(!bare.rows[0].gemm_config.known());
        QVERIFY(!measurement_to_json(bare.rows[0]).contains("gemm_config"));
    }

    // A row with the fields: written as "gemm_config", read back the same, and preferred to the text.
    void testConfigRoundTrip()
    {
        MeasurementSet set = parse_measurements(
            R"({"benchmarks": [{"kernel_type": "gemm", "shape": [4096, 4096, 4096], "precision": "BF16", "measured_time_us": 200,
                "algorithm": "cublasLt algo 6 tile 64x64 stages 64x3 splitK 4"}]})", "new");
        GemmConfig c;
        c.library = GemmLibrary::CublasLt;
        c.algo_id = 66;
        c.tile_m = 128;
        c.tile_n = 256;
        c.tile_k = 64;
        c.stages = 4;
        c.split_k = 1;
        c.reduction_scheme = 2;
        c.cluster_m = 2;
        c.cluster_n = 1;
        c.candidates_timed = 9;
        set.rows[0].gemm_config = c;
        const nlohmann::ordered_json row = measurement_to_json(set.rows[0]);
        QCOMPARE(row["gemm_config"]["tile"], (nlohmann::ordered_json{128, 256, 64}));
        QCOMPARE(row["gemm_config"]["library"].get<std::string>(), std::string("cublasLt"));
        const MeasurementSet again = parse_measurements(measurements_to_json(set), "round trip");
        QCOMPARE(again.rows[0].gemm_config, c);
        QVERIFY(!again.rows[0].extra.contains("gemm_config"));
        QCOMPARE(parse_measurements(measurements_to_json(again), "twice").rows[0].gemm_config, c);

        GemmConfig gemm_ex;
        gemm_ex.library = GemmLibrary::Cublas;
        set.rows[0].gemm_config = gemm_ex;
        QCOMPARE(parse_measurements(measurements_to_json(set), "cublas").rows[0].gemm_config, gemm_ex);
    }

    void testConfigMalformed_data()
    {
        QTest::addColumn<QString>("config");
        QTest::addColumn<QString>("field");
        QTest::newRow("not an object") << R"("tile 128x128")" << "gemm_config";
        QTest::newRow("no library") << R"({"tile": [128, 128]})" << "gemm_config.library";
        QTest::newRow("unknown library") << R"({"library": "cutlass"})" << "gemm_config.library";
        QTest::newRow("tile of text") << R"({"library": "cublasLt", "tile": "128x128"})" << "gemm_config.tile";
        QTest::newRow("negative tile") << R"({"library": "cublasLt", "tile": [-1, 128]})" << "gemm_config.tile[0]";
        QTest::newRow("split-K of text") << R"({"library": "cublasLt", "split_k": "2"})" << "gemm_config.split_k";
        QTest::newRow("unknown field") << R"({"library": "cublasLt", "tiles": [1, 2]})" << "gemm_config.tiles";
    }

    void testConfigMalformed()
    {
        QFETCH(QString, config);
        QFETCH(QString, field);
        const std::string text = R"({"benchmarks": [{"kernel_type": "gemm", "shape": [8, 8, 8], "precision": "FP16", "measured_time_us": 5},
            {"kernel_type": "gemm", "shape": [8, 8, 8], "precision": "FP16", "measured_time_us": 5, "gemm_config": )"
            + config.toStdString() + "}]}";
        try {
            parse_measurements(text, "bad.json");
            QFAIL("accepted a bad gemm_config");
        } catch (const InputError& e) {
            QCOMPARE(e.where().row, std::optional<std::size_t>(1));
            QCOMPARE(QString::fromStdString(e.where().field), field);
        }
    }

    void testAtomicWrite()
    {
        QTemporaryDir dir;
        const std::filesystem::path file = std::filesystem::path(dir.path().toStdString()) / "out.json";
        write_file_atomically(file, "first");
        write_file_atomically(file, "second");
        std::ifstream in(file);
        std::string text;
        std::getline(in, text);
        QCOMPARE(text, std::string("second"));
        // No temporary file is left behind.
        QCOMPARE(std::distance(std::filesystem::directory_iterator(dir.path().toStdString()), std::filesystem::directory_iterator()), 1);
        QVERIFY_THROWS_EXCEPTION(InputError, write_file_atomically("/nonexistent-dir/x.json", "x"));
    }
};

QTEST_APPLESS_MAIN(TestMeasurements)
#include "tst_measurements.moc"
