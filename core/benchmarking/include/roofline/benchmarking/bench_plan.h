#pragma once

#include "roofline/model/calculator.h"
#include "roofline/model/kernels.h"
#include "roofline/abi/plugin_abi.h"
#include "roofline/model/precision.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace roofline {

struct BenchCase {
    KernelShape shape;  // any kind but the grouped GEMM, which no plugin runs (see PlanKernels)
    Precision precision = Precision::FP16;
    std::optional<CacheMode> cache = std::nullopt; // this case's, where it differs from the plan's cache_mode
    // The weights' ggml type (enum ggml_type's value, ggml_types.h) where they are not stored in `precision`, which
    // then names the activations (F32 as llama.cpp passes them): a GEMV/GEMM's weights, attention's K and V cache, an
    // embedding's table. The plan's "weights" field; rl_case's weight_format and weight_type (ABI 4).
    std::optional<int> ggml_weights = std::nullopt;

    bool operator==(const BenchCase&) const = default;
};

struct BenchPlan {
    std::string name = "custom";
    std::vector<BenchCase> cases;
    CacheMode cache_mode = CacheMode::Cold;
    double time_budget_per_case_s = 1.0; // sampling stops once spent (and min_samples are in)
    int min_samples = 10;
    int max_samples = 2000;
    double target_rel_spread = 0.01;     // stop early once stdev / median <= this
    uint64_t seed = 20261124;

    CacheMode cache_of(const BenchCase& c) const { return c.cache.value_or(cache_mode); }
};

// A plan of many short kernels (the llm and layers plans): cold caches, at least 5 samples, stopping once the spread
// is within 2 %, or after `time_budget_per_case_s`.
BenchPlan short_kernel_plan(std::string name, double time_budget_per_case_s);

// The plan's export shapes and precisions: GEMV 4096x4096 and 8192x8192, GEMM 4096^3 and 8192^3, in
// FP16, BF16, TF32, FP8_E4M3, INT8 (the plan's list) plus FP32 (what every plugin, the CPU one too, runs).
BenchPlan default_plan();
// A sweep for calibration: GEMV and GEMM from tiny to huge, square and skinny, every GPU precision.
BenchPlan extended_plan();
// A few small cases that finish in seconds anywhere (tests, smoke runs).
BenchPlan smoke_plan();
// Attention and FFN as the built-in models run them, decode and prefill (llm_plan.cpp says how it is built).
BenchPlan llm_plan();
// llama.cpp's ops at the built-in models' shapes, for the ggml plugin: MUL_MAT over ggml weight types and token counts,
// FLASH_ATTN_EXT on F16 and Q8_0 caches, and the layer's elementwise ops (ggml_plan.cpp says how it is built).
BenchPlan ggml_plan();
// A few small ggml cases that finish in seconds on the CPU backend (tests, CI).
BenchPlan ggml_smoke_plan();
// The elementwise kernels of a step (RMSNorm, RoPE, residual, activation, top-k, embedding) at the built-in models'
// decode and prefill shapes (layer_plan.cpp says how it is built).
BenchPlan layer_plan();

// The plans known by name, in the order a menu lists them: "default", "extended", "smoke", "llm", "layers", "ggml",
// "ggml_smoke".
const std::vector<std::string>& plan_names();
// The plan of that name; nothing for a name not in plan_names().
std::optional<BenchPlan> named_plan(std::string_view name);
// A plan name, else a plan file read with parse_plan_json. Throws InputError: a file that cannot be read says so
// and names the plans there are.
BenchPlan load_plan(const std::string& name_or_file);

// Which kernels a plan may hold: those the plugins benchmark (every kind but the grouped GEMM), or every kernel.
enum class PlanKernels { Benchmarked, All };

// {"name", "cache_mode", "time_budget_per_case_s", "min_samples", …, "cases": [{kernel_type, shape,
// causal, window | gated, precision, weights (a ggml type, optional), cache_mode (this case's, optional)}] } or the shorthand {"kernels": [...], "shapes": {"gemv": [[N,K]…], "gemm": […]},
// "precisions": [...]} expanded as shapes × precisions. Throws InputError naming the field.
BenchPlan parse_plan_json(std::string_view text, const std::string& source, PlanKernels kernels = PlanKernels::Benchmarked);
std::string plan_to_json(const BenchPlan& plan);

// The ABI struct for one case of a plan.
rl_case to_rl_case(const BenchCase& c, const BenchPlan& plan);

} // namespace roofline
