// Attention, FFN and the layer kinds, with both values of their flags (causal, gated, the fused residual, GELU),
// through every file the core writes and reads back: results files, plan files, the JSON report and the CSV report.
#include "roofline/benchmarking/bench_plan.h"
#include "roofline/benchmarking/bench_runner.h"
#include "roofline/support/errors.h"
#include "roofline/hardware/hardware_registry.h"
#include "roofline/model/kernel_case.h"
#include "roofline/results/measurement_extra.h"
#include "roofline/results/measurements.h"
#include "roofline/results/reports.h"
#include "roofline/results/validation.h"

#include <QStringList>
#include <QTest>

using namespace roofline;

namespace {

std::vector<KernelCase> someCases()
{
    return {
        {AttentionShape{1, 8, 8, 512, 512, 64, true}, Precision::FP16},
        {AttentionShape{2, 32, 8, 1, 4096, 128, false}, Precision::BF16},
        {AttentionShape{1, 64, 8, 4096, 4096, 64, true, 128}, Precision::BF16}, // gpt-oss's sliding window
        {FfnShape{64, 4096, 14336, true}, Precision::FP16},
        {FfnShape{64, 4096, 11008, false}, Precision::BF16},
        {GemmShape{256, 512, 1024}, Precision::FP32},
        {RmsNormShape{8, 4096, false}, Precision::BF16},
        {RmsNormShape{512, 5120, true}, Precision::FP16},
        {RopeShape{16, 40, 128}, Precision::BF16},
        {ResidualShape{65536}, Precision::BF16},
        {ActivationShape{64, 14336, true, ActivationKind::SiLU}, Precision::BF16},
        {ActivationShape{64, 10240, false, ActivationKind::GELU}, Precision::FP16},
        {ActivationShape{4, 10240, true, ActivationKind::GELU}, Precision::BF16}, // Gemma 3's GeGLU
        {TopKShape{32, 128, 8}, Precision::BF16},
        {EmbeddingShape{32, 2880}, Precision::BF16},
    };
}

MeasurementSet measured(const std::vector<KernelCase>& cases)
{
    MeasurementSet set;
    set.hardware_key = "h100_sxm";
    set.source = "round trip";
    for (std::size_t i = 0; i < cases.size(); ++i) {
        Measurement m;
        m.row_index = i;
        m.shape = cases[i].shape;
        m.precision = cases[i].precision;
        m.measured_time_us = 100.0 + static_cast<double>(i);
        const Workload work = workload(m.shape, m.precision);
        m.measured_tflops = static_cast<double>(work.flops) / (m.measured_time_us * 1e-6) / 1e12;
        m.measured_bandwidth_gb_s = work.bytes / (m.measured_time_us * 1e-6) / 1e9;
        m.ai = static_cast<double>(work.flops) / work.bytes;
        m.cache_mode = "cold";
        set.rows.push_back(m);
    }
    return set;
}

std::vector<KernelCase> casesOf(const MeasurementSet& set)
{
    std::vector<KernelCase> out;
    for (const Measurement& m : set.rows)
        out.push_back({m.shape, m.precision});
    return out;
}

QString describe(const std::vector<KernelCase>& cases)
{
    QStringList parts;
    for (const KernelCase& c : cases) {
        const auto [kernel, shape, precision] = case_columns(c.shape, c.precision);
        parts << QString::fromStdString(kernel + " " + shape + " " + precision);
    }
    return parts.join(QStringLiteral("; "));
}

#define COMPARE_CASES(actual, expected) \
    QVERIFY2((actual) == (expected), qPrintable(describe(actual) + QStringLiteral("\n  expected: ") + describe(expected)))

// The fields of one RFC 4180 record (quoted fields may hold commas and doubled quotes).
QStringList csvFields(const QString& record)
{
    QStringList fields{QString()};
    bool quoted = false;
    for (qsizetype i = 0; i < record.size(); ++i) {
        const QChar c = record[i];
        if (quoted && c == QLatin1Char('"') && i + 1 < record.size() && record[i + 1] == QLatin1Char('"')) {
            fields.back() += c;
            ++i;
        } else if (c == QLatin1Char('"')) {
            quoted = !quoted;
        } else if (c == QLatin1Char(',') && !quoted) {
            fields << QString();
        } else {
            fields.back() += c;
        }
    }
    return fields;
}

} // namespace

class TestCaseRoundTrip : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void testResultsFile()
    {
        const MeasurementSet set = measured(someCases());
        const MeasurementSet again = parse_measurements(measurements_to_json(set), "results.json");
        COMPARE_CASES(casesOf(again), someCases());
    }

    void testPlanFile()
    {
        BenchPlan plan;
        for (const KernelCase& c : someCases())
            plan.cases.push_back({c.shape, c.precision});
        const BenchPlan again = parse_plan_json(plan_to_json(plan), "plan.json", PlanKernels::All);
        std::vector<KernelCase> read;
        for (const BenchCase& c : again.cases)
            read.push_back({c.shape, c.precision});
        COMPARE_CASES(read, someCases());
    }

    // A plan for the plugins holds every kind they run, and refuses the one none runs, saying what they do run.
    void testBenchmarkedPlanRefusesTheGroupedGemm()
    {
        BenchPlan plan;
        for (const KernelCase& c : someCases())
            plan.cases.push_back({c.shape, c.precision});
        QCOMPARE(parse_plan_json(plan_to_json(plan), "plan.json").cases, plan.cases);
        plan.cases.push_back({GroupedGemmShape{8, 64, 2048, 4096}, Precision::BF16});
        try {
            parse_plan_json(plan_to_json(plan), "plan.json");
            QFAIL("expected InputError");
        } catch (const InputError& e) {
            QVERIFY2(QString::fromUtf8(e.what()).contains(QStringLiteral("'grouped_gemm': the plugins benchmark gemv, gemm, attention, ffn, rmsnorm")),
                     e.what());
            QCOMPARE(e.where().row, std::optional<std::size_t>(someCases().size()));
        }
        QCOMPARE(parse_plan_json(plan_to_json(plan), "plan.json", PlanKernels::All).cases, plan.cases);
    }

    // A case's own cache mode is written only where it has one and read back; the plan's applies to the rest.
    void testCaseCacheMode()
    {
        BenchPlan plan;
        plan.cache_mode = CacheMode::Cold;
        plan.cases.push_back({someCases()[0].shape, Precision::FP16});
        plan.cases.push_back({someCases()[1].shape, Precision::BF16, CacheMode::Warm});
        const std::string text = plan_to_json(plan);
        QCOMPARE(nlohmann::json::parse(text)["cases"][0].contains("cache_mode"), false);
        const BenchPlan again = parse_plan_json(text, "plan.json");
        QCOMPARE(again.cases, plan.cases);
        QCOMPARE(again.cache_of(again.cases[0]), CacheMode::Cold);
        QCOMPARE(again.cache_of(again.cases[1]), CacheMode::Warm);
        const rl_case warm = to_rl_case(again.cases[1], again);
        QCOMPARE(warm.cache_mode, static_cast<int32_t>(RL_CACHE_WARM));
    }

    // The plugins get every dimension of an attention or FFN case through the ABI's v3 fields.
    void testCasesThroughTheAbi()
    {
        const BenchPlan plan;
        const rl_case a = to_rl_case({AttentionShape{2, 64, 8, 1, 8192, 64, false, 128}, Precision::BF16}, plan);
        QCOMPARE(a.kernel, static_cast<int32_t>(RL_KERNEL_ATTENTION));
        QCOMPARE(a.precision, static_cast<int32_t>(RL_PRECISION_BF16));
        QCOMPARE(a.batch, int64_t(2));
        QCOMPARE(a.heads, int64_t(64));
        QCOMPARE(a.kv_heads, int64_t(8));
        QCOMPARE(a.query_len, int64_t(1));
        QCOMPARE(a.kv_len, int64_t(8192));
        QCOMPARE(a.head_dim, int64_t(64));
        QCOMPARE(a.window, int64_t(128));
        QCOMPARE(a.causal, 0);
        QCOMPARE(a.struct_size, static_cast<uint32_t>(sizeof(rl_case)));
        const rl_case f = to_rl_case({FfnShape{16, 4096, 14336, false}, Precision::FP16}, plan);
        QCOMPARE(f.kernel, static_cast<int32_t>(RL_KERNEL_FFN));
        QCOMPARE(f.m, int64_t(16));
        QCOMPARE(f.k, int64_t(4096));
        QCOMPARE(f.n, int64_t(14336));
        QCOMPARE(f.gated, 0);
        QCOMPARE(to_rl_case({AttentionShape{1, 8, 8, 512, 512, 64, true}, Precision::FP16}, plan).causal, 1);
        QCOMPARE(to_rl_case({FfnShape{1, 64, 128, true}, Precision::FP16}, plan).gated, 1);
    }

    // The layer kinds through the ABI: m, n, k and the flag as plugin_abi.h's rl_kernel comments give them.
    void testLayerKindsThroughTheAbi()
    {
        const BenchPlan plan;
        const auto abi = [&](const KernelShape& shape) { return to_rl_case({shape, Precision::BF16}, plan); };
        const auto dims = [](const rl_case& c) { return std::vector<int64_t>{c.kernel, c.m, c.n, c.k, c.gated}; };
        QCOMPARE(dims(abi(RmsNormShape{8, 4096, true})), (std::vector<int64_t>{RL_KERNEL_RMSNORM, 8, 4096, 0, 1}));
        QCOMPARE(dims(abi(RopeShape{16, 40, 128})), (std::vector<int64_t>{RL_KERNEL_ROPE, 16, 40, 128, 0}));
        QCOMPARE(dims(abi(ResidualShape{65536})), (std::vector<int64_t>{RL_KERNEL_RESIDUAL, 0, 65536, 0, 0}));
        QCOMPARE(dims(abi(ActivationShape{64, 14336, true, ActivationKind::SiLU})),
                 (std::vector<int64_t>{RL_KERNEL_ACTIVATION, 64, 14336, 0, 1}));
        QCOMPARE(dims(abi(ActivationShape{64, 10240, false, ActivationKind::GELU})),
                 (std::vector<int64_t>{RL_KERNEL_ACTIVATION, 64, 10240, 0, 0}));
        QCOMPARE(dims(abi(TopKShape{32, 128, 8})), (std::vector<int64_t>{RL_KERNEL_TOPK, 32, 128, 8, 0}));
        const rl_case e = abi(EmbeddingShape{32, 2880});
        QCOMPARE(e.kernel, static_cast<int32_t>(RL_KERNEL_EMBEDDING));
        QCOMPARE(e.m, int64_t(32));
        QCOMPARE(e.k, int64_t(2880));
        QVERIFY(e.n >= 32); // the table's rows: at least one a token
        QVERIFY_THROWS_EXCEPTION(InputError, abi(GroupedGemmShape{8, 64, 2048, 4096}));
    }

    // The JSON report's rows are a results file of their own: read back, they are the cases validated.
    void testJsonReport()
    {
        const HardwareRegistry registry = HardwareRegistry::presets();
        const ValidationReport report = validate(registry.get("h100_sxm"), measured(someCases()), Mode::Ideal);
        const MeasurementSet again = parse_measurements(validation_json(report).dump(2), "report.json");
        COMPARE_CASES(casesOf(again), someCases());
    }

    void testCsvReport()
    {
        const HardwareRegistry registry = HardwareRegistry::presets();
        const ValidationReport report = validate(registry.get("h100_sxm"), measured(someCases()), Mode::Ideal);
        QStringList records = QString::fromStdString(validation_csv(report)).split(QStringLiteral("\r\n"), Qt::SkipEmptyParts);
        const QStringList header = csvFields(records.takeFirst());
        const qsizetype kernel = header.indexOf(QStringLiteral("kernel")), shape = header.indexOf(QStringLiteral("shape")),
                        precision = header.indexOf(QStringLiteral("precision"));
        QVERIFY(kernel >= 0 && shape >= 0 && precision >= 0);
        std::vector<KernelCase> read;
        for (const QString& record : records) {
            const QStringList f = csvFields(record);
            read.push_back(parse_case_columns(f[kernel].toStdString(), f[shape].toStdString(), f[precision].toStdString()));
        }
        COMPARE_CASES(read, someCases());
    }

    // Each flag is written for its own kernel only, and always (so that a reader's default never decides).
    void testFlagsWrittenForTheirKernelOnly()
    {
        for (const KernelCase& c : someCases()) {
            nlohmann::ordered_json row;
            write_case_json(row, c.shape, c.precision);
            const KernelType kernel = kernel_of(c.shape);
            QCOMPARE(row.contains("causal"), kernel == KernelType::Attention);
            QCOMPARE(row.contains("gated"), kernel == KernelType::FFN || kernel == KernelType::Activation);
            QCOMPARE(row.contains("activation"), kernel == KernelType::Activation);
            QCOMPARE(row.contains("residual"), kernel == KernelType::RMSNorm);
            const auto* a = std::get_if<AttentionShape>(&c.shape);
            QCOMPARE(row.contains("window"), a && a->window > 0);
        }
    }

    // The cuDNN that ran an attention case and its engine go through the results file and into the CSV report.
    void testCudnnFieldsThroughFiles()
    {
        QCOMPARE(cudnn_version_text(91400), std::string("9.14.0"));
        QCOMPARE(cudnn_version_text(91901), std::string("9.19.1"));
        QCOMPARE(cudnn_version_text(8907), std::string("8.9.7"));
        MeasurementSet set = measured(someCases());
        set.rows[0].extra["cudnn_version"] = "9.14.0";
        set.rows[0].extra["engine_id"] = 8;
        const MeasurementSet again = parse_measurements(measurements_to_json(set), "results.json");
        QCOMPARE(roofline::extra_field(again.rows[0], "cudnn_version", std::string()), std::string("9.14.0"));
        QCOMPARE(roofline::extra_field(again.rows[0], "engine_id", int64_t(-1)), int64_t(8));
        const HardwareRegistry registry = HardwareRegistry::presets();
        QStringList records = QString::fromStdString(validation_csv(validate(registry.get("h100_sxm"), again, Mode::Refined)))
                                  .split(QStringLiteral("\r\n"), Qt::SkipEmptyParts);
        const QStringList header = csvFields(records[0]);
        const QStringList first = csvFields(records[1]), second = csvFields(records[2]);
        QCOMPARE(first[header.indexOf(QStringLiteral("cudnn_version"))], QStringLiteral("9.14.0"));
        QCOMPARE(first[header.indexOf(QStringLiteral("engine_id"))], QStringLiteral("8"));
        QCOMPARE(second[header.indexOf(QStringLiteral("engine_id"))], QString());
    }

    // A window written in a shape's text ("…,causal,window 128") is read back; a bad one is refused.
    void testWindowInShapeText()
    {
        const KernelShape shape = AttentionShape{1, 64, 8, 4096, 4096, 64, true, 128};
        QCOMPARE(format_shape(shape), std::string("1x64x8x4096x4096x64,causal,window 128"));
        QVERIFY(parse_shape(KernelType::Attention, format_shape(shape)) == shape);
        QVERIFY_THROWS_EXCEPTION(InputError, parse_shape(KernelType::Attention, "1x64x8x4096x4096x64,window 0"));
        QVERIFY_THROWS_EXCEPTION(InputError, parse_shape(KernelType::Attention, "1x64x8x4096x4096x64,window"));
    }

    // Files written before the flags were: attention is not causal, FFN is gated (SwiGLU).
    void testMissingFlagsDefault()
    {
        const MeasurementSet set = parse_measurements(
            R"([{"kernel_type": "attention", "shape": [1, 8, 8, 512, 512, 64], "precision": "FP16", "measured_time_us": 50},
                {"kernel_type": "ffn", "shape": "64x4096x14336", "precision": "BF16", "measured_time_us": 80}])",
            "old.json");
        QCOMPARE(std::get<AttentionShape>(set.rows[0].shape).causal, false);
        QCOMPARE(std::get<FfnShape>(set.rows[1].shape).gated, true);
    }
};

QTEST_APPLESS_MAIN(TestCaseRoundTrip)
#include "tst_case_roundtrip.moc"
