// roofline model: a whole model's decode step and prefill on one device — the per-kernel table of one layer, the
// head and the summary, or JSON; --batch 1,8,32 (or --context …) sweeps.
#include "commands.h"
#include "model_options.h"
#include "text_table.h"

#include "roofline/support/errors.h"
#include "roofline/workloads/model_library.h"
#include "roofline/results/reports.h"
#include "roofline/workloads/step_prediction.h"

#include <nlohmann/json.hpp>

#include <charconv>
#include <iostream>

namespace roofline::cli {

namespace {

using Json = nlohmann::ordered_json;

InputError bad_option(const std::string& option, const std::string& problem)
{
    return InputError(InputLocation{"command line", {}, {}, {}, "--" + option}, problem);
}

// "8" or "1,8,32": each at least `minimum`.
std::vector<int64_t> int_list(const ParsedArgs& args, const std::string& option, int64_t fallback, int64_t minimum)
{
    const auto text = args.value(option);
    if (!text)
        return {fallback};
    std::vector<int64_t> values;
    std::size_t start = 0;
    while (start <= text->size()) {
        const std::size_t end = std::min(text->find(',', start), text->size());
        const std::string part = text->substr(start, end - start);
        int64_t v = 0;
        const auto [ptr, ec] = std::from_chars(part.data(), part.data() + part.size(), v);
        if (part.empty() || ec != std::errc() || ptr != part.data() + part.size() || v < minimum)
            throw bad_option(option, "expects integers of at least " + std::to_string(minimum) + ", comma-separated; got '"
                                         + *text + "'");
        values.push_back(v);
        start = end + 1;
    }
    return values;
}

Precision precision_option(const ParsedArgs& args, const std::string& option, Precision fallback)
{
    const auto text = args.value(option);
    if (!text)
        return fallback;
    const auto p = parse_precision(*text);
    if (!p || (*p != Precision::BF16 && *p != Precision::FP16 && *p != Precision::FP8_E4M3 && *p != Precision::FP8_E5M2
               && *p != Precision::FP32))
        throw bad_option(option, "expects BF16, FP16, FP8_E4M3, FP8_E5M2 or FP32, got '" + *text + "'");
    return *p;
}

double parse_non_negative(const std::string& text, const std::string& option)
{
    double v = 0;
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (text.empty() || ec != std::errc() || ptr != text.data() + text.size() || !(v >= 0) || v > 1e6)
        throw bad_option(option, "expects a number of microseconds from 0 to 1e6, got '" + text + "'");
    return v;
}

std::string us(double v)
{
    return format_number(v, v < 10 ? 2 : 1);
}

std::string bound_of(const Prediction& p)
{
    return std::string(to_string(p.bottleneck));
}

Json shares_json(const StepShares& s)
{
    return {{"by_kind_us", {{"gemm", s.gemm}, {"attention", s.attention}, {"elementwise", s.elementwise},
                            {"allreduce", s.allreduce}, {"launch", s.launch}}},
            {"by_bound_us", {{"memory", s.memory}, {"compute", s.compute}, {"latency", s.latency}, {"link", s.link}}}};
}

Json phase_json(const PhasePrediction& p, const StepPrediction& step)
{
    Json j;
    j["step_time_us"] = p.step_time_us;
    j["tokens_per_s"] = p.tokens_per_s;
    if (p.workload.phase == Phase::Prefill)
        j["ttft_us"] = p.step_time_us;
    else
        j["tpot_us"] = p.step_time_us;
    j["batch"] = p.workload.batch;
    j["query_tokens"] = p.workload.query_tokens;
    j["depth"] = p.workload.depth;
    j["tokens"] = p.workload.tokens;
    if (p.workload.experts_active > 0) {
        j["experts_active"] = p.workload.experts_active;
        j["expert_groups"] = p.workload.expert_groups;
    }
    j["kernel_launches"] = [&] {
        int64_t n = 0;
        for (const auto& k : p.kernels)
            n += k.kernel.count;
        for (const auto& c : p.collectives)
            n += c.collective.count;
        return n;
    }();
    j["shares"] = shares_json(p.shares);
    if (p.workload.phase == Phase::Decode)
        j["compute_bound_batch"] = step.compute_bound_batch ? Json(*step.compute_bound_batch) : Json(nullptr);
    return j;
}

Json memory_json(const MemoryEstimate& m)
{
    Json j = {{"weights_bytes", m.weight_bytes}, {"kv_cache_bytes", m.kv_cache_bytes}, {"activation_bytes", m.activation_bytes},
              {"workspace_bytes", m.workspace_bytes}, {"total_bytes", m.total_bytes()}};
    j["device_bytes"] = m.device_bytes ? Json(*m.device_bytes) : Json(nullptr);
    j["fits"] = m.fits();
    return j;
}

std::string collective_shape(const StepCollective& c)
{
    return std::to_string(c.gpus) + " GPUs, ring";
}

Json kernels_json(const PhasePrediction& p)
{
    Json list = Json::array();
    for (const KernelTime& k : p.kernels) {
        list.push_back({{"phase", std::string(to_string(p.workload.phase))},
                        {"name", k.kernel.name},
                        {"part", k.kernel.in_layer ? "layer" : "head"},
                        {"kernel_type", std::string(to_string(kernel_of(k.kernel.shape)))},
                        {"shape", dims_of(k.kernel.shape)},
                        {"shape_text", format_shape(k.kernel.shape)},
                        {"compute", std::string(to_string(k.kernel.compute))},
                        {"weights", k.kernel.format},
                        {"count", k.kernel.count},
                        {"time_us", k.prediction.predicted_time_us},
                        {"gap_us", k.gap_us},
                        {"total_us", k.total_us()},
                        {"bound", bound_of(k.prediction)},
                        {"flops", k.prediction.flops},
                        {"bytes", k.prediction.bytes}});
    }
    for (const CollectiveTime& c : p.collectives) {
        list.push_back({{"phase", std::string(to_string(p.workload.phase))},
                        {"name", c.collective.name},
                        {"part", c.collective.in_layer ? "layer" : "head"},
                        {"kernel_type", "allreduce"},
                        {"shape", Json::array({c.collective.gpus})},
                        {"shape_text", collective_shape(c.collective)},
                        {"count", c.collective.count},
                        {"time_us", c.time_us},
                        {"gap_us", c.gap_us},
                        {"total_us", c.total_us()},
                        {"bound", "link"},
                        {"flops", 0},
                        {"bytes", c.collective.bytes}});
    }
    return list;
}

std::string weights_assumed(const ModelDescription& model, const WeightScheme& weights)
{
    if (weights.kind == WeightScheme::Kind::Model && !model.stored_tensors.empty())
        return "the GGUF file's tensors as stored (" + (model.file_type.empty() ? std::string("file type not stated") : model.file_type)
            + ", " + std::to_string(model.stored_tensors.size()) + " tensors)";
    return weights.description;
}

void print_kernels(const PhasePrediction& p, int64_t layers)
{
    for (const bool layer : {true, false}) {
        std::cout << (layer ? "layers (" + std::to_string(layers) + "; count: runs in the step)" : std::string("head"))
                  << ":\n";
        std::vector<std::vector<std::string>> rows;
        for (const KernelTime& k : p.kernels) {
            if (k.kernel.in_layer != layer)
                continue;
            rows.push_back({k.kernel.name, std::string(to_string(kernel_of(k.kernel.shape))), format_shape(k.kernel.shape),
                            k.kernel.format, std::string(to_string(k.kernel.compute)), std::to_string(k.kernel.count),
                            us(k.prediction.predicted_time_us), us(k.total_us()), bound_of(k.prediction),
                            format_number(static_cast<double>(k.prediction.flops) / 1e9, 3),
                            format_number(k.prediction.bytes / 1e6, 2)});
        }
        for (const CollectiveTime& c : p.collectives) {
            if (c.collective.in_layer == layer)
                rows.push_back({c.collective.name, "allreduce", collective_shape(c.collective), "-", "-",
                                std::to_string(c.collective.count), us(c.time_us), us(c.total_us()), "link", "0",
                                format_number(c.collective.bytes / 1e6, 2)});
        }
        print_table(std::cout, {"kernel", "kind", "shape", "weights", "computes", "count", "µs/run", "µs in step", "bound", "GFLOP", "MB"},
                    rows, {false, false, false, false, false, true, true, true, false, true, true});
        std::cout << '\n';
    }
}

std::string share_text(double part, double whole)
{
    return whole > 0 ? format_number(100 * part / whole, 1) + " %" : "-";
}

void print_phase_summary(const PhasePrediction& p, const StepPrediction& step)
{
    const StepShares& s = p.shares;
    const double t = p.step_time_us;
    const bool decode = p.workload.phase == Phase::Decode;
    std::cout << to_string(p.workload.phase) << ": step " << format_number(t / 1e3, 3) << " ms, "
              << format_number(p.tokens_per_s, 1) << " tokens/s (" << p.workload.tokens << (p.workload.tokens == 1 ? " token" : " tokens")
              << " a step); "
              << (decode ? "TPOT " : "TTFT ") << format_number(t / 1e3, 3) << " ms\n";
    std::cout << "  by kind:  GEMM " << share_text(s.gemm, t) << ", attention " << share_text(s.attention, t) << ", elementwise "
              << share_text(s.elementwise, t) << ", allreduce " << share_text(s.allreduce, t) << ", launch "
              << share_text(s.launch, t) << '\n';
    std::cout << "  by bound: memory " << share_text(s.memory, t) << ", compute " << share_text(s.compute, t) << ", latency "
              << share_text(s.latency, t) << ", link " << share_text(s.link, t) << '\n';
    if (p.workload.experts_active > 0)
        std::cout << "  experts: " << format_number(p.workload.experts_active, 2) << " active a MoE layer ("
                  << p.workload.expert_groups << " groups)\n";
    if (decode)
        std::cout << "  decode turns compute-bound at batch "
                  << (step.compute_bound_batch ? std::to_string(*step.compute_bound_batch) : std::string("> 1048576")) << '\n';
}

std::string gb(double bytes)
{
    return format_number(bytes / 1e9, 2) + " GB";
}

void print_memory(const MemoryEstimate& m)
{
    std::cout << "memory: weights " << gb(m.weight_bytes) << " + KV cache " << gb(m.kv_cache_bytes) << " + activations "
              << gb(m.activation_bytes) << " + workspace " << gb(m.workspace_bytes) << " = " << gb(m.total_bytes());
    if (m.device_bytes)
        std::cout << " of " << gb(*m.device_bytes) << ": " << (m.fits() ? "fits" : "DOES NOT FIT") << '\n';
    else
        std::cout << "; the profile has no memory_gb: fit unknown\n";
}

int run_model(const ParsedArgs& args)
{
    const ModelDescription model = load_model(args.required("model"));
    const HardwareRegistry registry = load_registry();
    const HardwareSpec& hw = registry.get(args.required("hardware"));
    StepOptions options;
    if (args.value("tp") && args.value("tp")->find(',') != std::string::npos)
        throw bad_option("tp", "expects one tensor-parallel degree, got '" + *args.value("tp") + "'");
    options.tp = int_list(args, "tp", 1, 1).front();
    if (const auto launch = args.value("launch")) {
        const auto l = parse_launch_mode(*launch);
        if (!l)
            throw bad_option("launch", "expects eager or graph, got '" + *launch + "'");
        options.launch = *l;
    }
    if (const auto gap = args.value("launch-gap-us"))
        options.launch_gap_us = parse_non_negative(*gap, "launch-gap-us");
    options.weights = parse_weight_scheme(args.value("weights").value_or("model"));
    options.kv_cache = precision_option(args, "kv", Precision::BF16);
    const auto phases = parse_step_phases(args.value("phase").value_or("decode"));
    if (!phases)
        throw bad_option("phase", "expects decode, prefill or both, got '" + *args.value("phase") + "'");
    if (const auto fusion = args.value("fusion")) {
        const auto f = parse_fusion(*fusion);
        if (!f)
            throw bad_option("fusion", "expects none or typical, got '" + *fusion + "'");
        options.fusion = *f;
    }
    options.model = ModelOptions{mode_option(args), terms_option(args), CacheMode::Cold, false};
    const int64_t default_context = *phases == StepPhases::Decode ? 4096 : 0;
    const std::vector<int64_t> batches = int_list(args, "batch", 1, 1);
    const std::vector<int64_t> contexts = int_list(args, "context", default_context, 0);
    options.prompt = int_list(args, "prompt", 512, 1).front();
    if (args.value("prompt") && args.value("prompt")->find(',') != std::string::npos)
        throw bad_option("prompt", "sweeps --batch or --context, not --prompt");
    if (batches.size() > 1 && contexts.size() > 1)
        throw bad_option("context", "sweep one of --batch and --context at a time");
    const bool sweep = batches.size() > 1 || contexts.size() > 1;
    const std::string parameter = batches.size() > 1 ? "batch" : "context";

    std::vector<StepPrediction> points;
    std::vector<std::pair<int64_t, int64_t>> at; // batch, context
    for (int64_t b : batches) {
        for (int64_t s : contexts) {
            StepOptions o = options;
            o.batch = b;
            o.context = s;
            points.push_back(predict_step(model, hw, o, *phases));
            at.emplace_back(b, s);
        }
    }

    Json header = {{"model", model.name}, {"hardware", hw.key}, {"mode", std::string(to_string(options.model.mode))},
                   {"fusion", std::string(to_string(options.fusion))}, {"weights", options.weights.name},
                   {"weights_assume", weights_assumed(model, options.weights)}, {"kv", std::string(to_string(options.kv_cache))},
                   {"phase", args.value("phase").value_or("decode")}, {"prompt", options.prompt}, {"tp", options.tp},
                   {"launch", std::string(to_string(options.launch))}};
    if (args.flag("json")) {
        if (sweep) {
            Json list = Json::array();
            for (std::size_t i = 0; i < points.size(); ++i) {
                Json p = {{parameter, parameter == "batch" ? at[i].first : at[i].second}};
                p["batch"] = at[i].first;
                p["context"] = at[i].second;
                if (points[i].decode)
                    p["decode"] = phase_json(*points[i].decode, points[i]);
                if (points[i].prefill)
                    p["prefill"] = phase_json(*points[i].prefill, points[i]);
                p["memory"] = memory_json(points[i].memory);
                list.push_back(p);
            }
            header["sweep"] = {{"parameter", parameter}, {"points", list}};
            std::cout << header.dump(2) << '\n';
            return kExitOk;
        }
        const StepPrediction& p = points.front();
        Json out = header;
        out["batch"] = at.front().first;
        out["context"] = at.front().second;
        if (p.decode)
            out["decode"] = phase_json(*p.decode, p);
        if (p.prefill)
            out["prefill"] = phase_json(*p.prefill, p);
        out["memory"] = memory_json(p.memory);
        out["launch_gap_us"] = p.gap.us;
        out["launch_gap_source"] = p.gap.source;
        Json kernels = Json::array();
        for (const auto* phase : {&p.prefill, &p.decode}) {
            if (*phase) {
                for (auto& k : kernels_json(**phase))
                    kernels.push_back(k);
            }
        }
        out["kernels"] = kernels;
        out["notes"] = p.notes;
        std::cout << out.dump(2) << '\n';
        return kExitOk;
    }

    std::cout << model.name << " on " << hw.key << " (" << to_string(options.model.mode) << ", fusion "
              << to_string(options.fusion) << ", weights " << options.weights.name << ", KV " << to_string(options.kv_cache)
              << (options.tp > 1 ? ", tensor parallel over " + std::to_string(options.tp) + " GPUs: per GPU" : std::string())
              << ")\nweights: " << weights_assumed(model, options.weights) << "\nlaunch gap: " << us(points.front().gap.us) << " µs a kernel, "
              << points.front().gap.source << "\n\n";
    if (sweep) {
        std::vector<std::vector<std::string>> rows;
        for (std::size_t i = 0; i < points.size(); ++i) {
            const StepPrediction& p = points[i];
            const auto step = [](const std::optional<PhasePrediction>& ph) { return ph ? format_number(ph->step_time_us / 1e3, 3) : "-"; };
            const auto rate = [](const std::optional<PhasePrediction>& ph) { return ph ? format_number(ph->tokens_per_s, 1) : "-"; };
            rows.push_back({std::to_string(at[i].first), std::to_string(at[i].second), step(p.prefill), rate(p.prefill),
                            step(p.decode), rate(p.decode), gb(p.memory.total_bytes()),
                            p.memory.device_bytes ? (p.memory.fits() ? "yes" : "NO") : "?"});
        }
        print_table(std::cout, {"batch", "context", "prefill ms", "prefill tok/s", "decode ms", "decode tok/s", "memory", "fits"}, rows,
                    {true, true, true, true, true, true, true, false});
        if (points.front().decode)
            std::cout << "\ndecode turns compute-bound at batch "
                      << (points.front().compute_bound_batch ? std::to_string(*points.front().compute_bound_batch) : "> 1048576")
                      << " (context " << at.front().second << ")\n";
        return kExitOk;
    }
    const StepPrediction& p = points.front();
    for (const auto* phase : {&p.prefill, &p.decode}) {
        if (!*phase)
            continue;
        const StepWorkload& w = (*phase)->workload;
        std::cout << to_string(w.phase) << " step: batch " << w.batch << ", " << w.query_tokens << " new token(s) each on "
                  << w.depth << " cached\n\n";
        print_kernels(**phase, model.num_layers);
    }
    std::cout << "summary\n";
    for (const auto* phase : {&p.prefill, &p.decode}) {
        if (*phase)
            print_phase_summary(**phase, p);
    }
    print_memory(p.memory);
    if (!p.notes.empty()) {
        std::cout << "\nnotes:\n";
        for (const std::string& n : p.notes)
            std::cout << "  - " << n << '\n';
    }
    return kExitOk;
}

} // namespace

Command model_command()
{
    return {{"model",
             "roofline model --model NAME|config.json|file.gguf --hardware KEY [--weights FMT] [--kv PREC] [--batch B] [--prompt P] "
             "[--context S] [--phase decode|prefill|both] [--tp N] [--launch eager|graph] [--launch-gap-us US] "
             "[--mode ideal|realistic|refined] [--fusion none|typical] [--json]",
             "Predicts a whole model's decode step and prefill: each kernel, tokens/s, TTFT, TPOT and memory.\n"
             "--batch 1,8,32 or --context 1024,8192 sweeps. docs/workload_model.md describes the workload model.",
             {{"model", "NAME", "a built-in (roofline models list), a Hugging Face config.json or a llama.cpp GGUF file (its header only)"},
              {"hardware", "KEY", "hardware preset or profile key"},
              {"weights", "FMT", "model (its own formats; default), BF16, FP16, FP8_E4M3, NVFP4, MXFP4, INT8, INT4/W4A16, W8A16, "
                                 "a ggml type (Q8_0, Q6_K, Q4_K, Q4_0, IQ4_XS, …) or a GGUF file type (Q4_K_M, Q5_K_M, Q4_K_S, Q5_K_S)"},
              {"kv", "PREC", "KV-cache precision: BF16 (default), FP16, FP8_E4M3"},
              {"batch", "B", "sequences (default 1); a comma-separated list sweeps"},
              {"prompt", "P", "prompt tokens a sequence for the prefill (default 512)"},
              {"context", "S", "tokens already cached (default 4096 for decode, 0 for prefill and both); a list sweeps"},
              {"phase", "PHASE", "decode (default), prefill, or both: the prefill at depth S, then a decode step at S + P"},
              {"tp", "N", "tensor-parallel degree (default 1): heads and FFN columns split over N GPUs, two all-reduces a "
                          "layer over the profile's link (link_bandwidth_gb_s, link_latency_us)"},
              {"launch", "MODE", "graph (default: a CUDA graph, as engines run decode) or eager: which measured launch gap "
                                 "each kernel adds (launch_gap_graph_us / launch_gap_eager_us, else launch_overhead_us)"},
              {"launch-gap-us", "US", "the gap each kernel adds [µs], in place of the profile's"},
              kModeOption,
              kTermsOption,
              kIdealOption,
              {"fusion", "F", "none (every kernel apart; default) or typical (residual+norm, activation into gate-up, RoPE into QKV)"},
              {"json", "", "print JSON"}},
             0,
             0},
            &run_model};
}

} // namespace roofline::cli
