#pragma once
// Refined mode's terms for attention (attention_terms.cpp) and FFN (ffn_terms.cpp). The calculator calls the
// refined_* functions; calibration (kernel_terms_fit.cpp) fits the same numbers through the *_base parts, which
// hold everything that does not depend on a fitted number, so a fit evaluates a row in a few operations.

#include "roofline/model/calculator.h"
#include "roofline/model/hardware.h"
#include "roofline/model/kernels.h"

#include <optional>
#include <string>
#include <vector>

namespace roofline::detail {

inline constexpr int kDefaultAttentionQueryTile = 128;

// Attention: the roofline bounds before the fitted efficiencies, and the partition floor's bytes.
//   units:     tiles = B·H·ceil(Sq / tile) query tiles (a tile cut down to the queries, rounded up to 16), each
//              seeing its queries' keys (causal: up to its last query; a window caps them), cut into
//              ceil(keys / split) KV partitions (split-KV; none: one); units = tiles × partitions run in
//              waves = ceil(units / SMs);
//   math:      waves × one unit's tile × keys pairs at 4·D FLOP a pair, on one SM's share of the tensor peak;
//   memory:    Q, O, K and V once at the DRAM bandwidth (or L2's, warm and fitting);
//   partition: waves × one unit's K and V bytes at the rate one unit streams at (the floor of a decode whose units
//              are too few to fill the SMs).
struct AttentionBase {
    double math_us = 0;         // at compute efficiency 1
    double memory_us = 0;       // at memory efficiency 1
    double partition_bytes = 0; // rounds × one unit's bytes: divided by the unit bandwidth gives the floor
    bool from_l2 = false;
    double tiles = 0, units = 0, waves = 0;
    double computed_flops = 0;  // with the padding of whole query tiles
};
AttentionBase attention_base(const HardwareSpec& hw, const AttentionShape& shape, Precision precision, const OperandBytes& bytes,
                             int query_tile, std::optional<int> kv_split, CacheMode cache, bool waves_on, bool l2_on);

struct AttentionNumbers {
    double compute = 1, memory = 1, floor_us = 0;
    std::optional<double> unit_bandwidth_gb_s;
};
struct AttentionTimes {
    double math_us = 0, memory_us = 0, partition_us = 0, floor_us = 0;
    double total_us() const;
};
AttentionTimes attention_times(const AttentionBase& base, const AttentionNumbers& numbers);

// FFN: each part's bounds before the fitted efficiencies (GEMMs with wave quantization at the profile's tile).
// Warm, with the whole FFN in L2 (and the L2 term on), every part streams from L2 at its fitted efficiency.
struct FfnPartBase {
    double math_us = 0;   // at compute efficiency 1; 0 for the activation
    double memory_us = 0; // at memory efficiency 1 (from L2: at the L2 efficiency, final)
    bool from_l2 = false;
};
std::vector<FfnPartBase> ffn_base(const HardwareSpec& hw, const FfnShape& shape, Precision precision, const OperandBytes& bytes,
                                  CacheMode cache, bool waves_on, bool l2_on);
// Σ over the parts of max(math / compute, memory / memory) + floor.
double ffn_time_us(const std::vector<FfnPartBase>& parts, double compute, double memory, double floor_us);

// The calculator's Refined mode for these two kinds.
Prediction refined_attention(const HardwareSpec& hw, const AttentionShape& shape, Precision precision, const OperandBytes& bytes,
                             const ModelOptions& options);
Prediction refined_ffn(const HardwareSpec& hw, const FfnShape& shape, Precision precision, const OperandBytes& bytes,
                       const ModelOptions& options);

// One bound's efficiency and the profile entry it was read from ("kernel_efficiency.gemv.FP8_E4M3"; empty: none, 1).
struct BoundNumber {
    double value = 1;
    std::string entry;
};

// The plan-style factors of each bound. A factor applies to the bound it was measured on: a GEMV's (and an
// elementwise kernel's) is a memory factor, a GEMM's a compute factor (the plan fitted it on 4096³ and 8192³, which
// are compute-bound on every profile). So a memory-bound GEMM streams its weights at the GEMV's factor, as an M = 1
// GEMM is a GEMV, and a GEMV's math runs at the GEMM's. Attention and FFN, measured in both regimes, apply theirs
// to both bounds.
struct PlanFactors {
    BoundNumber compute, memory;
};
PlanFactors plan_factors(const HardwareSpec& hw, KernelType kernel, Precision precision);

// The efficiencies and floor Refined mode reads for a kernel: fitted apart where the profile has them (and the split
// term is on), else the plan-style factor of each bound (plan_factors), else 1; the floor when the launch-floor term
// is on. No efficiency is above 1 on a bound unless the roof allows it (cap_at_roof).
struct KernelNumbers {
    double compute = 1, memory = 1, floor_us = 0;
    bool from_table = false;
    bool floor_known = true; // false: the profile has no latency floor for it (refined adds none, and says so)
    std::string compute_entry, memory_entry; // the profile entries the two efficiencies came from
};
KernelNumbers kernel_numbers(const HardwareSpec& hw, KernelType kernel, Precision precision, const ModelTerms& terms);

// The highest memory efficiency (a fraction of the DRAM bandwidth) a kernel moving `bytes` can physically reach: 1,
// the DRAM roof; for a warm working set that fits in L2, the L2 roof (l2_bandwidth / DRAM bandwidth), or no limit
// where the profile has no L2 bandwidth (infinity).
double max_memory_efficiency(const HardwareSpec& hw, double bytes, CacheMode cache);

// Physical limits: holds each efficiency at its roof (1 for compute, max_memory_efficiency for memory) and appends a
// note naming the factor, its source and what it would have predicted. Returns true when one was capped.
bool cap_at_roof(const HardwareSpec& hw, double& compute, double& memory, const std::string& compute_entry,
                 const std::string& memory_entry, double max_memory, double bytes, CacheMode cache,
                 std::vector<std::string>& notes);

// The notes for terms the profile lacks, which Refined mode would otherwise take as zero without a word.
void note_missing_terms(const HardwareSpec& hw, KernelType kernel, Precision precision, const ModelTerms& terms,
                        const KernelNumbers& n, Prediction& p);
// A Refined prediction's start: the ideal roofline's fields, the numbers it reads (into `numbers`), and a note
// where the profile has none.
Prediction refined_start(const HardwareSpec& hw, const KernelShape& shape, Precision precision, const OperandBytes& bytes,
                         const ModelTerms& terms, CacheMode cache, KernelNumbers& numbers);

} // namespace roofline::detail

namespace roofline {
struct MeasurementSet;
}

namespace roofline::detail {

// The kinds calibration fits here, not with the GEMMs': attention and FFN (terms of their own) and the elementwise
// kinds the plugins run (the calculator's refined terms, fitted per kind and precision apart from the GEMMs').
bool has_own_terms(KernelType kernel);

// Fits the attention, FFN and elementwise numbers of `spec` from the measured rows of those kinds, by robust least
// squares on log time like the other kernels': per precision the compute and memory efficiencies and the latency
// floor; for attention also the unit bandwidth of the partition floor, and (tried in turn) the query tile and the KV
// split that explain the rows best. The realistic factor is the median of ideal / measured over the rows above the
// floor (write_plan_factors says why). Runs after the GEMM fit, so
// the FFN's GEMMs count their waves at the fitted tile. Returns the rows used; appends its log lines.
std::size_t fit_own_terms(HardwareSpec& spec, const MeasurementSet& measurements, const std::string& run_label,
                          std::vector<std::string>& log);

} // namespace roofline::detail
