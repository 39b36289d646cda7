// BenchRunner, measure_ceilings and profile_from_ceilings on the host-CPU plugin, the bench -> results ->
// validate path end to end, and parse_plan_json.
#include "roofline/benchmarking/bench_plan.h"
#include "roofline/benchmarking/bench_runner.h"
#include "roofline/model/calculator.h"
#include "roofline/calibration/ceilings.h"
#include "roofline/support/errors.h"
#include "roofline/hardware/hardware_registry.h"
#include "roofline/results/measurements.h"
#include "roofline/results/validation.h"

#include <QDir>
#include <QTemporaryDir>
#include <QTest>

#include <atomic>
#include <cmath>
#include <memory>
#include <optional>

using namespace roofline;

namespace {

// Tiny cases, short budgets: a plan of these runs in well under a second on 2 cores.
BenchPlan smallPlan(std::vector<BenchCase> cases)
{
    BenchPlan plan;
    plan.name = "test";
    plan.cases = std::move(cases);
    plan.cache_mode = CacheMode::Warm;
    plan.time_budget_per_case_s = 0.05;
    plan.min_samples = 3;
    plan.max_samples = 50;
    return plan;
}

std::vector<BenchCase> mixedCases()
{
    return {{GemvShape{256, 256}, Precision::FP32},
            {GemmShape{32, 32, 32}, Precision::FP64},
            {GemvShape{128, 128}, Precision::FP16}, // the CPU plugin runs FP32 and FP64 only
            {GemmShape{48, 40, 56}, Precision::FP32},
            {GemmShape{64, 64, 64}, Precision::BF16},
            {GemvShape{300, 200}, Precision::FP64}};
}

QString text(std::string_view s)
{
    return QString::fromUtf8(s.data(), qsizetype(s.size()));
}

QStringList entries(const QString& dir)
{
    return QDir(dir).entryList(QDir::Files | QDir::NoDotAndDotDot);
}

} // namespace

class TestBenchRunner : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<Device> m_device;
    std::optional<MeasuredCeilings> m_ceilings; // measured once, by the first test that needs them (~8 s on 2 cores)

    // The ceilings run stops once the first peak is in: the DRAM, L2 and launch steps and one GEMM peak
    // (FP64, the first precision the CPU runs) are what a profile needs, and the FP32 peak would add ~2 s.
    const MeasuredCeilings& ceilings()
    {
        if (!m_ceilings) {
            std::atomic<bool> stop{false};
            m_ceilingLines.clear();
            m_ceilings = measure_ceilings(*m_device, stop, [this, &stop](const std::string& line) {
                m_ceilingLines << QString::fromStdString(line);
                if (line.rfind("peak ", 0) == 0)
                    stop = true;
            });
        }
        return *m_ceilings;
    }
    QStringList m_ceilingLines;

private Q_SLOTS:
    void initTestCase()
    {
        qunsetenv("ROOFLINE_LAB_PLUGIN_DIR");
        m_device = Device::open(Plugin::load(find_plugin("cpu")), 0);
    }

    void cleanupTestCase() { m_device.reset(); }

    // The file on disk is whole after every case: a reader (the app, a crash) never sees a partial run.
    void testSavesAfterEveryCase()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString file = dir.filePath(QStringLiteral("run.json"));
        const BenchPlan plan = smallPlan(mixedCases());
        BenchRunner runner(*m_device, plan, "b10", file.toStdString());

        std::vector<std::size_t> started, finished;
        RunCallbacks callbacks;
        callbacks.case_started = [&](std::size_t i, std::size_t total, const BenchCase& c) {
            started.push_back(i);
            QCOMPARE(total, plan.cases.size());
            QCOMPARE(c.precision, plan.cases[i].precision);
            if (i == 0) {
                QVERIFY(!QFile::exists(file));
            } else {
                QCOMPARE(load_measurements(file.toStdString()).rows.size(), i);
            }
        };
        callbacks.case_finished = [&](const CaseOutcome& o) {
            finished.push_back(o.index);
            // Parses, with one row per finished case, the newest one last.
            const MeasurementSet onDisk = load_measurements(file.toStdString());
            QCOMPARE(onDisk.rows.size(), o.index + 1);
            const Measurement& last = onDisk.rows.back();
            QCOMPARE(text(to_string(last.status)), text(to_string(o.measurement.status)));
            QCOMPARE(text(format_shape(last.shape)), text(format_shape(plan.cases[o.index].shape)));
            QCOMPARE(last.precision, plan.cases[o.index].precision);
            QCOMPARE(onDisk.meta["complete"].get<bool>(), false);
            QCOMPARE(QString::fromStdString(onDisk.hardware_key), QStringLiteral("b10"));
            // Only the file itself: the temporary it was written through is renamed away.
            QCOMPARE(entries(dir.path()), QStringList{QStringLiteral("run.json")});
        };

        const std::atomic<bool> stop{false};
        const MeasurementSet set = runner.run(stop, callbacks);
        QCOMPARE(started, (std::vector<std::size_t>{0, 1, 2, 3, 4, 5}));
        QCOMPARE(finished, (std::vector<std::size_t>{0, 1, 2, 3, 4, 5}));
        QCOMPARE(set.rows.size(), plan.cases.size());

        const MeasurementSet onDisk = load_measurements(file.toStdString());
        QCOMPARE(onDisk.rows.size(), plan.cases.size());
        QCOMPARE(onDisk.meta["complete"].get<bool>(), true);
        QCOMPARE(onDisk.meta["cases_planned"].get<std::size_t>(), plan.cases.size());
        QCOMPARE(QString::fromStdString(onDisk.meta["device"]["backend"].get<std::string>()), QStringLiteral("cpu"));
        QCOMPARE(QString::fromStdString(onDisk.meta["plan"].get<std::string>()), QStringLiteral("test"));
        for (std::size_t i = 0; i < onDisk.rows.size(); ++i) {
            const Measurement& m = onDisk.rows[i];
            QCOMPARE(m.row_index, i);
            QCOMPARE(QString::fromStdString(m.cache_mode), QStringLiteral("warm"));
            const bool cpuPrecision = m.precision == Precision::FP32 || m.precision == Precision::FP64;
            if (cpuPrecision) {
                QCOMPARE(text(to_string(m.status)), QStringLiteral("ok"));
                QVERIFY(m.measured_time_us > 0);
                QVERIFY(m.measured_tflops > 0);
                QVERIFY(m.extra["samples"].get<int>() >= plan.min_samples);
                QCOMPARE(m.extra["verified"].get<bool>(), true);
                QVERIFY(m.extra["min_time_us"].get<double>() <= m.measured_time_us);
                QVERIFY(m.measured_time_us <= m.extra["max_time_us"].get<double>());
            } else {
                QCOMPARE(text(to_string(m.status)), QStringLiteral("unsupported"));
                QVERIFY2(QString::fromStdString(m.reason).contains(QStringLiteral("FP32 and FP64")), m.reason.c_str());
                QCOMPARE(m.measured_time_us, 0.0);
            }
        }
    }

    void testStop_data()
    {
        QTest::addColumn<bool>("hardStop");      // the `stop` flag (ends the case in progress) or stop_before_next_case
        QTest::addColumn<int>("stopAt");         // set while case `stopAt` starts (hard) / before it starts (soft)
        QTest::addColumn<int>("rows");           // rows kept
        QTest::addColumn<QString>("lastStatus");
        QTest::newRow("stop flag from case_started of case 2") << true << 1 << 2 << "cancelled";
        QTest::newRow("stop flag from case_started of case 1") << true << 0 << 1 << "cancelled";
        QTest::newRow("stop before case 3 (first Ctrl-C)") << false << 2 << 2 << "ok";
    }

    void testStop()
    {
        QFETCH(bool, hardStop);
        QFETCH(int, stopAt);
        QFETCH(int, rows);
        QFETCH(QString, lastStatus);

        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString file = dir.filePath(QStringLiteral("run.json"));
        const BenchPlan plan = smallPlan({{GemvShape{256, 256}, Precision::FP32},
                                          {GemmShape{64, 64, 64}, Precision::FP32},
                                          {GemvShape{512, 256}, Precision::FP64},
                                          {GemmShape{32, 32, 32}, Precision::FP64}});
        BenchRunner runner(*m_device, plan, "b10", file.toStdString());

        std::atomic<bool> stop{false};
        std::vector<std::size_t> started, finished;
        RunCallbacks callbacks;
        callbacks.case_started = [&](std::size_t i, std::size_t, const BenchCase&) {
            started.push_back(i);
            if (hardStop && int(i) == stopAt)
                stop = true;
        };
        callbacks.case_finished = [&](const CaseOutcome& o) { finished.push_back(o.index); };
        callbacks.stop_before_next_case = [&] { return !hardStop && int(finished.size()) == stopAt; };

        const MeasurementSet set = runner.run(stop, callbacks);
        QCOMPARE(int(set.rows.size()), rows);
        QCOMPARE(int(started.size()), rows); // no case after the stop was even started
        QCOMPARE(int(finished.size()), rows);
        QCOMPARE(text(to_string(set.rows.back().status)), lastStatus);
        for (int i = 0; i + 1 < rows; ++i)
            QCOMPARE(text(to_string(set.rows[std::size_t(i)].status)), QStringLiteral("ok"));

        // The file holds exactly what finished, marked incomplete, and parses.
        const MeasurementSet onDisk = load_measurements(file.toStdString());
        QCOMPARE(int(onDisk.rows.size()), rows);
        QCOMPARE(text(to_string(onDisk.rows.back().status)), lastStatus);
        QCOMPARE(onDisk.meta["complete"].get<bool>(), false);
        QCOMPARE(onDisk.meta["cases_planned"].get<int>(), 4);
        QVERIFY(onDisk.meta.contains("finished"));
        QCOMPARE(entries(dir.path()), QStringList{QStringLiteral("run.json")});
    }

    void testCeilingsGiveAProfile()
    {
        const MeasuredCeilings& c = ceilings();
        QCOMPARE(QString::fromStdString(c.device["backend"].get<std::string>()), QStringLiteral("cpu"));
        QVERIFY(!c.timestamp.empty());
        QVERIFY(c.dram_read_gb_s && *c.dram_read_gb_s > 0.1);
        QVERIFY(c.dram_copy_gb_s && *c.dram_copy_gb_s > 0.1);
        QVERIFY(c.launch_overhead_us && *c.launch_overhead_us > 0);
        // Stopped after the first peak: FP64 (the CPU plugin runs FP64 and FP32, in that order), nothing after it.
        QCOMPARE(c.peak_tflops.size(), std::size_t(1));
        QVERIFY(c.peak_tflops.count(Precision::FP64) && c.peak_tflops.at(Precision::FP64) > 0);
        QCOMPARE(QString::fromStdString(c.peak_shapes.at(Precision::FP64)), QStringLiteral("2048x2048x2048"));
        QVERIFY2(m_ceilingLines.size() >= 4 && m_ceilingLines.first().startsWith(QStringLiteral("DRAM read: ")),
                 qPrintable(m_ceilingLines.join(QLatin1Char('\n'))));
        QVERIFY(m_ceilingLines.last().startsWith(QStringLiteral("peak FP64: ")));

        // The JSON round trip keeps every number.
        const MeasuredCeilings back = parse_ceilings_json(ceilings_to_json(c), "ceilings.json");
        QCOMPARE(*back.dram_read_gb_s, *c.dram_read_gb_s);
        QCOMPARE(*back.dram_copy_gb_s, *c.dram_copy_gb_s);
        QCOMPARE(back.peak_tflops, c.peak_tflops);

        const HardwareSpec hw = profile_from_ceilings(c, "host", "ceilings.json");
        QCOMPARE(QString::fromStdString(hw.key), QStringLiteral("host"));
        QVERIFY(QString::fromStdString(hw.name).contains(QStringLiteral("(measured)")));
        QCOMPARE(hw.peak_bandwidth_gb_s, *c.dram_read_gb_s);
        QCOMPARE(hw.peak_tflops, c.peak_tflops);
        QCOMPARE(hw.launch_overhead_us, *c.launch_overhead_us);
        QCOMPARE(hw.sm_count.value_or(0), c.device["multiprocessor_count"].get<int>());
        QVERIFY(hw.memory_gb && *hw.memory_gb > 0);
        QVERIFY(QString::fromStdString(hw.source_for("peak_bandwidth_gb_s").value_or("")).contains(QStringLiteral("ceilings.json")));
        QVERIFY(QString::fromStdString(hw.source_for("peak_tflops.FP32").value_or("")).startsWith(QStringLiteral("measured")));

        // Usable: it predicts, and it survives the user-profile file format.
        const Prediction p = predict(hw, GemmShape{256, 256, 256}, Precision::FP64, Mode::Ideal);
        QVERIFY(p.predicted_time_us > 0 && std::isfinite(p.predicted_time_us));
        QVERIFY(std::fabs(*hw.critical_ai(Precision::FP64) - hw.peak_tflops.at(Precision::FP64) * 1e3 / hw.peak_bandwidth_gb_s) < 1e-9);
        const HardwareSpec reread = parse_hardware_json(hardware_to_json(hw), "host.json");
        QCOMPARE(reread.peak_bandwidth_gb_s, hw.peak_bandwidth_gb_s);
        QCOMPARE(reread.peak_tflops.size(), hw.peak_tflops.size());
    }

    void testProfileNeedsBandwidthAndPeak_data()
    {
        QTest::addColumn<bool>("bandwidth");
        QTest::addColumn<bool>("peak");
        QTest::addColumn<QString>("field");
        QTest::newRow("no bandwidth") << false << true << "dram_read_gb_s";
        QTest::newRow("no peak") << true << false << "peak_tflops";
    }

    void testProfileNeedsBandwidthAndPeak()
    {
        QFETCH(bool, bandwidth);
        QFETCH(bool, peak);
        QFETCH(QString, field);
        MeasuredCeilings c;
        if (bandwidth)
            c.dram_copy_gb_s = 40.0;
        if (peak)
            c.peak_tflops[Precision::FP32] = 0.2;
        try {
            profile_from_ceilings(c, "host", "ceilings.json");
            QFAIL("a profile without a bandwidth or a peak was accepted");
        } catch (const InputError& e) {
            QVERIFY2(QString::fromUtf8(e.what()).contains(QStringLiteral("ceilings.json")), e.what());
            QCOMPARE(QString::fromStdString(e.where().field), field);
        }
    }

    void testCeilingsStopAtOnce()
    {
        const std::atomic<bool> stop{true};
        QStringList lines;
        const MeasuredCeilings c = measure_ceilings(*m_device, stop, [&lines](const std::string& l) { lines << QString::fromStdString(l); });
        QVERIFY(!c.dram_read_gb_s && !c.dram_copy_gb_s && !c.l2_read_gb_s && !c.launch_overhead_us);
        QVERIFY(c.peak_tflops.empty());
        QVERIFY2(lines.isEmpty(), qPrintable(lines.join(QLatin1Char('\n'))));
    }

    void testBenchResultsValidate_data()
    {
        QTest::addColumn<QString>("hardware");   // "host": the profile measured above, else a preset key
        QTest::addColumn<int>("compared");
        QTest::addColumn<QStringList>("reasons"); // per row: "" for a compared row, else a fragment of its reason
        const QString unsupported = QStringLiteral("not measured: unsupported (the CPU plugin runs FP32 and FP64");
        // The host profile has an FP64 peak only (see ceilings()): its FP32 rows cannot be predicted.
        const QString noFp32 = QStringLiteral("cannot predict: ");
        QTest::newRow("measured host profile") << "host" << 2 << QStringList{noFp32, "", unsupported, noFp32, unsupported, ""};
        QTest::newRow("b10 preset") << "b10" << 4 << QStringList{"", "", unsupported, "", unsupported, ""};
    }

    // bench -> results file -> validate: one report row per case; rows that were not measured or cannot be
    // predicted are listed with their reason, not dropped.
    void testBenchResultsValidate()
    {
        QFETCH(QString, hardware);
        QFETCH(int, compared);
        QFETCH(QStringList, reasons);
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString file = dir.filePath(QStringLiteral("results.json"));
        const BenchPlan plan = smallPlan(mixedCases());
        QCOMPARE(reasons.size(), qsizetype(plan.cases.size()));
        const std::atomic<bool> stop{false};
        BenchRunner(*m_device, plan, hardware.toStdString(), file.toStdString()).run(stop);

        const MeasurementSet set = load_measurements(file.toStdString());
        QCOMPARE(QString::fromStdString(set.hardware_key), hardware);
        const HardwareSpec hw = hardware == QLatin1String("host") ? profile_from_ceilings(ceilings(), "host", "test")
                                                                 : HardwareRegistry::presets().get(hardware.toStdString());
        const ValidationReport report = validate(hw, set, Mode::Realistic);
        QCOMPARE(report.rows.size(), plan.cases.size());
        QCOMPARE(int(report.summary.count), compared);
        QCOMPARE(int(report.not_compared), int(plan.cases.size()) - compared);
        QCOMPARE(int(report.summary.green + report.summary.yellow + report.summary.red), compared);
        for (std::size_t i = 0; i < report.rows.size(); ++i) {
            const ValidationRow& row = report.rows[i];
            const QString expected = reasons[qsizetype(i)];
            QCOMPARE(text(format_shape(row.measurement.shape)), text(format_shape(plan.cases[i].shape)));
            QCOMPARE(row.measurement.precision, plan.cases[i].precision);
            if (expected.isEmpty()) {
                QVERIFY2(row.compared(), row.reason.c_str());
                QVERIFY(row.measurement.measured_time_us > 0);
                QVERIFY(row.prediction && row.prediction->predicted_time_us > 0);
                QVERIFY(std::isfinite(row.error_pct));
                QCOMPARE(row.abs_error_pct, std::fabs(row.error_pct));
            } else {
                QVERIFY(!row.compared());
                QVERIFY2(QString::fromStdString(row.reason).startsWith(expected), row.reason.c_str());
            }
        }
    }

    void testParsePlan_data()
    {
        QTest::addColumn<QString>("json");
        QTest::addColumn<QStringList>("cases"); // "kernel shape precision" per case, in order
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("cacheMode");
        QTest::addColumn<int>("minSamples");

        QTest::newRow("cases list") << R"({"name": "mine", "cache_mode": "warm", "min_samples": 4, "time_budget_per_case_s": 0.5,
            "cases": [{"kernel_type": "gemv", "shape": [4096, 1024], "precision": "FP16"},
                      {"kernel_type": "GEMM", "shape": "64x32x16", "precision": "fp32"}]})"
                                    << QStringList{QStringLiteral("gemv 4096x1024 FP16"), QStringLiteral("gemm 64x32x16 FP32")}
                                    << "mine" << "warm" << 4;
        QTest::newRow("shapes x precisions") << R"({"shapes": {"gemv": [[1024, 1024], "2048x512"], "gemm": [[64, 64, 64]]},
            "precisions": ["FP32", "FP64"]})"
                                             << QStringList{QStringLiteral("gemv 1024x1024 FP32"), QStringLiteral("gemv 1024x1024 FP64"),
                                                            QStringLiteral("gemv 2048x512 FP32"), QStringLiteral("gemv 2048x512 FP64"),
                                                            QStringLiteral("gemm 64x64x64 FP32"), QStringLiteral("gemm 64x64x64 FP64")}
                                             << "custom" << "cold" << 10;
        QTest::newRow("kernels filter the shapes") << R"({"kernels": ["gemm"], "precisions": ["BF16"],
            "shapes": {"gemv": [[8, 8]], "gemm": [[8, 8, 8], [16, 8, 4]]}})"
                                                   << QStringList{QStringLiteral("gemm 8x8x8 BF16"), QStringLiteral("gemm 16x8x4 BF16")}
                                                   << "custom" << "cold" << 10;
        QTest::newRow("cases and shorthand together") << R"({"cases": [{"kernel_type": "gemv", "shape": [8, 8], "precision": "INT8"}],
            "shapes": {"gemm": [[8, 8, 8]]}, "precisions": ["FP8_E4M3"]})"
                                                      << QStringList{QStringLiteral("gemv 8x8 INT8"), QStringLiteral("gemm 8x8x8 FP8_E4M3")}
                                                      << "custom" << "cold" << 10;
    }

    void testParsePlan()
    {
        QFETCH(QString, json);
        QFETCH(QStringList, cases);
        QFETCH(QString, name);
        QFETCH(QString, cacheMode);
        QFETCH(int, minSamples);

        const BenchPlan plan = parse_plan_json(json.toStdString(), "plan.json");
        QStringList got;
        for (const BenchCase& c : plan.cases)
            got << QStringLiteral("%1 %2 %3").arg(text(to_string(kernel_of(c.shape))), text(format_shape(c.shape)), text(to_string(c.precision)));
        QCOMPARE(got, cases);
        QCOMPARE(QString::fromStdString(plan.name), name);
        QCOMPARE(text(to_string(plan.cache_mode)), cacheMode);
        QCOMPARE(plan.min_samples, minSamples);

        // plan_to_json writes what parse_plan_json reads back (export-script embeds it).
        const BenchPlan again = parse_plan_json(plan_to_json(plan), "again.json");
        QCOMPARE(again.cases.size(), plan.cases.size());
        QCOMPARE(again.min_samples, plan.min_samples);
        QCOMPARE(again.time_budget_per_case_s, plan.time_budget_per_case_s);
        QCOMPARE(again.seed, plan.seed);
    }

    void testBuiltInPlansRoundTrip_data()
    {
        QTest::addColumn<QString>("which");
        QTest::newRow("default") << "default";
        QTest::newRow("extended") << "extended";
        QTest::newRow("smoke") << "smoke";
    }

    void testBuiltInPlansRoundTrip()
    {
        QFETCH(QString, which);
        const BenchPlan plan = which == QLatin1String("default") ? default_plan()
            : which == QLatin1String("extended")                 ? extended_plan()
                                                                 : smoke_plan();
        QVERIFY(!plan.cases.empty());
        const BenchPlan again = parse_plan_json(plan_to_json(plan), "plan.json");
        QCOMPARE(QString::fromStdString(again.name), which);
        QCOMPARE(again.cases.size(), plan.cases.size());
        for (std::size_t i = 0; i < plan.cases.size(); ++i) {
            QCOMPARE(text(format_shape(again.cases[i].shape)), text(format_shape(plan.cases[i].shape)));
            QCOMPARE(again.cases[i].precision, plan.cases[i].precision);
        }
    }

    void testMalformedPlan_data()
    {
        QTest::addColumn<QString>("json");
        QTest::addColumn<QStringList>("fragments"); // each must be in the message, which always names plan.json

        const QString one = QStringLiteral(R"("cases": [{"kernel_type": "gemv", "shape": [64, 64], "precision": "FP32"}])");
        auto with = [&one](const char* field) { return QStringLiteral("{%1, %2}").arg(QLatin1String(field), one); };

        QTest::newRow("not JSON") << "not json" << QStringList{"line 1", "not valid JSON"};
        QTest::newRow("a list") << "[]" << QStringList{"expected a plan object", "list"};
        QTest::newRow("no cases") << "{}" << QStringList{"field 'cases'", "no cases"};
        QTest::newRow("empty cases") << R"({"cases": []})" << QStringList{"field 'cases'", "no cases"};
        QTest::newRow("cases not a list") << R"({"cases": 3})" << QStringList{"field 'cases'", "expected a list"};
        QTest::newRow("case not an object") << R"({"cases": [3]})" << QStringList{"row 0", "expected an object"};
        QTest::newRow("missing kernel_type") << R"({"cases": [{"shape": [1, 2], "precision": "FP32"}]})"
                                             << QStringList{"row 0", "field 'kernel_type'", "missing"};
        QTest::newRow("missing shape") << R"({"cases": [{"kernel_type": "gemv", "precision": "FP32"}]})"
                                       << QStringList{"row 0", "field 'shape'", "missing"};
        QTest::newRow("missing precision") << R"({"cases": [{"kernel_type": "gemv", "shape": [1, 2]}]})"
                                           << QStringList{"row 0", "field 'precision'", "missing"};
        // Every kind runs in a plugin but the grouped GEMM (MoE experts), which none runs.
        QTest::newRow("grouped_gemm in row 1") << R"({"cases": [{"kernel_type": "gemv", "shape": [8, 8], "precision": "FP32"},
            {"kernel_type": "grouped_gemm", "shape": [8, 64, 2048, 4096], "precision": "FP16"}]})"
                                               << QStringList{"row 1", "field 'kernel_type'", "topk and embedding"};
        QTest::newRow("unknown kernel") << R"({"cases": [{"kernel_type": "conv", "shape": [1, 2], "precision": "FP32"}]})"
                                        << QStringList{"row 0", "'conv'", "gemv, gemm, attention, ffn, rmsnorm"};
        QTest::newRow("window 0") << R"({"cases": [{"kernel_type": "attention", "shape": [1, 2, 2, 4, 4, 8], "window": 0,
            "precision": "FP16"}]})" << QStringList{"row 0", "field 'window'", "greater than 0"};
        QTest::newRow("case cache_mode hot") << R"({"cases": [{"kernel_type": "gemv", "shape": [8, 8], "precision": "FP32",
            "cache_mode": "hot"}]})" << QStringList{"row 0", "field 'cache_mode'", "\"hot\""};
        QTest::newRow("unknown precision") << R"({"cases": [{"kernel_type": "gemv", "shape": [1, 2], "precision": "FP17"}]})"
                                           << QStringList{"row 0", "field 'precision'", "unknown precision 'FP17'", "FP16"};
        QTest::newRow("gemm with 2 dims") << R"({"cases": [{"kernel_type": "gemm", "shape": [1, 2], "precision": "FP32"}]})"
                                          << QStringList{"row 0", "field 'shape'", "expected 3 dimensions"};
        QTest::newRow("negative dim") << R"({"cases": [{"kernel_type": "gemv", "shape": [-1, 2], "precision": "FP32"}]})"
                                      << QStringList{"row 0", "field 'shape'", "greater than 0", "-1"};
        QTest::newRow("zero dim") << R"({"cases": [{"kernel_type": "gemv", "shape": [0, 2], "precision": "FP32"}]})"
                                  << QStringList{"row 0", "field 'shape'", "greater than 0"};
        QTest::newRow("fractional dim") << R"({"cases": [{"kernel_type": "gemv", "shape": [1.5, 2], "precision": "FP32"}]})"
                                        << QStringList{"row 0", "field 'shape'", "1.5"};
        QTest::newRow("dim as string") << R"({"cases": [{"kernel_type": "gemv", "shape": ["64", 2], "precision": "FP32"}]})"
                                       << QStringList{"row 0", "field 'shape'", "string"};
        QTest::newRow("shape a number") << R"({"cases": [{"kernel_type": "gemv", "shape": 5, "precision": "FP32"}]})"
                                        << QStringList{"row 0", "field 'shape'", "expected a list of dimensions"};
        // A bad "NxK" string is located like every other shape problem.
        QTest::newRow("shape string not integer") << R"({"cases": [{"kernel_type": "gemv", "shape": "4096xabc", "precision": "FP32"}]})"
                                                  << QStringList{"row 0", "field 'shape'", "'abc'", "not an integer"};
        // Refused when the plan is read, not when `roofline bench` reaches the case.
        QTest::newRow("FLOP count overflows") << R"({"cases": [{"kernel_type": "gemm", "shape": [4294967296, 4294967296, 4294967296],
            "precision": "FP32"}]})" << QStringList{"row 0", "field 'shape'", "overflows"};
        QTest::newRow("cache_mode hot") << with(R"("cache_mode": "hot")") << QStringList{"field 'cache_mode'", "\"hot\""};
        QTest::newRow("budget 0") << with(R"("time_budget_per_case_s": 0)") << QStringList{"field 'time_budget_per_case_s'", "greater than 0"};
        QTest::newRow("budget a string") << with(R"("time_budget_per_case_s": "1")") << QStringList{"field 'time_budget_per_case_s'", "expected a number"};
        QTest::newRow("min_samples 2.5") << with(R"("min_samples": 2.5)") << QStringList{"field 'min_samples'", "2.5"};
        QTest::newRow("max below min") << with(R"("min_samples": 50, "max_samples": 10)") << QStringList{"field 'max_samples'", "min_samples (50)"};
        QTest::newRow("min_samples past int") << with(R"("min_samples": 3000000000)") << QStringList{"field 'min_samples'"};
        QTest::newRow("name a number") << with(R"("name": 5)") << QStringList{"field 'name'", "expected a string"};
        QTest::newRow("unknown field") << with(R"("shapez": {})") << QStringList{"field 'shapez'", "unknown field", "shapes"};
        QTest::newRow("shapes without precisions") << R"({"shapes": {"gemv": [[64, 64]]}})" << QStringList{"field 'precisions'", "missing"};
        QTest::newRow("shapes a list") << R"({"shapes": [[64, 64]], "precisions": ["FP32"]})" << QStringList{"field 'shapes'", "expected {"};
        QTest::newRow("precision not a string") << R"({"shapes": {"gemv": [[64, 64]]}, "precisions": ["FP32", 7]})"
                                                << QStringList{"field 'precisions[1]'", "expected a string"};
        QTest::newRow("kernels not a list") << R"({"shapes": {"gemv": [[64, 64]]}, "precisions": ["FP32"], "kernels": "gemv"})"
                                            << QStringList{"field 'kernels'", "list"};
        QTest::newRow("kernels grouped_gemm") << R"({"shapes": {"gemv": [[64, 64]]}, "precisions": ["FP32"], "kernels": ["grouped_gemm"]})"
                                              << QStringList{"field 'kernels[0]'", "the plugins benchmark gemv"};
        QTest::newRow("gemv shape of 3") << R"({"shapes": {"gemv": [[64, 64, 64]]}, "precisions": ["FP32"]})"
                                         << QStringList{"field 'shapes.gemv[0]'", "expected 2 dimensions"};
        QTest::newRow("shape list flat") << R"({"shapes": {"gemv": [64, 64]}, "precisions": ["FP32"]})"
                                         << QStringList{"field 'shapes.gemv[0]'", "expected a list of dimensions"};
        QTest::newRow("shapes.gemv an object") << R"({"shapes": {"gemv": {}}, "precisions": ["FP32"]})"
                                               << QStringList{"field 'shapes.gemv'", "expected a list of shapes"};
        QTest::newRow("shapes.grouped_gemm") << R"({"shapes": {"grouped_gemm": [[8, 64, 2048, 4096]]}, "precisions": ["FP32"]})"
                                             << QStringList{"field 'shapes.grouped_gemm'", "the plugins benchmark gemv"};
        QTest::newRow("no precisions") << R"({"shapes": {"gemv": [[64, 64]]}, "precisions": []})" << QStringList{"no cases"};
    }

    void testMalformedPlan()
    {
        QFETCH(QString, json);
        QFETCH(QStringList, fragments);
        QString message;
        try {
            const BenchPlan plan = parse_plan_json(json.toStdString(), "plan.json");
            message = QStringLiteral("(accepted: %1 cases, min_samples %2)").arg(plan.cases.size()).arg(plan.min_samples);
        } catch (const InputError& e) {
            message = QString::fromUtf8(e.what());
        }
        QVERIFY2(message.startsWith(QStringLiteral("plan.json: ")), qPrintable(message));
        for (const QString& fragment : fragments)
            QVERIFY2(message.contains(fragment), qPrintable(QStringLiteral("'%1' not in: %2").arg(fragment, message)));
    }
};

QTEST_GUILESS_MAIN(TestBenchRunner)
#include "tst_bench_runner.moc"
