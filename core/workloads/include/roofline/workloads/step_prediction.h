#pragma once
// A model step predicted: every kernel of build_step through the calculator, the launch gaps between them, the
// step's time, tokens/s, its shares by kernel kind and by bound, and the memory it needs against the device's.

#include "roofline/workloads/workload.h"

#include <optional>
#include <string>
#include <vector>

namespace roofline {

struct KernelTime {
    StepKernel kernel;
    Prediction prediction;    // one run
    double gap_us = 0;        // the launch gap each run adds
    double total_us() const { return static_cast<double>(kernel.count) * (prediction.predicted_time_us + gap_us); }
};

// [µs] A ring all-reduce of `bytes` per GPU over `gpus` GPUs: 2·(N − 1)/N · bytes / link_bandwidth_gb_s +
// link_latency_us. 0 for one GPU; InputError naming the field where the profile has no link.
double allreduce_time_us(const HardwareSpec& hw, double bytes, int64_t gpus);

struct CollectiveTime {
    StepCollective collective;
    double time_us = 0;       // one all-reduce
    double gap_us = 0;        // the launch gap each adds
    double total_us() const { return static_cast<double>(collective.count) * (time_us + gap_us); }
};

// [µs] of the step. By kind, a Refined latency floor counts as launch; by bound, the gaps count as latency and the
// all-reduces as link.
struct StepShares {
    double gemm = 0, attention = 0, elementwise = 0, allreduce = 0, launch = 0;
    double memory = 0, compute = 0, latency = 0, link = 0;
};

struct PhasePrediction {
    StepWorkload workload;
    std::vector<KernelTime> kernels;
    std::vector<CollectiveTime> collectives;
    double step_time_us = 0;  // Σ count · (time + gap) over kernels and all-reduces
    double tokens_per_s = 0;  // decode: B per step; prefill: B·P per step
    StepShares shares;
};

// [µs] Where the gap between kernels comes from and its size: StepOptions::launch_gap_us; none where refined mode's
// latency floor holds the launch (a profile without floors takes the gap, and its source says why); the profile's measured launch_gap_graph_us or launch_gap_eager_us for the launch
// mode; else its launch_overhead_us; else kDefaultLaunchGapUs.
struct LaunchGap {
    double us = 0;
    std::string source;
};
LaunchGap launch_gap(const HardwareSpec& hw, const StepOptions& options);

// [bytes] An assumption: the CUDA context and the cuBLAS and attention workspaces. Engines reserve more (vLLM takes
// gpu_memory_utilization of the device and fills the rest with KV-cache blocks).
inline constexpr double kDefaultWorkspaceBytes = 1e9;

struct MemoryEstimate {
    double weight_bytes = 0;
    double kv_cache_bytes = 0;   // every layer's K and V for the deepest context of the step (a sliding layer's window)
    double activation_bytes = 0; // the largest layer's live activations and the FP32 logits
    double workspace_bytes = kDefaultWorkspaceBytes;
    std::optional<double> device_bytes; // memory_gb read as GiB (docs/workload_model.md, "Memory")
    double total_bytes() const { return weight_bytes + kv_cache_bytes + activation_bytes + workspace_bytes; }
    bool fits() const { return !device_bytes || total_bytes() <= *device_bytes; }
};

enum class StepPhases { Decode, Prefill, Both };
std::optional<StepPhases> parse_step_phases(std::string_view text); // "decode", "prefill", "both"

struct StepPrediction {
    std::optional<PhasePrediction> prefill; // at depth S
    std::optional<PhasePrediction> decode;  // at depth S, or S + P after a prefill (Both)
    MemoryEstimate memory;
    std::optional<double> ttft_us;          // the prefill's step
    std::optional<double> tpot_us;          // the decode step
    std::optional<int64_t> compute_bound_batch; // the smallest decode batch whose GEMMs are compute-bound
    LaunchGap gap;
    std::vector<std::string> notes;
};

PhasePrediction predict_phase(const ModelDescription& model, const HardwareSpec& hw, const StepOptions& options, Phase phase);

// The weights at the options' formats, the KV cache after the deepest step of `phases`, activations, workspace.
MemoryEstimate estimate_memory(const ModelDescription& model, const HardwareSpec& hw, const StepOptions& options,
                               StepPhases phases);

// The smallest batch (up to 2^20) at which a decode step's GEMMs spend more time computing than moving bytes
// (Σ count · t_math ≥ Σ count · t_mem); nullopt when none does.
std::optional<int64_t> compute_bound_batch(const ModelDescription& model, const HardwareSpec& hw, const StepOptions& options);

StepPrediction predict_step(const ModelDescription& model, const HardwareSpec& hw, const StepOptions& options,
                            StepPhases phases);

} // namespace roofline
