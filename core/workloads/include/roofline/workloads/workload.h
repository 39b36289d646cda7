#pragma once
// One step of a transformer as the kernels an engine runs: a decode step (B sequences, one token each, over a KV
// cache of depth S) or a prefill (B prompts of P tokens on top of S cached). Built from a ModelDescription; every
// kernel is a KernelShape the calculator predicts. docs/workload_model.md describes the model and its assumptions.

#include "roofline/model/calculator.h"
#include "roofline/model/hardware.h"
#include "roofline/model/kernels.h"
#include "roofline/workloads/model_config.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace roofline {

enum class Phase { Decode, Prefill };
std::string_view to_string(Phase p); // "decode", "prefill"

// What the engine fuses (docs/workload_model.md, "Fusion"): None runs every kernel apart; Typical fuses the
// residual add into the next RMSNorm, the activation into the gate-up GEMM's epilogue and RoPE into the QKV GEMM.
enum class Fusion { None, Typical };
std::string_view to_string(Fusion f); // "none", "typical"
std::optional<Fusion> parse_fusion(std::string_view text);

// How one tensor is stored.
struct TensorFormat {
    std::string name;                   // "BF16", "Q4_K", "W4A16"
    double bytes_per_element = 2;       // [bytes] block scales included
    bool weight_only = false;           // dequantized in the kernel: the product runs at the activation precision
    std::optional<Precision> precision; // the format as a Precision the tensor cores may compute at
};

// --weights: the description's own formats, one format for every linear layer, or a GGUF file type's mix.
struct WeightScheme {
    enum class Kind { Model, Uniform, GgufMix };
    Kind kind = Kind::Model;
    std::string name = "model";  // as named: "Q4_K_M", "W4A16", "model"
    TensorFormat format;         // Uniform: every linear layer's; GgufMix: the mix's base type (Q4_K for Q4_K_M)
    std::string description;     // one line of what it assumes
};

// "model" (or empty), a precision (BF16, FP16, FP8_E4M3, NVFP4, MXFP4, MXFP8, INT8), INT4 / W4A16 / W8A16
// (weight-only), a ggml tensor type (Q8_0, Q6_K, Q4_K, IQ4_XS, …) or a GGUF file type (Q4_K_M, Q5_K_M, Q4_K_S,
// Q5_K_S). Throws InputError naming the formats it knows.
WeightScheme parse_weight_scheme(std::string_view text);
std::string weight_scheme_names();

enum class TensorRole { Embedding, AttnQ, AttnK, AttnV, AttnO, FfnGateUp, FfnDown, Router, ExpertGateUp, ExpertDown,
                        SharedGateUp, SharedDown, LmHead };

// The format of one tensor; `layer` counts from 0 (ignored for the embedding and the LM head). Uniform formats cover
// attention, FFN and experts; embedding, LM head and router stay at the activation precision. A GGUF mix follows
// llama.cpp's quantizer (src/llama-quant.cpp, llama_tensor_get_type_impl), as docs/workload_model.md states.
TensorFormat tensor_format(const ModelDescription& model, const WeightScheme& scheme, Precision activation,
                           TensorRole role, int64_t layer);

// How the engine launches a step's kernels: one by one (eager) or replayed as a CUDA graph (as engines run decode).
enum class LaunchMode { Eager, Graph };
std::string_view to_string(LaunchMode l); // "eager", "graph"
std::optional<LaunchMode> parse_launch_mode(std::string_view text);

struct StepOptions {
    WeightScheme weights;                     // default: the description's own formats
    Precision activation = Precision::BF16;   // activations and the products of weight-only formats
    Precision kv_cache = Precision::BF16;
    int64_t batch = 1;                        // B sequences
    int64_t prompt = 512;                     // P tokens a prompt (prefill)
    int64_t context = 4096;                   // S tokens already cached
    Fusion fusion = Fusion::None;
    ModelOptions model{Mode::Realistic, {}, CacheMode::Cold, false};
    LaunchMode launch = LaunchMode::Graph;
    std::optional<double> launch_gap_us;      // unset: the profile's gap for `launch` (launch_gap.h: launch_gap)
    int64_t tp = 1;                           // tensor-parallel degree: heads and FFN columns split over tp GPUs
};

// [µs] An assumption, not a measurement: the gap between two kernels launched back to back where the profile has
// neither the measured gap of the launch mode nor a launch_overhead_us.
inline constexpr double kDefaultLaunchGapUs = 4.0;

// One GPU's part of the model under tensor parallelism (Megatron-style, as vLLM splits it): attention heads, KV
// heads (replicated where there are fewer than tp), FFN and expert columns, and the vocabulary of the embedding and
// LM head split over tp GPUs. tp 1 returns the model. Throws InputError (field "tp") where a count does not split.
ModelDescription tensor_parallel_shard(const ModelDescription& model, int64_t tp);
// InputError naming the missing link field where tp > 1 and the profile has no link_bandwidth_gb_s or
// link_latency_us.
void require_link(const HardwareSpec& hw, int64_t tp);

// An all-reduce over the tensor-parallel GPUs of `bytes` per GPU.
struct StepCollective {
    std::string name;      // "attn_allreduce", "ffn_allreduce", "embedding_allreduce"
    bool in_layer = true;
    double bytes = 0;      // the tensor each GPU holds and receives summed
    int64_t gpus = 1;
    int64_t count = 1;
};

enum class KernelClass { GEMM, Attention, Elementwise };
std::string_view to_string(KernelClass c); // "gemm", "attention", "elementwise"
KernelClass class_of(KernelType kernel);

struct StepKernel {
    std::string name;          // "qkv_proj", "attention", "lm_head"
    bool in_layer = true;      // false: the head (embedding, first or final norm, LM head)
    KernelShape shape;
    Precision compute = Precision::BF16; // the peak and the profile entries it runs at
    OperandBytes bytes;
    std::string format = "-";  // what its weights are stored as ("Q4_K", "Q4_K+Q6_K"); "-" without weights
    int64_t count = 1;         // how often the step runs it (the layers that have it)
};

struct StepWorkload {
    Phase phase = Phase::Decode;
    int64_t batch = 1;
    int64_t query_tokens = 1;  // a sequence's new tokens: 1 (decode) or P (prefill)
    int64_t depth = 0;         // tokens cached before the step
    int64_t tokens = 1;        // B · query_tokens: the rows of the linear layers
    double experts_active = 0; // E·(1 − (1 − k/E)^N) of the MoE layers; 0 without experts
    int64_t expert_groups = 0; // experts_active rounded: the groups of the expert GEMMs
    std::vector<StepKernel> kernels; // the layer's kernels (count = layers) and the head's
    std::vector<StepCollective> collectives; // tensor parallelism's all-reduces (none at tp 1)
    std::vector<std::string> notes;
};

// Throws InputError for a batch or prompt below 1, a context below 0, a description the step cannot run, or a tp
// above 1 on a profile without link fields. With tp > 1 the kernels are one GPU's part.
StepWorkload build_step(const ModelDescription& model, const HardwareSpec& hw, const StepOptions& options, Phase phase);

} // namespace roofline
