// The model_step row kind of the results JSON: read, checked, written back.
#include "roofline/results/step_measurements.h"

#include "roofline/support/errors.h"

#include "roofline/support/json_util.h"

#include <set>

namespace roofline {

using nlohmann::ordered_json;
using namespace detail;

std::string_view to_string(StepRunKind k)
{
    switch (k) {
    case StepRunKind::Prefill: return "prefill";
    case StepRunKind::Decode: return "decode";
    case StepRunKind::Combined: return "prefill+decode";
    }
    return "?";
}

double StepMeasurement::measured_run_time_us() const
{
    if (measured_time_us)
        return *measured_time_us;
    return measured_tokens_per_s && *measured_tokens_per_s > 0 ? static_cast<double>(tokens()) / *measured_tokens_per_s * 1e6 : 0;
}

bool is_step_row(const ordered_json& item)
{
    const auto it = item.is_object() ? item.find("kind") : item.end();
    return item.is_object() && it != item.end() && it->is_string() && it->get<std::string>() == kStepRowKind;
}

std::optional<Precision> parse_kv_precision(std::string_view text)
{
    if (text == "f16" || text == "FP16" || text == "F16")
        return Precision::FP16;
    if (text == "bf16" || text == "BF16")
        return Precision::BF16;
    if (text == "f32" || text == "FP32" || text == "F32")
        return Precision::FP32;
    if (text == "FP8_E4M3" || text == "fp8" || text == "FP8" || text == "q8_0")
        return Precision::FP8_E4M3; // q8_0: 34 bytes a 32 values, a byte a value give or take its scale
    return std::nullopt;
}

namespace {

const std::set<std::string> kStepFields = {"kind", "model", "phase", "batch", "prompt_tokens", "prompt_chunk", "gen_tokens",
                                           "context_depth", "weights", "kv", "measured_time_us", "measured_step_time_us",
                                           "measured_tokens_per_s", "engine", "engine_version", "match_note"};

int64_t count_field(const ordered_json& item, const InputLocation& where, const std::string& field, int64_t fallback)
{
    const auto it = item.find(field);
    if (it == item.end() || it->is_null())
        return fallback;
    if (it->is_number_integer() && it->get<int64_t>() == 0)
        return 0;
    return read_positive_integer(*it, where);
}

} // namespace

StepMeasurement read_step_row(const ordered_json& item, const std::string& source, std::size_t row)
{
    const auto at = [&](const std::string& field) { return InputLocation{source, {}, {}, row, field}; };
    StepMeasurement m;
    m.row_index = row;
    const auto text = [&](const std::string& field, const std::string& fallback) {
        const auto it = item.find(field);
        return it == item.end() || it->is_null() ? fallback : read_string(*it, at(field));
    };
    m.model = text("model", "");
    if (m.model.empty())
        throw InputError(at("model"), "missing: a built-in model name, or a config.json or GGUF path");
    const std::string phase = text("phase", "");
    if (phase == "prefill")
        m.kind = StepRunKind::Prefill;
    else if (phase == "decode")
        m.kind = StepRunKind::Decode;
    else if (phase == "prefill+decode")
        m.kind = StepRunKind::Combined;
    else
        throw InputError(at("phase"), (phase.empty() ? std::string("missing") : "'" + phase + "' is not known")
                                          + ": expected \"prefill\", \"decode\" or \"prefill+decode\"");
    m.batch = count_field(item, at("batch"), "batch", 1);
    if (m.batch < 1)
        throw InputError(at("batch"), "must be at least 1");
    m.prompt_tokens = count_field(item, at("prompt_tokens"), "prompt_tokens", 0);
    m.prompt_chunk = count_field(item, at("prompt_chunk"), "prompt_chunk", 0);
    m.gen_tokens = count_field(item, at("gen_tokens"), "gen_tokens", m.kind == StepRunKind::Decode ? 1 : 0);
    m.context_depth = count_field(item, at("context_depth"), "context_depth", 0);
    if (m.kind != StepRunKind::Decode && m.prompt_tokens == 0)
        throw InputError(at("prompt_tokens"), "a " + std::string(to_string(m.kind)) + " run needs at least one prompt token");
    if (m.kind == StepRunKind::Prefill && m.gen_tokens != 0)
        throw InputError(at("gen_tokens"), "a prefill generates no tokens; use phase \"prefill+decode\"");
    if (m.kind != StepRunKind::Prefill && m.gen_tokens == 0)
        throw InputError(at("gen_tokens"), "a " + std::string(to_string(m.kind)) + " run needs at least one decode step");
    if (m.kind == StepRunKind::Decode && m.prompt_tokens != 0)
        throw InputError(at("prompt_tokens"), "a decode run has no prompt; its cached tokens are context_depth");
    m.weights = text("weights", "model");
    const std::string kv = text("kv", "BF16");
    const auto kv_precision = parse_kv_precision(kv);
    if (!kv_precision)
        throw InputError(at("kv"), "'" + kv + "' is not a KV-cache precision (BF16, FP16, FP8_E4M3, FP32, or f16, q8_0)");
    m.kv_cache = *kv_precision;
    for (const char* field : {"measured_time_us", "measured_step_time_us"}) {
        if (const auto it = item.find(field); it != item.end() && !it->is_null())
            m.measured_time_us = read_positive_number(*it, at(field));
    }
    if (const auto it = item.find("measured_tokens_per_s"); it != item.end() && !it->is_null())
        m.measured_tokens_per_s = read_positive_number(*it, at("measured_tokens_per_s"));
    if (!m.measured_time_us && !m.measured_tokens_per_s)
        throw InputError(at("measured_time_us"), "missing: a model_step row gives measured_time_us (the run's time) or measured_tokens_per_s");
    m.engine = text("engine", "");
    m.engine_version = text("engine_version", "");
    m.match_note = text("match_note", "");
    for (const auto& [field, value] : item.items())
        if (!kStepFields.count(field))
            m.extra[field] = value;
    return m;
}

ordered_json step_measurement_to_json(const StepMeasurement& m)
{
    ordered_json row;
    row["kind"] = std::string(kStepRowKind);
    row["model"] = m.model;
    row["phase"] = std::string(to_string(m.kind));
    row["batch"] = m.batch;
    row["prompt_tokens"] = m.prompt_tokens;
    if (m.prompt_chunk > 0)
        row["prompt_chunk"] = m.prompt_chunk;
    row["gen_tokens"] = m.gen_tokens;
    row["context_depth"] = m.context_depth;
    row["weights"] = m.weights;
    row["kv"] = std::string(to_string(m.kv_cache));
    if (m.measured_time_us)
        row["measured_time_us"] = *m.measured_time_us;
    if (m.measured_tokens_per_s)
        row["measured_tokens_per_s"] = *m.measured_tokens_per_s;
    if (!m.engine.empty())
        row["engine"] = m.engine;
    if (!m.engine_version.empty())
        row["engine_version"] = m.engine_version;
    if (!m.match_note.empty())
        row["match_note"] = m.match_note;
    for (const auto& [field, value] : m.extra.items())
        row[field] = value;
    return row;
}

} // namespace roofline
