#pragma once

#include "roofline/benchmarking/bench_plan.h"
#include "roofline/benchmarking/bench_runner.h"
#include "roofline/results/measurements.h"
#include "roofline/plugin_host/plugin_loader.h"

#include <QMetaType>
#include <QObject>
#include <QString>
#include <QStringList>

#include <atomic>
#include <memory>
#include <optional>

// What a look for a plugin and device found: a value, so it crosses threads by copy.
struct PluginProbe {
    QString pluginFile;    // the plugin that was loaded; empty when none
    QString pluginName;    // "cuda", "cpu"
    QString pluginVersion;
    std::optional<roofline::DeviceInfo> device; // the opened device; absent with `problem` saying why
    QString problem;       // "plugin not found — looked in …", "no CUDA device: …"
    QStringList notes;     // other plugins tried and why they were passed over
    QString hardwareKey;   // the preset that matches the device, if any

    QString statusLine() const; // one line for the status bar
};

// Runs plugins on its own thread. The GUI thread calls probe() and run() through QMetaObject::invokeMethod;
// everything comes back as queued signals carrying copies, tagged with the job id the caller chose so that a
// late result of an abandoned job can be dropped. stop() is the only call made from another thread.
class BenchWorker : public QObject
{
    Q_OBJECT
public:
    explicit BenchWorker(QObject* parent = nullptr);
    ~BenchWorker() override;

    // Finds and loads a plugin (the given file, else the usual folders: CUDA first, then any other) and opens
    // its first device, which later runs use. Emits probed().
    void probe(quint64 jobId, const QString& pluginFile);
    // Runs the plan on the open device; every finished case is saved to a new run file in
    // user_data_dir()/runs at once. Emits runStarted, caseStarted/caseFinished per case, then runFinished or
    // runFailed.
    void run(quint64 jobId, const roofline::BenchPlan& plan, const QString& hardwareKey);

    // Thread-safe: the run ends after the current sample. Cleared by prepareRun().
    void stop();
    // Called from the GUI thread before queuing run(), so a Cancel pressed before the run begins still counts.
    void prepareRun();

Q_SIGNALS:
    void probed(quint64 jobId, const PluginProbe& probe);
    void runStarted(quint64 jobId, const QString& runFile, int total);
    void caseStarted(quint64 jobId, int index, int total, const roofline::BenchCase& benchCase);
    void caseFinished(quint64 jobId, const roofline::CaseOutcome& outcome);
    void runFailed(quint64 jobId, const QString& message);
    void runFinished(quint64 jobId, const roofline::MeasurementSet& results, bool cancelled);

private:
    void lowerThreadPriority();

    std::atomic<bool> m_stop{false};
    bool m_priorityLowered = false;
    std::unique_ptr<roofline::Device> m_device;
    std::optional<PluginProbe> m_probe;
};

Q_DECLARE_METATYPE(PluginProbe)
Q_DECLARE_METATYPE(roofline::BenchCase)
Q_DECLARE_METATYPE(roofline::BenchPlan)
Q_DECLARE_METATYPE(roofline::CaseOutcome)
Q_DECLARE_METATYPE(roofline::MeasurementSet)
