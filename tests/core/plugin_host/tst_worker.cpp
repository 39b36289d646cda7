// Plugins out of process: a plugin that crashes, aborts, hangs or scribbles on the worker's socket costs one case,
// the run goes on in a new worker, cancel still stops within a sample, and the worker refuses garbage requests
// without crashing. The fakes (fakes/fake_plugin.c) fail only on a case with m == 13.
#include "roofline/benchmarking/bench_runner.h"
#include "roofline/abi/plugin_abi_rules.h"
#include "roofline/plugin_host/plugin_loader.h"
#include "roofline/plugin_host/worker_client.h"
#include "roofline/plugin_host/worker_protocol.h"

#include <QtTest>

#include <chrono>
#include <csignal>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

extern char** environ;

using namespace roofline;
using Clock = std::chrono::steady_clock;

namespace {

std::filesystem::path fake(const char* kind)
{
    return std::filesystem::path(ROOFLINE_FAKE_PLUGIN_DIR) / ("libroofline_fake_" + std::string(kind) + ".so");
}

WorkerOptions quickOptions()
{
    WorkerOptions o;
    o.worker = ROOFLINE_WORKER_PATH;
    o.deadline_floor_s = 1.0;
    o.deadline_budget_multiple = 4.0;
    o.stop_grace_s = 0.5;
    o.forward_output = false;
    return o;
}

// A GEMM case: the fakes sleep k µs per sample and fail when m == 13.
BenchCase gemm(int64_t m, int64_t k = 100)
{
    return BenchCase{GemmShape{m, 8, k}, Precision::FP32};
}

BenchPlan plan(std::vector<BenchCase> cases)
{
    BenchPlan p;
    p.name = "worker test";
    p.cases = std::move(cases);
    p.time_budget_per_case_s = 0.05;
    p.min_samples = 5;
    p.max_samples = 5;
    return p;
}

double secondsSince(Clock::time_point start)
{
    return std::chrono::duration<double>(Clock::now() - start).count();
}

// A worker started by hand on a socket pair, as WorkerClient starts it.
struct RawWorker {
    pid_t pid = 0;
    int fd = -1;
    worker::FrameDecoder decoder;

    RawWorker()
    {
        int pair[2];
        if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0)
            qFatal("socketpair");
        const int child = ::fcntl(pair[1], F_DUPFD_CLOEXEC, 10);
        ::close(pair[1]);
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_adddup2(&actions, child, worker::kChannelFd);
        const std::string program = ROOFLINE_WORKER_PATH;
        char* argv[] = {const_cast<char*>(program.c_str()), const_cast<char*>("--serve"), nullptr};
        if (::posix_spawn(&pid, program.c_str(), &actions, nullptr, argv, environ) != 0)
            qFatal("posix_spawn");
        posix_spawn_file_actions_destroy(&actions);
        ::close(child);
        fd = pair[0];
    }
    ~RawWorker()
    {
        if (fd >= 0)
            ::close(fd);
        if (pid > 0) {
            ::kill(pid, SIGKILL);
            ::waitpid(pid, nullptr, 0);
        }
    }

    // The next frame, or nothing once the worker closes the socket or 5 s pass.
    std::optional<worker::Frame> next()
    {
        const auto until = Clock::now() + std::chrono::seconds(5);
        while (Clock::now() < until) {
            if (auto f = decoder.next())
                return f;
            pollfd p{fd, POLLIN, 0};
            if (::poll(&p, 1, 100) <= 0)
                continue;
            unsigned char buffer[4096];
            const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
            if (n <= 0)
                return std::nullopt;
            decoder.feed(buffer, static_cast<std::size_t>(n));
        }
        return std::nullopt;
    }

    void send(const std::vector<unsigned char>& bytes) { worker::send_all(fd, bytes); }

    // The exit status, once it has exited (within 5 s).
    int wait()
    {
        int status = 0;
        for (int i = 0; i < 500; ++i) {
            if (::waitpid(pid, &status, WNOHANG) == pid) {
                pid = 0;
                return status;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        return -1;
    }
};

} // namespace

class TestWorker : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        // In a build with AddressSanitizer, its SEGV handler would turn the fake plugin's segfault (the fault
        // these tests are about) into a report and exit 1; the workers must die by the signal, as they do in
        // every other build. A real crash anywhere else still fails the test.
        QByteArray asan = qgetenv("ASAN_OPTIONS");
        qputenv("ASAN_OPTIONS", asan + (asan.isEmpty() ? "" : ":") + "handle_segv=0");
    }

    void testOpensTheDeviceInAnotherProcess()
    {
        auto device = Device::open_in_worker(fake("runs"), 0, quickOptions());
        QVERIFY(device->worker());
        QVERIFY(device->worker()->pid() > 0);
        QVERIFY(device->worker()->pid() != ::getpid());
        QCOMPARE(QString::fromStdString(device->info().name), QStringLiteral("Fake Device"));
        QCOMPARE(QString::fromStdString(device->info().backend), QStringLiteral("fake"));
        QCOMPARE(QString::fromStdString(device->info().plugin_name), QStringLiteral("fake"));
        QCOMPARE(QString::fromStdString(device->info().plugin_version), QStringLiteral("0.0-test"));
        QCOMPARE(device->info().memory_bytes, uint64_t(1) << 20);
        QCOMPARE(device->plugin_path(), std::filesystem::absolute(fake("runs")));
        QVERIFY_THROWS_EXCEPTION(std::logic_error, device->plugin());

        // Supports and run answer through the socket; the plugin's printf to stdout does not disturb it.
        const rl_case c = to_rl_case(gemm(8, 250), plan({}));
        QVERIFY(device->supports(c).ok());
        const rl_result r = device->run(c, [] { return false; });
        QCOMPARE(int(r.status), int(RL_STATUS_OK));
        QCOMPARE(r.samples, 5); // plan()'s min_samples
        QCOMPARE(r.median_time_us, 250.0);
        QCOMPARE(QString::fromUtf8(r.algorithm), QStringLiteral("fake sleep"));
        QCOMPARE(QString::fromUtf8(r.message), QStringLiteral("fake note"));
        QCOMPARE(device->worker()->restarts(), 0);
    }

    // Opening fails in the worker just as it does in this process: same kind, same message.
    void testOpenFailuresAsInProcess_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<int>("errorKind");
        QTest::newRow("no device") << "no_device" << int(PluginError::Kind::NoDevice);
        QTest::newRow("wrong ABI") << "abi_999" << int(PluginError::Kind::WrongVersion);
        QTest::newRow("no entry point") << "no_entry" << int(PluginError::Kind::MissingSymbol);
        QTest::newRow("missing file") << "not_there" << int(PluginError::Kind::NotFound);
    }
    void testOpenFailuresAsInProcess()
    {
        QFETCH(QString, kind);
        QFETCH(int, errorKind);
        const auto file = fake(kind.toUtf8().constData());
        std::string inProcess;
        try {
            Device::open(Plugin::load(file), 0);
        } catch (const PluginError& e) {
            inProcess = e.what();
        }
        try {
            Device::open_in_worker(file, 0, quickOptions());
            QFAIL("expected PluginError");
        } catch (const PluginError& e) {
            QCOMPARE(int(e.kind()), errorKind);
            QCOMPARE(QString::fromStdString(e.what()), QString::fromStdString(inProcess));
        }
    }

    // A crash in a case marks that case failed with the signal and the last message; a new worker runs the next.
    void testFaultCostsOneCase_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("reason");
        QTest::addColumn<QString>("lastMessage");
        QTest::newRow("segfault") << "segfault" << "died of signal 11 (Segmentation fault)"
                                  << "last message: fake plugin: about to write through a null pointer";
        QTest::newRow("abort") << "abort" << "died of signal 6 (Aborted)" << "last message: fake plugin: an assertion failed, aborting";
        QTest::newRow("garbage") << "garbage" << "the worker sent bytes that are not the protocol" << "the worker was killed";
    }
    void testFaultCostsOneCase()
    {
        QFETCH(QString, kind);
        QFETCH(QString, reason);
        QFETCH(QString, lastMessage);
        QTemporaryDir dir;
        const std::filesystem::path file = dir.filePath(QStringLiteral("run.json")).toStdString();
        auto device = Device::open_in_worker(fake(kind.toUtf8().constData()), 0, quickOptions());
        const pid_t first = device->worker()->pid();
        BenchRunner runner(*device, plan({gemm(8), gemm(13), gemm(9)}), "fake", file);
        const std::atomic<bool> stop{false};
        const MeasurementSet set = runner.run(stop);

        QCOMPARE(set.rows.size(), std::size_t(3));
        QCOMPARE(set.rows[0].status, RowStatus::Ok);
        QCOMPARE(set.rows[1].status, RowStatus::Failed);
        QVERIFY2(QString::fromStdString(set.rows[1].reason).contains(reason), set.rows[1].reason.c_str());
        QVERIFY2(QString::fromStdString(set.rows[1].reason).contains(lastMessage), set.rows[1].reason.c_str());
        QCOMPARE(set.rows[2].status, RowStatus::Ok);
        QCOMPARE(set.rows[2].measured_time_us, 100.0);
        QCOMPARE(device->worker()->restarts(), 1);
        QVERIFY(device->worker()->pid() != first);
        // Every finished case is on disk, the failed one with its reason.
        const MeasurementSet onDisk = load_measurements(file);
        QCOMPARE(onDisk.rows.size(), std::size_t(3));
        QCOMPARE(onDisk.rows[1].reason, set.rows[1].reason);
        QVERIFY(onDisk.meta["complete"].get<bool>());
    }

    // A case past its deadline (a multiple of its budget, with a floor) is killed and recorded as timed out.
    void testHangTimesOut()
    {
        auto device = Device::open_in_worker(fake("hang"), 0, quickOptions());
        BenchRunner runner(*device, plan({gemm(13), gemm(8)}), "fake");
        const std::atomic<bool> stop{false};
        const auto start = Clock::now();
        const MeasurementSet set = runner.run(stop);
        const double seconds = secondsSince(start);

        QCOMPARE(set.rows.size(), std::size_t(2));
        QCOMPARE(set.rows[0].status, RowStatus::Failed);
        const QString reason = QString::fromStdString(set.rows[0].reason);
        QVERIFY2(reason.startsWith(QStringLiteral("timed out: no answer from the plugin after 1.00 s")), qPrintable(reason));
        QVERIFY2(reason.contains(QStringLiteral("4.00 × the case's time budget of 0.05 s, at least 1.00 s")), qPrintable(reason));
        QVERIFY2(reason.contains(QStringLiteral("the worker was killed; last message: fake plugin: hanging")), qPrintable(reason));
        QCOMPARE(set.rows[1].status, RowStatus::Ok);
        QVERIFY2(seconds < 4.0, qPrintable(QString::number(seconds)));
    }

    // Cancel is forwarded over the socket and stops the case after its current sample.
    void testCancelStopsWithinOneSample()
    {
        auto device = Device::open_in_worker(fake("runs"), 0, quickOptions());
        rl_case c = to_rl_case(gemm(8, 20000), plan({})); // 20 ms samples
        c.min_samples = c.max_samples = 100000;
        c.time_budget_s = 100;
        std::atomic<bool> stop{false};
        std::thread stopper([&stop] {
            std::this_thread::sleep_for(std::chrono::milliseconds(300));
            stop = true;
        });
        const auto start = Clock::now();
        const rl_result r = device->run(c, [&stop] { return stop.load(); });
        const double seconds = secondsSince(start);
        stopper.join();
        QCOMPARE(int(r.status), int(RL_STATUS_CANCELLED));
        QVERIFY(r.samples >= 5 && r.samples < 100);
        // 0.3 s, then at most one 20 ms sample and the 10 ms poll of the stop flag (and a loaded machine's slack).
        QVERIFY2(seconds < 0.3 + 0.5, qPrintable(QString::number(seconds)));
        QCOMPARE(device->worker()->restarts(), 0);
        // The same worker runs the next case.
        c.min_samples = c.max_samples = 3;
        QCOMPARE(int(device->run(c, [] { return false; }).status), int(RL_STATUS_OK));
        QCOMPARE(device->worker()->restarts(), 0);
    }

    // A Stop that reaches the worker in the same read as its Run (a cancel just as a case starts) still stops the
    // case after its first sample, not once the case has spent its budget.
    void testStopReadWithItsRunStopsTheCase()
    {
        RawWorker w;
        QVERIFY(w.next()); // Hello
        w.send(worker::encode_frame(worker::MessageType::Open, worker::PayloadWriter().text(fake("runs").string()).i32(0).bytes()));
        const auto opened = w.next();
        QVERIFY(opened && opened->type == worker::MessageType::Opened);
        QCOMPARE(worker::PayloadReader(opened->payload).i32(), -1);

        rl_case c = to_rl_case(gemm(8, 20000), plan({})); // 20 ms samples
        c.min_samples = c.max_samples = 100000;
        c.time_budget_s = 100;
        std::vector<unsigned char> both = worker::encode_frame(worker::MessageType::Run, worker::PayloadWriter().wire_struct(c).bytes());
        const std::vector<unsigned char> stop = worker::encode_frame(worker::MessageType::Stop);
        both.insert(both.end(), stop.begin(), stop.end());
        const auto start = Clock::now();
        w.send(both); // one write: the worker's one read takes both frames
        const auto result = w.next();
        QVERIFY2(result, "no result within 5 s: the stop was not seen");
        QCOMPARE(int(result->type), int(worker::MessageType::Result));
        worker::PayloadReader in(result->payload);
        const rl_result r = in.wire_struct<rl_result>();
        QCOMPARE(int(r.status), int(RL_STATUS_CANCELLED));
        QVERIFY2(r.samples <= 2, qPrintable(QString::number(r.samples)));
        QVERIFY2(secondsSince(start) < 1.0, qPrintable(QString::number(secondsSince(start))));
    }

    // A plugin that never polls stop is killed once the grace after a stop is spent; the case is cancelled.
    void testStopIgnoredKillsTheWorker()
    {
        WorkerOptions options = quickOptions();
        options.deadline_floor_s = 30;
        auto device = Device::open_in_worker(fake("hang"), 0, options);
        const rl_case c = to_rl_case(gemm(13), plan({}));
        std::atomic<bool> stop{false};
        std::thread stopper([&stop] {
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
            stop = true;
        });
        const auto start = Clock::now();
        const rl_result r = device->run(c, [&stop] { return stop.load(); });
        stopper.join();
        QCOMPARE(int(r.status), int(RL_STATUS_CANCELLED));
        QVERIFY2(QString::fromUtf8(r.message).startsWith(QStringLiteral("cancelled: the plugin did not stop within 0.50 s")), r.message);
        QVERIFY(secondsSince(start) < 3.0);
    }

    // From the worker's side: a request that is not the protocol is refused, said so, and ends the worker
    // cleanly (exit status 3, no signal), whatever the bytes.
    void testWorkerRefusesGarbage_data()
    {
        using namespace worker;
        QTest::addColumn<QByteArray>("bytes");
        auto raw = [](const std::vector<unsigned char>& v) { return QByteArray(reinterpret_cast<const char*>(v.data()), qsizetype(v.size())); };
        QTest::newRow("no frame marker") << QByteArray("GET / HTTP/1.1\r\n\r\n");
        std::vector<unsigned char> huge = encode_frame(MessageType::Quit);
        huge[8] = huge[9] = huge[10] = huge[11] = 0xff; // a payload of 4 GiB
        QTest::newRow("huge size") << raw(huge);
        std::vector<unsigned char> bad_sum = encode_frame(MessageType::Open, PayloadWriter().text("x").i32(0).bytes());
        bad_sum.back() ^= 0x5a;
        QTest::newRow("bad checksum") << raw(bad_sum);
        std::vector<unsigned char> unknown = encode_frame(MessageType::Quit);
        unknown[6] = 0x77;
        QTest::newRow("unknown type") << raw(unknown);
        QTest::newRow("truncated string") << raw(encode_frame(MessageType::Open, PayloadWriter().u32(1000).bytes()));
        QTest::newRow("case before open") << raw(encode_frame(MessageType::Supports, PayloadWriter().wire_struct(abi::make_case(1, 1, {8, 8, 8}, RL_CACHE_WARM)).bytes()));
        QTest::newRow("wrong struct") << raw(encode_frame(MessageType::Run, PayloadWriter().wire_struct(rl_result{}).bytes()));
        QTest::newRow("a worker's message") << raw(encode_frame(MessageType::Result, PayloadWriter().wire_struct(abi::empty_result()).bytes()));
    }
    void testWorkerRefusesGarbage()
    {
        QFETCH(QByteArray, bytes);
        RawWorker w;
        const auto hello = w.next();
        QVERIFY(hello && hello->type == worker::MessageType::Hello);
        w.send(std::vector<unsigned char>(bytes.begin(), bytes.end()));
        const auto refused = w.next();
        QVERIFY(refused);
        QCOMPARE(int(refused->type), int(worker::MessageType::Refused));
        QVERIFY(!worker::PayloadReader(refused->payload).text().empty());
        const int status = w.wait();
        QVERIFY2(WIFEXITED(status) && WEXITSTATUS(status) == 3, qPrintable(QString::number(status)));
    }

    // The host going away (its end closed) ends an idle worker.
    void testWorkerEndsWithTheHost()
    {
        RawWorker w;
        QVERIFY(w.next());
        ::close(w.fd);
        w.fd = -1;
        const int status = w.wait();
        QVERIFY(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }

    // Structs travel as their bytes with struct_size: an older sender's shorter struct leaves this build's
    // defaults in the fields it does not know; a newer sender's longer one is cut to what this build knows.
    void testStructsCrossVersions()
    {
        using namespace worker;
        rl_case c = abi::make_case(RL_KERNEL_GEMM, RL_PRECISION_FP16, {64, 32, 16}, RL_CACHE_WARM);
        c.batch = 7; // an ABI 3 field, past an ABI 1 struct's end
        c.struct_size = abi::kCaseSizeV1;
        std::vector<unsigned char> payload = PayloadWriter().u32(WireStruct<rl_case>::id).u32(uint32_t(abi::kCaseSizeV1)).bytes();
        const auto* bytes = reinterpret_cast<const unsigned char*>(&c);
        payload.insert(payload.end(), bytes, bytes + abi::kCaseSizeV1);
        rl_case read = PayloadReader(payload).wire_struct<rl_case>();
        QCOMPARE(read.struct_size, uint32_t(sizeof(rl_case)));
        QCOMPARE(read.m, int64_t(64));
        QCOMPARE(read.k, int64_t(16));
        QCOMPARE(read.batch, int64_t(0)); // the default, not what was past the sender's end

        std::vector<unsigned char> longer = PayloadWriter().u32(WireStruct<rl_result>::id).u32(uint32_t(sizeof(rl_result) + 8)).bytes();
        rl_result r = abi::empty_result();
        r.samples = 42;
        const auto* rb = reinterpret_cast<const unsigned char*>(&r);
        longer.insert(longer.end(), rb, rb + sizeof r);
        longer.insert(longer.end(), 8, 0xAB); // a field this build does not know yet
        PayloadReader in(longer);
        QCOMPARE(in.wire_struct<rl_result>().samples, 42);
        in.expect_end();
    }

    void testWorkerFoundBesideTheExecutable()
    {
        qunsetenv("ROOFLINE_LAB_WORKER");
        QCOMPARE(find_worker(), std::filesystem::path(ROOFLINE_WORKER_PATH));
        qputenv("ROOFLINE_LAB_WORKER", "/nonexistent/roofline-worker");
        QVERIFY_THROWS_EXCEPTION(PluginError, find_worker());
        qunsetenv("ROOFLINE_LAB_WORKER");
    }
};

QTEST_APPLESS_MAIN(TestWorker)
#include "tst_worker.moc"
