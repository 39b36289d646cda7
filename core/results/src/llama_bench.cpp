// llama-bench's JSON and JSONL tests as model_step rows, each with the model it ran found and a note saying how.
#include "roofline/results/llama_bench.h"

#include "roofline/hardware/device_match.h"
#include "roofline/support/errors.h"
#include "roofline/workloads/gguf.h"
#include "roofline/workloads/model_library.h"
#include "roofline/workloads/model_parameters.h"
#include "roofline/results/reports.h"
#include "roofline/workloads/workload.h"

#include "roofline/support/json_util.h"

#include <cmath>
#include <filesystem>
#include <functional>
#include <utility>

namespace roofline {

using nlohmann::ordered_json;
using namespace detail;

namespace {

bool is_test(const ordered_json& item)
{
    return item.is_object() && (item.contains("n_prompt") || item.contains("n_gen"))
        && (item.contains("avg_ts") || item.contains("avg_ns")) && (item.contains("model_type") || item.contains("build_commit"))
        && !item.contains("benchmarks");
}

} // namespace

bool looks_like_llama_bench(std::string_view text)
{
    // By structure, not by words it holds: a results file whose rows carry these names is still a results file.
    if (text.find("avg_") == std::string_view::npos)
        return false;
    const auto first = text.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos || (text[first] != '[' && text[first] != '{'))
        return false;
    try {
        if (text[first] == '[') {
            const ordered_json doc = parse_json_text(text, "");
            return doc.is_array() && !doc.empty() && is_test(doc.front());
        }
        const auto end = text.find('\n', first);
        return is_test(parse_json_text(text.substr(first, end == std::string_view::npos ? end : end - first), ""));
    } catch (const InputError&) {
        return false;
    }
}

std::optional<std::string> weights_of_llama_file_type(std::string_view description)
{
    std::string name(description);
    constexpr std::pair<std::string_view, std::string_view> kSizes[] = {{" - Medium", "_M"}, {" - Small", "_S"}, {" - Large", "_L"}};
    for (const auto& [suffix, short_form] : kSizes)
        if (const auto at = name.find(suffix); at != std::string::npos)
            name = name.substr(0, at) + std::string(short_form);
    try {
        return parse_weight_scheme(name).name;
    } catch (const InputError&) {
        return std::nullopt;
    }
}

namespace {

// The fields of one test this reader turns into the row; the others it keeps in `extra` as read.
constexpr std::string_view kKept[] = {"model_filename", "model_type", "model_size", "model_n_params", "gpu_info",
                                      "n_gpu_layers", "flash_attn", "n_batch", "n_ubatch", "test_time", "stddev_ns",
                                      "stddev_ts"};

struct Test {
    const ordered_json& item;
    std::function<InputLocation(const std::string&)> at;

    const ordered_json* find(const std::string& field) const
    {
        const auto it = item.find(field);
        return it == item.end() || it->is_null() ? nullptr : &*it;
    }
    int64_t count(const std::string& field, std::optional<int64_t> fallback) const
    {
        const ordered_json* v = find(field);
        if (!v) {
            if (fallback)
                return *fallback;
            throw InputError(at(field), "missing; llama-bench writes it for every test");
        }
        if (v->is_number_integer() && v->get<int64_t>() == 0)
            return 0;
        return read_positive_integer(*v, at(field));
    }
    std::string text(const std::string& field, const std::string& fallback) const
    {
        const ordered_json* v = find(field);
        return v ? read_string(*v, at(field)) : fallback;
    }
};

// model_type is "<arch> <size> <file type>", e.g. "llama 8B Q4_K - Medium", "qwen3moe 30B.A3B Q4_K - Medium".
struct ModelType {
    std::string arch, size, file_type;
};
ModelType split_model_type(const std::string& text)
{
    ModelType t;
    const auto first = text.find(' ');
    t.arch = text.substr(0, first);
    if (first == std::string::npos)
        return t;
    const auto second = text.find(' ', first + 1);
    t.size = text.substr(first + 1, second - first - 1);
    if (second != std::string::npos)
        t.file_type = text.substr(second + 1);
    return t;
}

std::string billions(double n)
{
    return format_number(n / 1e9, 2) + " B";
}

// The built-in of model_type's architecture whose parameter count is nearest model_n_params, within 3 %.
void match_builtin(const Test& test, StepMeasurement& m)
{
    const std::string type_text = test.text("model_type", "");
    const ModelType type = split_model_type(type_text);
    const double params = static_cast<double>(test.count("model_n_params", 0));
    const ModelDescription* best = nullptr;
    double best_gap = 0.03;
    for (const ModelDescription& candidate : builtin_models()) {
        if (gguf_architecture(candidate.family) != type.arch || params <= 0)
            continue;
        const double gap = std::fabs(static_cast<double>(count_parameters(candidate).total()) - params) / params;
        if (gap < best_gap) {
            best_gap = gap;
            best = &candidate;
        }
    }
    if (!best) {
        m.model = type_text.empty() ? "unknown model" : type_text;
        m.match_note = "no built-in " + type.arch + " model has " + billions(params)
            + " parameters (within 3 %): open the GGUF file it ran to predict it";
        return;
    }
    m.model = best->name;
    m.match_note = "matched by model_type '" + type_text + "' and model_n_params " + billions(params) + " to the built-in "
        + best->name + " (" + billions(static_cast<double>(count_parameters(*best).total())) + ")";
    const auto weights = weights_of_llama_file_type(type.file_type);
    if (weights && (type.file_type.find("MoE") == std::string::npos)) {
        m.weights = *weights;
        m.match_note += "; weights " + *weights + " from the file type";
    } else {
        m.match_note += "; file type '" + type.file_type + "' read as the model's own formats";
    }
    if (const ordered_json* size = test.find("model_size"); size && size->is_number())
        m.match_note += "; the file held " + format_number(size->get<double>() / 1e9, 2) + " GB";
}

StepMeasurement read_test(const Test& test, std::size_t row, const LlamaBenchOptions& options)
{
    StepMeasurement m;
    m.row_index = row;
    const int64_t prompt = test.count("n_prompt", std::nullopt);
    const int64_t gen = test.count("n_gen", std::nullopt);
    if (prompt == 0 && gen == 0)
        throw InputError(test.at("n_prompt"), "a test with neither prompt nor generated tokens");
    m.kind = gen == 0 ? StepRunKind::Prefill : prompt == 0 ? StepRunKind::Decode : StepRunKind::Combined;
    m.prompt_tokens = prompt;
    m.gen_tokens = gen;
    m.context_depth = test.count("n_depth", 0);
    const int64_t n_batch = test.count("n_batch", prompt > 0 ? std::nullopt : std::optional<int64_t>(0));
    m.prompt_chunk = std::min(test.count("n_ubatch", n_batch), n_batch > 0 ? n_batch : prompt);
    m.batch = 1;
    const std::string type_k = test.text("type_k", "f16"), type_v = test.text("type_v", "f16");
    const auto kv = parse_kv_precision(type_k);
    if (!kv)
        throw InputError(test.at("type_k"), "cache type '" + type_k + "' is not modelled (f16, bf16, q8_0, f32)");
    m.kv_cache = *kv;
    if (const ordered_json* ns = test.find("avg_ns"))
        m.measured_time_us = read_positive_number(*ns, test.at("avg_ns")) / 1e3;
    if (const ordered_json* ts = test.find("avg_ts"))
        m.measured_tokens_per_s = read_positive_number(*ts, test.at("avg_ts"));
    if (!m.measured_time_us && !m.measured_tokens_per_s)
        throw InputError(test.at("avg_ns"), "missing, and so is avg_ts: the test has no measurement");
    m.engine = "llama.cpp";
    const std::string commit = test.text("build_commit", "");
    const ordered_json* number = test.find("build_number");
    m.engine_version = (number && number->is_number_integer() ? "b" + std::to_string(number->get<int64_t>()) : std::string())
        + (commit.empty() ? "" : " (" + commit + ")");

    const std::string file = test.text("model_filename", "");
    std::error_code ignored;
    if (options.gguf) {
        m.model = *options.gguf;
        m.match_note = "matched by the GGUF file " + *options.gguf + " (given)";
    } else if (!file.empty() && std::filesystem::is_regular_file(file, ignored) && looks_like_gguf(file)) {
        m.model = file;
        m.match_note = "matched by its GGUF file " + file;
    } else {
        match_builtin(test, m);
    }
    if (type_v != type_k)
        m.match_note += "; type_v " + type_v + " differs from type_k: the cache is read at type_k's size";
    for (std::string_view field : kKept)
        if (const ordered_json* v = test.find(std::string(field)))
            m.extra[std::string(field)] = *v;
    return m;
}

} // namespace

MeasurementSet parse_llama_bench(std::string_view text, const std::string& source, const LlamaBenchOptions& options)
{
    MeasurementSet set;
    set.source = source;
    const auto first = text.find_first_not_of(" \t\r\n");
    std::string gpu;
    const auto add = [&](const ordered_json& item, std::size_t row, std::function<InputLocation(const std::string&)> at) {
        if (!item.is_object())
            throw InputError(at(""), "expected a llama-bench test object, got " + json_type_name(item));
        set.steps.push_back(read_test(Test{item, std::move(at)}, row, options));
        if (gpu.empty())
            gpu = Test{item, {}}.find("gpu_info") && item["gpu_info"].is_string() ? item["gpu_info"].get<std::string>() : "";
    };
    if (first != std::string_view::npos && text[first] == '[') {
        const ordered_json doc = parse_json_text(text, source);
        if (!doc.is_array())
            throw InputError(InputLocation{source, {}, {}, {}, {}}, "expected llama-bench's list of tests");
        for (std::size_t row = 0; row < doc.size(); ++row)
            add(doc[row], row, [&, row](const std::string& field) { return InputLocation{source, {}, {}, row, field}; });
    } else {
        std::size_t start = 0, line = 0;
        while (start < text.size()) {
            const std::size_t end = std::min(text.find('\n', start), text.size());
            const std::string_view one = text.substr(start, end - start);
            ++line;
            if (one.find_first_not_of(" \t\r") != std::string_view::npos) {
                const ordered_json item = parse_json_text(one, source + " line " + std::to_string(line));
                const std::size_t row = set.steps.size();
                add(item, row, [&, line](const std::string& field) {
                    return InputLocation{source, line, {}, {}, field};
                });
            }
            start = end + 1;
        }
    }
    if (set.steps.empty())
        throw InputError(InputLocation{source, {}, {}, {}, {}}, "llama-bench output with no tests");
    DeviceInfo device;
    device.backend = "cuda";
    device.name = gpu;
    set.hardware_key = guess_hardware_key(device);
    set.device_name = gpu;
    if (!gpu.empty())
        set.meta["device"] = {{"backend", device.backend}, {"name", gpu}};
    set.extra["imported_from"] = "llama-bench";
    return set;
}

} // namespace roofline
