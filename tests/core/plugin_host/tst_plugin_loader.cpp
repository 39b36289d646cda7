// The plugin loader against real shared objects: the CPU plugin and the fakes in fakes/, each broken in one way.
#include "roofline/benchmarking/bench_runner.h"
#include "roofline/abi/plugin_abi_rules.h"
#include "roofline/plugin_host/plugin_loader.h"
#include "roofline/support/version.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace fs = std::filesystem;
using roofline::PluginError;

namespace {

QString fakePlugin(const char* kind)
{
    return QStringLiteral(ROOFLINE_FAKE_PLUGIN_DIR "/libroofline_fake_%1.so").arg(QLatin1String(kind));
}

QString mappedFiles()
{
    std::ifstream in("/proc/self/maps");
    std::ostringstream text;
    text << in.rdbuf();
    return QString::fromStdString(text.str());
}

QString kindName(PluginError::Kind kind)
{
    switch (kind) {
    case PluginError::Kind::NotFound: return QStringLiteral("NotFound");
    case PluginError::Kind::NotAPlugin: return QStringLiteral("NotAPlugin");
    case PluginError::Kind::MissingSymbol: return QStringLiteral("MissingSymbol");
    case PluginError::Kind::WrongVersion: return QStringLiteral("WrongVersion");
    case PluginError::Kind::NoDevice: return QStringLiteral("NoDevice");
    case PluginError::Kind::Failed: return QStringLiteral("Failed");
    }
    return QStringLiteral("?");
}

bool writeFile(const QString& path, const QByteArray& content)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(content) == content.size();
}

// What Plugin::load did with one file, observed from a forked child so that a crash in the loader fails
// one row instead of killing the whole test.
struct LoadOutcome {
    int signal = 0;        // the child died of this signal
    bool threw = false;    // PluginError thrown
    int kind = -1;
    bool stillMapped = false;
    QString message;
};

LoadOutcome loadInChild(const QString& file)
{
    LoadOutcome outcome;
    int fds[2];
    if (::pipe(fds) != 0)
        qFatal("pipe failed");
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::close(fds[0]);
        // Die quietly: QtTest's crash handler would print a stack trace from the child.
        for (int sig : {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT})
            std::signal(sig, SIG_DFL);
        std::string report;
        try {
            roofline::Plugin::load(file.toStdString());
            report = "loaded\n-1\n";
        } catch (const PluginError& e) {
            report = "threw\n" + std::to_string(int(e.kind())) + "\n" + e.what();
        } catch (const std::exception& e) {
            report = "other\n-1\n" + std::string(e.what());
        }
        report.insert(0, mappedFiles().contains(file) ? "mapped\n" : "unmapped\n");
        const ssize_t written = ::write(fds[1], report.data(), report.size());
        ::_exit(written == ssize_t(report.size()) ? 0 : 1);
    }
    ::close(fds[1]);
    QByteArray text;
    char buffer[4096];
    for (ssize_t n; (n = ::read(fds[0], buffer, sizeof buffer)) > 0;)
        text.append(buffer, n);
    ::close(fds[0]);
    int status = 0;
    ::waitpid(pid, &status, 0);
    if (WIFSIGNALED(status)) {
        outcome.signal = WTERMSIG(status);
        return outcome;
    }
    const QList<QByteArray> parts = text.split('\n');
    if (parts.size() < 3)
        return outcome;
    outcome.stillMapped = parts[0] == "mapped";
    outcome.threw = parts[1] == "threw";
    outcome.kind = parts[2].toInt();
    outcome.message = QString::fromUtf8(parts.mid(3).join('\n'));
    return outcome;
}

// Restores the working directory and ROOFLINE_LAB_PLUGIN_DIR however a test function leaves.
struct EnvironmentGuard {
    QString cwd = QDir::currentPath();
    QByteArray pluginDir = qgetenv("ROOFLINE_LAB_PLUGIN_DIR");
    bool hadPluginDir = qEnvironmentVariableIsSet("ROOFLINE_LAB_PLUGIN_DIR");
    ~EnvironmentGuard()
    {
        QDir::setCurrent(cwd);
        if (hadPluginDir)
            qputenv("ROOFLINE_LAB_PLUGIN_DIR", pluginDir);
        else
            qunsetenv("ROOFLINE_LAB_PLUGIN_DIR");
    }
};

} // namespace

class TestPluginLoader : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_textFile;      // a text file named like a plugin
    QString m_truncatedElf;  // ELF magic, then nothing a loader can use
    QString m_directory;     // a directory named like a plugin

private Q_SLOTS:
    void initTestCase()
    {
        // The developer's own setting must not steer the search the tests check.
        qunsetenv("ROOFLINE_LAB_PLUGIN_DIR");
        QVERIFY(m_dir.isValid());
        m_textFile = m_dir.filePath(QStringLiteral("libroofline_text.so"));
        QVERIFY(writeFile(m_textFile, "this is a text file, not a shared object\n"));
        m_truncatedElf = m_dir.filePath(QStringLiteral("libroofline_truncated.so"));
        QVERIFY(writeFile(m_truncatedElf, QByteArray("\x7f" "ELF\x02\x01\x01", 7) + QByteArray(32, '\0')));
        m_directory = m_dir.filePath(QStringLiteral("libroofline_folder.so"));
        QVERIFY(QDir().mkpath(m_directory));
        for (const char* kind : {"good", "no_entry", "abi_999", "null_table", "short_table", "null_function", "no_device", "abi_v1"})
            QVERIFY2(QFile::exists(fakePlugin(kind)), qPrintable(fakePlugin(kind)));
    }

    void testPluginFileName_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("file");
        QTest::newRow("cuda") << "cuda" << "libroofline_cuda.so";
        QTest::newRow("cpu") << "cpu" << "libroofline_cpu.so";
    }

    void testPluginFileName()
    {
        QFETCH(QString, name);
        QFETCH(QString, file);
        QCOMPARE(QString::fromStdString(roofline::plugin_file_name(name.toStdString())), file);
    }

    void testLoadFailure_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<int>("kind");
        // Every fragment must appear in the message; the file itself is always checked.
        QTest::addColumn<QStringList>("fragments");

        QTest::newRow("missing file") << m_dir.filePath(QStringLiteral("libroofline_absent.so"))
                                      << int(PluginError::Kind::NotFound) << QStringList{QStringLiteral("not found")};
        QTest::newRow("text file named .so") << m_textFile << int(PluginError::Kind::NotAPlugin)
                                             << QStringList{QStringLiteral("not a plugin"), QStringLiteral("not a shared object")};
        QTest::newRow("truncated ELF") << m_truncatedElf << int(PluginError::Kind::NotAPlugin)
                                       << QStringList{QStringLiteral("could not be loaded")};
        QTest::newRow("directory named .so") << m_directory << int(PluginError::Kind::NotAPlugin)
                                             << QStringList{QStringLiteral("not a plugin")};
        QTest::newRow("no entry symbol") << fakePlugin("no_entry") << int(PluginError::Kind::MissingSymbol)
                                         << QStringList{QStringLiteral("roofline_plugin_entry"), QStringLiteral("no")};
        QTest::newRow("abi version 999") << fakePlugin("abi_999") << int(PluginError::Kind::WrongVersion)
                                         << QStringList{QStringLiteral("999"),
                                                        QStringLiteral("to %1").arg(ROOFLINE_PLUGIN_ABI_VERSION)};
        QTest::newRow("entry returns NULL") << fakePlugin("null_table") << int(PluginError::Kind::WrongVersion)
                                            << QStringList{QStringLiteral("refused"),
                                                           QStringLiteral("to %1").arg(ROOFLINE_PLUGIN_ABI_VERSION)};
        QTest::newRow("table too short") << fakePlugin("short_table") << int(PluginError::Kind::WrongVersion)
                                         << QStringList{QStringLiteral("incomplete function table"),
                                                        QStringLiteral("expected %1").arg(sizeof(rl_plugin_api))};
        QTest::newRow("null function") << fakePlugin("null_function") << int(PluginError::Kind::WrongVersion)
                                       << QStringList{QStringLiteral("incomplete function table")};
    }

    void testLoadFailure()
    {
        QFETCH(QString, file);
        QFETCH(int, kind);
        QFETCH(QStringList, fragments);

        const LoadOutcome outcome = loadInChild(file);
        // Each load runs in a child: a crash (once: reading the table after dlclose) fails only its row.
        QVERIFY2(outcome.signal == 0, qPrintable(QStringLiteral("Plugin::load crashed with signal %1").arg(outcome.signal)));
        QVERIFY2(outcome.threw, "Plugin::load accepted a broken plugin");
        QCOMPARE(kindName(static_cast<PluginError::Kind>(outcome.kind)), kindName(static_cast<PluginError::Kind>(kind)));
        QVERIFY2(outcome.message.contains(file), qPrintable(outcome.message));
        for (const QString& fragment : fragments)
            QVERIFY2(outcome.message.contains(fragment), qPrintable(QStringLiteral("'%1' not in: %2").arg(fragment, outcome.message)));
        // A refused plugin is closed again, not left mapped.
        QVERIFY2(!outcome.stillMapped, qPrintable(file + QStringLiteral(" is still mapped")));
    }

    // The positive control: the same fake source, built correctly, loads and describes itself.
    void testGoodFakeLoads()
    {
        const QString file = fakePlugin("good");
        {
            auto plugin = roofline::Plugin::load(file.toStdString());
            QCOMPARE(QString::fromStdString(plugin->name()), QStringLiteral("fake"));
            QCOMPARE(QString::fromStdString(plugin->version()), QStringLiteral("0.0-test"));
            QCOMPARE(plugin->path(), fs::path(file.toStdString()));
            QCOMPARE(plugin->device_count(), 1);
            QVERIFY(mappedFiles().contains(file));

            auto device = roofline::Device::open(plugin, 0);
            QCOMPARE(QString::fromStdString(device->info().backend), QStringLiteral("fake"));
            QCOMPARE(QString::fromStdString(device->info().name), QStringLiteral("Fake Device"));
            QCOMPARE(QString::fromStdString(device->info().plugin_name), QStringLiteral("fake"));

            rl_case c{};
            c.struct_size = sizeof c;
            const auto support = device->supports(c);
            QCOMPARE(int(support.status), int(RL_STATUS_UNSUPPORTED));
            QCOMPARE(QString::fromStdString(support.reason), QStringLiteral("the fake plugin runs nothing"));
        }
        // The last owner gone, the shared object is closed.
        QVERIFY2(!mappedFiles().contains(file), "the plugin stays mapped after its last owner is gone");
    }

    // A plugin built before ABI 2 with this host: the host asks for 3, then 2, then 1; the plugin writes its result
    // only as far as ABI 1's rl_result reached, and the GEMM configuration fields keep the host's "unknown".
    void testAbiV1PluginWithNewHost()
    {
        auto plugin = roofline::Plugin::load(fakePlugin("abi_v1").toStdString());
        QCOMPARE(plugin->api().abi_version, 1u);
        auto device = roofline::Device::open(plugin, 0);
        const rl_case c = roofline::abi::make_case(RL_KERNEL_GEMM, RL_PRECISION_BF16, {.m = 100, .n = 200, .k = 300}, RL_CACHE_COLD);
        QCOMPARE(int(device->supports(c).status), int(RL_STATUS_OK));
        const rl_result r = device->run(c, [] { return false; });
        QCOMPARE(int(r.status), int(RL_STATUS_OK));
        QCOMPARE(r.samples, 10);
        QCOMPARE(r.median_time_us, 12.0); // 2·100·200·300 FLOP at 1 µs per MFLOP
        QCOMPARE(QString::fromLatin1(r.algorithm), QStringLiteral("fake gemm of ABI 1"));
        const rl_result unknown = roofline::abi::empty_result();
        QCOMPARE(r.struct_size, unknown.struct_size); // the host's own size, untouched by the plugin's shorter write
        QCOMPARE(r.gemm_library, unknown.gemm_library);
        QCOMPARE(r.algo_id, -1);
        QCOMPARE(r.tile_m, 0);
        QCOMPARE(r.tile_n, 0);
        QCOMPARE(r.tile_k, 0);
        QCOMPARE(r.stages, 0);
        QCOMPARE(r.split_k, 0);
        QCOMPARE(r.reduction_scheme, 0);
        QCOMPARE(r.cluster_m, 0);
        QCOMPARE(r.cluster_n, 0);
        QCOMPARE(r.candidates_timed, 0);
        QCOMPARE(r.cudnn_version, 0);
        QCOMPARE(r.engine_id, int64_t(-1));

        // Through the runner into a results row: measured, with the configuration unknown (and so not written).
        roofline::BenchPlan plan;
        plan.cases = {{roofline::GemmShape{100, 200, 300}, roofline::Precision::BF16}};
        std::atomic<bool> stop{false};
        const roofline::MeasurementSet set = roofline::BenchRunner(*device, plan, "").run(stop);
        QCOMPARE(set.rows.size(), std::size_t(1));
        QCOMPARE(int(set.rows[0].status), int(roofline::RowStatus::Ok));
        QCOMPARE(set.rows[0].measured_time_us, 12.0);
        QVERIFY(!set.rows[0].gemm_config.known());
        QVERIFY(!roofline::measurement_to_json(set.rows[0]).contains("gemm_config"));
    }

    void testDeviceIndexOutOfRange()
    {
        auto plugin = roofline::Plugin::load(fakePlugin("good").toStdString());
        for (int index : {1, -1}) {
            try {
                roofline::Device::open(plugin, index);
                QFAIL("opened a device index the plugin does not have");
            } catch (const PluginError& e) {
                QCOMPARE(kindName(e.kind()), QStringLiteral("NoDevice"));
                QVERIFY2(QString::fromUtf8(e.what()).contains(QStringLiteral("out of range")), e.what());
            }
        }
    }

    void testNoDevice()
    {
        auto plugin = roofline::Plugin::load(fakePlugin("no_device").toStdString());
        std::string why;
        QCOMPARE(plugin->device_count(&why), 0);
        QCOMPARE(QString::fromStdString(why), QStringLiteral("no fake device"));
        try {
            roofline::Device::open(plugin, 0);
            QFAIL("opened a device on a plugin that has none");
        } catch (const PluginError& e) {
            const QString message = QString::fromUtf8(e.what());
            QCOMPARE(kindName(e.kind()), QStringLiteral("NoDevice"));
            QVERIFY2(message.contains(QStringLiteral("no fake device")), qPrintable(message)); // the plugin's reason
            QVERIFY2(message.contains(QStringLiteral("fake")), qPrintable(message));           // which plugin
        }
    }

    void testFindPluginNotFound()
    {
        try {
            roofline::find_plugin("nonexistent");
            QFAIL("found a plugin that does not exist");
        } catch (const PluginError& e) {
            const QString message = QString::fromUtf8(e.what());
            QCOMPARE(kindName(e.kind()), QStringLiteral("NotFound"));
            QVERIFY2(message.contains(QStringLiteral("libroofline_nonexistent.so")), qPrintable(message));
            const auto dirs = roofline::plugin_search_dirs();
            QVERIFY(!dirs.empty());
            for (const auto& dir : dirs)
                QVERIFY2(message.contains(QString::fromStdString(dir.string())), qPrintable(message));
            QVERIFY2(message.contains(QStringLiteral("ROOFLINE_LAB_PLUGIN_DIR")), qPrintable(message));
        }
    }

    // The build tree has the install layout: the plugin folder is found from the executable's own folder.
    void testSearchDirsFollowTheExecutable()
    {
        const auto dirs = roofline::plugin_search_dirs();
        const fs::path binDir = fs::canonical("/proc/self/exe").parent_path();
        QVERIFY(std::find(dirs.begin(), dirs.end(), binDir) != dirs.end());
#if ROOFLINE_HAVE_CPU_PLUGIN
        const fs::path pluginDir = fs::path(ROOFLINE_CPU_PLUGIN_PATH).parent_path().lexically_normal();
        QVERIFY2(std::find(dirs.begin(), dirs.end(), pluginDir) != dirs.end(), pluginDir.c_str());
#endif
    }

    void testNeverCurrentDirectory_data()
    {
        QTest::addColumn<bool>("setEmptyEnv");
        QTest::newRow("ROOFLINE_LAB_PLUGIN_DIR unset") << false;
        QTest::newRow("ROOFLINE_LAB_PLUGIN_DIR empty") << true;
    }

    void testNeverCurrentDirectory()
    {
        QFETCH(bool, setEmptyEnv);
        EnvironmentGuard guard;
        QTemporaryDir cwd;
        QVERIFY(cwd.isValid());
        const QString planted = cwd.filePath(QStringLiteral("libroofline_cwdonly.so"));
        QVERIFY(QFile::copy(fakePlugin("good"), planted));
        if (setEmptyEnv)
            qputenv("ROOFLINE_LAB_PLUGIN_DIR", QByteArray());
        else
            qunsetenv("ROOFLINE_LAB_PLUGIN_DIR");
        QVERIFY(QDir::setCurrent(cwd.path()));

        for (const auto& dir : roofline::plugin_search_dirs()) {
            QVERIFY2(!dir.empty() && dir.is_absolute(), qPrintable(QString::fromStdString(dir.string())));
            QVERIFY2(fs::weakly_canonical(dir) != fs::canonical(cwd.path().toStdString()), qPrintable(QString::fromStdString(dir.string())));
        }
        try {
            const fs::path found = roofline::find_plugin("cwdonly");
            QFAIL(qPrintable(QStringLiteral("found %1 in the current directory").arg(QString::fromStdString(found.string()))));
        } catch (const PluginError& e) {
            QCOMPARE(kindName(e.kind()), QStringLiteral("NotFound"));
            QVERIFY2(!QString::fromUtf8(e.what()).contains(cwd.path()), e.what());
        }
        for (const auto& file : roofline::find_all_plugins())
            QVERIFY2(file.filename() != "libroofline_cwdonly.so", qPrintable(QString::fromStdString(file.string())));
    }

    void testPluginDirEnvironment()
    {
        EnvironmentGuard guard;
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString envOnly = dir.filePath(QStringLiteral("libroofline_envonly.so"));
        // Named like the CPU plugin: the variable's folder comes first, so it shadows the built one.
        const QString shadow = dir.filePath(QStringLiteral("libroofline_cpu.so"));
        QVERIFY(QFile::copy(fakePlugin("good"), envOnly));
        QVERIFY(QFile::copy(fakePlugin("good"), shadow));
        qputenv("ROOFLINE_LAB_PLUGIN_DIR", dir.path().toLocal8Bit());

        const auto dirs = roofline::plugin_search_dirs();
        QVERIFY(!dirs.empty());
        QCOMPARE(dirs.front(), fs::path(dir.path().toStdString()));
        QCOMPARE(roofline::find_plugin("envonly"), fs::path(envOnly.toStdString()));
        QCOMPARE(roofline::find_plugin("cpu"), fs::path(shadow.toStdString()));
        const auto all = roofline::find_all_plugins();
        QVERIFY(std::find(all.begin(), all.end(), fs::path(envOnly.toStdString())) != all.end());
        // First one wins per name: the built CPU plugin is not listed beside its shadow.
        QCOMPARE(std::count_if(all.begin(), all.end(), [](const fs::path& p) { return p.filename() == "libroofline_cpu.so"; }),
                 std::ptrdiff_t(1));
        auto plugin = roofline::Plugin::load(roofline::find_plugin("envonly"));
        QCOMPARE(QString::fromStdString(plugin->name()), QStringLiteral("fake"));
    }

    void testCpuPlugin()
    {
#if !ROOFLINE_HAVE_CPU_PLUGIN
        QSKIP("the CPU plugin is not built (libopenblas-dev missing)");
#else
        const fs::path file = roofline::find_plugin("cpu");
        QCOMPARE(fs::weakly_canonical(file), fs::weakly_canonical(ROOFLINE_CPU_PLUGIN_PATH));
        auto plugin = roofline::Plugin::load(file);
        QCOMPARE(QString::fromStdString(plugin->name()), QStringLiteral("cpu"));
        QCOMPARE(QString::fromStdString(plugin->version()), QString::fromLatin1(roofline::kVersion));
        QCOMPARE(plugin->api().abi_version, ROOFLINE_PLUGIN_ABI_VERSION);
        QVERIFY(plugin->device_count() >= 1);

        auto device = roofline::Device::open(plugin, 0);
        const roofline::DeviceInfo& info = device->info();
        QCOMPARE(QString::fromStdString(info.backend), QStringLiteral("cpu"));
        QVERIFY(!info.name.empty());
        QVERIFY(info.multiprocessor_count > 0);
        QVERIFY(info.memory_bytes > 0);
        QVERIFY(!info.library_version.empty());
        QCOMPARE(QString::fromStdString(info.plugin_name), QStringLiteral("cpu"));
        QCOMPARE(QString::fromStdString(info.compute_capability()), QString()); // no compute capability on a CPU
        QVERIFY2(QString::fromStdString(info.summary()).contains(QStringLiteral("cores")), info.summary().c_str());
        const auto json = info.to_json();
        QCOMPARE(QString::fromStdString(json["backend"].get<std::string>()), QStringLiteral("cpu"));
        QCOMPARE(json["multiprocessor_count"].get<int>(), info.multiprocessor_count);
#endif
    }
};

QTEST_GUILESS_MAIN(TestPluginLoader)
#include "tst_plugin_loader.moc"
