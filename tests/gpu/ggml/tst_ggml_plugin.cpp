// The ggml plugin (libroofline_ggml.so) end to end through roofline::Device on ggml's CPU backend: MUL_MAT over the
// weight types llama.cpp stores, MUL_MAT_ID, FLASH_ATTN_EXT and the layer ops, each checked by the plugin against an
// FP64 reference at a reduced size (verified, error within tolerance), with plausible times; what it refuses and why;
// an older host's shorter result; the rows BenchRunner writes. testCudaBackend runs only under the `gpu` label. Where
// the plugin is not built (no ggml found at configure) the whole test skips saying how to build it.
#include "roofline/benchmarking/bench_plan.h"
#include "roofline/benchmarking/bench_runner.h"
#include "roofline/workloads/ggml_types.h"
#include "roofline/abi/plugin_abi_rules.h"
#include "roofline/plugin_host/plugin_loader.h"
#include "gpu/plugin_test_support.h"

#include <QRegularExpression>
#include <QTest>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>
#include <memory>

#ifndef ROOFLINE_GGML_PLUGIN_PATH
#define ROOFLINE_GGML_PLUGIN_PATH "" // not built: the test skips
#endif

namespace {

namespace abi = roofline::abi;

// Short budgets: a loaded 2-core machine finishes the file in well under a minute.
constexpr abi::Sampling kQuick{0.02, 2, 20, 0.05, 20261207};

int ggmlType(const char* name)
{
    return roofline::find_ggml_type(name)->id;
}

rl_case matmulCase(int kernel, const char* weights, int64_t m, int64_t n, int64_t k, rl_cache_mode cache = RL_CACHE_COLD)
{
    abi::CaseShape shape{.m = m, .n = n, .k = k};
    shape.weight_format = RL_WEIGHT_FORMAT_GGML;
    shape.weight_type = ggmlType(weights);
    return abi::make_case(kernel, RL_PRECISION_FP32, shape, cache, kQuick);
}

std::unique_ptr<roofline::Device> openGgml()
{
    return roofline::Device::open(roofline::Plugin::load(ROOFLINE_GGML_PLUGIN_PATH), 0);
}

} // namespace

class TestGgmlPlugin : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<roofline::Device> m_device;

    // A run that the plugin checked against its reference and timed: status, check, times, and the ABI 4 fields.
    void checkRun(const rl_case& c, const rl_result& r, const char* op)
    {
        QVERIFY2(r.status == RL_STATUS_OK, qPrintable(statusName(r.status) + ": " + QString::fromUtf8(r.message)));
        QCOMPARE(r.verified, 1);
        QVERIFY(r.tolerance > 0 && r.tolerance <= 0.02);
        QVERIFY2(r.max_rel_error <= r.tolerance, qPrintable(QString::number(r.max_rel_error)));
        // A check that compared nothing would show an error of exactly 0 for anything but a copy of rows.
        if (std::strcmp(op, "GET_ROWS") != 0)
            QVERIFY2(r.max_rel_error > 0, "an error of 0: the reference and the result are suspiciously alike");
        QVERIFY(r.samples >= 1 && r.samples <= c.max_samples);
        QVERIFY(r.min_time_us > 0 && r.min_time_us <= r.median_time_us && r.median_time_us <= r.max_time_us);
        QVERIFY(r.graph_ops >= 1);
        QCOMPARE(QString::fromUtf8(r.op), QString::fromUtf8(op));
        QVERIFY2(QString::fromUtf8(r.engine).startsWith(QStringLiteral("ggml ")), r.engine);
        QVERIFY2(QString::fromUtf8(r.engine).endsWith(QStringLiteral(" CPU")), r.engine);
        QCOMPARE(r.weight_format, c.weight_format);
        QCOMPARE(r.weight_type, c.weight_type);
    }

private Q_SLOTS:
    void initTestCase()
    {
        if (std::strlen(ROOFLINE_GGML_PLUGIN_PATH) == 0)
            QSKIP("the ggml plugin is not built: configure with -DROOFLINE_GGML_DIR=<ggml or llama.cpp source> "
                  "(e.g. ../shared/vendor/ggml) or with an installed ggml (docs/ggml_plugin.md)");
        // The CPU backend, also where ggml was built with CUDA and a GPU is there.
        qputenv("ROOFLINE_GGML_BACKEND", "CPU");
        // One thread: on a shared CI machine two threads meet at a barrier after every op, and a descheduled one makes
        // each op wait a time slice (a 1024² GEMV took 26 ms with 2 threads under load, 0.2 ms with one).
        qputenv("ROOFLINE_GGML_THREADS", "1");
        m_device = openGgml();
        const roofline::DeviceInfo& info = m_device->info();
        QCOMPARE(QString::fromStdString(info.backend), QStringLiteral("cpu"));
        QCOMPARE(QString::fromStdString(info.plugin_name), QStringLiteral("ggml"));
        // Which ggml exactly: version, commit (the pinned one, where the tree is not a git checkout), backend, flags.
        QVERIFY2(QRegularExpression(QStringLiteral("^ggml \\d+\\.\\d+\\.\\d+ \\(.+\\) CPU$"))
                     .match(QString::fromStdString(info.engine)).hasMatch(),
                 info.engine.c_str());
        QVERIFY2(QString::fromStdString(info.engine_build).contains(QStringLiteral("CPU:")), info.engine_build.c_str());
        QVERIFY(info.l2_cache_bytes > 0);
    }

    void cleanupTestCase() { m_device.reset(); }

    void testMatMul_data()
    {
        QTest::addColumn<int>("kernel");
        QTest::addColumn<QString>("weights");
        QTest::addColumn<qint64>("m");
        for (const char* type : {"F32", "F16", "BF16", "Q8_0", "Q4_0", "Q4_1", "Q5_0", "Q4_K", "Q5_K", "Q6_K", "IQ4_XS", "MXFP4"}) {
            QTest::addRow("gemv %s", type) << int(RL_KERNEL_GEMV) << QString::fromUtf8(type) << qint64(1);
            QTest::addRow("gemm 24 tokens %s", type) << int(RL_KERNEL_GEMM) << QString::fromUtf8(type) << qint64(24);
        }
    }

    void testMatMul()
    {
        QFETCH(int, kernel);
        QFETCH(QString, weights);
        QFETCH(qint64, m);
        const rl_case c = matmulCase(kernel, weights.toUtf8().constData(), m, 256, 512);
        const auto support = m_device->supports(c);
        QVERIFY2(support.ok(), support.reason.c_str());
        const rl_result r = m_device->run(c, kNeverStop);
        checkRun(c, r, "MUL_MAT");
        QCOMPARE(r.gemm_library, int(RL_GEMM_LIBRARY_GGML));
        // The kernel path the CPU backend lets a caller see: its weight buffer type (CPU_REPACK or CPU's vec_dot).
        QVERIFY2(QString::fromUtf8(r.kernel_path).startsWith(QStringLiteral("CPU")), r.kernel_path);
        // Plausible: no host core does 2 TFLOP/s; weights stream at most at a few hundred GB/s.
        const double seconds = r.median_time_us * 1e-6;
        QVERIFY2(2.0 * double(m) * 256 * 512 / seconds < 2e12, qPrintable(QString::number(r.median_time_us)));
        const double weightBytes = roofline::find_ggml_type(c.weight_type)->bytes_per_element() * 256 * 512;
        QVERIFY2(weightBytes / seconds < 1e12, qPrintable(QString::number(r.median_time_us)));
    }

    // Cold: the graph chains distinct weights past twice the last-level cache; warm: one weight every op reuses.
    void testColdChainsDistinctWeights()
    {
        const rl_case cold = matmulCase(RL_KERNEL_GEMV, "Q8_0", 1, 1024, 1024);
        const rl_result r = m_device->run(cold, kNeverStop);
        checkRun(cold, r, "MUL_MAT");
        const double perOp = roofline::find_ggml_type("Q8_0")->bytes_per_element() * 1024 * 1024;
        const double l2 = double(m_device->info().l2_cache_bytes);
        QVERIFY2(r.graph_ops * perOp > 2 * l2 || QString::fromUtf8(r.message).contains(QStringLiteral("cold only in part")),
                 qPrintable(QStringLiteral("%1 ops of %2 bytes, L2 %3").arg(r.graph_ops).arg(perOp).arg(l2)));
        QVERIFY2(QString::fromUtf8(r.algorithm).contains(QStringLiteral("distinct tensors")), r.algorithm);

        const rl_case warm = matmulCase(RL_KERNEL_GEMV, "Q8_0", 1, 1024, 1024, RL_CACHE_WARM);
        const rl_result w = m_device->run(warm, kNeverStop);
        checkRun(warm, w, "MUL_MAT");
        QVERIFY2(QString::fromUtf8(w.algorithm).contains(QStringLiteral("reused by every op")), w.algorithm);
    }

    void testExpertGemm()
    {
        abi::CaseShape shape{.m = 6, .n = 128, .k = 256};
        shape.weight_format = RL_WEIGHT_FORMAT_GGML;
        shape.weight_type = ggmlType("Q4_K");
        shape.experts = 8;
        shape.experts_used = 2;
        const rl_case c = abi::make_case(RL_KERNEL_EXPERT_GEMM, RL_PRECISION_FP32, shape, RL_CACHE_COLD, kQuick);
        const rl_result r = m_device->run(c, kNeverStop);
        checkRun(c, r, "MUL_MAT_ID");
    }

    void testAttention_data()
    {
        QTest::addColumn<qint64>("queries");
        QTest::addColumn<qint64>("keys");
        QTest::addColumn<bool>("causal");
        QTest::addColumn<QString>("cache");
        QTest::newRow("decode over 256, F16") << qint64(1) << qint64(256) << false << "F16";
        QTest::newRow("decode over 256, Q8_0") << qint64(1) << qint64(256) << false << "Q8_0";
        QTest::newRow("causal prefill 32, F16") << qint64(32) << qint64(32) << true << "F16";
        QTest::newRow("chunk of 16 over 48, Q8_0") << qint64(16) << qint64(64) << true << "Q8_0";
    }

    void testAttention()
    {
        QFETCH(qint64, queries);
        QFETCH(qint64, keys);
        QFETCH(bool, causal);
        QFETCH(QString, cache);
        abi::CaseShape shape{.batch = 1, .heads = 4, .kv_heads = 2, .query_len = queries, .kv_len = keys, .head_dim = 64,
                             .causal = causal};
        shape.weight_format = RL_WEIGHT_FORMAT_GGML;
        shape.weight_type = ggmlType(cache.toUtf8().constData());
        const rl_case c = abi::make_case(RL_KERNEL_ATTENTION, RL_PRECISION_FP16, shape, RL_CACHE_COLD, kQuick);
        const rl_result r = m_device->run(c, kNeverStop);
        checkRun(c, r, "FLASH_ATTN_EXT");
    }

    void testLayerOps_data()
    {
        QTest::addColumn<int>("kernel");
        QTest::addColumn<qint64>("m");
        QTest::addColumn<qint64>("n");
        QTest::addColumn<qint64>("k");
        QTest::addColumn<bool>("gated");
        QTest::addColumn<QString>("op");
        QTest::newRow("rmsnorm") << int(RL_KERNEL_RMSNORM) << qint64(8) << qint64(512) << qint64(0) << false << "RMS_NORM+MUL";
        QTest::newRow("rmsnorm + residual") << int(RL_KERNEL_RMSNORM) << qint64(8) << qint64(512) << qint64(0) << true
                                            << "ADD+RMS_NORM+MUL";
        QTest::newRow("rope") << int(RL_KERNEL_ROPE) << qint64(8) << qint64(6) << qint64(64) << false << "ROPE";
        QTest::newRow("residual") << int(RL_KERNEL_RESIDUAL) << qint64(0) << qint64(4096) << qint64(0) << false << "ADD";
        QTest::newRow("swiglu") << int(RL_KERNEL_ACTIVATION) << qint64(8) << qint64(512) << qint64(0) << true << "GLU(SWIGLU)";
        QTest::newRow("gelu") << int(RL_KERNEL_ACTIVATION) << qint64(8) << qint64(512) << qint64(0) << false << "UNARY(GELU)";
    }

    void testLayerOps()
    {
        QFETCH(int, kernel);
        QFETCH(qint64, m);
        QFETCH(qint64, n);
        QFETCH(qint64, k);
        QFETCH(bool, gated);
        QFETCH(QString, op);
        const rl_case c = abi::make_case(kernel, RL_PRECISION_FP32, {.m = m, .n = n, .k = k, .gated = gated}, RL_CACHE_COLD, kQuick);
        const rl_result r = m_device->run(c, kNeverStop);
        checkRun(c, r, op.toUtf8().constData());
    }

    void testEmbedding()
    {
        const rl_case c = matmulCase(RL_KERNEL_EMBEDDING, "Q4_K", 8, 2048, 512);
        const rl_result r = m_device->run(c, kNeverStop);
        checkRun(c, r, "GET_ROWS");
    }

    void testRefusals_data()
    {
        QTest::addColumn<int>("kernel");
        QTest::addColumn<int>("precision");
        QTest::addColumn<int>("weightType");
        QTest::addColumn<qint64>("k");
        QTest::addColumn<QString>("status");
        QTest::addColumn<QString>("reason");
        QTest::newRow("FP16 activations") << int(RL_KERNEL_GEMM) << int(RL_PRECISION_FP16) << ggmlType("Q4_K") << qint64(256)
                                          << "UNSUPPORTED" << "activations are F32";
        QTest::newRow("row not whole blocks") << int(RL_KERNEL_GEMM) << int(RL_PRECISION_FP32) << ggmlType("Q4_K") << qint64(2880)
                                              << "UNSUPPORTED" << "not a whole number of q4_K blocks";
        QTest::newRow("needs an imatrix") << int(RL_KERNEL_GEMV) << int(RL_PRECISION_FP32) << ggmlType("IQ2_XXS") << qint64(256)
                                          << "UNSUPPORTED" << "importance matrix";
        QTest::newRow("no such type") << int(RL_KERNEL_GEMV) << int(RL_PRECISION_FP32) << 9999 << qint64(256) << "UNSUPPORTED"
                                      << "not a ggml type";
        QTest::newRow("top-k") << int(RL_KERNEL_TOPK) << int(RL_PRECISION_FP32) << ggmlType("F32") << qint64(4) << "UNSUPPORTED"
                               << "the ggml plugin runs";
        QTest::newRow("zero tokens") << int(RL_KERNEL_GEMM) << int(RL_PRECISION_FP32) << ggmlType("Q8_0") << qint64(0)
                                     << "INVALID_ARGUMENT" << "dimension";
    }

    void testRefusals()
    {
        QFETCH(int, kernel);
        QFETCH(int, precision);
        QFETCH(int, weightType);
        QFETCH(qint64, k);
        QFETCH(QString, status);
        QFETCH(QString, reason);
        abi::CaseShape shape{.m = 4, .n = 64, .k = k};
        shape.weight_format = RL_WEIGHT_FORMAT_GGML;
        shape.weight_type = weightType;
        const rl_case c = abi::make_case(kernel, precision, shape, RL_CACHE_COLD, kQuick);
        const auto support = m_device->supports(c);
        QCOMPARE(statusName(support.status), status);
        QVERIFY2(QString::fromStdString(support.reason).contains(reason), support.reason.c_str());
        const rl_result r = m_device->run(c, kNeverStop);
        QCOMPARE(statusName(r.status), status);
        QCOMPARE(r.samples, 0);
    }

    // An ABI 3 host's result ends before `engine`: the plugin writes nothing past it.
    void testOlderHostResult()
    {
        const rl_case c = matmulCase(RL_KERNEL_GEMV, "Q4_0", 1, 128, 256);
        rl_result r;
        std::memset(&r, 0xab, sizeof r);
        r.struct_size = static_cast<uint32_t>(abi::kResultSizeV3);
        const auto plugin = roofline::Plugin::load(ROOFLINE_GGML_PLUGIN_PATH);
        rl_device* device = nullptr;
        char message[256] = {};
        QCOMPARE(plugin->api().open(0, &device, message, sizeof message), RL_STATUS_OK);
        const rl_status status = plugin->api().run(device, &c, nullptr, nullptr, &r);
        plugin->api().close(device);
        QCOMPARE(statusName(status), QStringLiteral("OK"));
        const auto* bytes = reinterpret_cast<const unsigned char*>(&r);
        QVERIFY(std::all_of(bytes + abi::kResultSizeV3, bytes + sizeof r, [](unsigned char b) { return b == 0xab; }));
        QCOMPARE(r.verified, 1);
    }

    // Through BenchRunner, as `roofline bench --plugin ggml --plan ggml_smoke` runs it: rows name the engine, the op,
    // the weight type and the kernel path.
    void testBenchRunnerRows()
    {
        roofline::BenchPlan plan = roofline::ggml_smoke_plan();
        plan.time_budget_per_case_s = 0.02;
        plan.cases.resize(2); // a Q4_K GEMV and GEMM
        roofline::BenchRunner runner(*m_device, plan, "host");
        const std::atomic<bool> stop{false};
        const roofline::MeasurementSet set = runner.run(stop);
        QCOMPARE(set.rows.size(), std::size_t(2));
        for (const auto& row : set.rows) {
            QVERIFY2(row.status == roofline::RowStatus::Ok, row.reason.c_str());
            QCOMPARE(QString::fromStdString(row.extra.at("weights").get<std::string>()), QStringLiteral("Q4_K"));
            QCOMPARE(QString::fromStdString(row.extra.at("op").get<std::string>()), QStringLiteral("MUL_MAT"));
            QVERIFY(row.extra.at("engine").get<std::string>().starts_with("ggml "));
            QVERIFY(row.extra.contains("kernel_path"));
            QVERIFY(row.extra.at("graph_ops").get<int>() >= 1);
        }
        QVERIFY(set.meta.at("device").contains("engine_build"));
    }

#ifdef ROOFLINE_CPU_PLUGIN_PATH
    // A plugin that does not run ggml weight types would time the case in its precision: the row is refused instead.
    void testOtherPluginRefusesGgmlWeights()
    {
        auto cpu = roofline::Device::open(roofline::Plugin::load(ROOFLINE_CPU_PLUGIN_PATH), 0);
        roofline::BenchPlan plan = roofline::ggml_smoke_plan();
        plan.time_budget_per_case_s = 0.01;
        plan.cases.resize(1);
        roofline::BenchRunner runner(*cpu, plan, "host");
        const std::atomic<bool> stop{false};
        const roofline::MeasurementSet set = runner.run(stop);
        QCOMPARE(set.rows.size(), std::size_t(1));
        QVERIFY(set.rows[0].status == roofline::RowStatus::Unsupported);
        QVERIFY2(QString::fromStdString(set.rows[0].reason).contains(QStringLiteral("--plugin ggml")), set.rows[0].reason.c_str());
    }
#endif

    // ggml's CUDA backend: only under the `gpu` label (ROOFLINE_GGML_GPU_TESTS=1), skipped where there is none.
    void testCudaBackend()
    {
        if (qgetenv("ROOFLINE_GGML_GPU_TESTS") != "1")
            QSKIP("GPU cases run in tst_ggml_plugin_gpu (ctest -L gpu)");
        qunsetenv("ROOFLINE_GGML_BACKEND");
        auto gpu = openGgml();
        qputenv("ROOFLINE_GGML_BACKEND", "CPU");
        if (gpu->info().backend != "cuda")
            QSKIP("no CUDA backend: ggml was built without CUDA (ROOFLINE_BUILD_CUDA_PLUGIN and nvcc) or there is no GPU");
        for (const char* type : {"Q4_K", "Q8_0", "F16", "MXFP4"}) {
            for (int64_t m : {1, 512}) {
                const rl_case c = matmulCase(m == 1 ? RL_KERNEL_GEMV : RL_KERNEL_GEMM, type, m, 4096, 4096);
                const rl_result r = gpu->run(c, kNeverStop);
                QVERIFY2(r.status == RL_STATUS_OK, r.message);
                QCOMPARE(r.verified, 1);
                QVERIFY2(QString::fromUtf8(r.message).contains(QStringLiteral("from ggml's CPU backend")), r.message);
            }
        }
    }
};

QTEST_GUILESS_MAIN(TestGgmlPlugin)
#include "tst_ggml_plugin.moc"
