#pragma once
// A measured whole-model run, a row kind of the results JSON beside the kernel rows:
//   {"kind": "model_step", "model": "llama-3.1-8b", "phase": "decode", "batch": 1, "prompt_tokens": 0,
//    "gen_tokens": 1, "context_depth": 4096, "weights": "Q4_K_M", "kv": "FP16",
//    "measured_step_time_us": 9100, "engine": "vllm", "engine_version": "0.11.0"}
// A run is a prefill of prompt_tokens (in chunks of prompt_chunk), then gen_tokens decode steps, from
// context_depth; each sequence of `batch` does the same. llama-bench's pp, tg and pg tests are such runs.

#include "roofline/model/precision.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace roofline {

inline constexpr std::string_view kStepRowKind = "model_step";

enum class StepRunKind { Prefill, Decode, Combined }; // pp, tg, pg
std::string_view to_string(StepRunKind k);           // "prefill", "decode", "prefill+decode"

struct StepMeasurement {
    std::size_t row_index = 0;    // position in the file's list (0-based; llama-bench: the test's index)
    std::string model;            // a built-in name, or a config.json or GGUF path
    StepRunKind kind = StepRunKind::Decode;
    int64_t batch = 1;            // sequences run together
    int64_t prompt_tokens = 0;    // [tokens] a sequence's prefill
    int64_t prompt_chunk = 0;     // [tokens] the prefill runs in chunks of this many (llama.cpp's n_ubatch); 0: one
    int64_t gen_tokens = 0;       // decode steps
    int64_t context_depth = 0;    // [tokens] cached before the run
    std::string weights = "model"; // a --weights format (parse_weight_scheme)
    Precision kv_cache = Precision::BF16;
    // The measured run: its whole time, or its tokens/s (batch · (prompt + gen) tokens over the run's time).
    std::optional<double> measured_time_us;
    std::optional<double> measured_tokens_per_s;
    std::string engine;           // "llama.cpp", "vllm", "trt-llm"
    std::string engine_version;
    std::string match_note;       // how the model was found (llama-bench: by GGUF file or by size and parameters)
    nlohmann::ordered_json extra = nlohmann::ordered_json::object(); // other fields, kept as read

    int64_t tokens() const { return batch * (prompt_tokens + gen_tokens); }
    double measured_run_time_us() const; // the time, or tokens() / tokens_per_s
};

// True for a row that names the model_step kind.
bool is_step_row(const nlohmann::ordered_json& item);

// Reads one model_step row. Throws InputError naming `source`, the row and the field.
StepMeasurement read_step_row(const nlohmann::ordered_json& item, const std::string& source, std::size_t row);
nlohmann::ordered_json step_measurement_to_json(const StepMeasurement& m);

// "BF16", "FP16", "FP8_E4M3", "FP32", and llama.cpp's cache types ("f16", "bf16", "q8_0" read as FP8's byte a
// value; "f32"). nullopt for anything else.
std::optional<Precision> parse_kv_precision(std::string_view text);

} // namespace roofline
