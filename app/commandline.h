#pragma once

#include <QElapsedTimer>
#include <QSize>
#include <QString>

class MainWindow;
class QCoreApplication;

struct AppOptions {
    QString openFile;        // a results JSON to validate at start
    QString hardware;        // the hardware key to validate and predict with
    // Hidden: for the screenshots in docs/ and the UI benchmark.
    QString screenshotTab;   // calculator, benchmark or validation
    QString screenshotOut;   // PNG path; the app quits once it is written
    QString runPreset;       // start a benchmark run with this plan ("smoke", "default") once a device is found
    QSize windowSize;
    bool exitWhenShown = false; // print "shown_ms <ms since main>" after the first paint, then quit
};

// Handles --help and --version (prints "roofline-lab <version>" and exits) itself.
AppOptions parseCommandLine(const QCoreApplication& app);

// Acts on the options once the window exists: opens the file, starts a run, takes the screenshot.
void applyOptions(MainWindow& window, const AppOptions& options, const QElapsedTimer& sinceMain);
