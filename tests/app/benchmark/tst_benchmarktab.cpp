#include "benchmark/benchmarkresultsmodel.h"
#include "benchmark/benchmarktab.h"
#include "shared/hardwarecombobox.h"
#include "benchmark/planeditor.h"
#include "shared/rooflinechart.h"

#include "emulation.h"
#include "testutils.h"

#include <QCheckBox>
#include <QDoubleSpinBox>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTest>
#include <QTimer>

using roofline::KernelType;
using roofline::Precision;

namespace {

// Counts GUI-thread timer ticks and the longest gap between two: a frozen UI shows up as a long gap.
class TickWatch : public QObject
{
public:
    TickWatch()
    {
        m_timer.setInterval(5);
        connect(&m_timer, &QTimer::timeout, this, [this] {
            const qint64 now = m_clock.elapsed();
            m_longestGap_ms = std::max(m_longestGap_ms, now - m_last_ms);
            m_last_ms = now;
            ++m_ticks;
        });
        m_clock.start();
        m_timer.start();
    }
    int ticks() const { return m_ticks; }
    qint64 longestGap_ms() const { return m_longestGap_ms; }

private:
    QTimer m_timer;
    QElapsedTimer m_clock;
    qint64 m_last_ms = 0;
    qint64 m_longestGap_ms = 0;
    int m_ticks = 0;
};

} // namespace

class TestBenchmarkTab : public QObject
{
    Q_OBJECT
private:
    std::shared_ptr<const roofline::HardwareRegistry> m_registry;

    void requirePlugin()
    {
        if (!QFileInfo::exists(testutils::cpuPluginFile()))
            QSKIP(qPrintable(QStringLiteral("The CPU plugin is not built (%1 is missing: it needs libopenblas-dev, "
                                            "target roofline_cpu); the worker-thread tests need it.")
                                 .arg(testutils::cpuPluginFile())));
    }

    // A tab whose probe found the CPU plugin.
    std::unique_ptr<BenchmarkTab> probedTab()
    {
        auto tab = std::make_unique<BenchmarkTab>(m_registry);
        QSignalSpy probed(tab.get(), &BenchmarkTab::deviceStatusChanged);
        tab->probe(testutils::cpuPluginFile());
        if (!probed.wait(30000) || !tab->lastProbe() || !tab->lastProbe()->device)
            return nullptr;
        return tab;
    }

    // GEMV and GEMM in FP32 and FP64 on small shapes: seconds on any CPU.
    static void setSmallPlan(PlanEditor* plan, const QString& gemv, const QString& gemm, double budget_s)
    {
        plan->loadPreset(QStringLiteral("smoke"));
        plan->kernelBox(KernelType::GEMV)->setChecked(true);
        plan->kernelBox(KernelType::GEMM)->setChecked(true);
        plan->shapesEdit(KernelType::GEMV)->setText(gemv);
        plan->shapesEdit(KernelType::GEMM)->setText(gemm);
        for (Precision p : roofline::kAllPrecisions)
            plan->precisionBox(p)->setChecked(p == Precision::FP32 || p == Precision::FP64 || p == Precision::FP16);
        plan->budgetBox()->setValue(budget_s);
    }

private Q_SLOTS:
    void initTestCase()
    {
        testutils::isolateSettings();
        qputenv("ROOFLINE_LAB_PLUGIN_DIR", testutils::pluginDir().toLocal8Bit());
        m_registry = std::make_shared<const roofline::HardwareRegistry>(roofline::HardwareRegistry::presets());
    }

    void testMissingPluginSaysWhere()
    {
        BenchmarkTab tab(m_registry);
        QSignalSpy probed(&tab, &BenchmarkTab::deviceStatusChanged);
        tab.probe(QStringLiteral("/nonexistent/libroofline_nothing.so"));
        QVERIFY(probed.wait(30000));
        QVERIFY(tab.lastProbe());
        QVERIFY(!tab.lastProbe()->device);
        QVERIFY2(tab.lastProbe()->problem.contains(QStringLiteral("/nonexistent/libroofline_nothing.so")),
                 qPrintable(tab.lastProbe()->problem));
        QVERIFY(probed.at(0).at(0).toString().startsWith(QStringLiteral("No benchmark device")));
        QVERIFY(!tab.runButton()->isEnabled());
        QVERIFY(!tab.startRun());
        QVERIFY(!tab.lastError().isEmpty());
        testutils::closeErrorBoxes(&tab);
    }

    void testProbeFindsCpuPlugin()
    {
        requirePlugin();
        auto tab = probedTab();
        QVERIFY(tab);
        const roofline::DeviceInfo& device = *tab->lastProbe()->device;
        QCOMPARE(device.backend, std::string("cpu"));
        QVERIFY(device.multiprocessor_count > 0);
        const QString panel = tab->findChild<QLabel*>(QStringLiteral("deviceInfo"))->text();
        QVERIFY2(panel.contains(QString::fromStdString(device.name).toHtmlEscaped()), qPrintable(panel));
        QVERIFY(tab->runButton()->isEnabled());
    }

    void testStaleProbeIsDropped()
    {
        requirePlugin();
        BenchmarkTab tab(m_registry);
        QSignalSpy probed(&tab, &BenchmarkTab::deviceStatusChanged);
        tab.probe(testutils::cpuPluginFile());
        tab.probe(QStringLiteral("/nonexistent/libroofline_nothing.so")); // supersedes the first
        QVERIFY(probed.wait(30000));
        QTest::qWait(200);
        QCOMPARE(probed.count(), 1); // the first job's answer came back too, and was dropped
        QVERIFY(!tab.lastProbe()->device);
    }

    void testRunOnWorkerThread()
    {
        requirePlugin();
        auto tab = probedTab();
        QVERIFY(tab);
        setSmallPlan(tab->planEditor(), QStringLiteral("256x256; 512x512"), QStringLiteral("64x64x64; 128x128x128"), 0.1);
        const int total = tab->planEditor()->caseCount();
        QCOMPARE(total, 12);

        QSignalSpy finished(tab.get(), &BenchmarkTab::runFinished);
        TickWatch watch;
        QElapsedTimer clock;
        clock.start();
        QVERIFY(tab->startRun());
        QVERIFY(tab->isRunning());
        QVERIFY(!tab->runButton()->isEnabled());
        QVERIFY(tab->cancelButton()->isEnabled());
        QVERIFY(finished.wait(120000));
        const qint64 run_ms = clock.elapsed();

        const auto results = finished.at(0).at(0).value<roofline::MeasurementSet>();
        QCOMPARE(finished.at(0).at(1).toBool(), false);
        QCOMPARE(static_cast<int>(results.rows.size()), total);
        QCOMPARE(tab->model()->finishedCount(), total);
        QCOMPARE(tab->progressBar()->value(), total);
        int ok = 0, unsupported = 0;
        for (int row = 0; row < total; ++row) {
            const QString status = tab->model()->index(row, BenchmarkResultsModel::StatusColumn).data().toString();
            ok += status == QStringLiteral("ok");
            unsupported += status == QStringLiteral("unsupported");
            if (status == QStringLiteral("unsupported"))
                QVERIFY(!tab->model()->index(row, BenchmarkResultsModel::NoteColumn).data().toString().isEmpty());
        }
        QCOMPARE(ok, 8);          // FP32 and FP64 run on the host BLAS
        QCOMPARE(unsupported, 4); // FP16 does not, and says why
        QVERIFY(tab->validateButton()->isEnabled());

        // Saved to the run file as it went; the file is a whole results JSON.
        QVERIFY(QFileInfo::exists(tab->runFile()));
        QVERIFY(tab->runFile().startsWith(QString::fromStdString(roofline::user_data_dir().string())));
        const roofline::MeasurementSet saved = roofline::load_measurements(tab->runFile().toStdString());
        QCOMPARE(saved.rows.size(), results.rows.size());

        // The GUI thread kept serving its timer all along: the run was not on it.
        QVERIFY2(watch.ticks() > run_ms / 5 / 4, qPrintable(QStringLiteral("%1 ticks in %2 ms").arg(watch.ticks()).arg(run_ms)));
        QVERIFY2(watch.longestGap_ms() < 1000, qPrintable(QStringLiteral("UI stalled %1 ms").arg(watch.longestGap_ms())));

        // Measured triangles on the chart, one per case that ran.
        int measured = 0;
        for (const ChartPoint& p : tab->chart()->points())
            measured += p.measured_tflops.has_value();
        QCOMPARE(measured, ok);

        QSignalSpy validate(tab.get(), &BenchmarkTab::validateRequested);
        QTest::mouseClick(tab->validateButton(), Qt::LeftButton);
        QCOMPARE(validate.count(), 1);
    }

    void testCancelStopsAfterCurrentSample()
    {
        requirePlugin();
        auto tab = probedTab();
        QVERIFY(tab);
        // Eight cases that each sample for their whole two seconds (no spread reached, no sample limit hit), far
        // longer than the test waits.
        roofline::BenchPlan plan = roofline::smoke_plan();
        plan.cases.clear();
        const std::vector<roofline::KernelShape> shapes = {roofline::GemvShape{1024, 1024}, roofline::GemvShape{2048, 2048},
                                                           roofline::GemmShape{256, 256, 256}, roofline::GemmShape{512, 512, 512}};
        for (const roofline::KernelShape& shape : shapes) {
            for (Precision p : {Precision::FP32, Precision::FP64})
                plan.cases.push_back({shape, p});
        }
        plan.time_budget_per_case_s = 2.0;
        plan.target_rel_spread = 1e-12;
        plan.max_samples = 100000000;
        tab->planEditor()->setPlan(plan);
        const int total = tab->planEditor()->caseCount();
        QCOMPARE(total, 8);
        QSignalSpy finished(tab.get(), &BenchmarkTab::runFinished);
        QVERIFY(tab->startRun());
        QTRY_VERIFY_WITH_TIMEOUT(tab->model()->state(0) == BenchmarkResultsModel::CaseState::Running, 30000);
        // Each finished case is on disk before the run ends.
        QTRY_VERIFY_WITH_TIMEOUT(tab->model()->finishedCount() >= 1, 30000);
        QVERIFY(tab->isRunning());
        QVERIFY(QFileInfo::exists(tab->runFile()));
        QVERIFY(roofline::load_measurements(tab->runFile().toStdString()).rows.size() >= 1);
        QTRY_VERIFY_WITH_TIMEOUT(tab->progressBar()->format().contains(QStringLiteral(" left")), 5000);
        QVERIFY2(QRegularExpression(QStringLiteral("^case [2-8]/8 · about .* left$")).match(tab->progressBar()->format()).hasMatch(),
                 qPrintable(tab->progressBar()->format()));
        // Cancelled inside the second case, not in the moment after the first (the run would just stop there,
        // with no case to mark cancelled).
        QTRY_VERIFY_WITH_TIMEOUT(tab->model()->state(1) == BenchmarkResultsModel::CaseState::Running, 30000);
        QElapsedTimer sinceCancel;
        sinceCancel.start();
        QTest::mouseClick(tab->cancelButton(), Qt::LeftButton);
        QVERIFY(!tab->cancelButton()->isEnabled());
        QVERIFY(finished.wait(30000));
        QVERIFY2(sinceCancel.elapsed() < 3000 * roofline_test::emulationSlowdown(),
                 qPrintable(QStringLiteral("%1 ms to stop").arg(sinceCancel.elapsed())));
        QCOMPARE(finished.at(0).at(1).toBool(), true);
        const auto results = finished.at(0).at(0).value<roofline::MeasurementSet>();
        QVERIFY(static_cast<int>(results.rows.size()) < total);
        QVERIFY(results.rows.size() >= 2);
        QCOMPARE(results.rows.back().status, roofline::RowStatus::Cancelled);
        QCOMPARE(tab->model()->index(total - 1, BenchmarkResultsModel::StatusColumn).data().toString(), QStringLiteral("not run"));
        QVERIFY(!tab->isRunning());
        QVERIFY(tab->runButton()->isEnabled());
        const roofline::MeasurementSet saved = roofline::load_measurements(tab->runFile().toStdString());
        QCOMPARE(saved.rows.size(), results.rows.size());
    }

    void testDestroyWhileRunning()
    {
        requirePlugin();
        auto tab = probedTab();
        QVERIFY(tab);
        setSmallPlan(tab->planEditor(), QStringLiteral("1024x1024"), QStringLiteral("256x256x256"), 5.0);
        QVERIFY(tab->startRun());
        QTRY_VERIFY_WITH_TIMEOUT(tab->model()->state(0) == BenchmarkResultsModel::CaseState::Running, 30000);
        QElapsedTimer clock;
        clock.start();
        tab.reset(); // stop(); quit(); wait();
        QVERIFY2(clock.elapsed() < 3000 * roofline_test::emulationSlowdown(),
                 qPrintable(QStringLiteral("%1 ms to shut down").arg(clock.elapsed())));
    }

    void testBadPlanIsReported()
    {
        BenchmarkTab tab(m_registry);
        tab.planEditor()->shapesEdit(KernelType::GEMM)->setText(QStringLiteral("4096x4096"));
        QCOMPARE(tab.planEditor()->caseCount(), -1);
        QVERIFY(!tab.startRun());
        QVERIFY2(tab.lastError().contains(QStringLiteral("shapes gemm")), qPrintable(tab.lastError()));
        testutils::closeErrorBoxes(&tab);
    }

    // The plan editor offers attention and FFN: the llm preset is the core's plan as it stands until edited; an
    // edited shape keeps its flags and its own cache mode.
    void testPlanEditorOffersAttentionAndFfn()
    {
        PlanEditor editor;
        QVERIFY(editor.kernelBox(KernelType::Attention) && editor.kernelBox(KernelType::FFN));
        editor.loadPreset(QStringLiteral("llm"));
        QCOMPARE(editor.plan().cases, roofline::llm_plan().cases);
        QVERIFY(editor.shapesEdit(KernelType::Attention)->text().contains(QStringLiteral(",causal,window 128")));
        QVERIFY(editor.shapesEdit(KernelType::FFN)->text().contains(QStringLiteral(",warm")));

        editor.loadPreset(QStringLiteral("smoke"));
        editor.kernelBox(KernelType::GEMV)->setChecked(false);
        editor.kernelBox(KernelType::GEMM)->setChecked(false);
        editor.kernelBox(KernelType::Attention)->setChecked(true);
        editor.shapesEdit(KernelType::Attention)->setText(QStringLiteral("1x64x8x4096x4096x64,causal,window 128; 4x32x8x1x2048x128,warm"));
        editor.kernelBox(KernelType::FFN)->setChecked(true);
        editor.shapesEdit(KernelType::FFN)->setText(QStringLiteral("16x4096x14336,plain"));
        for (Precision p : roofline::kAllPrecisions)
            editor.precisionBox(p)->setChecked(p == Precision::BF16);
        const roofline::BenchPlan plan = editor.plan();
        QCOMPARE(plan.cases.size(), std::size_t(3));
        QVERIFY(plan.cases[0].shape == roofline::KernelShape(roofline::AttentionShape{1, 64, 8, 4096, 4096, 64, true, 128}));
        QCOMPARE(plan.cases[1].cache, std::optional<roofline::CacheMode>(roofline::CacheMode::Warm));
        QVERIFY(plan.cases[2].shape == roofline::KernelShape(roofline::FfnShape{16, 4096, 14336, false}));
        QCOMPARE(plan.cases[2].precision, Precision::BF16);
    }
};

QTEST_MAIN(TestBenchmarkTab)
#include "tst_benchmarktab.moc"
