#include "benchmark/benchmarktab.h"

#include "benchmark/benchmarkresultsmodel.h"
#include "shared/chartpoint.h"
#include "shared/devicenote.h"
#include "shared/errormessage.h"
#include "shared/exporters.h"
#include "shared/filedialogs.h"
#include "shared/hardwarecombobox.h"
#include "shared/htmltable.h"
#include "benchmark/planeditor.h"
#include "shared/resultsview.h"
#include "shared/rooflinechart.h"
#include "shared/settings.h"
#include "shared/sidepanel.h"
#include "shared/textconv.h"

#include "roofline/support/errors.h"
#include "roofline/results/validation.h"

#include <QCheckBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>


BenchmarkTab::BenchmarkTab(std::shared_ptr<const roofline::HardwareRegistry> registry, QWidget* parent)
    : Page(parent)
    , m_registry(std::move(registry))
    , m_worker(new BenchWorker)
    , m_model(new BenchmarkResultsModel(this))
{
    startWorker();
    QScrollArea* scroll = wrapSidePanel(stackBoxes({buildDeviceBox(), buildPlanBox(), buildRunBox()}), 500, this);
    m_view = new ResultsView(m_model, BenchmarkResultsModel::SortRole, this);
    m_view->table()->setObjectName(QStringLiteral("benchmarkTable"));
    m_view->chart()->setObjectName(QStringLiteral("benchmarkChart"));
    setPanelAndContent(scroll, m_view);

    m_ticker = new QTimer(this);
    m_ticker->setInterval(500); // the time-left estimate moves while a long case runs
    connectControls();
    updateChart();
    updateButtons();
}

void BenchmarkTab::startWorker()
{
    m_thread.setObjectName(QStringLiteral("BenchWorker"));
    m_worker->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    connect(m_worker, &BenchWorker::probed, this, &BenchmarkTab::onProbed);
    connect(m_worker, &BenchWorker::runStarted, this, &BenchmarkTab::onRunStarted);
    connect(m_worker, &BenchWorker::caseStarted, this, &BenchmarkTab::onCaseStarted);
    connect(m_worker, &BenchWorker::caseFinished, this, &BenchmarkTab::onCaseFinished);
    connect(m_worker, &BenchWorker::runFailed, this, &BenchmarkTab::onRunFailed);
    connect(m_worker, &BenchWorker::runFinished, this, &BenchmarkTab::onRunFinished);
    m_thread.start();
}

QGroupBox* BenchmarkTab::buildDeviceBox()
{
    auto* box = new QGroupBox(tr("Plugin and device"));
    auto* layout = new QVBoxLayout(box);
    m_deviceLabel = new QLabel(tr("Looking for a plugin…"), box);
    m_deviceLabel->setObjectName(QStringLiteral("deviceInfo"));
    m_deviceLabel->setWordWrap(true);
    m_deviceLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_problemLabel = new QLabel(box);
    m_problemLabel->setObjectName(QStringLiteral("deviceProblem"));
    m_problemLabel->setWordWrap(true);
    m_problemLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_problemLabel->setStyleSheet(QStringLiteral("color: #b00020;"));
    m_problemLabel->hide();
    auto* pluginButtons = new QHBoxLayout;
    m_choosePlugin = new QPushButton(tr("Choose plugin &file…"), box);
    m_rescan = new QPushButton(tr("&Search again"), box);
    m_rescan->setToolTip(tr("Look for plugins in the usual folders again"));
    m_choosePlugin->setToolTip(tr("Load a plugin file (libroofline_*.so) from anywhere"));
    pluginButtons->addWidget(m_choosePlugin);
    pluginButtons->addWidget(m_rescan);
    pluginButtons->addStretch();
    layout->addWidget(m_deviceLabel);
    layout->addWidget(m_problemLabel);
    layout->addLayout(pluginButtons);
    return box;
}

QGroupBox* BenchmarkTab::buildPlanBox()
{
    auto* box = new QGroupBox(tr("Plan"));
    auto* layout = new QVBoxLayout(box);
    m_plan = new PlanEditor(box);
    layout->addWidget(m_plan);
    auto* hardwareForm = new QFormLayout;
    hardwareForm->setContentsMargins(0, 0, 0, 0);
    m_hardware = new HardwareComboBox(m_registry, box);
    m_hardware->setObjectName(QStringLiteral("hardware"));
    m_hardware->selectPreferred(nullptr);
    m_hardware->setToolTip(tr("The hardware profile the results are labelled with and compared against"));
    hardwareForm->addRow(tr("&Predict with"), m_hardware);
    layout->addLayout(hardwareForm);
    m_deviceNote = new DeviceNote(false, box);
    layout->addWidget(m_deviceNote);
    connect(m_deviceNote, &DeviceNote::switchProfileRequested, m_hardware, &HardwareComboBox::setCurrentKey);
    return box;
}

QGroupBox* BenchmarkTab::buildRunBox()
{
    auto* box = new QGroupBox(tr("Run"));
    auto* layout = new QVBoxLayout(box);
    auto* runButtons = new QHBoxLayout;
    m_run = new QPushButton(tr("&Run"), box);
    m_run->setObjectName(QStringLiteral("run"));
    m_cancel = new QPushButton(tr("&Cancel"), box);
    m_cancel->setObjectName(QStringLiteral("cancel"));
    runButtons->addWidget(m_run);
    runButtons->addWidget(m_cancel);
    runButtons->addStretch();
    layout->addLayout(runButtons);
    m_progress = new QProgressBar(box);
    m_progress->setObjectName(QStringLiteral("progress"));
    m_progress->setRange(0, 1);
    m_progress->setValue(0);
    m_progress->setFormat(tr("idle"));
    layout->addWidget(m_progress);
    m_runStatus = new QLabel(box);
    m_runStatus->setObjectName(QStringLiteral("runStatus"));
    m_runStatus->setWordWrap(true);
    m_runStatus->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_runStatus);
    m_validateResults = new QPushButton(tr("&Validate these results"), box);
    m_validateResults->setObjectName(QStringLiteral("validateResults"));
    layout->addWidget(m_validateResults);
    return box;
}

void BenchmarkTab::connectControls()
{
    connect(m_ticker, &QTimer::timeout, this, &BenchmarkTab::updateProgress);
    connect(m_run, &QPushButton::clicked, this, &BenchmarkTab::startRun);
    connect(m_cancel, &QPushButton::clicked, this, &BenchmarkTab::cancelRun);
    connect(m_rescan, &QPushButton::clicked, this, [this] {
        // Back to the usual folders: a plugin file picked by hand earlier may be the one that is gone.
        Settings::setPluginFile(QString());
        probe();
    });
    connect(m_choosePlugin, &QPushButton::clicked, this, &BenchmarkTab::choosePluginFile);
    connect(m_validateResults, &QPushButton::clicked, this, [this] {
        if (m_results)
            Q_EMIT validateRequested(*m_results);
    });
    connect(m_plan, &PlanEditor::planChanged, this, [this] {
        updateButtons();
        if (!m_running && m_partial.rows.empty())
            updateChart();
    });
    connect(m_hardware, &HardwareComboBox::hardwareChanged, this, [this] {
        updateChart();
        m_deviceNote->showFor(m_probe && m_probe->device ? &*m_probe->device : nullptr, m_hardware->currentSpec());
    });
}

BenchmarkTab::~BenchmarkTab()
{
    // The run loop polls the flag between samples, so quit() is served within one sample.
    m_worker->stop();
    m_thread.quit();
    m_thread.wait();
}

void BenchmarkTab::probe(const QString& pluginFile)
{
    if (m_running)
        return;
    m_probing = true;
    const quint64 jobId = ++m_jobId;
    m_deviceLabel->setText(tr("Looking for a plugin…"));
    m_problemLabel->hide();
    updateButtons();
    QMetaObject::invokeMethod(m_worker, [worker = m_worker, jobId, pluginFile] { worker->probe(jobId, pluginFile); },
                              Qt::QueuedConnection);
}

void BenchmarkTab::choosePluginFile()
{
    const QString path = FileDialogs::askOpenPath(this, Settings::Folder::Plugin, tr("Choose a benchmark plugin"),
                                                  tr("Roofline Lab plugins (libroofline_*.so);;Shared objects (*.so)"));
    if (path.isEmpty())
        return;
    Settings::setPluginFile(path);
    probe(path);
}

bool BenchmarkTab::isCurrentJob(quint64 jobId) const
{
    Q_ASSERT(QThread::currentThread() == thread()); // the worker's signals arrive queued
    return jobId == m_jobId;
}

void BenchmarkTab::onProbed(quint64 jobId, const PluginProbe& probe)
{
    if (!isCurrentJob(jobId))
        return;
    m_probing = false;
    m_probe = probe;
    if (probe.device) {
        const roofline::DeviceInfo& d = *probe.device;
        const bool cpu = d.backend == "cpu";
        auto row = [](const QString& name, const QString& value) { return htmlRow(name, value.toHtmlEscaped(), 10); };
        QString html = QStringLiteral("<table>");
        html += row(tr("Plugin"), probe.pluginName + QStringLiteral(" ") + probe.pluginVersion);
        html += row(tr("Device"), toQString(d.name));
        if (!cpu)
            html += row(tr("Compute capability"), toQString(d.compute_capability()));
        html += row(cpu ? tr("Cores") : tr("SMs"), QString::number(d.multiprocessor_count));
        html += row(tr("Memory"), formatBytes(d.memory_bytes));
        html += row(cpu ? tr("Last-level cache") : tr("L2 cache"), formatBytes(d.l2_cache_bytes));
        if (d.max_sm_clock_mhz > 0 || d.max_memory_clock_mhz > 0)
            html += row(tr("Clocks"), tr("%1 MHz core, %2 MHz memory").arg(d.max_sm_clock_mhz).arg(d.max_memory_clock_mhz));
        if (!d.library_version.empty())
            html += row(tr("Library"), toQString(d.library_version));
        html += QStringLiteral("</table>");
        m_deviceLabel->setText(html);
        m_deviceLabel->setToolTip(probe.pluginFile);
        m_problemLabel->setVisible(!probe.notes.isEmpty());
        m_problemLabel->setStyleSheet(QStringLiteral("color: #806000;"));
        m_problemLabel->setText(probe.notes.join(QStringLiteral("\n")));
        if (cpu) {
            if (!probe.hardwareKey.isEmpty())
                m_hardware->setCurrentKey(probe.hardwareKey);
        } else {
            m_hardware->selectPreferred(&d);
            Q_EMIT gpuDetected(d);
        }
    } else {
        m_deviceLabel->setText(tr("No device to benchmark on. The Calculator and Validation tabs work without one."));
        m_problemLabel->setStyleSheet(QStringLiteral("color: #b00020;"));
        m_problemLabel->setText(probe.problem);
        m_problemLabel->show();
    }
    m_deviceNote->showFor(probe.device ? &*probe.device : nullptr, m_hardware->currentSpec());
    updateButtons();
    Q_EMIT deviceStatusChanged(probe.statusLine());
}

bool BenchmarkTab::startRun()
{
    if (m_running || m_probing)
        return false;
    roofline::BenchPlan plan;
    try {
        plan = m_plan->plan();
    } catch (const roofline::InputError& e) {
        m_lastError = toQString(e.what());
        showError(this, tr("Cannot run"), m_lastError);
        return false;
    }
    if (plan.cases.empty()) {
        m_lastError = tr("The plan has no cases: tick a kernel and a precision.");
        showError(this, tr("Cannot run"), m_lastError);
        return false;
    }
    if (!m_probe || !m_probe->device) {
        m_lastError = m_probe ? m_probe->statusLine() : tr("Still looking for a plugin.");
        showError(this, tr("Cannot run"), m_lastError);
        return false;
    }
    m_lastError.clear();
    const quint64 jobId = ++m_jobId;
    m_model->setPlan(plan);
    m_partial = {};
    m_partial.hardware_key = m_hardware->currentKey().toStdString();
    m_partial.source = "running benchmark";
    m_total = static_cast<int>(plan.cases.size());
    m_currentIndex = -1;
    m_runClock.start();
    m_runStatus->setText(tr("Starting…"));
    setRunning(true);
    updateChart();
    m_worker->prepareRun();
    QMetaObject::invokeMethod(
        m_worker, [worker = m_worker, jobId, plan, key = m_hardware->currentKey()] { worker->run(jobId, plan, key); },
        Qt::QueuedConnection);
    return true;
}

void BenchmarkTab::cancelRun()
{
    if (!m_running)
        return;
    m_worker->stop();
    m_cancel->setEnabled(false);
    m_runStatus->setText(tr("Cancelling after the current sample…"));
}

void BenchmarkTab::onRunStarted(quint64 jobId, const QString& runFile, int total)
{
    if (!isCurrentJob(jobId))
        return;
    m_runFile = runFile;
    m_total = total;
    m_runStatus->setText(tr("Saving each case to %1").arg(runFile));
}

void BenchmarkTab::onCaseStarted(quint64 jobId, int index, int total, const roofline::BenchCase&)
{
    if (!isCurrentJob(jobId))
        return;
    m_currentIndex = index;
    m_total = total;
    m_model->markStarted(index);
    updateProgress();
}

void BenchmarkTab::onCaseFinished(quint64 jobId, const roofline::CaseOutcome& outcome)
{
    if (!isCurrentJob(jobId))
        return;
    m_model->setOutcome(outcome);
    m_partial.rows.push_back(outcome.measurement);
    if (outcome.index == 0)
        m_view->table()->resizeColumnsToContents();
    updateProgress();
    updateChart();
}

void BenchmarkTab::onRunFailed(quint64 jobId, const QString& message)
{
    if (!isCurrentJob(jobId))
        return;
    setRunning(false);
    m_model->markUnstartedNotRun();
    m_lastError = message;
    m_runStatus->setText(tr("Run failed: %1").arg(message));
    showError(this, tr("Benchmark failed"), message);
}

void BenchmarkTab::onRunFinished(quint64 jobId, const roofline::MeasurementSet& results, bool cancelled)
{
    if (!isCurrentJob(jobId))
        return;
    m_results = results;
    setRunning(false);
    m_model->markUnstartedNotRun();
    const QString cases = countOf(static_cast<qsizetype>(results.rows.size()), tr("case"), tr("cases"));
    m_runStatus->setText((cancelled ? tr("Cancelled: %1 kept in %2") : tr("Done: %1 saved to %2")).arg(cases, m_runFile));
    m_partial = results;
    m_view->table()->resizeColumnsToContents();
    updateChart();
    Q_EMIT runFinished(results, cancelled);
}

void BenchmarkTab::setRunning(bool running)
{
    m_running = running;
    if (running) {
        m_ticker->start();
    } else {
        m_ticker->stop();
        m_currentIndex = -1;
    }
    updateProgress();
    updateButtons();
}

void BenchmarkTab::updateButtons()
{
    const bool device = m_probe && m_probe->device;
    m_run->setEnabled(!m_running && !m_probing && device && m_plan->caseCount() > 0);
    m_cancel->setEnabled(m_running);
    m_plan->setEnabled(!m_running);
    m_rescan->setEnabled(!m_running && !m_probing);
    m_choosePlugin->setEnabled(!m_running && !m_probing);
    m_validateResults->setEnabled(!m_running && m_results && !m_results->rows.empty());
}

void BenchmarkTab::updateProgress()
{
    if (!m_running) {
        if (m_total > 0) {
            m_progress->setRange(0, m_total);
            m_progress->setValue(m_model->finishedCount());
            m_progress->setFormat(tr("%1 of %2 cases").arg(m_model->finishedCount()).arg(m_total));
        }
        return;
    }
    const int done = m_model->finishedCount();
    m_progress->setRange(0, std::max(1, m_total));
    m_progress->setValue(done);
    const double elapsed_s = m_runClock.elapsed() / 1000.0;
    // Until a case has finished, the plan's budget is the best guess of a case's length.
    const double perCase_s = done > 0 ? elapsed_s / done : m_plan->budgetBox()->value();
    const double left_s = std::max(0.0, perCase_s * (m_total - done) - (done > 0 ? 0.0 : elapsed_s));
    m_progress->setFormat(tr("case %1/%2 · about %3 left")
                              .arg(std::min(m_total, std::max(done, m_currentIndex) + 1))
                              .arg(m_total)
                              .arg(formatDuration(left_s)));
}

void BenchmarkTab::updateChart()
{
    RooflineChart* chart = m_view->chart();
    const roofline::HardwareSpec* hw = m_hardware->currentSpec();
    chart->setHardware(hw ? std::optional(*hw) : std::nullopt);
    // Before anything ran, the roofs of the plan's precisions show what the run will be held against.
    std::set<roofline::Precision> planned;
    for (roofline::Precision p : roofline::kAllPrecisions) {
        if (m_plan->precisionBox(p)->isChecked() && hw && hw->peak_tflops_for(p))
            planned.insert(p);
    }
    chart->setRoofPrecisions(planned);
    if (!chart->selectedPrecision() && !planned.empty())
        chart->setSelectedPrecision(*planned.begin());
    if (!hw || m_partial.rows.empty()) {
        chart->setPoints({});
        return;
    }
    const roofline::ValidationReport report = roofline::validate(*hw, m_partial, roofline::Mode::Realistic);
    std::vector<ChartPoint> points;
    std::set<roofline::KernelType> kernels;
    for (std::size_t i = 0; i < report.rows.size(); ++i) {
        kernels.insert(report.rows[i].measurement.kernel());
        if (auto point = chartPointFor(report.rows[i], report.mode, static_cast<int>(i)))
            points.push_back(std::move(*point));
    }
    if (!chart->selectedPrecision() && !points.empty())
        chart->setSelectedPrecision(points.front().precision);
    chart->setRealisticKernels(kernels);
    chart->setPoints(std::move(points));
}

std::string BenchmarkTab::csv() const
{
    return Exporters::modelToCsv(*m_model);
}

QImage BenchmarkTab::exportImage(qreal scale) const
{
    return Exporters::render(m_view->chart(), QString(), scale);
}
