#pragma once

#include "benchmark/benchworker.h"

#include "roofline/hardware/hardware_registry.h"

#include <QElapsedTimer>
#include <QThread>
#include "shared/page.h"
#include "shared/resultsview.h"

#include <memory>
#include <optional>

class BenchmarkResultsModel;
class DeviceNote;
class HardwareComboBox;
class PlanEditor;
class QLabel;
class QProgressBar;
class QPushButton;
class QGroupBox;
class QTableView;
class QTimer;
class RooflineChart;

// Runs a benchmark plan through a plugin on a worker thread, shows each case as it finishes, and hands the
// results to the Validation tab.
class BenchmarkTab : public Page
{
    Q_OBJECT
public:
    explicit BenchmarkTab(std::shared_ptr<const roofline::HardwareRegistry> registry, QWidget* parent = nullptr);
    ~BenchmarkTab() override;

    // Looks for a plugin again (the given file, else the usual folders) on the worker thread.
    void probe(const QString& pluginFile = {});
    // False when a run is going or the plan cannot be read (the message says why).
    bool startRun();
    void cancelRun();
    bool isRunning() const { return m_running; }

    const std::optional<PluginProbe>& lastProbe() const { return m_probe; }
    const std::optional<roofline::MeasurementSet>& lastResults() const { return m_results; }
    QString runFile() const { return m_runFile; }
    QString lastError() const { return m_lastError; }
    std::string csv() const override;
    QString title() const override { return tr("&Benchmark"); }
    QImage exportImage(qreal scale = 2.0) const override;
    const roofline::MeasurementSet* results() const override { return m_results ? &*m_results : nullptr; }

    PlanEditor* planEditor() const { return m_plan; }
    HardwareComboBox* hardwareBox() const { return m_hardware; }
    QPushButton* runButton() const { return m_run; }
    QPushButton* cancelButton() const { return m_cancel; }
    QPushButton* validateButton() const { return m_validateResults; }
    QProgressBar* progressBar() const { return m_progress; }
    BenchmarkResultsModel* model() const { return m_model; }
    QTableView* table() const { return m_view->table(); }
    RooflineChart* chart() const { return m_view->chart(); }

Q_SIGNALS:
    void deviceStatusChanged(const QString& line);
    // A plugin opened a GPU: the views open on its profile (HardwareComboBox::selectPreferred).
    void gpuDetected(const roofline::DeviceInfo& device);
    void runFinished(const roofline::MeasurementSet& results, bool cancelled);
    void validateRequested(const roofline::MeasurementSet& results);

private:
    void startWorker();
    QGroupBox* buildDeviceBox();
    QGroupBox* buildPlanBox();
    QGroupBox* buildRunBox();
    void connectControls();
    // A worker signal of the current job; anything else is a stale answer to a job since replaced.
    bool isCurrentJob(quint64 jobId) const;
    void onProbed(quint64 jobId, const PluginProbe& probe);
    void onRunStarted(quint64 jobId, const QString& runFile, int total);
    void onCaseStarted(quint64 jobId, int index, int total, const roofline::BenchCase& benchCase);
    void onCaseFinished(quint64 jobId, const roofline::CaseOutcome& outcome);
    void onRunFailed(quint64 jobId, const QString& message);
    void onRunFinished(quint64 jobId, const roofline::MeasurementSet& results, bool cancelled);
    void choosePluginFile();
    void updateButtons();
    void updateProgress();
    void updateChart();
    void setRunning(bool running);

    std::shared_ptr<const roofline::HardwareRegistry> m_registry;
    QThread m_thread;
    BenchWorker* m_worker = nullptr; // lives on m_thread, deleted when it finishes
    quint64 m_jobId = 0;             // the job whose signals are current; anything else is stale
    bool m_running = false;
    bool m_probing = false;
    std::optional<PluginProbe> m_probe;
    std::optional<roofline::MeasurementSet> m_results;
    roofline::MeasurementSet m_partial; // the cases finished so far in the current run
    QString m_runFile;
    QString m_lastError;
    QElapsedTimer m_runClock;
    int m_total = 0;
    int m_currentIndex = -1;

    QTimer* m_ticker = nullptr;
    QLabel* m_deviceLabel = nullptr;
    QLabel* m_problemLabel = nullptr;
    QPushButton* m_choosePlugin = nullptr;
    QPushButton* m_rescan = nullptr;
    PlanEditor* m_plan = nullptr;
    HardwareComboBox* m_hardware = nullptr;
    DeviceNote* m_deviceNote = nullptr;
    QPushButton* m_run = nullptr;
    QPushButton* m_cancel = nullptr;
    QProgressBar* m_progress = nullptr;
    QLabel* m_runStatus = nullptr;
    QPushButton* m_validateResults = nullptr;
    BenchmarkResultsModel* m_model = nullptr;
    ResultsView* m_view = nullptr;
};
