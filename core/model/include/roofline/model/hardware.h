#pragma once

#include "roofline/model/gemm_configs.h"
#include "roofline/model/kernels.h"
#include "roofline/model/precision.h"

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace roofline {

// One GPU (or host) as the model sees it. Every number carries a source in `sources`, keyed by field path:
// "peak_bandwidth_gb_s", "peak_tflops.FP16" (or "peak_tflops" for the whole table), "kernel_efficiency.gemv".
struct HardwareSpec {
    std::string key;   // "b10", "h100_sxm"
    std::string name;  // "NVIDIA H100 SXM5 80GB"
    double peak_bandwidth_gb_s = 0;                 // DRAM [GB/s, 1e9 bytes/s]
    std::map<Precision, double> peak_tflops;        // dense [TFLOP/s or TOP/s]
    std::optional<int> sm_count;
    std::optional<uint64_t> l2_cache_bytes;
    std::optional<double> l2_bandwidth_gb_s;
    // Refined mode: the fraction of the L2 bandwidth that kernels streaming from L2 reach (fitted).
    std::optional<double> l2_efficiency;
    // Refined mode: what a kernel whose inputs come from DRAM pays beyond one whose inputs are in L2, before its
    // first bytes arrive [µs], fitted. Part of the L2 residency term.
    std::optional<double> dram_latency_us;
    std::optional<double> memory_gb;
    std::optional<std::string> compute_capability;  // "9.0", "12.1"
    // The fixed cost of a kernel [µs] (launch, ramp-up, tail): the latency floor of Refined mode where the
    // profile has no latency_floor_us for the kernel × precision.
    double launch_overhead_us = 0;
    // What one kernel adds to a chain of kernels launched back to back [µs], measured (`roofline ceilings`: empty
    // kernels launched one by one, and the same chain replayed as a CUDA graph). A model step's launch gap.
    std::optional<double> launch_gap_eager_us;
    std::optional<double> launch_gap_graph_us;
    // Tensor parallelism: the link an all-reduce between GPUs runs over, its bandwidth per GPU and direction
    // [GB/s] and the fixed cost of one all-reduce [µs]. Unset: the device has no link to split a model over.
    std::optional<std::string> link_name;   // "NVLink 4 (18 links)"
    std::optional<double> link_bandwidth_gb_s;
    std::optional<double> link_latency_us;
    // kernel ("gemv", "gemm", "attention", "ffn") -> precision -> fraction of the attainable roofline reached.
    std::map<KernelType, std::map<Precision, double>> kernel_efficiency;
    // Refined mode: the fraction of the compute peak and of the bandwidth a kernel reaches, fitted apart.
    std::map<KernelType, std::map<Precision, double>> compute_efficiency;
    std::map<KernelType, std::map<Precision, double>> memory_efficiency;
    // Refined mode: the latency floor per kernel × precision [µs], fitted (a GEMV's fixed cost is not a GEMM's).
    std::map<KernelType, std::map<Precision, double>> latency_floor_us;
    // Refined mode: the fraction of the 128-byte-aligned rate a kernel reaches whose operand rows are multiples
    // of 16 bytes only (partial_line_efficiency) or not even that (unaligned_efficiency); see
    // operand_row_alignment. Per kernel × precision, fitted. No entry: no penalty is known.
    std::map<KernelType, std::map<Precision, double>> partial_line_efficiency;
    std::map<KernelType, std::map<Precision, double>> unaligned_efficiency;
    // Refined mode: compute-bound work beyond throttle_after_us runs at throttle_ratio × the rate before it. Long
    // kernels reach the board's power cap and the GPU lowers its clocks. Unset: no throttle.
    std::optional<double> throttle_after_us;
    std::optional<double> throttle_ratio;
    // Refined mode: the GEMM output tile that wave quantization counts (cuBLAS picks per shape; this is the
    // one that explained a calibration run best). Unset: 128 x 128.
    std::optional<int> gemm_tile_m;
    std::optional<int> gemm_tile_n;
    // Refined attention (core/model/src/attention_terms.cpp), fitted: the query rows one tile of the fused kernel computes
    // (a decode's single query pads a whole tile; unset: 128); the keys one unit of work streams (split-KV; unset:
    // each unit streams all its keys); and the rate one unit streams them at [GB/s], which sets the partition floor
    // of a decode with fewer units than the SMs can run (unset: no such floor).
    std::optional<int> attention_query_tile;
    std::optional<int> attention_kv_split;
    std::optional<double> attention_unit_bandwidth_gb_s;
    // Refined mode: the tiles and split-K the GEMM library runs per class of shapes, learned from calibration
    // measurements (core/model/include/roofline/model/gemm_configs.h). Empty: the single gemm_tile above, no split.
    std::vector<LearnedGemmConfig> gemm_configs;
    // Where a calibrated profile came from: device, date, run file, ceilings file, held-out error.
    std::map<std::string, std::string> calibration;
    std::map<std::string, std::string> sources;
    std::vector<std::string> notes;
    std::string origin = "preset"; // "preset", or the path of the user profile it came from

    // Every member: a field added to the struct is compared without a line here.
    bool operator==(const HardwareSpec&) const = default;

    std::optional<double> peak_tflops_for(Precision p) const;
    // FLOP per byte where the memory slope meets the flat roof: peak FLOP/s ÷ bandwidth.
    // nullopt when the hardware has no peak for this precision.
    std::optional<double> critical_ai(Precision p) const;
    std::optional<double> efficiency(KernelType k, Precision p) const;
    std::optional<double> compute_efficiency_for(KernelType k, Precision p) const;
    std::optional<double> memory_efficiency_for(KernelType k, Precision p) const;
    // The factor for rows of this alignment: 1 for 128-byte rows, else the table's entry if there is one.
    std::optional<double> alignment_efficiency_for(KernelType k, Precision p, RowAlignment a) const;
    // latency_floor_us for the kernel × precision, else launch_overhead_us.
    double latency_floor_for(KernelType k, Precision p) const;
    std::vector<Precision> precisions() const; // those with a peak, in kAllPrecisions order

    // The source recorded for a field path, falling back to its parent ("peak_tflops.FP16" -> "peak_tflops").
    std::optional<std::string> source_for(const std::string& field_path) const;
};

} // namespace roofline
