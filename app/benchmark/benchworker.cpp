#include "benchmark/benchworker.h"

#include "shared/textconv.h"

#include "roofline/hardware/device_match.h"
#include "roofline/plugin_host/plugin_choice.h"

#include <QFileInfo>
#include <QThread>

#ifdef __linux__
#include <sys/resource.h>
#include <unistd.h>
#endif

namespace {

QString joinDirs(const std::vector<std::filesystem::path>& dirs)
{
    QStringList out;
    for (const auto& d : dirs)
        out << toQString(d.string());
    return out.join(QStringLiteral(", "));
}

} // namespace

QString PluginProbe::statusLine() const
{
    if (device)
        return QObject::tr("Plugin %1 %2 · %3").arg(pluginName, pluginVersion, toQString(device->summary()));
    return QObject::tr("No benchmark device: %1").arg(problem);
}

BenchWorker::BenchWorker(QObject* parent)
    : QObject(parent)
{
    qRegisterMetaType<PluginProbe>();
    qRegisterMetaType<roofline::BenchCase>();
    qRegisterMetaType<roofline::BenchPlan>();
    qRegisterMetaType<roofline::CaseOutcome>();
    qRegisterMetaType<roofline::MeasurementSet>();
}

BenchWorker::~BenchWorker()
{
    // Closes the device, and with it the worker process it runs in.
    m_device.reset();
}

void BenchWorker::stop()
{
    m_stop.store(true);
}

void BenchWorker::prepareRun()
{
    m_stop.store(false);
}

void BenchWorker::lowerThreadPriority()
{
#ifdef __linux__
    // On Linux, nice is per thread and inherited by the threads it creates: a plugin's thread pool (OpenBLAS
    // starts its own when loaded) then yields to the GUI thread instead of starving it on a small machine. An
    // idle GUI takes nothing from the benchmark. QThread::setPriority() does nothing under SCHED_OTHER.
    if (!m_priorityLowered) {
        m_priorityLowered = true;
        setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), 10);
    }
#endif
}

void BenchWorker::probe(quint64 jobId, const QString& pluginFile)
{
    Q_ASSERT(QThread::currentThread() == thread());
    lowerThreadPriority();
    m_device.reset();
    PluginProbe result;

    std::vector<std::filesystem::path> candidates;
    if (!pluginFile.isEmpty()) {
        candidates.push_back(pluginFile.toStdString());
    } else {
        candidates = roofline::plugins_by_preference();
        if (candidates.empty()) {
            result.problem = tr("plugin not found — looked in %1").arg(joinDirs(roofline::plugin_search_dirs()));
            m_probe = result;
            Q_EMIT probed(jobId, result);
            return;
        }
    }

    // Each candidate is opened in a roofline-worker process: a plugin that crashes while it loads or opens its
    // device (a broken driver) costs that candidate, not the app.
    for (const auto& file : candidates) {
        try {
            auto device = roofline::Device::open_in_worker(file, 0);
            result.pluginFile = toQString(device->plugin_path().string());
            result.pluginName = toQString(device->info().plugin_name);
            result.pluginVersion = toQString(device->info().plugin_version);
            result.device = device->info();
            result.hardwareKey = toQString(roofline::guess_hardware_key(device->info()));
            result.problem.clear();
            m_device = std::move(device);
            break;
        } catch (const std::exception& e) {
            result.notes << toQString(e.what());
            if (result.problem.isEmpty())
                result.problem = toQString(e.what());
        }
    }
    if (!m_device && result.problem.isEmpty())
        result.problem = tr("no plugin could open a device");
    m_probe = result;
    Q_EMIT probed(jobId, result);
}

void BenchWorker::run(quint64 jobId, const roofline::BenchPlan& plan, const QString& hardwareKey)
{
    Q_ASSERT(QThread::currentThread() == thread());
    if (!m_device) {
        Q_EMIT runFailed(jobId, m_probe ? m_probe->statusLine() : tr("No benchmark device is open."));
        return;
    }
    try {
        const std::filesystem::path file = roofline::new_run_file(m_device->info().plugin_name.empty()
                                                                      ? m_device->info().backend
                                                                      : m_device->info().plugin_name);
        roofline::BenchRunner runner(*m_device, plan, hardwareKey.toStdString(), file);
        Q_EMIT runStarted(jobId, toQString(file.string()), static_cast<int>(plan.cases.size()));
        roofline::RunCallbacks callbacks;
        callbacks.case_started = [this, jobId](std::size_t index, std::size_t total, const roofline::BenchCase& c) {
            Q_EMIT caseStarted(jobId, static_cast<int>(index), static_cast<int>(total), c);
        };
        callbacks.case_finished = [this, jobId](const roofline::CaseOutcome& outcome) { Q_EMIT caseFinished(jobId, outcome); };
        roofline::MeasurementSet results = runner.run(m_stop, callbacks);
        Q_EMIT runFinished(jobId, results, m_stop.load());
    } catch (const std::exception& e) {
        Q_EMIT runFailed(jobId, toQString(e.what()));
    }
}
