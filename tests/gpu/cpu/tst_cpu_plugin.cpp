// The host-CPU plugin end to end through roofline::Device: what it runs, what it refuses and why, its ceilings,
// and the stop callback. Small shapes and short budgets: the whole file runs in about a second on 2 cores.
#include "roofline/abi/plugin_abi_rules.h"
#include "roofline/plugin_host/plugin_loader.h"
#include "gpu/plugin_test_support.h"

#include <QRegularExpression>
#include <QScopeGuard>
#include <QTest>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstring>
#include <memory>

namespace {

// Short budgets: the whole file runs in about a second.
constexpr roofline::abi::Sampling kQuickSampling{0.05, 3, 50, 0.01, 20261124};

rl_case makeCase(int kernel, int precision, int64_t m, int64_t n, int64_t k, int cacheMode = RL_CACHE_WARM)
{
    return roofline::abi::make_case(kernel, precision, {m, n, k}, static_cast<rl_cache_mode>(cacheMode), kQuickSampling);
}

rl_case ceilingCase(int kernel, uint64_t bytes)
{
    const bool dram = kernel == RL_KERNEL_DRAM_READ || kernel == RL_KERNEL_DRAM_COPY;
    return roofline::abi::make_case(kernel, RL_PRECISION_FP32, {.bytes = bytes}, dram ? RL_CACHE_COLD : RL_CACHE_WARM, kQuickSampling);
}


// Fills a struct before a call, to see what the plugin wrote.
constexpr unsigned char kUntouched = 0xab;

template <class T> bool untouchedFrom(const T& value, std::size_t offset)
{
    const auto* bytes = reinterpret_cast<const unsigned char*>(&value);
    return std::all_of(bytes + offset, bytes + sizeof(T), [](unsigned char b) { return b == kUntouched; });
}

} // namespace

class TestCpuPlugin : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<roofline::Device> m_device;

    void checkTimes(const rl_result& r, int minSamples)
    {
        // The ABI lets one sample longer than the whole budget end sampling early (a loaded machine), and says so.
        const bool cut_short = QString::fromUtf8(r.message).contains(QStringLiteral("outlasted the"));
        QVERIFY2(r.samples >= minSamples || (cut_short && r.samples >= 1),
                 qPrintable(QStringLiteral("%1 samples: %2").arg(r.samples).arg(QString::fromUtf8(r.message))));
        QVERIFY(r.min_time_us > 0);
        QVERIFY(r.min_time_us <= r.median_time_us);
        QVERIFY(r.median_time_us <= r.max_time_us);
        // The mean of equal samples may land an ulp outside them.
        QVERIFY(r.min_time_us * (1 - 1e-12) <= r.mean_time_us && r.mean_time_us <= r.max_time_us * (1 + 1e-12));
        QVERIFY(r.stdev_time_us >= 0 && std::isfinite(r.stdev_time_us));
    }

private Q_SLOTS:
    void initTestCase()
    {
        qunsetenv("ROOFLINE_LAB_PLUGIN_DIR");
        m_device = roofline::Device::open(roofline::Plugin::load(roofline::find_plugin("cpu")), 0);
        QCOMPARE(QString::fromStdString(m_device->info().backend), QStringLiteral("cpu"));
    }

    void cleanupTestCase() { m_device.reset(); }

    void testGemvGemm_data()
    {
        QTest::addColumn<int>("kernel");
        QTest::addColumn<int>("precision");
        QTest::addColumn<qint64>("m");
        QTest::addColumn<qint64>("n");
        QTest::addColumn<qint64>("k");
        QTest::addColumn<int>("cacheMode");
        QTest::addColumn<QString>("routine"); // the BLAS call the plugin says it made

        QTest::newRow("gemv 256x256 FP32") << int(RL_KERNEL_GEMV) << int(RL_PRECISION_FP32) << qint64(1) << qint64(256)
                                           << qint64(256) << int(RL_CACHE_WARM) << "cblas_sgemv";
        QTest::newRow("gemv 300x200 FP64") << int(RL_KERNEL_GEMV) << int(RL_PRECISION_FP64) << qint64(1) << qint64(300)
                                           << qint64(200) << int(RL_CACHE_WARM) << "cblas_dgemv";
        QTest::newRow("gemv 512x128 FP32 cold") << int(RL_KERNEL_GEMV) << int(RL_PRECISION_FP32) << qint64(1) << qint64(512)
                                                << qint64(128) << int(RL_CACHE_COLD) << "cblas_sgemv";
        QTest::newRow("gemm 64x64x64 FP32") << int(RL_KERNEL_GEMM) << int(RL_PRECISION_FP32) << qint64(64) << qint64(64)
                                            << qint64(64) << int(RL_CACHE_WARM) << "cblas_sgemm";
        QTest::newRow("gemm 96x80x72 FP64") << int(RL_KERNEL_GEMM) << int(RL_PRECISION_FP64) << qint64(96) << qint64(80)
                                            << qint64(72) << int(RL_CACHE_WARM) << "cblas_dgemm";
        QTest::newRow("gemm 128x64x256 FP32 cold") << int(RL_KERNEL_GEMM) << int(RL_PRECISION_FP32) << qint64(128) << qint64(64)
                                                   << qint64(256) << int(RL_CACHE_COLD) << "cblas_sgemm";
        QTest::newRow("gemm 1x1x1 FP64") << int(RL_KERNEL_GEMM) << int(RL_PRECISION_FP64) << qint64(1) << qint64(1) << qint64(1)
                                         << int(RL_CACHE_WARM) << "cblas_dgemv"; // M = 1 runs as a GEMV
    }

    void testGemvGemm()
    {
        QFETCH(int, kernel);
        QFETCH(int, precision);
        QFETCH(qint64, m);
        QFETCH(qint64, n);
        QFETCH(qint64, k);
        QFETCH(int, cacheMode);
        QFETCH(QString, routine);

        const rl_case c = makeCase(kernel, precision, m, n, k, cacheMode);
        const auto support = m_device->supports(c);
        QVERIFY2(support.ok(), support.reason.c_str());
        const rl_result r = m_device->run(c, kNeverStop);
        QCOMPARE(statusName(r.status), QStringLiteral("OK"));
        QCOMPARE(r.verified, 1);
        QVERIFY(r.tolerance > 0);
        QVERIFY2(r.max_rel_error <= r.tolerance, qPrintable(QString::number(r.max_rel_error)));
        checkTimes(r, c.min_samples);
        QVERIFY(r.samples <= c.max_samples);
        QCOMPARE(r.bytes_moved, 0.0);
        QVERIFY2(QString::fromUtf8(r.algorithm).contains(routine), r.algorithm);
        // ABI 2: the configuration as fields. A host BLAS call has no algorithm, tile or split to report.
        QCOMPARE(r.gemm_library, int(RL_GEMM_LIBRARY_BLAS));
        QCOMPARE(r.algo_id, -1);
        QCOMPARE(r.tile_m, 0);
        QCOMPARE(r.candidates_timed, 1);
    }

    // FP32 is checked to 1e-4, FP64 to 1e-10: the tolerance follows the precision.
    void testToleranceFollowsPrecision()
    {
        const rl_result fp32 = m_device->run(makeCase(RL_KERNEL_GEMM, RL_PRECISION_FP32, 32, 32, 32), kNeverStop);
        const rl_result fp64 = m_device->run(makeCase(RL_KERNEL_GEMM, RL_PRECISION_FP64, 32, 32, 32), kNeverStop);
        QCOMPARE(statusName(fp32.status), QStringLiteral("OK"));
        QCOMPARE(statusName(fp64.status), QStringLiteral("OK"));
        QVERIFY(fp64.tolerance < fp32.tolerance);
        QVERIFY(fp64.max_rel_error < 1e-12);
    }

    void testUnsupportedPrecision_data()
    {
        QTest::addColumn<int>("kernel");
        QTest::addColumn<int>("precision");
        for (int p : {RL_PRECISION_FP16, RL_PRECISION_BF16, RL_PRECISION_TF32, RL_PRECISION_FP8_E4M3, RL_PRECISION_INT8,
                      RL_PRECISION_NVFP4}) {
            QTest::addRow("gemv precision %d", p) << int(RL_KERNEL_GEMV) << p;
            QTest::addRow("gemm precision %d", p) << int(RL_KERNEL_GEMM) << p;
        }
    }

    void testUnsupportedPrecision()
    {
        QFETCH(int, kernel);
        QFETCH(int, precision);
        const rl_case c = makeCase(kernel, precision, kernel == RL_KERNEL_GEMV ? 1 : 64, 64, 64);
        const auto support = m_device->supports(c);
        QCOMPARE(statusName(support.status), QStringLiteral("UNSUPPORTED"));
        QVERIFY2(QString::fromStdString(support.reason).contains(QStringLiteral("FP32 and FP64")), support.reason.c_str());
        // run() refuses the same way instead of timing anything.
        const rl_result r = m_device->run(c, kNeverStop);
        QCOMPARE(statusName(r.status), QStringLiteral("UNSUPPORTED"));
        QCOMPARE(r.samples, 0);
        QCOMPARE(QString::fromUtf8(r.message), QString::fromStdString(support.reason));
    }

    void testRefusedCase_data()
    {
        QTest::addColumn<int>("kernel");
        QTest::addColumn<int>("precision");
        QTest::addColumn<qint64>("m");
        QTest::addColumn<qint64>("n");
        QTest::addColumn<qint64>("k");
        QTest::addColumn<QStringList>("statuses"); // any of these
        QTest::addColumn<QString>("reason");       // a regular expression the reason must match

        const QStringList tooBig{QStringLiteral("SKIPPED"), QStringLiteral("INVALID_ARGUMENT")};
        const QString needs = QStringLiteral("^needs [0-9.]+ GB, [0-9.]+ GB free$|overflows");
        // 3 × 10^6 × 10^6 floats: 12 TB.
        QTest::newRow("gemm 1e6^3 FP32") << int(RL_KERNEL_GEMM) << int(RL_PRECISION_FP32) << qint64(1000000) << qint64(1000000)
                                         << qint64(1000000) << tooBig << needs;
        QTest::newRow("gemv 2^30 x 2^30 FP64") << int(RL_KERNEL_GEMV) << int(RL_PRECISION_FP64) << qint64(1) << (qint64(1) << 30)
                                                   << (qint64(1) << 30) << tooBig << needs;
        // n·k·8 does not fit in 64 bits.
        QTest::newRow("gemv (2^31-1)^2 FP64") << int(RL_KERNEL_GEMV) << int(RL_PRECISION_FP64) << qint64(1)
                                              << qint64(2147483647) << qint64(2147483647) << tooBig << needs;
        // The output alone, M·N·8 bytes, is 2^64 + 2^33: the byte count must not wrap round to a few GB.
        QTest::newRow("gemm output wraps 64 bits") << int(RL_KERNEL_GEMM) << int(RL_PRECISION_FP64) << qint64(2147483647)
                                                   << qint64(1073741825) << qint64(1) << tooBig << needs;
        QTest::newRow("dimension past 32 bits") << int(RL_KERNEL_GEMM) << int(RL_PRECISION_FP32) << qint64(4) << (qint64(1) << 32)
                                                << qint64(4) << QStringList{QStringLiteral("UNSUPPORTED"), QStringLiteral("INVALID_ARGUMENT")}
                                                << "32-bit";
        QTest::newRow("zero dimension") << int(RL_KERNEL_GEMM) << int(RL_PRECISION_FP32) << qint64(0) << qint64(4) << qint64(4)
                                        << QStringList{QStringLiteral("UNSUPPORTED"), QStringLiteral("INVALID_ARGUMENT")}
                                        << "positive";
        QTest::newRow("negative dimension") << int(RL_KERNEL_GEMV) << int(RL_PRECISION_FP32) << qint64(1) << qint64(-4) << qint64(4)
                                            << QStringList{QStringLiteral("UNSUPPORTED"), QStringLiteral("INVALID_ARGUMENT")}
                                            << "positive";
        QTest::newRow("unknown kernel") << 42 << int(RL_PRECISION_FP32) << qint64(4) << qint64(4) << qint64(4)
                                        << QStringList{QStringLiteral("UNSUPPORTED"), QStringLiteral("INVALID_ARGUMENT")}
                                        << "GEMV, GEMM";
    }

    void testRefusedCase()
    {
        QFETCH(int, kernel);
        QFETCH(int, precision);
        QFETCH(qint64, m);
        QFETCH(qint64, n);
        QFETCH(qint64, k);
        QFETCH(QStringList, statuses);
        QFETCH(QString, reason);

        const rl_case c = makeCase(kernel, precision, m, n, k);
        const auto support = m_device->supports(c);
        const QString why = QString::fromStdString(support.reason);
        QVERIFY2(statuses.contains(statusName(support.status)), qPrintable(statusName(support.status) + QStringLiteral(": ") + why));
        QVERIFY2(QRegularExpression(reason).match(why).hasMatch(), qPrintable(why));

        // A "needs X GB" must be at least what the output alone takes.
        const auto needed = QRegularExpression(QStringLiteral("^needs ([0-9.]+) GB")).match(why);
        if (needed.hasMatch()) {
            const double outputGb = double(kernel == RL_KERNEL_GEMV ? 1 : m) * double(n) * (precision == RL_PRECISION_FP64 ? 8 : 4) / 1e9;
            QVERIFY2(needed.captured(1).toDouble() >= outputGb * 0.99,
                     qPrintable(QStringLiteral("%1, but the output alone is %2 GB").arg(why).arg(outputGb)));
        }

        // run() gives the same answer without allocating or timing anything.
        const rl_result r = m_device->run(c, kNeverStop);
        QCOMPARE(statusName(r.status), statusName(support.status));
        QCOMPARE(r.samples, 0);
        // The same reason; the free memory it quotes may have moved between the two calls.
        const auto withoutFree = [](QString text) { return text.remove(QRegularExpression(QStringLiteral(", [0-9.]+ GB free$"))); };
        QCOMPARE(withoutFree(QString::fromUtf8(r.message)), withoutFree(why));
    }

    // plugin_abi.h: an older host keeps working with a newer plugin. Its shorter case is read with the default
    // sampling past its end; its shorter result and device info are written only as far as they reach.
    void testOlderHostStructsKeepWorking()
    {
        const rl_plugin_api& api = m_device->plugin().api();
        rl_device* device = nullptr;
        char message[256] = {};
        QCOMPARE(statusName(api.open(0, &device, message, sizeof message)), QStringLiteral("OK"));
        const auto closeDevice = qScopeGuard([&] { api.close(device); });

        rl_device_info info;
        std::memset(&info, kUntouched, sizeof info);
        info.struct_size = offsetof(rl_device_info, driver_version);
        QCOMPARE(statusName(api.describe(device, &info)), QStringLiteral("OK"));
        QCOMPARE(info.struct_size, uint32_t(offsetof(rl_device_info, driver_version)));
        QCOMPARE(QString::fromUtf8(info.backend), QStringLiteral("cpu"));
        QVERIFY(info.multiprocessor_count >= 1);
        QVERIFY(untouchedFrom(info, offsetof(rl_device_info, driver_version)));

        rl_case c = makeCase(RL_KERNEL_GEMV, RL_PRECISION_FP32, 1, 64, 64);
        c.struct_size = offsetof(rl_case, time_budget_s);
        char reason[256] = {};
        QCOMPARE(statusName(api.supports(device, &c, reason, sizeof reason)), QStringLiteral("OK"));

        rl_result r;
        std::memset(&r, kUntouched, sizeof r);
        r.struct_size = offsetof(rl_result, algorithm);
        QCOMPARE(statusName(api.run(device, &c, nullptr, nullptr, &r)), QStringLiteral("OK"));
        QCOMPARE(statusName(r.status), QStringLiteral("OK"));
        QCOMPARE(r.verified, 1);
        QVERIFY(untouchedFrom(r, offsetof(rl_result, algorithm)));
        // The sampling fields the older case lacks take the ABI's defaults: at least 10 samples, at most 10000.
        r.message[0] = '\0';
        checkTimes(r, roofline::abi::kDefaultSampling.min_samples);
        QVERIFY(r.samples <= roofline::abi::kDefaultSampling.max_samples);
    }

    // A case too short to say what to run is refused, never misread.
    void testCaseWithoutShapeRefused()
    {
        rl_case c = makeCase(RL_KERNEL_GEMV, RL_PRECISION_FP32, 1, 64, 64);
        c.struct_size = offsetof(rl_case, k);
        const auto support = m_device->supports(c);
        QCOMPARE(statusName(support.status), QStringLiteral("INVALID_ARGUMENT"));
        QVERIFY2(QString::fromStdString(support.reason).contains(QStringLiteral("too short")), support.reason.c_str());
        QCOMPARE(statusName(m_device->run(c, kNeverStop).status), QStringLiteral("INVALID_ARGUMENT"));
    }

    void testCeilings_data()
    {
        QTest::addColumn<int>("kernel");
        QTest::addColumn<quint64>("bytes");
        QTest::addColumn<double>("bytesMoved");
        QTest::addColumn<QString>("algorithm");
        const quint64 mib = 1 << 20;
        QTest::newRow("DRAM read 64 MiB") << int(RL_KERNEL_DRAM_READ) << 64 * mib << double(64 * mib) << "sum of";
        QTest::newRow("DRAM copy 32 MiB") << int(RL_KERNEL_DRAM_COPY) << 32 * mib << double(2 * 32 * mib) << "memcpy";
        // A cache-sized buffer is read 16 times per sample.
        QTest::newRow("L2 read 4 MiB") << int(RL_KERNEL_L2_READ) << 4 * mib << double(16 * 4 * mib) << "16 pass(es)";
        QTest::newRow("launch") << int(RL_KERNEL_LAUNCH) << quint64(0) << 0.0 << "1x1x1";
    }

    void testCeilings()
    {
        QFETCH(int, kernel);
        QFETCH(quint64, bytes);
        QFETCH(double, bytesMoved);
        QFETCH(QString, algorithm);

        const rl_case c = ceilingCase(kernel, bytes);
        const auto support = m_device->supports(c);
        QVERIFY2(support.ok(), support.reason.c_str());
        const rl_result r = m_device->run(c, kNeverStop);
        QCOMPARE(statusName(r.status), QStringLiteral("OK"));
        checkTimes(r, c.min_samples);
        QCOMPARE(r.bytes_moved, bytesMoved);
        QVERIFY2(QString::fromUtf8(r.algorithm).contains(algorithm), r.algorithm);
        if (bytesMoved > 0) {
            // Bandwidth in a sane range for any host, however loaded: above 10 MB/s, below 10 TB/s. (The plugin
            // starts its threads inside every sample, so a busy 2-core machine can be very slow here.)
            const double gbPerS = r.bytes_moved / (r.median_time_us * 1e-6) / 1e9;
            QVERIFY2(gbPerS > 0.01 && gbPerS < 10000, qPrintable(QString::number(gbPerS)));
        }
    }

    void testCeilingNeedsMemory()
    {
        // A working set far beyond any host's memory: skipped up front, with the reason.
        const rl_case c = ceilingCase(RL_KERNEL_DRAM_COPY, uint64_t(1) << 52);
        const auto support = m_device->supports(c);
        QCOMPARE(statusName(support.status), QStringLiteral("SKIPPED"));
        QVERIFY2(QString::fromStdString(support.reason).startsWith(QStringLiteral("needs ")), support.reason.c_str());
    }

    void testStop_data()
    {
        QTest::addColumn<int>("kernel");
        QTest::addColumn<int>("stopAfterPolls"); // the callback says stop on this poll (1: at once)
        QTest::newRow("gemm, at once") << int(RL_KERNEL_GEMM) << 1;
        QTest::newRow("gemv, at once") << int(RL_KERNEL_GEMV) << 1;
        QTest::newRow("DRAM read, at once") << int(RL_KERNEL_DRAM_READ) << 1;
        QTest::newRow("gemm, after 3 samples") << int(RL_KERNEL_GEMM) << 4;
    }

    void testStop()
    {
        QFETCH(int, kernel);
        QFETCH(int, stopAfterPolls);

        rl_case c = kernel == RL_KERNEL_DRAM_READ ? ceilingCase(kernel, 1 << 20)
                                                  : makeCase(kernel, RL_PRECISION_FP32, kernel == RL_KERNEL_GEMV ? 1 : 64, 64, 64);
        // Nothing else would end the sampling early.
        c.min_samples = 1000;
        c.max_samples = 1000;
        c.time_budget_s = 60;
        int polls = 0;
        const rl_result r = m_device->run(c, [&polls, stopAfterPolls] { return ++polls >= stopAfterPolls; });
        QCOMPARE(statusName(r.status), QStringLiteral("CANCELLED"));
        QCOMPARE(polls, stopAfterPolls);
        // Partial samples are reported.
        QCOMPARE(r.samples, stopAfterPolls - 1);
        if (r.samples > 0)
            checkTimes(r, r.samples);
    }
};

QTEST_GUILESS_MAIN(TestCpuPlugin)
#include "tst_cpu_plugin.moc"
