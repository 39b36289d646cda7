// Saved state: a read-only data folder and a full disk each give a clear message and leave no half-written file;
// two writers at once (two instances of the app) corrupt nothing and lose nothing. The faults are set up in a
// forked child, so that neither a dropped privilege nor a file-size limit reaches the test runner itself.
#include "roofline/benchmarking/bench_runner.h"
#include "roofline/support/errors.h"
#include "roofline/hardware/hardware_registry.h"
#include "roofline/results/measurements.h"
#include "roofline/hardware/profile_store.h"

#include <QSettings>
#include <QtTest>

#include <csignal>
#include <set>
#include <fstream>
#include <functional>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace roofline;
namespace fs = std::filesystem;

namespace {

constexpr uid_t kNobody = 65534;

// Runs `body` in a child and returns what it said: the child writes its text to a pipe and exits 0.
QString inChild(const std::function<std::string()>& body)
{
    int pipefd[2];
    if (::pipe(pipefd) != 0)
        return QStringLiteral("pipe failed");
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::close(pipefd[0]);
        std::string text;
        try {
            text = body();
        } catch (const std::exception& e) {
            text = std::string("exception: ") + e.what();
        }
        [[maybe_unused]] const ssize_t n = ::write(pipefd[1], text.data(), text.size());
        ::_exit(0);
    }
    ::close(pipefd[1]);
    std::string out;
    char buffer[4096];
    ssize_t n;
    while ((n = ::read(pipefd[0], buffer, sizeof buffer)) > 0)
        out.append(buffer, static_cast<std::size_t>(n));
    ::close(pipefd[0]);
    int status = 0;
    ::waitpid(pid, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return QStringLiteral("child died: %1").arg(status);
    return QString::fromStdString(out);
}

// A folder that cannot be written: mode 0555, and as root (who ignores the mode) a child that drops to nobody.
void becomeUnprivileged()
{
    if (::geteuid() == 0 && ::setuid(kNobody) != 0)
        ::_exit(3);
}

std::string readFile(const fs::path& file)
{
    std::ifstream in(file);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

QStringList entries(const QString& dir)
{
    return QDir(dir).entryList(QDir::Files | QDir::Hidden | QDir::NoDotAndDotDot, QDir::Name);
}

HardwareSpec raceProfile(const std::string& name)
{
    HardwareSpec spec = HardwareRegistry::presets().get("h100_sxm");
    spec.key = "race";
    spec.name = name;
    return spec;
}

} // namespace

class TestSavedState : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void testReadOnlyFolder()
    {
        QTemporaryDir dir;
        const fs::path file = fs::path(dir.path().toStdString()) / "results.json";
        write_file_atomically(file, "old and whole\n");
        QVERIFY(::chmod(dir.path().toLocal8Bit().constData(), 0555) == 0);
        const QString said = inChild([&] {
            becomeUnprivileged();
            try {
                write_file_atomically(file, "new\n");
            } catch (const InputError& e) {
                return std::string(e.what());
            }
            return std::string("no error");
        });
        ::chmod(dir.path().toLocal8Bit().constData(), 0755);
        QVERIFY2(said.startsWith(QString::fromStdString(file.string() + ": cannot save: cannot create a file beside it: the folder "
                                                        + dir.path().toStdString() + " is not writable")),
                 qPrintable(said));
        QVERIFY(said.endsWith(QStringLiteral("nothing was changed on disk")));
        QCOMPARE(readFile(file), std::string("old and whole\n"));
        QCOMPARE(entries(dir.path()), QStringList{QStringLiteral("results.json")});
    }

    // A read-only data folder: a new run and a saved profile each say which folder, and what is wrong with it.
    void testReadOnlyDataFolder()
    {
        QTemporaryDir dir;
        QVERIFY(::chmod(dir.path().toLocal8Bit().constData(), 0555) == 0);
        const QByteArray before = qgetenv("ROOFLINE_LAB_DATA_DIR");
        qputenv("ROOFLINE_LAB_DATA_DIR", dir.path().toLocal8Bit());
        const QString run = inChild([] {
            becomeUnprivileged();
            return new_run_file("cpu").string();
        });
        const QString profile = inChild([] {
            becomeUnprivileged();
            return save_user_profile(raceProfile("x")).string();
        });
        qputenv("ROOFLINE_LAB_DATA_DIR", before);
        ::chmod(dir.path().toLocal8Bit().constData(), 0755);
        QVERIFY2(run.contains(QStringLiteral("/runs: cannot create the runs folder: Permission denied")), qPrintable(run));
        QVERIFY2(profile.contains(QStringLiteral("/hardware: cannot create the profiles folder: Permission denied")), qPrintable(profile));
        QVERIFY(entries(dir.path()).isEmpty());
    }

    // A full disk, as a file-size limit (RLIMIT_FSIZE) makes it: the old file stays whole, no temporary remains.
    void testFullDisk()
    {
        QTemporaryDir dir;
        const fs::path file = fs::path(dir.path().toStdString()) / "hardware.json";
        write_file_atomically(file, "{\"old\": true}\n");
        const QString said = inChild([&] {
            std::signal(SIGXFSZ, SIG_IGN); // write() then fails with EFBIG instead of the signal ending the process
            rlimit limit{4096, 4096};
            ::setrlimit(RLIMIT_FSIZE, &limit);
            try {
                write_file_atomically(file, std::string(1 << 20, 'x'));
            } catch (const InputError& e) {
                return std::string(e.what());
            }
            return std::string("no error");
        });
        QVERIFY2(said.startsWith(QString::fromStdString(file.string() + ": cannot save: cannot write: the file is larger than")),
                 qPrintable(said));
        QCOMPARE(readFile(file), std::string("{\"old\": true}\n"));
        QCOMPARE(entries(dir.path()), QStringList{QStringLiteral("hardware.json")});
    }

    void testMissingFolder()
    {
        QTemporaryDir dir;
        const fs::path missing = fs::path(dir.path().toStdString()) / "no-such-folder" / "x.json";
        try {
            write_file_atomically(missing, "x");
            QFAIL("expected InputError");
        } catch (const InputError& e) {
            QVERIFY2(QString::fromUtf8(e.what()).contains(QStringLiteral("no-such-folder does not exist")), e.what());
        }
    }

    // Two instances saving the same profile at once: every read between the saves finds a whole profile, and
    // the last save wins whole; no temporary is left.
    void testProfileWritersRace()
    {
        QTemporaryDir dir;
        const QByteArray before = qgetenv("ROOFLINE_LAB_DATA_DIR");
        qputenv("ROOFLINE_LAB_DATA_DIR", dir.path().toLocal8Bit());
        const fs::path file = user_profile_path("race");
        save_user_profile(raceProfile("start"));
        std::vector<pid_t> writers;
        for (const char* who : {"A", "B"}) {
            const pid_t pid = ::fork();
            if (pid == 0) {
                for (int i = 0; i < 200; ++i)
                    save_user_profile(raceProfile(std::string(who) + " " + std::to_string(i)));
                ::_exit(0);
            }
            writers.push_back(pid);
        }
        int reads = 0;
        bool writing = true;
        while (writing) {
            const HardwareSpec read = parse_hardware_json(readFile(file), file.string());
            QCOMPARE(read.key, std::string("race"));
            ++reads;
            writing = false;
            for (pid_t pid : writers)
                writing = writing || ::waitpid(pid, nullptr, WNOHANG) == 0;
        }
        for (pid_t pid : writers)
            ::waitpid(pid, nullptr, 0);
        qputenv("ROOFLINE_LAB_DATA_DIR", before);
        const std::string last = parse_hardware_json(readFile(file), file.string()).name;
        QVERIFY2(last == "A 199" || last == "B 199", last.c_str());
        QVERIFY(reads > 0);
        QCOMPARE(entries(dir.path() + QStringLiteral("/hardware")), QStringList{QStringLiteral("race.json")});
    }

    // Two instances starting a run in the same second get a run file each.
    void testRunFilesNeverShared()
    {
        QTemporaryDir dir;
        const QByteArray before = qgetenv("ROOFLINE_LAB_DATA_DIR");
        qputenv("ROOFLINE_LAB_DATA_DIR", dir.path().toLocal8Bit());
        std::set<fs::path> files;
        for (int i = 0; i < 5; ++i)
            files.insert(new_run_file("cpu"));
        qputenv("ROOFLINE_LAB_DATA_DIR", before);
        QCOMPARE(files.size(), std::size_t(5));
    }

    // QSettings from two processes at once (two instances of the app): each one's keys survive the other's
    // saves, and the file stays readable.
    void testSettingsWritersRace()
    {
        QTemporaryDir dir;
        const QString file = dir.filePath(QStringLiteral("roofline-lab.conf"));
        std::vector<pid_t> writers;
        for (const char* who : {"a", "b"}) {
            const pid_t pid = ::fork();
            if (pid == 0) {
                for (int i = 0; i < 100; ++i) {
                    QSettings settings(file, QSettings::IniFormat);
                    settings.setValue(QStringLiteral("%1/key%2").arg(QLatin1String(who)).arg(i), i);
                    settings.setValue(QStringLiteral("shared/last"), QLatin1String(who));
                    settings.sync();
                    if (settings.status() != QSettings::NoError)
                        ::_exit(1);
                }
                ::_exit(0);
            }
            writers.push_back(pid);
        }
        for (pid_t pid : writers) {
            int status = 0;
            ::waitpid(pid, &status, 0);
            QVERIFY(WIFEXITED(status) && WEXITSTATUS(status) == 0);
        }
        QSettings settings(file, QSettings::IniFormat);
        QCOMPARE(settings.status(), QSettings::NoError);
        for (const char* who : {"a", "b"}) {
            for (int i = 0; i < 100; ++i)
                QCOMPARE(settings.value(QStringLiteral("%1/key%2").arg(QLatin1String(who)).arg(i)).toInt(), i);
        }
        QVERIFY(settings.value(QStringLiteral("shared/last")).toString() == QLatin1String("a")
                || settings.value(QStringLiteral("shared/last")).toString() == QLatin1String("b"));
        QCOMPARE(entries(dir.path()), QStringList{QStringLiteral("roofline-lab.conf")});
    }
};

QTEST_APPLESS_MAIN(TestSavedState)
#include "tst_saved_state.moc"
