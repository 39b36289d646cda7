#include "roofline/benchmarking/bench_runner.h"

#include "roofline/support/errors.h"
#include "roofline/workloads/ggml_types.h"
#include "roofline/hardware/hardware_registry.h"
#include "roofline/abi/plugin_abi_rules.h"

#include <cerrno>
#include <cmath>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <unistd.h>

namespace roofline {

namespace fs = std::filesystem;

namespace {

RowStatus row_status(rl_status status)
{
    switch (status) {
    case RL_STATUS_OK: return RowStatus::Ok;
    case RL_STATUS_UNSUPPORTED: return RowStatus::Unsupported;
    case RL_STATUS_SKIPPED: return RowStatus::Skipped;
    case RL_STATUS_CANCELLED: return RowStatus::Cancelled;
    case RL_STATUS_WRONG_RESULT: return RowStatus::WrongResult;
    case RL_STATUS_FAILED:
    case RL_STATUS_NO_DEVICE:
    case RL_STATUS_INVALID_ARGUMENT: break;
    }
    return RowStatus::Failed;
}

// The cuDNN that ran an attention case and the engine its heuristics chose (ABI 3; an older plugin leaves them unset).
void record_cudnn(Measurement& m, const rl_result& r)
{
    if (r.cudnn_version > 0)
        m.extra["cudnn_version"] = cudnn_version_text(r.cudnn_version);
    if (r.engine_id >= 0)
        m.extra["engine_id"] = r.engine_id;
}

// The work of a case whose weights (or KV cache, or table) are a ggml type: the rest moves at the precision's bytes.
Workload case_workload(const BenchCase& c)
{
    if (!c.ggml_weights)
        return workload(c.shape, c.precision);
    OperandBytes bytes = operand_bytes(c.precision);
    const double per_element = find_ggml_type(*c.ggml_weights)->bytes_per_element();
    if (kernel_of(c.shape) == KernelType::Attention)
        bytes.cache = per_element;
    else
        bytes.weight = per_element;
    return workload(c.shape, bytes);
}

// An engine plugin's op (ABI 4): which engine, op and kernel path ran, and how many ops a timed graph held.
void record_engine(Measurement& m, const rl_result& r)
{
    if (r.engine[0])
        m.extra["engine"] = abi::read_text(r.engine, sizeof r.engine);
    if (r.op[0])
        m.extra["op"] = abi::read_text(r.op, sizeof r.op);
    if (r.kernel_path[0])
        m.extra["kernel_path"] = abi::read_text(r.kernel_path, sizeof r.kernel_path);
    if (r.graph_ops > 0)
        m.extra["graph_ops"] = r.graph_ops;
}

} // namespace

BenchRunner::BenchRunner(Device& device, BenchPlan plan, std::string hardware_key, fs::path output_file)
    : device_(device), plan_(std::move(plan)), hardware_key_(std::move(hardware_key)), output_file_(std::move(output_file))
{
}

Measurement BenchRunner::run_case(const BenchCase& c, const std::atomic<bool>& stop)
{
    Measurement m;
    m.shape = c.shape;
    m.precision = c.precision;
    m.cache_mode = std::string(to_string(plan_.cache_of(c)));
    const Workload work = case_workload(c);
    m.ai = static_cast<double>(work.flops) / work.bytes;
    if (c.ggml_weights)
        m.extra["weights"] = std::string(find_ggml_type(*c.ggml_weights)->name);

    const rl_case request = to_rl_case(c, plan_);
    const Device::Support support = device_.supports(request);
    if (!support.ok()) {
        m.status = row_status(support.status);
        m.reason = support.reason.empty() ? std::string(to_string(m.status)) : support.reason;
        return m;
    }

    const rl_result r = device_.run(request, [&stop] { return stop.load(std::memory_order_relaxed); });
    // A plugin that does not know the weights' format ran the case in its precision: not this case.
    if (c.ggml_weights && r.status == RL_STATUS_OK
        && (r.weight_format != RL_WEIGHT_FORMAT_GGML || r.weight_type != *c.ggml_weights)) {
        m.status = RowStatus::Unsupported;
        m.reason = "the plugin does not run weights of a ggml type (it ran the case's precision; use --plugin ggml)";
        return m;
    }
    m.status = row_status(static_cast<rl_status>(r.status));
    if (m.status != RowStatus::Ok)
        m.reason = r.message;
    if (r.samples > 0 && r.median_time_us > 0 && (m.status == RowStatus::Ok || m.status == RowStatus::Cancelled)) {
        m.measured_time_us = r.median_time_us;
        const double seconds = r.median_time_us * 1e-6;
        m.measured_tflops = static_cast<double>(work.flops) / seconds / 1e12;
        m.measured_bandwidth_gb_s = work.bytes / seconds / 1e9;
        m.extra["min_time_us"] = r.min_time_us;
        m.extra["max_time_us"] = r.max_time_us;
        m.extra["mean_time_us"] = r.mean_time_us;
        m.extra["stdev_time_us"] = r.stdev_time_us;
        m.extra["rel_spread"] = r.mean_time_us > 0 ? r.stdev_time_us / r.mean_time_us : 0.0;
    }
    m.extra["samples"] = r.samples;
    if (r.sm_clock_mhz > 0)
        m.extra["sm_clock_mhz"] = r.sm_clock_mhz;
    m.extra["throttled"] = r.throttled != 0;
    m.extra["verified"] = r.verified != 0;
    if (r.verified || r.status == RL_STATUS_WRONG_RESULT) {
        m.extra["max_rel_error"] = r.max_rel_error;
        m.extra["tolerance"] = r.tolerance;
    }
    if (r.algorithm[0])
        m.extra["algorithm"] = std::string(r.algorithm);
    record_cudnn(m, r);
    record_engine(m, r);
    // An ABI 1 plugin leaves the config fields at empty_result()'s "unknown": its text may still say what ran.
    m.gemm_config = gemm_config_from_result(r);
    if (!m.gemm_config.known() && r.algorithm[0])
        m.gemm_config = parse_algorithm_text(r.algorithm).value_or(GemmConfig{});
    if (m.status == RowStatus::Ok && r.message[0])
        m.extra["note"] = std::string(r.message);
    return m;
}

MeasurementSet BenchRunner::run(const std::atomic<bool>& stop, const RunCallbacks& callbacks)
{
    MeasurementSet set;
    set.hardware_key = hardware_key_;
    set.source = output_file_.empty() ? std::string("benchmark run") : output_file_.string();
    set.meta = make_meta(device_.info().to_json());
    set.meta["plan"] = plan_.name;
    set.meta["cache_mode"] = std::string(to_string(plan_.cache_mode));
    set.meta["cases_planned"] = plan_.cases.size();
    set.meta["complete"] = false;

    auto save = [&] {
        if (!output_file_.empty())
            write_file_atomically(output_file_, measurements_to_json(set));
    };

    const std::size_t total = plan_.cases.size();
    bool cancelled = false;
    for (std::size_t i = 0; i < total && !cancelled; ++i) {
        if (stop.load() || (callbacks.stop_before_next_case && callbacks.stop_before_next_case())) {
            cancelled = true;
            break;
        }
        const BenchCase& c = plan_.cases[i];
        if (callbacks.case_started)
            callbacks.case_started(i, total, c);
        Measurement m = run_case(c, stop);
        m.row_index = set.rows.size();
        cancelled = m.status == RowStatus::Cancelled;
        set.rows.push_back(m);
        save();
        if (callbacks.case_finished)
            callbacks.case_finished(CaseOutcome{i, total, c, std::move(m)});
    }
    set.meta["complete"] = !cancelled && set.rows.size() == total;
    set.meta["finished"] = utc_timestamp_now();
    save();
    return set;
}

std::string cudnn_version_text(int32_t version)
{
    const int32_t major_unit = version >= 90000 ? 10000 : 1000;
    const int32_t major = version / major_unit, minor = version % major_unit / 100, patch = version % 100;
    return std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(patch);
}

fs::path new_run_file(std::string_view plugin_name)
{
    const fs::path dir = user_data_dir() / "runs";
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec)
        throw InputError(InputLocation{dir.string(), {}, {}, {}, {}}, "cannot create the runs folder: " + ec.message());
    const std::time_t now = std::time(nullptr);
    std::tm local{};
    localtime_r(&now, &local);
    char stamp[32];
    std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &local);
    const std::string stem = "run-" + std::string(stamp) + "-" + std::string(plugin_name);
    for (int n = 1;; ++n) {
        const fs::path file = dir / (stem + (n == 1 ? std::string() : "-" + std::to_string(n)) + ".json");
        // Created here, exclusively: two instances that start a run in the same second get a file each.
        const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        if (fd >= 0) {
            ::close(fd);
            return file;
        }
        if (errno != EEXIST)
            throw InputError(InputLocation{file.string(), {}, {}, {}, {}},
                             std::string("cannot create the run file: ") + std::strerror(errno));
    }
}

} // namespace roofline
