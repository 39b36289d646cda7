#include "commandline.h"

#include "benchmark/benchmarktab.h"
#include "calculatorviews.h"
#include "calculator/calculatortab.h"
#include "model/modelview.h"
#include "shared/hardwarecombobox.h"
#include "mainwindow.h"
#include "benchmark/planeditor.h"
#include "calculator/shapeeditor.h"
#include "validation/validationtab.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QComboBox>
#include <QGroupBox>
#include <QPixmap>
#include <QSpinBox>
#include <QTabWidget>
#include <QTextStream>
#include <QTimer>

#include <algorithm>
#include <cstdio>
#include <optional>

namespace {

QCommandLineOption hidden(QCommandLineOption option)
{
    option.setFlags(QCommandLineOption::HiddenFromHelp);
    return option;
}

void saveScreenshotAndQuit(MainWindow& window, const QString& path, int delay_ms)
{
    QTimer::singleShot(delay_ms, &window, [&window, path] {
        const bool ok = window.grab().save(path, "PNG");
        std::fprintf(ok ? stdout : stderr, "%s %s\n", ok ? "screenshot" : "could not write", qPrintable(path));
        std::fflush(stdout);
        QApplication::exit(ok ? 0 : 1);
    });
}

// A paint filter on the main window: the first paint ends the startup measurement.
class FirstPaintReporter : public QObject
{
public:
    FirstPaintReporter(QElapsedTimer clock, QObject* parent)
        : QObject(parent)
        , m_clock(clock)
    {
    }

protected:
    bool eventFilter(QObject* watched, QEvent* event) override
    {
        if (event->type() == QEvent::Paint && !m_done) {
            m_done = true;
            // Queued: the rest of this paint pass (the children) finishes first.
            QTimer::singleShot(0, this, [this] {
                std::printf("shown_ms %.1f\n", static_cast<double>(m_clock.nsecsElapsed()) / 1e6);
                std::fflush(stdout);
                QApplication::exit(0);
            });
        }
        return QObject::eventFilter(watched, event);
    }

private:
    QElapsedTimer m_clock;
    bool m_done = false;
};

} // namespace

AppOptions parseCommandLine(const QCoreApplication& app)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QCoreApplication::translate("main", "Predict, measure and explain GPU kernel time with a roofline model."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(QStringLiteral("results"),
                                 QCoreApplication::translate("main", "Results JSON to validate (several are read as one set)."),
                                 QStringLiteral("[results.json …]"));
    const QCommandLineOption hardware(QStringLiteral("hardware"),
                                      QCoreApplication::translate("main", "Hardware profile to validate against (b10, h100_sxm, …)."),
                                      QStringLiteral("key"));
    const QCommandLineOption shotTab = hidden({QStringLiteral("screenshot-tab"), QStringLiteral("Tab to screenshot."), QStringLiteral("name")});
    const QCommandLineOption shotOut = hidden({QStringLiteral("screenshot-out"), QStringLiteral("PNG to write."), QStringLiteral("file")});
    const QCommandLineOption run = hidden({QStringLiteral("run"), QStringLiteral("Plan preset to run at start."), QStringLiteral("preset")});
    const QCommandLineOption size = hidden({QStringLiteral("window-size"), QStringLiteral("WxH"), QStringLiteral("size")});
    const QCommandLineOption exitShown = hidden(QCommandLineOption(QStringLiteral("exit-when-shown")));
    const QCommandLineOption calibrateWith = hidden({QStringLiteral("calibrate-with"),
                                                     QStringLiteral("Calibrate from the results with this ceilings file (\"none\": without)."),
                                                     QStringLiteral("ceilings")});
    const QCommandLineOption mode = hidden({QStringLiteral("mode"), QStringLiteral("ideal, realistic or refined."), QStringLiteral("mode")});
    const QCommandLineOption cache = hidden({QStringLiteral("cache"), QStringLiteral("cold or warm."), QStringLiteral("cache")});
    const QCommandLineOption model = hidden({QStringLiteral("model"), QStringLiteral("The Model view's model."), QStringLiteral("name|file")});
    const QCommandLineOption modelRuns = hidden({QStringLiteral("model-runs"), QStringLiteral("Measured runs for the Model view."), QStringLiteral("file")});
    const QCommandLineOption modelBatch = hidden({QStringLiteral("model-batch"), QStringLiteral("The Model view's batch."), QStringLiteral("n")});
    const QCommandLineOption modelWeights = hidden({QStringLiteral("model-weights"), QStringLiteral("The Model view's weights."), QStringLiteral("format")});
    parser.addOptions({hardware, shotTab, shotOut, run, size, exitShown, calibrateWith, mode, cache, model, modelRuns, modelBatch, modelWeights});
    parser.process(app);

    AppOptions options;
    options.openFiles = parser.positionalArguments();
    options.calibrate = parser.isSet(calibrateWith);
    if (options.calibrate && parser.value(calibrateWith) != QStringLiteral("none"))
        options.ceilingsFile = parser.value(calibrateWith);
    options.mode = parser.value(mode);
    options.cache = parser.value(cache);
    options.hardware = parser.value(hardware);
    options.screenshotTab = parser.value(shotTab);
    options.screenshotOut = parser.value(shotOut);
    options.runPreset = parser.value(run);
    options.model = parser.value(model);
    options.modelRuns = parser.value(modelRuns);
    options.modelBatch = parser.value(modelBatch).toInt();
    options.modelWeights = parser.value(modelWeights);
    options.exitWhenShown = parser.isSet(exitShown);
    if (parser.isSet(size)) {
        const QStringList wh = parser.value(size).split(QLatin1Char('x'));
        if (wh.size() == 2)
            options.windowSize = QSize(wh[0].toInt(), wh[1].toInt());
    }
    return options;
}

void applyOptions(MainWindow& window, const AppOptions& options, const QElapsedTimer& sinceMain)
{
    if (options.windowSize.isValid())
        window.resize(options.windowSize);
    if (options.exitWhenShown)
        window.installEventFilter(new FirstPaintReporter(sinceMain, &window));
    if (!options.hardware.isEmpty()) {
        window.calculatorTab()->hardwareBox()->setCurrentKey(options.hardware);
        window.validationTab()->hardwareBox()->setCurrentKey(options.hardware);
        window.benchmarkTab()->hardwareBox()->setCurrentKey(options.hardware);
        window.modelView()->hardwareBox()->setCurrentKey(options.hardware);
    }
    ModelView* modelView = window.modelView();
    if (!options.model.isEmpty() && !modelView->setModel(options.model))
        std::fprintf(stderr, "cannot open the model %s: %s\n", qPrintable(options.model), qPrintable(modelView->errorText()));
    if (options.modelBatch > 0)
        modelView->batchBox()->setValue(options.modelBatch);
    if (!options.modelWeights.isEmpty())
        modelView->weightsBox()->setCurrentText(options.modelWeights);
    if (!options.modelRuns.isEmpty() && !modelView->openMeasuredRuns(options.modelRuns))
        std::fprintf(stderr, "cannot open the runs %s: %s\n", qPrintable(options.modelRuns), qPrintable(modelView->errorText()));
    if (!options.hardware.isEmpty()) // the runs file names its device; --hardware wins
        modelView->hardwareBox()->setCurrentKey(options.hardware);
    const std::optional<roofline::Mode> mode =
        options.mode.isEmpty() ? std::nullopt : roofline::parse_mode(options.mode.toStdString());
    if (!options.mode.isEmpty() && !mode)
        std::fprintf(stderr, "unknown --mode %s (ideal, realistic, refined)\n", qPrintable(options.mode));
    if (mode) {
        window.calculatorTab()->setMode(*mode);
        QComboBox* modeBox = window.validationTab()->modeBox();
        modeBox->setCurrentIndex(std::max(0, modeBox->findData(static_cast<int>(*mode))));
    }
    if (options.cache == QStringLiteral("warm"))
        window.calculatorTab()->setCacheMode(roofline::CacheMode::Warm);
    if (!options.openFiles.isEmpty()) {
        // The file names its hardware; --hardware, when given, wins.
        if (window.validationTab()->openFiles(options.openFiles) && !options.hardware.isEmpty())
            window.validationTab()->hardwareBox()->setCurrentKey(options.hardware);
        window.showTab(MainWindow::ValidationPage);
        if (window.validationTab()->validate() && options.calibrate)
            window.validationTab()->calibrate(options.ceilingsFile);
    }

    const QString tab = options.screenshotTab;
    if (tab == QStringLiteral("calculator")) {
        // A GEMM whose token count (M) sweeps from one (a GEMV in disguise) to a full batch: the points walk up
        // the memory slope and onto the compute roof.
        CalculatorTab* calc = window.calculatorTab();
        calc->setKernel(roofline::KernelType::GEMM);
        calc->setPrecision(roofline::Precision::FP16);
        if (!mode)
            calc->setMode(roofline::Mode::Realistic);
        calc->sweepDimensionBox()->setCurrentIndex(0);
        calc->sweepFromBox()->setValue(1);
        calc->sweepToBox()->setValue(16384);
        calc->sweepPointsBox()->setValue(15);
        calc->sweepBox()->setChecked(true);
        window.showTab(MainWindow::CalculatorPage);
    } else if (tab == QStringLiteral("model")) {
        window.showTab(MainWindow::CalculatorPage);
        window.calculatorViews()->showView(CalculatorViews::View::Model);
    } else if (tab == QStringLiteral("validation")) {
        window.showTab(MainWindow::ValidationPage);
    } else if (tab == QStringLiteral("benchmark")) {
        window.showTab(MainWindow::BenchmarkPage);
    }

    BenchmarkTab* bench = window.benchmarkTab();
    const QString shotPath = options.screenshotOut;
    if (!options.runPreset.isEmpty()) {
        bench->planEditor()->loadPreset(options.runPreset);
        auto started = std::make_shared<bool>(false);
        QObject::connect(bench, &BenchmarkTab::deviceStatusChanged, &window, [bench, started, &window, shotPath] {
            if (*started)
                return;
            *started = true;
            if (!bench->startRun() && !shotPath.isEmpty())
                saveScreenshotAndQuit(window, shotPath, 300);
        });
        if (!shotPath.isEmpty()) {
            QObject::connect(bench, &BenchmarkTab::runFinished, &window, [&window, shotPath] {
                saveScreenshotAndQuit(window, shotPath, 400);
            });
        }
    } else if (!shotPath.isEmpty()) {
        // Wait for the plugin probe so the status bar and device panel are filled in.
        auto taken = std::make_shared<bool>(false);
        QObject::connect(bench, &BenchmarkTab::deviceStatusChanged, &window, [&window, shotPath, taken] {
            if (!*taken) {
                *taken = true;
                saveScreenshotAndQuit(window, shotPath, 400);
            }
        });
    }
}
