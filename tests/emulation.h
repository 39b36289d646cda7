#pragma once
// Tests under emulation: qemu-user, where .ci/fresh_root_arm64.sh runs the arm64 suite, says so in ROOFLINE_EMULATED.
// Children: QProcess cannot start one there (its forkfd asks clone() for flags qemu-user refuses, "fork failure:
// Invalid argument"), so a test that starts the CLI or the app skips and says why; anywhere else a child that
// cannot start fails the test as it should.
// Time: every instruction runs many times slower there, so a bound on how soon something happens (a cancel, a
// shutdown) is scaled by emulationSlowdown().

#include <QProcess>
#include <QString>
#include <QTest>

namespace roofline_test {

// Empty where children start; else why they cannot.
inline QString childProcessesUnavailable()
{
    const QString emulator = qEnvironmentVariable("ROOFLINE_EMULATED");
    if (emulator.isEmpty())
        return {};
    QProcess probe;
    probe.start(QStringLiteral("/bin/true"), {});
    if (probe.waitForStarted(10000)) {
        probe.waitForFinished(10000);
        return {};
    }
    return QStringLiteral("QProcess cannot start a child under %1 (%2): an emulation limit, not this platform's; run "
                          "this test on the hardware itself")
        .arg(emulator, probe.errorString());
}

// 1 natively; under emulation the factor a responsiveness bound is stretched by (qemu-user ran the CPU plugin's
// samples five to ten times slower on the 2-core CI machine).
inline int emulationSlowdown()
{
    return qEnvironmentVariableIsEmpty("ROOFLINE_EMULATED") ? 1 : 10;
}

} // namespace roofline_test

// In a test function (or initTestCase, for a whole test): skip, saying why, where no child process can start.
#define ROOFLINE_SKIP_WITHOUT_CHILD_PROCESSES()                                      \
    do {                                                                             \
        const QString why_no_children = roofline_test::childProcessesUnavailable(); \
        if (!why_no_children.isEmpty())                                              \
            QSKIP(qPrintable(why_no_children));                                      \
    } while (false)
