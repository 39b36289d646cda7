// The CUDA plugin, loaded by the core's loader (roofline::Plugin) and then driven through its raw C ABI, so the
// tests see exactly what the plugin writes. Without a GPU every test that needs one skips with the plugin's own
// reason; the ABI checks run anywhere the plugin loads.

#include "cuda_plugin_client.h"

#include "roofline/plugin_host/plugin_loader.h"

#include <QtTest/QtTest>

#include <cmath>
#include <cstddef>
#include <cstring>
#include <memory>
#include <vector>

using namespace rl_test;

Q_DECLARE_METATYPE(rl_kernel)
Q_DECLARE_METATYPE(rl_precision)
Q_DECLARE_METATYPE(rl_test::AttentionDims)

namespace {

struct StopAfter {
    int polls = 0;
    int stop_on = 0;
};

int stop_after(void* user)
{
    auto* s = static_cast<StopAfter*>(user);
    return ++s->polls >= s->stop_on ? 1 : 0;
}

QString text(const char* s)
{
    return QString::fromUtf8(s);
}

// Empty where `r` is a verified, sampled run; else what is wrong with it (and the plugin's message).
QString timed_problem(const rl_result& r)
{
    const auto problem = [&](const char* what) { return QString::fromUtf8(what) + ": " + text(r.message); };
    if (r.status != RL_STATUS_OK)
        return problem(status_name(r.status));
    if (r.verified != 1 || !(r.max_rel_error <= r.tolerance))
        return problem("not verified");
    if (r.samples < 10)
        return problem("fewer than 10 samples");
    if (!(r.min_time_us > 0.0 && r.min_time_us <= r.median_time_us && r.median_time_us <= r.max_time_us))
        return problem("median outside (0, min..max]");
    return {};
}

} // namespace

#define REQUIRE_DEVICE()                                                                                            \
    do {                                                                                                            \
        if (!device_)                                                                                               \
            QSKIP(qPrintable(no_device_));                                                                          \
    } while (false)

class TestCudaPlugin : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();

    void testEntryPoint();
    void testDeviceCountMessage();
    void testDescribe();
    void testProduct_data();
    void testProduct();
    void testUnsupportedPrecision_data();
    void testUnsupportedPrecision();
    void testHugeCaseSkipped();
    void testInvalidCase_data();
    void testInvalidCase();
    void testStopCancels();
    void testLongSampleEndsEarly();
    void testCeilings_data();
    void testCeilings();
    void testOlderHostStructs();
    void testGemmConfigFields();
    void testOlderHostResultV1();
    void testLayerKernels_data();
    void testLayerKernels();
    void testLayerKernelRefusals();
    void testLaunchChains();
    void testCoreDevice();
    void testAttention_data();
    void testAttention();
    void testAttentionInvalid_data();
    void testAttentionInvalid();
    void testAttentionFromOlderHost();
    void testAttentionWindow();
    void testFfn_data();
    void testFfn();

private:
    rl_result run(const rl_case& c, rl_stop_fn stop = nullptr, void* user = nullptr);

    std::shared_ptr<roofline::Plugin> plugin_;
    const rl_plugin_api* api_ = nullptr;
    rl_device* device_ = nullptr;
    rl_device_info info_{};
    int device_count_ = 0;
    QString no_device_;
};

void TestCudaPlugin::initTestCase()
{
    const std::string path = plugin_path();
    if (path.empty())
        QSKIP("the CUDA plugin was not built here (no CUDA compiler when this build was configured); "
              "set ROOFLINE_CUDA_PLUGIN to a libroofline_cuda.so to test one");
    try {
        plugin_ = roofline::Plugin::load(path);
    } catch (const roofline::PluginError& e) {
        no_device_ = QStringLiteral("plugin not loaded: ") + QString::fromUtf8(e.what());
        return;
    }
    api_ = &plugin_->api();
    char message[1024] = {};
    device_count_ = api_->device_count(message, sizeof(message));
    if (device_count_ <= 0) {
        no_device_ = text(message);
        return;
    }
    if (api_->open(0, &device_, message, sizeof(message)) != RL_STATUS_OK) {
        no_device_ = QStringLiteral("open(0) failed: ") + text(message);
        device_ = nullptr;
        return;
    }
    info_.struct_size = sizeof(info_);
    QCOMPARE(api_->describe(device_, &info_), RL_STATUS_OK);
    qInfo("%s sm_%d%d, %s, %s", info_.name, info_.compute_capability_major, info_.compute_capability_minor,
          info_.driver_version, info_.library_version);
}

void TestCudaPlugin::cleanupTestCase()
{
    if (device_)
        api_->close(device_);
    device_ = nullptr;
}

rl_result TestCudaPlugin::run(const rl_case& c, rl_stop_fn stop, void* user)
{
    rl_result r = empty_result();
    const rl_status status = api_->run(device_, &c, stop, user, &r);
    if (status != r.status)
        qWarning("run returned %d but result.status is %d", status, r.status);
    return r;
}

void TestCudaPlugin::testEntryPoint()
{
    QVERIFY2(api_, qPrintable(no_device_));
    QCOMPARE(api_->abi_version, ROOFLINE_PLUGIN_ABI_VERSION);
    QVERIFY(api_->struct_size >= sizeof(rl_plugin_api));
    QCOMPARE(text(api_->plugin_name), QStringLiteral("cuda"));
    QVERIFY(std::strlen(api_->plugin_version) > 0);
    QVERIFY(api_->device_count && api_->open && api_->describe && api_->supports && api_->run && api_->close);
}

void TestCudaPlugin::testDeviceCountMessage()
{
    if (!api_)
        QSKIP(qPrintable(no_device_));
    char message[256] = {};
    const int count = api_->device_count(message, sizeof(message));
    QVERIFY(count >= 0);
    QVERIFY2(std::strlen(message) > 0, "device_count gives a message either way");
    // A tiny buffer is truncated, never overrun.
    char tiny[4] = {'x', 'x', 'x', 'x'};
    api_->device_count(tiny, sizeof(tiny));
    QVERIFY(std::memchr(tiny, '\0', sizeof(tiny)) != nullptr);
    if (count == 0) {
        qInfo("no device: %s", message);
        rl_device* dev = nullptr;
        char reason[256] = {};
        QCOMPARE(api_->open(0, &dev, reason, sizeof(reason)), RL_STATUS_NO_DEVICE);
        QVERIFY(dev == nullptr);
        QVERIFY(std::strlen(reason) > 0);
    }
    rl_device* dev = nullptr;
    char reason[256] = {};
    QCOMPARE(api_->open(count + 3, &dev, reason, sizeof(reason)), RL_STATUS_NO_DEVICE);
    QVERIFY(dev == nullptr);
}

void TestCudaPlugin::testDescribe()
{
    REQUIRE_DEVICE();
    QCOMPARE(text(info_.backend), QStringLiteral("cuda"));
    QVERIFY(std::strlen(info_.name) > 0);
    QVERIFY(info_.compute_capability_major >= 7);
    QVERIFY(info_.multiprocessor_count > 0);
    QVERIFY(info_.memory_bytes > (1ull << 30));
    QVERIFY(info_.l2_cache_bytes >= (1ull << 20));
    QVERIFY(info_.max_sm_clock_mhz > 500 && info_.max_sm_clock_mhz < 5000);
    QVERIFY(info_.max_memory_clock_mhz > 0);
    QVERIFY(info_.memory_bus_width_bits >= 64);
    QVERIFY(std::strlen(info_.driver_version) > 0);
    QVERIFY(std::strstr(info_.runtime_version, "CUDA") != nullptr);
    QVERIFY(std::strstr(info_.library_version, "cuBLAS") != nullptr);
}

void TestCudaPlugin::testProduct_data()
{
    QTest::addColumn<rl_kernel>("kernel");
    QTest::addColumn<rl_precision>("precision");
    QTest::addColumn<int>("size");
    const std::pair<const char*, rl_precision> precisions[] = {
        {"FP16", RL_PRECISION_FP16},         {"BF16", RL_PRECISION_BF16},         {"FP32", RL_PRECISION_FP32},
        {"TF32", RL_PRECISION_TF32},         {"FP64", RL_PRECISION_FP64},         {"FP8_E4M3", RL_PRECISION_FP8_E4M3},
        {"FP8_E5M2", RL_PRECISION_FP8_E5M2}, {"INT8", RL_PRECISION_INT8}};
    for (const auto& [name, p] : precisions) {
        QTest::addRow("GEMM 1024^3 %s", name) << RL_KERNEL_GEMM << p << 1024;
        QTest::addRow("GEMV 4096^2 %s", name) << RL_KERNEL_GEMV << p << 4096;
    }
}

void TestCudaPlugin::testProduct()
{
    REQUIRE_DEVICE();
    QFETCH(rl_kernel, kernel);
    QFETCH(rl_precision, precision);
    QFETCH(int, size);
    const rl_case c = make_case(kernel, precision, size, size, size);
    const rl_result r = run(c);
    const bool fp8 = precision == RL_PRECISION_FP8_E4M3 || precision == RL_PRECISION_FP8_E5M2;
    if (fp8 && info_.compute_capability_major * 10 + info_.compute_capability_minor < 89) {
        QCOMPARE(r.status, RL_STATUS_UNSUPPORTED);
        QVERIFY(std::strstr(r.message, "sm_89") != nullptr);
        return;
    }
    QVERIFY2(r.status == RL_STATUS_OK, r.message);
    QVERIFY2(r.verified == 1, r.message);
    QVERIFY(r.samples >= 10);
    QVERIFY(r.min_time_us > 0.0);
    QVERIFY(r.min_time_us <= r.median_time_us && r.median_time_us <= r.max_time_us);
    QVERIFY(r.stdev_time_us >= 0.0);
    QVERIFY(r.max_rel_error <= r.tolerance);
    QVERIFY(std::strlen(r.algorithm) > 0);
    if (fp8 && precision == RL_PRECISION_FP8_E5M2)
        QVERIFY(std::strstr(r.algorithm, "E5M2xE5M2 not allowed") != nullptr);
    qInfo("%8.2f us %8.2f TFLOPS err %.2e (tol %.0e) clock %.0f MHz%s | %s", r.median_time_us, tflops(c, r),
          r.max_rel_error, r.tolerance, r.sm_clock_mhz, r.throttled ? " throttled" : "", r.algorithm);
}

void TestCudaPlugin::testUnsupportedPrecision_data()
{
    QTest::addColumn<rl_precision>("precision");
    QTest::addColumn<int>("min_cc"); // the device needs at least this to run it; 0 = never
    QTest::addColumn<QString>("reason");
    QTest::newRow("NVFP4") << RL_PRECISION_NVFP4 << 100 << QStringLiteral("sm_100");
    QTest::newRow("MXFP8") << RL_PRECISION_MXFP8 << 100 << QStringLiteral("sm_100");
    QTest::newRow("MXFP4") << RL_PRECISION_MXFP4 << 0 << QStringLiteral("MXFP4");
    QTest::newRow("INT4") << RL_PRECISION_INT4 << 0 << QStringLiteral("INT4");
}

void TestCudaPlugin::testUnsupportedPrecision()
{
    REQUIRE_DEVICE();
    QFETCH(rl_precision, precision);
    QFETCH(int, min_cc);
    QFETCH(QString, reason);
    const int cc = info_.compute_capability_major * 10 + info_.compute_capability_minor;
    const rl_case c = make_case(RL_KERNEL_GEMM, precision, 1024, 1024, 1024);
    char why[512] = {};
    const rl_status supported = api_->supports(device_, &c, why, sizeof(why));
    const rl_result r = run(c);
    if (min_cc > 0 && cc >= min_cc) {
        QVERIFY2(r.status == RL_STATUS_OK && r.verified, r.message);
        return;
    }
    QCOMPARE(supported, RL_STATUS_UNSUPPORTED);
    QCOMPARE(r.status, RL_STATUS_UNSUPPORTED);
    QVERIFY2(text(why).contains(reason), why);
    QVERIFY2(text(r.message).contains(reason), r.message);
    QCOMPARE(r.samples, 0);
    qInfo("%s", r.message);
}

void TestCudaPlugin::testHugeCaseSkipped()
{
    REQUIRE_DEVICE();
    const rl_case c = make_case(RL_KERNEL_GEMM, RL_PRECISION_FP32, 300000, 300000, 300000);
    char why[512] = {};
    QCOMPARE(api_->supports(device_, &c, why, sizeof(why)), RL_STATUS_SKIPPED);
    QVERIFY2(std::strstr(why, "needs") && std::strstr(why, "GB"), why);
    const rl_result r = run(c);
    QCOMPARE(r.status, RL_STATUS_SKIPPED);
    QVERIFY2(std::strstr(r.message, "needs") && std::strstr(r.message, "GB free"), r.message);
    qInfo("%s", r.message);
}

void TestCudaPlugin::testInvalidCase_data()
{
    QTest::addColumn<int>("kernel");
    QTest::addColumn<qint64>("m");
    QTest::addColumn<qint64>("n");
    QTest::addColumn<qint64>("k");
    QTest::newRow("negative m") << int(RL_KERNEL_GEMM) << qint64(-1) << qint64(64) << qint64(64);
    QTest::newRow("zero k") << int(RL_KERNEL_GEMM) << qint64(64) << qint64(64) << qint64(0);
    QTest::newRow("GEMV zero n") << int(RL_KERNEL_GEMV) << qint64(64) << qint64(0) << qint64(64);
    QTest::newRow("overflowing m*n") << int(RL_KERNEL_GEMM) << (qint64(1) << 40) << (qint64(1) << 40) << qint64(8);
    QTest::newRow("huge dimension") << int(RL_KERNEL_GEMM) << (qint64(1) << 62) << qint64(8) << qint64(8);
    QTest::newRow("unknown kernel") << 42 << qint64(64) << qint64(64) << qint64(64);
}

void TestCudaPlugin::testInvalidCase()
{
    REQUIRE_DEVICE();
    QFETCH(int, kernel);
    QFETCH(qint64, m);
    QFETCH(qint64, n);
    QFETCH(qint64, k);
    rl_case c = make_case(RL_KERNEL_GEMM, RL_PRECISION_BF16, m, n, k);
    c.kernel = kernel;
    const rl_result r = run(c);
    QCOMPARE(r.status, RL_STATUS_INVALID_ARGUMENT);
    QVERIFY(std::strlen(r.message) > 0);
    char why[256] = {};
    QCOMPARE(api_->supports(device_, &c, why, sizeof(why)), RL_STATUS_INVALID_ARGUMENT);
}

void TestCudaPlugin::testStopCancels()
{
    REQUIRE_DEVICE();
    rl_case c = make_case(RL_KERNEL_GEMM, RL_PRECISION_FP32, 8192, 8192, 8192);
    c.time_budget_s = 600.0;
    c.max_samples = 1000000;
    c.target_rel_spread = 0.0;
    // The plugin polls once before choosing an algorithm, once per round of its algorithm race (at most 15),
    // then once per sample: the 20th poll falls within sampling.
    StopAfter stop{0, 20};
    QElapsedTimer timer;
    timer.start();
    const rl_result r = run(c, stop_after, &stop);
    QCOMPARE(r.status, RL_STATUS_CANCELLED);
    QVERIFY(r.samples >= 1 && r.samples <= 19);
    QVERIFY(r.min_time_us <= r.median_time_us && r.median_time_us <= r.max_time_us);
    QVERIFY(timer.elapsed() < 60000);
    QVERIFY2(std::strstr(r.message, "cancel") != nullptr, r.message);

    StopAfter at_once{0, 1};
    const rl_result none = run(c, stop_after, &at_once);
    QCOMPARE(none.status, RL_STATUS_CANCELLED);
    QCOMPARE(none.samples, 0);
}

void TestCudaPlugin::testLongSampleEndsEarly()
{
    REQUIRE_DEVICE();
    rl_case c = make_case(RL_KERNEL_GEMM, RL_PRECISION_FP64, 4096, 4096, 4096);
    c.time_budget_s = 1e-4; // far below one FP64 4096^3 product on any GPU
    const rl_result r = run(c);
    QVERIFY2(r.status == RL_STATUS_OK && r.verified, r.message);
    QCOMPARE(r.samples, 1);
    QVERIFY2(std::strstr(r.message, "longer than the whole time budget") != nullptr, r.message);
}

void TestCudaPlugin::testCeilings_data()
{
    QTest::addColumn<rl_kernel>("kernel");
    QTest::addColumn<int>("cache");
    QTest::newRow("DRAM read") << RL_KERNEL_DRAM_READ << int(RL_CACHE_COLD);
    QTest::newRow("DRAM copy") << RL_KERNEL_DRAM_COPY << int(RL_CACHE_COLD);
    QTest::newRow("L2 read") << RL_KERNEL_L2_READ << int(RL_CACHE_WARM);
    QTest::newRow("launch") << RL_KERNEL_LAUNCH << int(RL_CACHE_WARM);
}

void TestCudaPlugin::testCeilings()
{
    REQUIRE_DEVICE();
    QFETCH(rl_kernel, kernel);
    QFETCH(int, cache);
    const uint64_t bytes = kernel == RL_KERNEL_L2_READ ? info_.l2_cache_bytes / 2
                           : kernel == RL_KERNEL_LAUNCH ? 0
                                                        : (2ull << 30);
    const rl_case c = make_ceiling(kernel, bytes, static_cast<rl_cache_mode>(cache));
    const rl_result r = run(c);
    QVERIFY2(r.status == RL_STATUS_OK, r.message);
    QVERIFY(r.samples >= 10);
    QVERIFY(r.min_time_us <= r.median_time_us && r.median_time_us <= r.max_time_us);
    const double gbs = gb_per_s(r);
    qInfo("%10.2f us %10.1f GB/s | %s | %s", r.median_time_us, gbs, r.algorithm, r.message);
    if (kernel == RL_KERNEL_LAUNCH) {
        QCOMPARE(r.bytes_moved, 0.0);
        QVERIFY(r.median_time_us > 0.0 && r.median_time_us < 100.0);
        return;
    }
    QVERIFY2(r.verified == 1, r.message);
    if (kernel == RL_KERNEL_L2_READ) // re-read `passes` times per sample
        QVERIFY(r.bytes_moved >= static_cast<double>(bytes) && std::fmod(r.bytes_moved, double(bytes)) == 0.0);
    else
        QCOMPARE(r.bytes_moved, static_cast<double>(kernel == RL_KERNEL_DRAM_COPY ? 2 * bytes : bytes));
    // Hopper HBM moves well over 1 TB/s; other GPUs (GB10's LPDDR5x: ~270 GB/s) far less.
    const double floor_gbs = info_.compute_capability_major == 9 ? 1000.0 : 50.0;
    QVERIFY2(gbs > floor_gbs, qPrintable(QString::number(gbs)));
}

void TestCudaPlugin::testOlderHostStructs()
{
    REQUIRE_DEVICE();
    // A host built against a shorter rl_result (no algorithm, no message): the plugin writes only what fits.
    constexpr unsigned char kSentinel = 0xAB;
    std::vector<unsigned char> buffer(sizeof(rl_result) + 64, kSentinel);
    rl_result* r = reinterpret_cast<rl_result*>(buffer.data());
    r->struct_size = static_cast<uint32_t>(offsetof(rl_result, algorithm));
    rl_case c = make_ceiling(RL_KERNEL_LAUNCH, 0, RL_CACHE_WARM);
    c.max_samples = 20;
    QCOMPARE(api_->run(device_, &c, nullptr, nullptr, r), RL_STATUS_OK);
    QCOMPARE(r->struct_size, static_cast<uint32_t>(offsetof(rl_result, algorithm)));
    QVERIFY(r->samples >= 10);
    for (size_t i = offsetof(rl_result, algorithm); i < buffer.size(); ++i)
        QCOMPARE(buffer[i], kSentinel);

    // And a shorter rl_case (an older host without `seed`): defaults fill the rest.
    rl_case short_case = make_ceiling(RL_KERNEL_LAUNCH, 0, RL_CACHE_WARM);
    short_case.struct_size = static_cast<uint32_t>(offsetof(rl_case, seed));
    rl_result full = empty_result();
    QCOMPARE(api_->run(device_, &short_case, nullptr, nullptr, &full), RL_STATUS_OK);

    std::vector<unsigned char> info_buffer(sizeof(rl_device_info) + 32, kSentinel);
    auto* info = reinterpret_cast<rl_device_info*>(info_buffer.data());
    info->struct_size = static_cast<uint32_t>(offsetof(rl_device_info, driver_version));
    QCOMPARE(api_->describe(device_, info), RL_STATUS_OK);
    QVERIFY(info->multiprocessor_count > 0);
    for (size_t i = offsetof(rl_device_info, driver_version); i < info_buffer.size(); ++i)
        QCOMPARE(info_buffer[i], kSentinel);
}

void TestCudaPlugin::testGemmConfigFields()
{
    REQUIRE_DEVICE();
    for (const rl_kernel kernel : {RL_KERNEL_GEMM, RL_KERNEL_GEMV}) {
        const rl_case c = make_case(kernel, RL_PRECISION_BF16, 2048, 2048, 2048);
        const rl_result r = run(c);
        QVERIFY2(r.status == RL_STATUS_OK, r.message);
        qInfo("library %d algo %d tile %dx%dx%d stages %d splitK %d reduction %d cluster %dx%d, %d timed | %s",
              r.gemm_library, r.algo_id, r.tile_m, r.tile_n, r.tile_k, r.stages, r.split_k, r.reduction_scheme,
              r.cluster_m, r.cluster_n, r.candidates_timed, r.algorithm);
        QVERIFY(r.candidates_timed >= 1);
        if (r.gemm_library == RL_GEMM_LIBRARY_CUBLASLT) {
            QVERIFY2(std::strstr(r.algorithm, "cublasLt") != nullptr, r.algorithm);
            QVERIFY(r.algo_id >= 0);
            QVERIFY(r.split_k >= 1);
            QVERIFY(r.tile_m >= 0 && r.tile_n >= 0 && r.tile_k >= 0 && r.stages >= 0);
            // The text names the same tile as the fields ("auto", or an id newer than the table, where they are 0).
            if (r.tile_m > 0)
                QVERIFY2(text(r.algorithm).contains(QStringLiteral("tile %1x%2").arg(r.tile_m).arg(r.tile_n)), r.algorithm);
            else
                QVERIFY2(text(r.algorithm).contains(QStringLiteral("tile auto"))
                             || text(r.algorithm).contains(QStringLiteral("tile#")), r.algorithm);
            if (kernel == RL_KERNEL_GEMM) // a 2048^3 BF16 GEMM on any GPU: a defined tile
                QVERIFY2(r.tile_m > 0 && r.tile_n > 0, r.algorithm);
        } else {
            QCOMPARE(r.gemm_library, int(RL_GEMM_LIBRARY_CUBLAS));
            QVERIFY2(std::strstr(r.algorithm, "cublasGemmEx") != nullptr, r.algorithm);
            QCOMPARE(r.algo_id, -1);
            QCOMPARE(r.tile_m + r.tile_n + r.tile_k + r.stages + r.split_k + r.cluster_m + r.cluster_n, 0);
        }
    }
    // Not a GEMM: no library, no algorithm.
    const rl_result launch = run(make_ceiling(RL_KERNEL_LAUNCH, 0, RL_CACHE_WARM));
    QVERIFY2(launch.status == RL_STATUS_OK, launch.message);
    QCOMPARE(launch.gemm_library, int(RL_GEMM_LIBRARY_UNKNOWN));
    QCOMPARE(launch.algo_id, -1);
    QCOMPARE(launch.engine_id, int64_t(-1));
}

void TestCudaPlugin::testOlderHostResultV1()
{
    REQUIRE_DEVICE();
    // A host of ABI 1 (no GEMM configuration fields) running a GEMM, whose v2 fields the plugin has: nothing is
    // written past the v1 struct. Then a v2 host: its GEMM fields, nothing of v3.
    constexpr unsigned char kSentinel = 0xCD;
    for (const size_t size : {roofline::abi::kResultSizeV1, roofline::abi::kResultSizeV2}) {
        std::vector<unsigned char> buffer(sizeof(rl_result) + 64, kSentinel);
        auto* r = reinterpret_cast<rl_result*>(buffer.data());
        r->struct_size = static_cast<uint32_t>(size);
        const rl_case c = make_case(RL_KERNEL_GEMM, RL_PRECISION_BF16, 512, 512, 512, RL_CACHE_WARM);
        QCOMPARE(api_->run(device_, &c, nullptr, nullptr, r), RL_STATUS_OK);
        QCOMPARE(r->struct_size, static_cast<uint32_t>(size));
        QVERIFY(r->samples >= 10 && r->verified == 1);
        QVERIFY(std::strlen(r->algorithm) > 0);
        for (size_t i = size; i < buffer.size(); ++i)
            QCOMPARE(buffer[i], kSentinel);
        if (size == roofline::abi::kResultSizeV2)
            QVERIFY(r->gemm_library == RL_GEMM_LIBRARY_CUBLASLT || r->gemm_library == RL_GEMM_LIBRARY_CUBLAS);
    }
}

void TestCudaPlugin::testLayerKernels_data()
{
    QTest::addColumn<int>("kernel");
    QTest::addColumn<rl_precision>("precision");
    QTest::addColumn<qint64>("m");
    QTest::addColumn<qint64>("n");
    QTest::addColumn<qint64>("k");
    QTest::addColumn<bool>("gated");
    QTest::addColumn<int>("cache");
    const int cold = RL_CACHE_COLD, warm = RL_CACHE_WARM;
    const std::pair<const char*, rl_precision> precisions[] = {
        {"BF16", RL_PRECISION_BF16}, {"FP16", RL_PRECISION_FP16}, {"FP32", RL_PRECISION_FP32}};
    for (const auto& [name, p] : precisions) {
        QTest::addRow("RMSNorm 2048x4096 %s", name) << int(RL_KERNEL_RMSNORM) << p << qint64(2048) << qint64(4096) << qint64(0) << false << cold;
        QTest::addRow("residual+RMSNorm 64x5120 %s", name) << int(RL_KERNEL_RMSNORM) << p << qint64(64) << qint64(5120) << qint64(0) << true << warm;
        QTest::addRow("RoPE 512 tok x 40 heads x 128 %s", name) << int(RL_KERNEL_ROPE) << p << qint64(512) << qint64(40) << qint64(128) << false << cold;
        QTest::addRow("residual 16M+3 %s", name) << int(RL_KERNEL_RESIDUAL) << p << qint64(0) << qint64((1 << 24) + 3) << qint64(0) << false << cold;
        QTest::addRow("SiLU-mul 1024x14336 %s", name) << int(RL_KERNEL_ACTIVATION) << p << qint64(1024) << qint64(14336) << qint64(0) << true << cold;
        QTest::addRow("GELU 1024x10240 %s", name) << int(RL_KERNEL_ACTIVATION) << p << qint64(1024) << qint64(10240) << qint64(0) << false << warm;
        QTest::addRow("top-8 of 128, 4096 tok %s", name) << int(RL_KERNEL_TOPK) << p << qint64(4096) << qint64(128) << qint64(8) << false << cold;
        QTest::addRow("embedding 512 x 4096 of 128256 %s", name) << int(RL_KERNEL_EMBEDDING) << p << qint64(512) << qint64(128256) << qint64(4096) << false << cold;
    }
    // Widths that are not whole 16-byte vectors take the scalar paths.
    QTest::newRow("RMSNorm 33x4099 BF16") << int(RL_KERNEL_RMSNORM) << RL_PRECISION_BF16 << qint64(33) << qint64(4099) << qint64(0) << false << warm;
    QTest::newRow("RoPE 7 tok x 3 heads x 10 FP16") << int(RL_KERNEL_ROPE) << RL_PRECISION_FP16 << qint64(7) << qint64(3) << qint64(10) << false << warm;
    QTest::newRow("top-2 of 60, 1 tok BF16") << int(RL_KERNEL_TOPK) << RL_PRECISION_BF16 << qint64(1) << qint64(60) << qint64(2) << false << warm;
    QTest::newRow("top-4 of 1024 (the most), 77 tok FP32") << int(RL_KERNEL_TOPK) << RL_PRECISION_FP32 << qint64(77) << qint64(1024) << qint64(4) << false << warm;
    QTest::newRow("embedding 3 x 2881 of 201088 BF16") << int(RL_KERNEL_EMBEDDING) << RL_PRECISION_BF16 << qint64(3) << qint64(201088) << qint64(2881) << false << warm;
    QTest::newRow("SiLU-mul 5x1001 FP16") << int(RL_KERNEL_ACTIVATION) << RL_PRECISION_FP16 << qint64(5) << qint64(1001) << qint64(0) << true << warm;
}

void TestCudaPlugin::testLayerKernels()
{
    REQUIRE_DEVICE();
    QFETCH(int, kernel);
    QFETCH(rl_precision, precision);
    QFETCH(qint64, m);
    QFETCH(qint64, n);
    QFETCH(qint64, k);
    QFETCH(bool, gated);
    QFETCH(int, cache);
    const rl_case c = roofline::abi::make_case(kernel, precision, {.m = m, .n = n, .k = k, .gated = gated},
                                               static_cast<rl_cache_mode>(cache), kTestSampling);
    char why[512] = {};
    QVERIFY2(api_->supports(device_, &c, why, sizeof(why)) == RL_STATUS_OK, why);
    const rl_result r = run(c);
    QVERIFY2(r.status == RL_STATUS_OK, r.message);
    QVERIFY2(r.verified == 1, r.message);
    QVERIFY2(r.max_rel_error <= r.tolerance, r.message);
    QVERIFY(r.samples >= 10);
    QVERIFY(r.min_time_us > 0.0 && r.min_time_us <= r.median_time_us && r.median_time_us <= r.max_time_us);
    QVERIFY(r.bytes_moved > 0.0);
    QCOMPARE(r.gemm_library, int(RL_GEMM_LIBRARY_UNKNOWN));
    QVERIFY2(std::strstr(r.message, "host reference") != nullptr, r.message);
    qInfo("%9.2f us %8.1f GB/s err %.2e (tol %.0e) | %s", r.median_time_us, gb_per_s(r), r.max_rel_error,
          r.tolerance, r.algorithm);
}

void TestCudaPlugin::testLayerKernelRefusals()
{
    REQUIRE_DEVICE();
    char why[512] = {};
    // FP8 activations: not a precision these kernels run.
    const rl_case fp8 = roofline::abi::make_case(RL_KERNEL_RMSNORM, RL_PRECISION_FP8_E4M3, {.m = 8, .n = 4096},
                                                 RL_CACHE_WARM, kTestSampling);
    QCOMPARE(api_->supports(device_, &fp8, why, sizeof(why)), RL_STATUS_UNSUPPORTED);
    QVERIFY2(std::strstr(why, "BF16, FP16 or FP32") != nullptr, why);
    QCOMPARE(run(fp8).status, RL_STATUS_UNSUPPORTED);
    // More experts than one warp holds.
    const rl_case wide = roofline::abi::make_case(RL_KERNEL_TOPK, RL_PRECISION_BF16, {.m = 8, .n = 2048, .k = 8},
                                                  RL_CACHE_WARM, kTestSampling);
    QCOMPARE(api_->supports(device_, &wide, why, sizeof(why)), RL_STATUS_UNSUPPORTED);
    QVERIFY2(std::strstr(why, "1024") != nullptr, why);
    // Shapes that mean nothing.
    for (const rl_case& bad :
         {roofline::abi::make_case(RL_KERNEL_TOPK, RL_PRECISION_BF16, {.m = 8, .n = 4, .k = 8}, RL_CACHE_WARM),
          roofline::abi::make_case(RL_KERNEL_ROPE, RL_PRECISION_BF16, {.m = 8, .n = 4, .k = 127}, RL_CACHE_WARM),
          roofline::abi::make_case(RL_KERNEL_RMSNORM, RL_PRECISION_BF16, {.m = 0, .n = 4096}, RL_CACHE_WARM),
          roofline::abi::make_case(RL_KERNEL_EMBEDDING, RL_PRECISION_BF16, {.m = 8, .n = 100, .k = -1}, RL_CACHE_WARM)}) {
        const rl_result r = run(bad);
        QCOMPARE(r.status, RL_STATUS_INVALID_ARGUMENT);
        QVERIFY(std::strlen(r.message) > 0);
    }
}

void TestCudaPlugin::testLaunchChains()
{
    REQUIRE_DEVICE();
    for (const int64_t length : {int64_t(0), int64_t(16)}) { // 0: the default chain of 64
        rl_case eager = make_ceiling(RL_KERNEL_LAUNCH_CHAIN_EAGER, 0, RL_CACHE_WARM);
        rl_case graph = make_ceiling(RL_KERNEL_LAUNCH_CHAIN_GRAPH, 0, RL_CACHE_WARM);
        eager.m = graph.m = length;
        const rl_result e = run(eager);
        const rl_result g = run(graph);
        QVERIFY2(e.status == RL_STATUS_OK, e.message);
        QVERIFY2(g.status == RL_STATUS_OK, g.message);
        QVERIFY(e.samples >= 10 && g.samples >= 10);
        QVERIFY(e.median_time_us > 0.0 && e.median_time_us < 100.0);
        QVERIFY(g.median_time_us > 0.0);
        QVERIFY(e.min_time_us <= e.median_time_us && e.median_time_us <= e.max_time_us);
        QVERIFY2(g.median_time_us <= e.median_time_us,
                 qPrintable(QStringLiteral("graph %1 us > eager %2 us").arg(g.median_time_us).arg(e.median_time_us)));
        const QString chain = QStringLiteral("%1 empty kernels").arg(length == 0 ? 64 : length);
        QVERIFY2(text(e.algorithm).contains(chain), e.algorithm);
        QVERIFY2(text(g.algorithm).contains(chain) && text(g.algorithm).contains(QStringLiteral("graph")), g.algorithm);
        QCOMPARE(e.bytes_moved, 0.0);
        qInfo("chain of %lld: eager %.2f us a kernel (min %.2f), graph %.2f us (min %.2f)",
              static_cast<long long>(length == 0 ? 64 : length), e.median_time_us, e.min_time_us, g.median_time_us,
              g.min_time_us);
    }
    rl_case too_long = make_ceiling(RL_KERNEL_LAUNCH_CHAIN_GRAPH, 0, RL_CACHE_WARM);
    too_long.m = 1 << 30;
    QCOMPARE(run(too_long).status, RL_STATUS_INVALID_ARGUMENT);
}

void TestCudaPlugin::testCoreDevice()
{
    REQUIRE_DEVICE();
    // The same plugin as the app and the CLI see it: roofline::Device over the ABI.
    const std::unique_ptr<roofline::Device> device = roofline::Device::open(plugin_, 0);
    QCOMPARE(QString::fromStdString(device->info().backend), QStringLiteral("cuda"));
    QCOMPARE(device->info().multiprocessor_count, info_.multiprocessor_count);
    qInfo("%s", device->info().summary().c_str());
    rl_case c = make_case(RL_KERNEL_GEMM, RL_PRECISION_BF16, 512, 512, 512, RL_CACHE_WARM);
    QVERIFY(device->supports(c).ok());
    const rl_result r = device->run(c, [] { return false; });
    QVERIFY2(r.status == RL_STATUS_OK && r.verified, r.message);
}

void TestCudaPlugin::testAttention_data()
{
    QTest::addColumn<int>("precision");
    QTest::addColumn<AttentionDims>("dims"); // batch, heads, kv_heads, query_len, kv_len, head_dim, causal
    QTest::addColumn<int>("cache");
    const auto row = [](const char* name, rl_precision p, AttentionDims d, rl_cache_mode cache) {
        QTest::newRow(name) << int(p) << d << int(cache);
    };
    // Decode: one query per sequence over a KV cache (Llama 3 8B heads: 32 query, 8 KV, d 128).
    row("decode GQA b8 kv4096 d128 BF16 cold", RL_PRECISION_BF16, {8, 32, 8, 1, 4096, 128, true}, RL_CACHE_COLD);
    row("decode MHA b4 kv2048 d64 FP16 warm", RL_PRECISION_FP16, {4, 16, 16, 1, 2048, 64, false}, RL_CACHE_WARM);
    // Causal prefill, grouped-query heads.
    row("prefill causal GQA b1 q1024 d128 BF16 cold", RL_PRECISION_BF16, {1, 32, 8, 1024, 1024, 128, true},
        RL_CACHE_COLD);
    row("prefill causal b2 q512 d64 FP16 cold", RL_PRECISION_FP16, {2, 16, 4, 512, 512, 64, true}, RL_CACHE_COLD);
    // A chunk of prefill after cached keys: the mask's diagonal ends at the last key.
    row("chunked causal q256 kv1280 d128 BF16 warm", RL_PRECISION_BF16, {1, 8, 2, 256, 1280, 128, true},
        RL_CACHE_WARM);
    row("prefill non-causal q384 d128 BF16", RL_PRECISION_BF16, {2, 8, 8, 384, 384, 128, false}, RL_CACHE_COLD);
    // Head dim 256 (Gemma): where the cuDNN version takes it.
    row("decode d256 BF16", RL_PRECISION_BF16, {2, 8, 4, 1, 1024, 256, false}, RL_CACHE_COLD);
}

void TestCudaPlugin::testAttention()
{
    REQUIRE_DEVICE();
    QFETCH(int, precision);
    QFETCH(AttentionDims, dims);
    QFETCH(int, cache);
    const rl_case c = make_attention(static_cast<rl_precision>(precision), dims, static_cast<rl_cache_mode>(cache));
    const rl_result r = run(c);
    if (r.status == RL_STATUS_UNSUPPORTED && std::strstr(r.message, "cuDNN not found"))
        QSKIP(r.message);
    if (r.status == RL_STATUS_UNSUPPORTED && dims.head_dim > 128 && std::strstr(r.message, "unsupported by cuDNN")) {
        QCOMPARE(r.samples, 0);
        QSKIP(r.message);
    }
    const QString problem = timed_problem(r);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QVERIFY(r.tolerance > 0.0);
    QVERIFY2(r.cudnn_version >= 90000 && r.cudnn_version < 100000, qPrintable(QString::number(r.cudnn_version)));
    QVERIFY(r.engine_id >= 0);
    QVERIFY2(std::strstr(r.algorithm, "cuDNN 9.") && std::strstr(r.algorithm, "; engine "), r.algorithm);
    QVERIFY2(std::strstr(r.message, "cuBLAS FP32 reference") != nullptr, r.message);
    qInfo("%9.2f us %7.1f TFLOPS err %.2e (tol %.0e) cuDNN %d engine %lld | %s", r.median_time_us, tflops(c, r),
          r.max_rel_error, r.tolerance, r.cudnn_version, static_cast<long long>(r.engine_id), r.algorithm);
}

void TestCudaPlugin::testAttentionInvalid_data()
{
    QTest::addColumn<AttentionDims>("dims");
    QTest::addColumn<QString>("field"); // the field the message must name
    const auto row = [](const char* name, AttentionDims d, const char* field) {
        QTest::newRow(name) << d << QString::fromUtf8(field);
    };
    row("heads not a multiple of kv_heads", {1, 32, 5, 1, 64, 128, false}, "kv_heads");
    row("kv_heads above heads", {1, 8, 16, 1, 64, 128, false}, "kv_heads");
    row("zero head_dim", {1, 8, 8, 1, 64, 0, false}, "head_dim");
    row("zero kv_len", {1, 8, 8, 1, 0, 64, false}, "kv_len");
    row("zero batch", {0, 8, 8, 1, 64, 64, false}, "batch");
    row("causal with more queries than keys", {1, 8, 8, 128, 64, 64, true}, "query_len");
    row("negative window", {1, 8, 8, 64, 64, 64, true, -1}, "window");
}

void TestCudaPlugin::testAttentionInvalid()
{
    REQUIRE_DEVICE();
    QFETCH(AttentionDims, dims);
    QFETCH(QString, field);
    const rl_case c = make_attention(RL_PRECISION_BF16, dims);
    char why[512] = {};
    QCOMPARE(api_->supports(device_, &c, why, sizeof(why)), RL_STATUS_INVALID_ARGUMENT);
    const rl_result r = run(c);
    QCOMPARE(r.status, RL_STATUS_INVALID_ARGUMENT);
    QVERIFY2(text(r.message).contains(field), r.message);
    QCOMPARE(r.samples, 0);
}

void TestCudaPlugin::testAttentionFromOlderHost()
{
    REQUIRE_DEVICE();
    // An ABI 2 host's rl_case ends before the attention fields: the kind alone is not enough to run.
    rl_case c = make_attention(RL_PRECISION_BF16, {1, 8, 8, 1, 256, 128, false});
    c.struct_size = static_cast<uint32_t>(roofline::abi::kCaseSizeV1);
    const rl_result r = run(c);
    QCOMPARE(r.status, RL_STATUS_INVALID_ARGUMENT);
    QVERIFY2(std::strstr(r.message, "ABI 3") != nullptr, r.message);
}

void TestCudaPlugin::testAttentionWindow()
{
    REQUIRE_DEVICE();
    // Mistral-style sliding window: causal prefill where each query sees its last 256 keys only; and decode over
    // more keys than the window (gpt-oss, Gemma), which the host sends without the causal flag.
    for (const AttentionDims& dims : {AttentionDims{1, 8, 2, 1024, 1024, 128, true, 256},
                                      AttentionDims{4, 8, 2, 1, 4096, 64, false, 512}}) {
        const rl_case c = make_attention(RL_PRECISION_BF16, dims);
        const rl_result r = run(c);
        if (r.status == RL_STATUS_UNSUPPORTED
            && (std::strstr(r.message, "cuDNN not found") || std::strstr(r.message, "unsupported by cuDNN"))) {
            qInfo("skipped: %s", r.message);
            continue;
        }
        const QString problem = timed_problem(r);
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
        QVERIFY2(std::strstr(r.algorithm, "window ") != nullptr, r.algorithm);
        qInfo("%9.2f us | %s", r.median_time_us, r.algorithm);
    }
}

void TestCudaPlugin::testFfn_data()
{
    QTest::addColumn<int>("precision");
    QTest::addColumn<qint64>("tokens");
    QTest::addColumn<qint64>("hidden");
    QTest::addColumn<qint64>("intermediate");
    QTest::addColumn<bool>("gated");
    QTest::addColumn<int>("cache");
    QTest::newRow("gated decode 8 tokens 4096x14336 BF16 cold")
        << int(RL_PRECISION_BF16) << qint64(8) << qint64(4096) << qint64(14336) << true << int(RL_CACHE_COLD);
    QTest::newRow("gated prefill 512 tokens 2048x8192 FP16 cold")
        << int(RL_PRECISION_FP16) << qint64(512) << qint64(2048) << qint64(8192) << true << int(RL_CACHE_COLD);
    QTest::newRow("plain 256 tokens 1024x4096 BF16 warm")
        << int(RL_PRECISION_BF16) << qint64(256) << qint64(1024) << qint64(4096) << false << int(RL_CACHE_WARM);
    QTest::newRow("gated odd width 33 tokens 512x1000 FP32")
        << int(RL_PRECISION_FP32) << qint64(33) << qint64(512) << qint64(1000) << true << int(RL_CACHE_COLD);
}

void TestCudaPlugin::testFfn()
{
    REQUIRE_DEVICE();
    QFETCH(int, precision);
    QFETCH(qint64, tokens);
    QFETCH(qint64, hidden);
    QFETCH(qint64, intermediate);
    QFETCH(bool, gated);
    QFETCH(int, cache);
    const rl_case c = make_ffn(static_cast<rl_precision>(precision), tokens, hidden, intermediate, gated,
                               static_cast<rl_cache_mode>(cache));
    const rl_result r = run(c);
    const QString problem = timed_problem(r);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    for (const char* part : gated ? std::vector<const char*>{"gate_up ", "silu_mul ", "down "}
                                  : std::vector<const char*>{"up ", "gelu ", "down "})
        QVERIFY2(std::strstr(r.message, part) != nullptr, r.message);
    QVERIFY2(std::strstr(r.message, "parts alone") != nullptr, r.message);
    QCOMPARE(r.cudnn_version, 0);
    qInfo("%9.2f us %7.1f TFLOPS err %.2e (tol %.0e) | %s | %s", r.median_time_us, tflops(c, r), r.max_rel_error,
          r.tolerance, r.algorithm, r.message);
}

QTEST_GUILESS_MAIN(TestCudaPlugin)
#include "tst_cuda_plugin.moc"
