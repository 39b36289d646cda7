#include "commandline.h"
#include "mainwindow.h"

#include "roofline/version.h"

#include <QApplication>
#include <QElapsedTimer>

#include <cstdio>
#include <cstring>

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
