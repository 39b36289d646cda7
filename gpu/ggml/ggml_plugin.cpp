// The ggml plugin's ABI surface: every entry point catches everything, no exception crosses the boundary.
#include "ggml_device.h"
#include "ggml_graph.h"
#include "ggml_ops.h"
#include "host/host_info.h"
#include "host/sampler.h"

#include <ggml-cpu.h>

#include "roofline/abi/plugin_abi.h"
#include "roofline/abi/plugin_abi_rules.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>
#include <string>

struct rl_device {
    std::unique_ptr<roofline::ggml_plugin::Backend> backend;
};

namespace {

using namespace roofline::ggml_plugin;
namespace abi = roofline::abi;

constexpr int kMaxCopies = 1024;          // ops in one timed graph
constexpr double kColdFactor = 2.0;       // a cold graph's own tensors total more than this × the L2
constexpr double kMemoryShare = 0.75;     // of the device's free memory a case may take
// The arithmetic one timed graph may hold, so that a graph of small ops does not outlast the case's budget many
// times over: about 10 ms of a GPU's tensor cores, a fraction of a second of a few CPU cores.
constexpr double kGraphFlopsGpu = 1e13;
constexpr double kGraphFlopsCpu = 5e8;

std::string mb(double bytes)
{
    char text[32];
    std::snprintf(text, sizeof text, "%.1f MB", bytes / 1e6);
    return text;
}

// How many copies of the op one timed graph holds: cold, enough distinct tensors to pass kColdFactor × L2.
int copies_for(const Op& op, const Backend& b)
{
    if (op.copy_bytes <= 0)
        return 1;
    double wanted = std::floor(kColdFactor * static_cast<double>(b.l2_bytes) / op.copy_bytes) + 1;
    if (op.copy_flops > 0)
        wanted = std::min(wanted, std::floor((b.is_cpu ? kGraphFlopsCpu : kGraphFlopsGpu) / op.copy_flops));
    return static_cast<int>(std::clamp(wanted, 1.0, static_cast<double>(kMaxCopies)));
}

struct Plan {
    std::unique_ptr<Op> full;
    std::unique_ptr<Op> check;
    int copies = 1;
};

rl_status plan_case(const rl_device& device, const rl_case& c, Plan& plan, std::string& why)
{
    rl_status status = RL_STATUS_OK;
    plan.full = make_op(c, false, why, status);
    if (!plan.full)
        return status;
    plan.check = make_op(c, true, why, status);
    if (!plan.check)
        return status;
    const Backend& b = *device.backend;
    plan.copies = copies_for(*plan.full, b);
    // A metadata-only graph of one copy asks the backend whether it runs the op at this shape and type.
    {
        Graph probe(b, b.backend, 1, true, c.seed, false);
        plan.full->build(probe, 0);
        const ggml_tensor* node = probe.first_output();
        if (node && !ggml_backend_supports_op(b.backend, node)) {
            why = std::string(ggml_backend_name(b.backend)) + " does not run " + ggml_op_desc(node) + " with "
                + weight_type_name(c) + " at this shape";
            return RL_STATUS_UNSUPPORTED;
        }
    }
    size_t free_bytes = 0, total_bytes = 0;
    ggml_backend_dev_memory(b.device, &free_bytes, &total_bytes);
    if (b.is_cpu)
        free_bytes = roofline::cpu::available_memory_bytes();
    const double needed = plan.full->copy_bytes * plan.copies;
    if (free_bytes > 0 && needed > kMemoryShare * static_cast<double>(free_bytes)) {
        // Fewer copies where all of them do not fit; one copy that does not fit is a skip.
        plan.copies = static_cast<int>(kMemoryShare * static_cast<double>(free_bytes) / std::max(1.0, plan.full->copy_bytes));
        if (plan.copies < 1) {
            why = "needs " + mb(plan.full->copy_bytes) + ", " + mb(static_cast<double>(free_bytes)) + " free";
            return RL_STATUS_SKIPPED;
        }
    }
    return RL_STATUS_OK;
}

int32_t device_count(char* message, size_t size)
{
    std::string text;
    int32_t count = 0;
    abi::guarded(text, [&] {
        count = backend_count(text);
        return RL_STATUS_OK;
    });
    abi::copy_text(message, size, text);
    return count;
}

rl_status open_device(int32_t index, rl_device** out, char* message, size_t size)
{
    std::string text;
    const rl_status status = abi::guarded(text, [&] {
        if (!out)
            throw abi::StatusError(RL_STATUS_INVALID_ARGUMENT, "out_device is NULL");
        *out = new rl_device{std::unique_ptr<Backend>(open_backend(index))};
        return RL_STATUS_OK;
    });
    abi::copy_text(message, size, text);
    return status;
}

rl_status describe(rl_device* device, rl_device_info* out)
{
    std::string text;
    return abi::guarded(text, [&] {
        if (!device || !out)
            return RL_STATUS_INVALID_ARGUMENT;
        rl_device_info info{};
        describe_backend(*device->backend, info);
        abi::write_struct(out, info);
        return RL_STATUS_OK;
    });
}

rl_status supports(rl_device* device, const rl_case* c, char* reason, size_t size)
{
    std::string why;
    const rl_status status = abi::guarded(why, [&] {
        if (!device)
            throw abi::StatusError(RL_STATUS_INVALID_ARGUMENT, "device is NULL");
        Plan plan;
        return plan_case(*device, abi::read_case_or_throw(c), plan, why);
    });
    abi::copy_text(reason, size, why);
    return status;
}

// The check: the op at its reduced shape on the measured backend against an FP64 host reference of the same inputs,
// and, where the backend is not the CPU, against ggml's CPU backend too. Fills verified / max_rel_error / tolerance.
rl_status check_op(const Backend& b, const Op& op, const rl_case& c, rl_result& result, std::string& note)
{
    Graph g(b, b.backend, 1, true, c.seed, true);
    op.build(g, 0);
    std::string why;
    if (!g.prepare(why))
        throw abi::StatusError(RL_STATUS_UNSUPPORTED, why);
    g.compute();
    const std::vector<float> out = g.result();
    double error = relative_error(out, op.reference(g));
    if (!b.is_cpu) {
        Graph on_cpu(b, b.cpu, 1, true, c.seed, false);
        op.build(on_cpu, 0);
        if (on_cpu.prepare(why)) {
            on_cpu.compute();
            const double vs_cpu = relative_error(out, on_cpu.result());
            char text[96];
            std::snprintf(text, sizeof text, "; %.2e from ggml's CPU backend", vs_cpu);
            note += text;
            error = std::max(error, vs_cpu);
        } else {
            note += "; the CPU backend does not run it (" + why + ")";
        }
    }
    result.max_rel_error = error;
    result.tolerance = op.tolerance;
    if (!(error <= op.tolerance)) {
        char text[160];
        std::snprintf(text, sizeof text, "the reduced check is off: relative error %.3e over the tolerance %.1e", error, op.tolerance);
        abi::copy_text(result.message, text);
        return RL_STATUS_WRONG_RESULT;
    }
    result.verified = 1;
    return RL_STATUS_OK;
}

rl_status run_case(const rl_device& device, const rl_case& c, rl_stop_fn stop, void* stop_user, rl_result& result)
{
    const Backend& b = *device.backend;
    Plan plan;
    std::string why;
    rl_status status = plan_case(device, c, plan, why);
    if (status != RL_STATUS_OK)
        throw abi::StatusError(status, why);

    abi::copy_text(result.engine, b.engine);
    abi::copy_text(result.op, plan.full->op);
    result.weight_format = c.weight_format;
    result.weight_type = c.weight_type;
    if (c.kernel == RL_KERNEL_GEMV || c.kernel == RL_KERNEL_GEMM || c.kernel == RL_KERNEL_EXPERT_GEMM)
        result.gemm_library = RL_GEMM_LIBRARY_GGML;

    std::string note;
    status = check_op(b, *plan.check, c, result, note);
    if (status != RL_STATUS_OK)
        return status;

    const bool cold = c.cache_mode != RL_CACHE_WARM;
    Graph g(b, b.backend, plan.copies, cold, c.seed, false);
    for (int i = 0; i < plan.copies; ++i)
        plan.full->build(g, i);
    if (!g.prepare(why))
        throw abi::StatusError(RL_STATUS_SKIPPED, why);
    const double own_bytes = g.weight_bytes();

    // Every sample runs the whole graph; a copy's time is the graph's over its copies.
    roofline::cpu::SampleStats stats = roofline::cpu::sample_until_stable(c, [] {}, [&] { g.compute(); }, stop, stop_user);
    const double per = 1.0 / plan.copies;
    stats.median_us *= per;
    stats.min_us *= per;
    stats.max_us *= per;
    stats.mean_us *= per;
    stats.stdev_us *= per;
    roofline::cpu::fill_result(stats, c, &result);
    result.graph_ops = plan.copies;

    // The kernel path ggml lets a caller see: the buffer type the weights live in (CPU_REPACK: repacked for the host's
    // SIMD kernels); the CPU's dot product pairs the weights with activations converted to vec_dot_type.
    std::string path = g.kernel_path();
    if (b.is_cpu && plan.full->has_weights && (c.kernel == RL_KERNEL_GEMV || c.kernel == RL_KERNEL_GEMM || c.kernel == RL_KERNEL_EXPERT_GEMM)
        && path == "CPU") {
        const ggml_type dot = ggml_get_type_traits_cpu(plan.full->weight_type)->vec_dot_type;
        path += std::string(" vec_dot ") + ggml_type_name(plan.full->weight_type) + "x" + ggml_type_name(dot);
    }
    if (!b.is_cpu)
        path.clear(); // ggml-cuda picks MMVQ / MMQ / cuBLAS inside; its API does not say which ran
    abi::copy_text(result.kernel_path, path);

    char algorithm[256];
    std::snprintf(algorithm, sizeof algorithm, "%s %s %s%s%s, %d op%s a graph, %s %s", b.engine.c_str(), plan.full->op.c_str(),
                  weight_type_name(c).c_str(), path.empty() ? "" : " via ", path.c_str(), plan.copies,
                  plan.copies == 1 ? "" : "s", mb(own_bytes).c_str(), cold ? "of distinct tensors" : "reused by every op");
    abi::copy_text(result.algorithm, algorithm);
    std::string message = result.message;
    if (cold && own_bytes <= kColdFactor * static_cast<double>(b.l2_bytes))
        message += (message.empty() ? "" : "; ") + std::string("cold only in part: ") + mb(own_bytes) + " of tensors, "
            + mb(kColdFactor * static_cast<double>(b.l2_bytes)) + " wanted (a graph holds at most " + std::to_string(kMaxCopies)
            + " ops and " + (b.is_cpu ? "0.5 GFLOP" : "10 TFLOP") + ")";
    if (!note.empty())
        message += (message.empty() ? "" : "; ") + note.substr(2);
    abi::copy_text(result.message, message);
    if (stats.stopped)
        return RL_STATUS_CANCELLED;
    return RL_STATUS_OK;
}

rl_status run(rl_device* device, const rl_case* c, rl_stop_fn stop, void* stop_user, rl_result* out)
{
    return abi::run_guarded(out, [&](rl_result& result, std::string&) {
        if (!device)
            throw abi::StatusError(RL_STATUS_INVALID_ARGUMENT, "device is NULL");
        const rl_case in = abi::read_case_or_throw(c);
        const rl_status s = run_case(*device, in, stop, stop_user, result);
        result.sm_clock_mhz = device->backend->is_cpu ? roofline::cpu::current_clock_mhz() : 0;
        return s;
    });
}

void close_device(rl_device* device)
{
    delete device;
}

const rl_plugin_api kApi = {
    sizeof(rl_plugin_api), ROOFLINE_PLUGIN_ABI_VERSION, "ggml", ROOFLINE_VERSION,
    &device_count, &open_device, &describe, &supports, &run, &close_device,
};

} // namespace

extern "C" ROOFLINE_PLUGIN_EXPORT const rl_plugin_api* roofline_plugin_entry(uint32_t host_abi_version)
{
    return roofline::abi::serves_version(host_abi_version) ? &kApi : nullptr;
}
