#pragma once
// Refined mode's terms for attention (attention_terms.cpp) and FFN (ffn_terms.cpp). The calculator calls the
// refined_* functions; calibration (kernel_terms_fit.cpp) fits the same numbers through the *_base parts, which
// hold everything that does not depend on a fitted number, so a fit evaluates a row in a few operations.

#include "roofline/model/calculator.h"
#include "roofline/model/hardware.h"
#include "roofline/model/kernels.h"

#include <optional>
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

// The efficiencies and floor Refined mode reads for a kernel: fitted apart where the profile has them (and the split
// term is on), else the plan-style factor for both, else 1; the floor when the launch-floor term is on.
struct KernelNumbers {
    double compute = 1, memory = 1, floor_us = 0;
    bool from_table = false;
};
KernelNumbers kernel_numbers(const HardwareSpec& hw, KernelType kernel, Precision precision, const ModelTerms& terms);
// A Refined prediction's start: the ideal roofline's fields, the numbers it reads (into `numbers`), and a note
// where the profile has none.
Prediction refined_start(const HardwareSpec& hw, const KernelShape& shape, Precision precision, const OperandBytes& bytes,
                         const ModelTerms& terms, KernelNumbers& numbers);

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
