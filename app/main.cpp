#include "commandline.h"
#include "mainwindow.h"

#include "roofline/support/version.h"

#include <QApplication>
#include <QElapsedTimer>

#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace {

bool isSet(const char* name)
{
    const char* value = std::getenv(name);
    return value && *value;
}

// Qt aborts with "could not connect to display" and a core dump where there is none (an ssh login on a DGX
// Spark); say instead how to get one.
bool reportMissingDisplay()
{
#if defined(__linux__)
    if (isSet("QT_QPA_PLATFORM") || isSet("DISPLAY") || isSet("WAYLAND_DISPLAY"))
        return false;
    std::fputs("roofline-lab: there is no display to open a window on (DISPLAY and WAYLAND_DISPLAY are unset).\n"
               "  Over ssh:        log in with `ssh -X host` (or -Y) and start it again.\n"
               "  No desktop:      `xvfb-run -a roofline-lab` (package xvfb) runs it on a virtual display.\n"
               "  A smoke run:     `QT_QPA_PLATFORM=offscreen roofline-lab --exit-when-shown` needs no display.\n"
               "  Headless work:   the command-line tool `roofline` (predict, bench, validate, calibrate) needs none.\n",
               stderr);
    return true;
#else
    return false;
#endif
}

} // namespace

int main(int argc, char** argv)
{
    QElapsedTimer sinceMain;
    sinceMain.start();

    // Answered before QApplication exists, so it works with no display (packaging checks, SSH sessions).
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--version") == 0 || std::strcmp(argv[i], "-v") == 0) {
            std::printf("%s %s\n", roofline::kToolName, roofline::kVersion);
            return 0;
        }
    }

    if (reportMissingDisplay())
        return 1;

    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("roofline-lab"));
    QApplication::setApplicationName(QStringLiteral("roofline-lab"));
    QApplication::setApplicationDisplayName(QStringLiteral("Roofline Lab"));
    QApplication::setApplicationVersion(QString::fromLatin1(roofline::kVersion));
    QApplication::setDesktopFileName(QStringLiteral("roofline-lab"));

    const AppOptions options = parseCommandLine(app);
    MainWindow window;
    applyOptions(window, options, sinceMain);
    window.show();
    return app.exec();
}
