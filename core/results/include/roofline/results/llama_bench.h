#pragma once
// llama.cpp's llama-bench output (-o json: a list of tests; -o jsonl: one test a line) as model_step rows.
// Fields as its JSON printer (tools/llama-bench/llama-bench.cpp) writes them:
//   pp test (n_prompt > 0, n_gen 0): a prefill of n_prompt tokens at depth n_depth, in chunks of n_ubatch;
//   tg test (n_prompt 0, n_gen > 0): n_gen decode steps from depth n_depth to n_depth + n_gen;
//   pg test (both): the prefill, then the decode steps, in one avg_ts: one combined row.
// n_batch and n_ubatch chunk the prompt; they are not a decode batch: batch is 1. Older outputs lack n_depth and
// n_ubatch (read as 0 and n_batch). avg_ns is the test's time; avg_ts = (n_prompt + n_gen) / that time.

#include "roofline/results/measurements.h"

#include <optional>
#include <string>
#include <string_view>

namespace roofline {

struct LlamaBenchOptions {
    // The GGUF file the tests ran, when the user has it: the model is read from it. Else model_filename when that
    // file exists here, else the built-in whose parameter count and architecture match model_n_params and model_type.
    std::optional<std::string> gguf;
};

// True when the text is llama-bench output: a list (or lines) of objects with avg_ts or avg_ns, n_prompt or n_gen,
// and model_type or build_commit, told by structure so a results file whose rows carry such names stays one.
bool looks_like_llama_bench(std::string_view text);

// Throws InputError naming the source, the test (row, or line for JSONL) and the field.
MeasurementSet parse_llama_bench(std::string_view text, const std::string& source, const LlamaBenchOptions& options = {});

// llama.cpp's file-type description ("Q4_K - Medium", "Q8_0", "MXFP4 MoE") as a --weights name ("Q4_K_M"), or
// nullopt when it names no format this tool models.
std::optional<std::string> weights_of_llama_file_type(std::string_view description);

} // namespace roofline
