#include "roofline/calibration/ceilings.h"

#include "roofline/benchmarking/bench_plan.h"
#include "roofline/support/errors.h"
#include "roofline/results/measurements.h"
#include "roofline/abi/plugin_abi_rules.h"

#include "roofline/support/json_util.h"

#include <algorithm>
#include <cmath>
#include <tuple>

namespace roofline {

using nlohmann::ordered_json;
using namespace detail;

namespace {

constexpr uint64_t kGiB = 1ull << 30;
// Empty kernels per launch-gap chain: long enough that the chain's first launch and last event are a small part.
constexpr int64_t kLaunchChainLength = 64;

constexpr abi::Sampling kCeilingSampling{1.0, 10, 1000, 0.01, 20261124};

rl_case ceiling_case(rl_kernel kernel, uint64_t bytes, rl_cache_mode mode)
{
    return abi::make_case(kernel, RL_PRECISION_FP32, {.bytes = bytes}, mode, kCeilingSampling);
}

// A working set well past the last-level cache, small enough for any device: 16 × L2, at least 1 GiB,
// at most an eighth of memory.
uint64_t dram_working_set(const DeviceInfo& info)
{
    uint64_t bytes = std::max<uint64_t>(16 * info.l2_cache_bytes, kGiB);
    if (info.memory_bytes > 0)
        bytes = std::min<uint64_t>(bytes, info.memory_bytes / 8);
    return bytes & ~uint64_t(4095);
}

} // namespace

MeasuredCeilings measure_ceilings(Device& device, const std::atomic<bool>& stop,
                                  const std::function<void(const std::string&)>& progress)
{
    MeasuredCeilings out;
    out.device = device.info().to_json();
    out.timestamp = utc_timestamp_now();
    auto say = [&progress](const std::string& line) {
        if (progress)
            progress(line);
    };
    auto should_stop = [&stop] { return stop.load(); };

    auto bandwidth = [&](rl_kernel kernel, uint64_t bytes, rl_cache_mode mode, const char* what) -> std::optional<double> {
        if (stop.load())
            return std::nullopt;
        const rl_case c = ceiling_case(kernel, bytes, mode);
        if (const auto support = device.supports(c); !support.ok()) {
            say(std::string(what) + ": not measured (" + support.reason + ")");
            return std::nullopt;
        }
        const rl_result r = device.run(c, should_stop);
        if (r.status != RL_STATUS_OK || r.median_time_us <= 0 || r.bytes_moved <= 0) {
            say(std::string(what) + ": failed (" + r.message + ")");
            return std::nullopt;
        }
        const double gb_s = r.bytes_moved / (r.median_time_us * 1e-6) / 1e9;
        say(std::string(what) + ": " + std::to_string(static_cast<int>(gb_s + 0.5)) + " GB/s");
        return gb_s;
    };

    const DeviceInfo& info = device.info();
    const uint64_t dram_bytes = dram_working_set(info);
    out.dram_read_gb_s = bandwidth(RL_KERNEL_DRAM_READ, dram_bytes, RL_CACHE_COLD, "DRAM read");
    out.dram_copy_gb_s = bandwidth(RL_KERNEL_DRAM_COPY, dram_bytes, RL_CACHE_COLD, "DRAM copy");
    if (info.l2_cache_bytes > 0)
        out.l2_read_gb_s = bandwidth(RL_KERNEL_L2_READ, info.l2_cache_bytes / 2, RL_CACHE_WARM, "L2 read");

    // The fixed cost of one launch, and the per-kernel gap of a chain launched eagerly and from a graph.
    auto launch_time = [&](rl_kernel kernel, int64_t chain, const char* what) -> std::optional<double> {
        if (stop.load())
            return std::nullopt;
        rl_case c = ceiling_case(kernel, 0, RL_CACHE_WARM);
        c.m = chain;
        if (const auto support = device.supports(c); !support.ok()) {
            say(std::string(what) + ": not measured (" + support.reason + ")");
            return std::nullopt;
        }
        const rl_result r = device.run(c, should_stop);
        if (r.status != RL_STATUS_OK || r.median_time_us <= 0) {
            say(std::string(what) + ": failed (" + r.message + ")");
            return std::nullopt;
        }
        say(std::string(what) + ": " + std::to_string(r.median_time_us) + " us");
        return r.median_time_us;
    };
    out.launch_overhead_us = launch_time(RL_KERNEL_LAUNCH, 0, "launch overhead");
    out.launch_gap_eager_us = launch_time(RL_KERNEL_LAUNCH_CHAIN_EAGER, kLaunchChainLength, "launch gap, eager");
    out.launch_gap_graph_us = launch_time(RL_KERNEL_LAUNCH_CHAIN_GRAPH, kLaunchChainLength, "launch gap, CUDA graph");

    // Peak throughput: a GEMM large enough to fill any GPU (a smaller one on a CPU, where 8192^3 takes minutes).
    const int64_t n = info.backend == "cpu" ? 2048 : 8192;
    BenchPlan plan;
    plan.cache_mode = CacheMode::Warm;
    plan.time_budget_per_case_s = 1.0;
    for (Precision p : kAllPrecisions) {
        if (stop.load())
            break;
        const BenchCase bench{GemmShape{n, n, n}, p};
        const rl_case c = to_rl_case(bench, plan);
        if (!device.supports(c).ok())
            continue;
        const rl_result r = device.run(c, should_stop);
        if (r.status != RL_STATUS_OK || r.median_time_us <= 0)
            continue;
        const double tflops = 2.0 * n * n * n / (r.median_time_us * 1e-6) / 1e12;
        out.peak_tflops[p] = tflops;
        out.peak_shapes[p] = format_shape(bench.shape);
        say("peak " + std::string(to_string(p)) + ": " + std::to_string(tflops) + " TFLOPS");
    }
    return out;
}

std::string ceilings_to_json(const MeasuredCeilings& c)
{
    ordered_json doc;
    ordered_json meta = make_meta(c.device);
    meta["timestamp"] = c.timestamp;
    meta["kind"] = "measured ceilings";
    doc["meta"] = meta;
    if (c.dram_read_gb_s)
        doc["dram_read_gb_s"] = *c.dram_read_gb_s;
    if (c.dram_copy_gb_s)
        doc["dram_copy_gb_s"] = *c.dram_copy_gb_s;
    if (c.l2_read_gb_s)
        doc["l2_read_gb_s"] = *c.l2_read_gb_s;
    if (c.launch_overhead_us)
        doc["launch_overhead_us"] = *c.launch_overhead_us;
    if (c.launch_gap_eager_us)
        doc["launch_gap_eager_us"] = *c.launch_gap_eager_us;
    if (c.launch_gap_graph_us)
        doc["launch_gap_graph_us"] = *c.launch_gap_graph_us;
    ordered_json peaks = ordered_json::object();
    ordered_json shapes = ordered_json::object();
    for (const auto& [p, value] : c.peak_tflops) {
        peaks[std::string(to_string(p))] = value;
        shapes[std::string(to_string(p))] = c.peak_shapes.count(p) ? c.peak_shapes.at(p) : std::string();
    }
    doc["peak_tflops"] = peaks;
    doc["peak_shapes"] = shapes;
    return doc.dump(2) + "\n";
}

MeasuredCeilings parse_ceilings_json(std::string_view text, const std::string& source)
{
    const ordered_json doc = parse_json_text(text, source);
    auto at = [&source](const std::string& field) { return InputLocation{source, {}, {}, {}, field}; };
    if (!doc.is_object())
        throw InputError(at(""), "expected a ceilings object, got " + json_type_name(doc));
    MeasuredCeilings c;
    if (doc.contains("meta") && doc["meta"].is_object()) {
        const auto& meta = doc["meta"];
        if (meta.contains("device"))
            c.device = meta["device"];
        if (meta.contains("timestamp") && meta["timestamp"].is_string())
            c.timestamp = meta["timestamp"].get<std::string>();
    }
    for (const auto& [field, target] : {std::pair{"dram_read_gb_s", &c.dram_read_gb_s}, std::pair{"dram_copy_gb_s", &c.dram_copy_gb_s},
                                        std::pair{"l2_read_gb_s", &c.l2_read_gb_s}, std::pair{"launch_overhead_us", &c.launch_overhead_us},
                                        std::pair{"launch_gap_eager_us", &c.launch_gap_eager_us},
                                        std::pair{"launch_gap_graph_us", &c.launch_gap_graph_us}}) {
        if (doc.contains(field))
            *target = read_positive_number(doc[field], at(field));
    }
    if (doc.contains("peak_tflops")) {
        if (!doc["peak_tflops"].is_object())
            throw InputError(at("peak_tflops"), "expected an object of precision -> TFLOP/s");
        for (const auto& [name, value] : doc["peak_tflops"].items()) {
            const auto p = parse_precision(name);
            if (!p)
                throw InputError(at("peak_tflops." + name), "unknown precision (known: " + precision_names() + ")");
            c.peak_tflops[*p] = read_positive_number(value, at("peak_tflops." + name));
        }
    }
    if (!c.dram_read_gb_s && !c.dram_copy_gb_s && !c.l2_read_gb_s && !c.launch_overhead_us && !c.launch_gap_eager_us
        && !c.launch_gap_graph_us && c.peak_tflops.empty())
        throw InputError(at(""), "holds no ceiling (dram_read_gb_s, dram_copy_gb_s, l2_read_gb_s, launch_overhead_us, "
                                 "launch_gap_eager_us, launch_gap_graph_us, peak_tflops): is it a ceilings file from "
                                 "`roofline ceilings`?");
    if (doc.contains("peak_shapes") && doc["peak_shapes"].is_object()) {
        for (const auto& [name, value] : doc["peak_shapes"].items()) {
            if (const auto p = parse_precision(name); p && value.is_string())
                c.peak_shapes[*p] = value.get<std::string>();
        }
    }
    return c;
}

MeasuredCeilings load_ceilings(const std::filesystem::path& file)
{
    return parse_ceilings_json(read_text_file(file), file.string());
}

} // namespace roofline

namespace roofline {

void set_launch_gaps(HardwareSpec& spec, const MeasuredCeilings* ceilings, const std::string& source_label)
{
    using Gap = std::optional<double>;
    const std::tuple<Gap MeasuredCeilings::*, Gap HardwareSpec::*, const char*, const char*> gaps[] = {
        {&MeasuredCeilings::launch_gap_eager_us, &HardwareSpec::launch_gap_eager_us, "launch_gap_eager_us", "launched one by one"},
        {&MeasuredCeilings::launch_gap_graph_us, &HardwareSpec::launch_gap_graph_us, "launch_gap_graph_us", "replayed from a CUDA graph"}};
    for (const auto& [measured, gap, field, how] : gaps) {
        spec.*gap = std::nullopt;
        spec.sources.erase(field);
        if (ceilings && ceilings->*measured) {
            spec.*gap = std::round(*(ceilings->*measured) * 1000.0) / 1000.0;
            spec.sources[field] = "measured: " + source_label + ", a chain of empty kernels " + how + ", per kernel";
        }
    }
}

HardwareSpec profile_from_ceilings(const MeasuredCeilings& c, const std::string& key, const std::string& source_label)
{
    const std::optional<double> bandwidth = c.dram_read_gb_s ? c.dram_read_gb_s : c.dram_copy_gb_s;
    if (!bandwidth)
        throw InputError(InputLocation{source_label, {}, {}, {}, "dram_read_gb_s"}, "no DRAM bandwidth was measured");
    if (c.peak_tflops.empty())
        throw InputError(InputLocation{source_label, {}, {}, {}, "peak_tflops"}, "no peak throughput was measured");
    HardwareSpec spec;
    spec.key = key;
    const std::string device_name = c.device.contains("name") && c.device["name"].is_string() ? c.device["name"].get<std::string>() : key;
    spec.name = device_name + " (measured)";
    const std::string source = "measured: " + source_label + (c.timestamp.empty() ? "" : " (" + c.timestamp + ")");
    spec.peak_bandwidth_gb_s = *bandwidth;
    spec.sources["peak_bandwidth_gb_s"] = source + (c.dram_read_gb_s ? ", DRAM read ceiling" : ", DRAM copy ceiling");
    spec.peak_tflops = c.peak_tflops;
    spec.sources["peak_tflops"] = source + ", best large GEMM per precision";
    if (c.l2_read_gb_s) {
        spec.l2_bandwidth_gb_s = c.l2_read_gb_s;
        spec.sources["l2_bandwidth_gb_s"] = source + ", L2 re-read ceiling";
    }
    if (c.launch_overhead_us) {
        spec.launch_overhead_us = *c.launch_overhead_us;
        spec.sources["launch_overhead_us"] = source + ", empty launch";
    }
    set_launch_gaps(spec, &c, source_label + (c.timestamp.empty() ? "" : " (" + c.timestamp + ")"));
    auto device_number = [&c](const char* field) -> std::optional<uint64_t> {
        if (c.device.contains(field) && c.device[field].is_number_unsigned() && c.device[field].get<uint64_t>() > 0)
            return c.device[field].get<uint64_t>();
        if (c.device.contains(field) && c.device[field].is_number_integer() && c.device[field].get<int64_t>() > 0)
            return static_cast<uint64_t>(c.device[field].get<int64_t>());
        return std::nullopt;
    };
    if (const auto sms = device_number("multiprocessor_count")) {
        spec.sm_count = static_cast<int>(*sms);
        spec.sources["sm_count"] = "read off the device: " + source_label;
    }
    if (const auto l2 = device_number("l2_cache_bytes")) {
        spec.l2_cache_bytes = *l2;
        spec.sources["l2_cache_bytes"] = "read off the device: " + source_label;
    }
    if (const auto memory = device_number("memory_bytes")) {
        spec.memory_gb = static_cast<double>(*memory) / 1e9;
        spec.sources["memory_gb"] = "read off the device: " + source_label;
    }
    if (c.device.contains("compute_capability") && c.device["compute_capability"].is_string()
        && !c.device["compute_capability"].get<std::string>().empty())
        spec.compute_capability = c.device["compute_capability"].get<std::string>();
    spec.notes.push_back("Every number measured by `roofline ceilings`; no datasheet figures.");
    return spec;
}

} // namespace roofline
