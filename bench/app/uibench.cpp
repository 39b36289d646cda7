// UI benchmark of roofline-lab. Prints one table:
//   start to shown window   the real executable, from QProcess::start to its first painted frame (goal ≤ 1 s)
//   10,000-point redraw      RooflineChart::setPoints + a synchronous repaint of a 1200×800 chart (goal ≤ 100 ms)
//   longest UI-thread stall  the largest gap between 1 ms GUI-thread timer ticks, minus 1 ms, while the CPU
//                            plugin runs a plan on the worker thread (goal ≤ 50 ms)
// UIBENCH_TRACE=1 also prints every GUI-thread gap over 10 ms with the times the results table changed, and what
// a repaint of the chart and the table costs after the run: where a stall comes from.
#include "benchmark/benchmarktab.h"
#include "benchmark/benchmarkresultsmodel.h"
#include "mainwindow.h"
#include "benchmark/planeditor.h"
#include "shared/rooflinechart.h"

#include "roofline/hardware/hardware_registry.h"

#include <QApplication>
#include <QCheckBox>
#include <QDoubleSpinBox>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QLineEdit>
#include <QProcess>
#include <QSignalSpy>
#include <QTableView>
#include <QTest>
#include <QTemporaryDir>
#include <QTimer>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <random>
#include <vector>

namespace {

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v.empty() ? NAN : (v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2);
}

struct Row {
    const char* metric;
    double goal_ms;
    double measured_ms;
    QString detail;
};

// Each launch gets empty settings and data folders, as on a first start.
Row startupTime(int runs)
{
    std::vector<double> wall_ms, inProcess_ms;
    for (int i = 0; i < runs; ++i) {
        QTemporaryDir home;
        QProcess app;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("ROOFLINE_LAB_DATA_DIR"), home.filePath(QStringLiteral("data")));
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), home.filePath(QStringLiteral("config")));
        app.setProcessEnvironment(env);
        app.setProcessChannelMode(QProcess::SeparateChannels);
        QElapsedTimer clock;
        clock.start();
        app.start(QStringLiteral(ROOFLINE_LAB_EXE), {QStringLiteral("--exit-when-shown")});
        double shown = NAN;
        while (app.state() != QProcess::NotRunning || app.bytesAvailable() > 0) {
            if (app.canReadLine() || app.waitForReadyRead(100)) {
                const QByteArray line = app.readLine().trimmed();
                if (line.startsWith("shown_ms ")) {
                    wall_ms.push_back(static_cast<double>(clock.nsecsElapsed()) / 1e6);
                    shown = line.mid(9).toDouble();
                    break;
                }
            }
            if (clock.elapsed() > 30000)
                break;
        }
        app.waitForFinished(10000);
        if (!std::isnan(shown))
            inProcess_ms.push_back(shown);
        else
            std::fprintf(stderr, "launch %d: no shown_ms line (%s)\n", i, app.readAllStandardError().constData());
    }
    return {"start to shown window", 1000, median(wall_ms),
            QStringLiteral("median of %1 launches; %2 ms of it from main() to the first frame")
                .arg(wall_ms.size())
                .arg(median(inProcess_ms), 0, 'f', 0)};
}

Row chartRedraw(int repeats)
{
    const auto registry = roofline::HardwareRegistry::presets();
    RooflineChart chart;
    chart.resize(1200, 800);
    chart.setHardware(*registry.find("b10"));
    chart.setSelectedPrecision(roofline::Precision::FP16);
    chart.setRealisticKernels({roofline::KernelType::GEMM});
    chart.show();
    // A repaint before the window is exposed paints nothing.
    if (!QTest::qWaitForWindowExposed(&chart))
        return {"10,000-point chart redraw", 100, NAN, QStringLiteral("not measured: the chart window was never exposed")};

    std::mt19937 rng(7);
    std::uniform_real_distribution<double> logAi(-1, 4), below(0.3, 1.0);
    const roofline::Precision precisions[] = {roofline::Precision::FP16, roofline::Precision::BF16,
                                              roofline::Precision::FP8_E4M3, roofline::Precision::INT8};
    std::vector<double> total_ms, paint_ms, grab_ms;
    for (int r = 0; r < repeats; ++r) {
        std::vector<ChartPoint> points;
        points.reserve(10000);
        for (int i = 0; i < 10000; ++i) {
            ChartPoint p;
            p.id = i;
            p.precision = precisions[i % 4];
            p.ai = std::pow(10.0, logAi(rng));
            const double roof = std::min(p.ai * 0.287, 62.0);
            p.predicted_tflops = roof * below(rng);
            p.measured_tflops = roof * below(rng);
            points.push_back(std::move(p));
        }
        QElapsedTimer clock;
        clock.start();
        chart.setPoints(std::move(points));
        chart.viewport()->repaint();
        total_ms.push_back(static_cast<double>(clock.nsecsElapsed()) / 1e6);
        clock.restart();
        chart.viewport()->repaint();
        paint_ms.push_back(static_cast<double>(clock.nsecsElapsed()) / 1e6);
        clock.restart();
        const QPixmap image = chart.grab();
        grab_ms.push_back(static_cast<double>(clock.nsecsElapsed()) / 1e6);
    }
    return {"10,000-point chart redraw", 100, median(total_ms),
            QStringLiteral("median of %1: new data + repaint; repaint alone %2 ms, grab() %3 ms")
                .arg(repeats)
                .arg(median(paint_ms), 0, 'f', 1)
                .arg(median(grab_ms), 0, 'f', 1)};
}

Row stallDuringRun()
{
    const QString plugin = QStringLiteral(ROOFLINE_PLUGIN_DIR "/libroofline_cpu.so");
    if (!QFileInfo::exists(plugin))
        return {"longest UI-thread stall, CPU run", 50, NAN, QStringLiteral("not measured: %1 is not built").arg(plugin)};

    MainWindow window;
    window.resize(1400, 900);
    window.show();
    window.showTab(MainWindow::BenchmarkPage);
    BenchmarkTab* tab = window.benchmarkTab();
    QSignalSpy probed(tab, &BenchmarkTab::deviceStatusChanged);
    if (probed.isEmpty())
        probed.wait(30000);
    if (!tab->lastProbe() || !tab->lastProbe()->device) {
        tab->probe(plugin);
        QSignalSpy again(tab, &BenchmarkTab::deviceStatusChanged);
        again.wait(30000);
    }
    if (!tab->lastProbe() || !tab->lastProbe()->device)
        return {"longest UI-thread stall, CPU run", 50, NAN, QStringLiteral("not measured: no CPU device")};

    PlanEditor* plan = tab->planEditor();
    plan->shapesEdit(roofline::KernelType::GEMV)->setText(QStringLiteral("1024x1024; 4096x4096; 8192x8192"));
    plan->shapesEdit(roofline::KernelType::GEMM)->setText(QStringLiteral("256x256x256; 512x512x512; 1024x1024x1024"));
    plan->kernelBox(roofline::KernelType::GEMV)->setChecked(true);
    plan->kernelBox(roofline::KernelType::GEMM)->setChecked(true);
    for (roofline::Precision p : roofline::kAllPrecisions)
        plan->precisionBox(p)->setChecked(p == roofline::Precision::FP32 || p == roofline::Precision::FP64
                                          || p == roofline::Precision::FP16);
    plan->budgetBox()->setValue(0.4);

    QElapsedTimer clock;
    qint64 last_ns = 0, longest_ns = 0;
    int ticks = 0;
    std::vector<double> gaps_ms;
    QTimer ticker;
    ticker.setTimerType(Qt::PreciseTimer);
    ticker.setInterval(1);
    QObject::connect(&ticker, &QTimer::timeout, [&] {
        const qint64 now = clock.nsecsElapsed();
        if (ticks++ > 0) {
            longest_ns = std::max(longest_ns, now - last_ns);
            gaps_ms.push_back(static_cast<double>(now - last_ns) / 1e6);
            if (now - last_ns > 10000000 && qEnvironmentVariableIsSet("UIBENCH_TRACE"))
                std::fprintf(stderr, "gap %.1f ms at %.1f ms\n", (now - last_ns) / 1e6, now / 1e6);
        }
        last_ns = now;
    });
    QSignalSpy finished(tab, &BenchmarkTab::runFinished);
    if (qEnvironmentVariableIsSet("UIBENCH_TRACE"))
        QObject::connect(tab->model(), &QAbstractItemModel::dataChanged, [&] {
            std::fprintf(stderr, "  model change at %.1f ms\n", clock.nsecsElapsed() / 1e6);
        });
    clock.start();
    ticker.start();
    if (!tab->startRun())
        return {"longest UI-thread stall, CPU run", 50, NAN, QStringLiteral("not measured: ") + tab->lastError()};
    finished.wait(600000);
    ticker.stop();
    const double run_s = static_cast<double>(clock.elapsed()) / 1000;
    std::sort(gaps_ms.begin(), gaps_ms.end());
    const double p99_ms = gaps_ms.empty() ? NAN : gaps_ms[gaps_ms.size() * 99 / 100];
    const auto over50 = std::count_if(gaps_ms.begin(), gaps_ms.end(), [](double g) { return g > 51; });
    if (qEnvironmentVariableIsSet("UIBENCH_TRACE")) {
        for (int i = 0; i < 5; ++i) {
            QElapsedTimer t;
            t.start();
            window.repaint();
            const double whole = t.nsecsElapsed() / 1e6;
            t.restart();
            tab->chart()->viewport()->repaint();
            const double chartOnly = t.nsecsElapsed() / 1e6;
            t.restart();
            tab->table()->viewport()->repaint();
            std::fprintf(stderr, "repaint window %.1f ms, chart %.1f ms, table %.1f ms\n", whole, chartOnly, t.nsecsElapsed() / 1e6);
        }
    }
    return {"longest UI-thread stall, CPU run", 50, std::max(0.0, static_cast<double>(longest_ns) / 1e6 - 1.0),
            QStringLiteral("%1 cases in %2 s; %3 ticks, 99th percentile gap %4 ms, %5 over 50 ms")
                .arg(tab->model()->rowCount())
                .arg(run_s, 0, 'f', 1)
                .arg(ticks)
                .arg(p99_ms, 0, 'f', 1)
                .arg(over50)};
}

} // namespace

int main(int argc, char** argv)
{
    QTemporaryDir home;
    qputenv("ROOFLINE_LAB_DATA_DIR", home.filePath(QStringLiteral("data")).toLocal8Bit());
    qputenv("XDG_CONFIG_HOME", home.filePath(QStringLiteral("config")).toLocal8Bit());
    qputenv("ROOFLINE_LAB_PLUGIN_DIR", ROOFLINE_PLUGIN_DIR);
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("roofline-lab-bench"));
    QApplication::setApplicationName(QStringLiteral("roofline-lab-bench"));

    std::vector<Row> rows;
    rows.push_back(startupTime(5));
    rows.push_back(chartRedraw(10));
    rows.push_back(stallDuringRun());

    std::printf("roofline-lab UI benchmark (Qt platform: %s)\n\n", qPrintable(QGuiApplication::platformName()));
    std::printf("%-34s %10s %12s  %-6s %s\n", "metric", "goal", "measured", "", "detail");
    for (const Row& r : rows) {
        const bool measured = !std::isnan(r.measured_ms);
        std::printf("%-34s %7.0f ms %9.1f ms  %-6s %s\n", r.metric, r.goal_ms, measured ? r.measured_ms : 0.0,
                    !measured ? "n/a" : (r.measured_ms <= r.goal_ms ? "ok" : "MISSED"), qPrintable(r.detail));
    }
    return 0;
}
