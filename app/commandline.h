#pragma once

#include <QElapsedTimer>
#include <QSize>
#include <QString>
#include <QStringList>

class MainWindow;
class QCoreApplication;

struct AppOptions {
    QStringList openFiles;   // results JSON to validate at start (several: one merged set)
    QString hardware;        // the hardware key to validate and predict with
    // Hidden: for the screenshots in docs/ and the UI benchmark.
    QString screenshotTab;   // calculator, model (the Calculator's Model view), benchmark or validation
    QString model;           // the Model view's model: a built-in, config.json or GGUF path
    QString modelRuns;       // measured runs (model_step rows, llama-bench output) for the Model view
    int modelBatch = 0;      // the Model view's batch (0: as remembered)
    QString modelWeights;    // the Model view's weights ("Q4_K_M")
    QString screenshotOut;   // PNG path; the app quits once it is written
    QString runPreset;       // start a benchmark run with this plan ("smoke", "default") once a device is found
    bool calibrate = false;  // calibrate from the opened results on the chosen hardware (as the Validation tab's button)
    QString ceilingsFile;    // … with this measured-ceilings file; empty for none
    QString mode;            // ideal, realistic or refined: the Calculator's and the Validation tab's mode
    QString cache;           // cold or warm: the Calculator's cache choice in refined mode
    QSize windowSize;
    bool exitWhenShown = false; // print "shown_ms <ms since main>" after the first paint, then quit
};

// Handles --help and --version (prints "roofline-lab <version>" and exits) itself.
AppOptions parseCommandLine(const QCoreApplication& app);

// Acts on the options once the window exists: opens the file, starts a run, takes the screenshot.
void applyOptions(MainWindow& window, const AppOptions& options, const QElapsedTimer& sinceMain);
