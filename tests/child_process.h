#pragma once
// Tests that start a child process (the CLI, the app) through QProcess. Under qemu-user, where .ci/fresh_root.sh
// runs the arm64 suite, QProcess cannot start one: its forkfd asks clone() for flags qemu-user refuses ("fork
// failure: Invalid argument"). There, and only where the environment says it is emulated (ROOFLINE_EMULATED), such
// a test skips and says why; anywhere else a child that cannot start fails the test as it should.

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

} // namespace roofline_test

// In a test function (or initTestCase, for a whole test): skip, saying why, where no child process can start.
#define ROOFLINE_SKIP_WITHOUT_CHILD_PROCESSES()                                      \
    do {                                                                             \
        const QString why_no_children = roofline_test::childProcessesUnavailable(); \
        if (!why_no_children.isEmpty())                                              \
            QSKIP(qPrintable(why_no_children));                                      \
    } while (false)
