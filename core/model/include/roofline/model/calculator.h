#pragma once

#include "roofline/model/hardware.h"
#include "roofline/model/kernels.h"
#include "roofline/model/precision.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace roofline {

enum class Mode {
    Ideal,     // the pure roofline: max(t_math, t_mem)
    Realistic, // the plan's: the ideal time divided by the kernel's one efficiency factor
    Refined,   // the roofline with the switchable terms of ModelTerms, each shown in the breakdown
};
std::string_view to_string(Mode m);
std::optional<Mode> parse_mode(std::string_view text);

enum class CacheMode {
    Cold, // caches flushed before the kernel: inputs come from DRAM
    Warm, // the kernel ran just before on the same inputs: what fits in L2 is still there
};
std::string_view to_string(CacheMode m); // "cold", "warm"

// Refinements a performance engineer can read, each switchable. Used in Refined mode only.
struct ModelTerms {
    bool launch_floor = true;      // + the kernel's latency floor: tiny kernels cost at least that
    bool cache_aware = true;       // a warm working set that fits in L2 streams from it; others pay DRAM latency
    bool wave_quantization = true; // GEMM: output tiles run in whole waves over the SMs
    bool split_efficiency = true;  // separate compute and memory efficiencies, not one factor for both
    bool power_throttle = true;    // long compute-bound kernels slow down once the power cap lowers the clocks
    bool alignment = true;         // operand rows off 128- or 16-byte boundaries run on slower kernels

    static ModelTerms none() { return {false, false, false, false, false, false}; }
};

// The terms by name, in the order menus and reports list them: adding a term means one more entry here.
struct TermInfo {
    std::string_view key;         // the CLI's --terms name: "floor", "l2", "waves", "split", "power", "align"
    std::string_view label;       // "Latency floor"
    std::string_view description; // one line, for tooltips and help
    bool ModelTerms::*flag;
};
const std::vector<TermInfo>& model_terms();

struct ModelOptions {
    Mode mode = Mode::Realistic;
    ModelTerms terms;
    CacheMode cache = CacheMode::Cold;
    bool explain = true; // fill Prediction::breakdown (text); bulk validation turns it off for speed
    // Many GEMMs predicted on one profile (bulk validation): its learned table's menus, built once (gemm_configs.h).
    const GemmMenus* gemm_menus = nullptr;
    // Refined GEMMs: what an engine may do that one library call, as measured, does not. M rows whose output rows
    // fall off 16- or 128-byte boundaries are never predicted slower than the same product padded to the next such
    // M (engines pad decode batches, vLLM to its CUDA-graph sizes), and a memory-bound product streams its weights
    // at the better of the profile's GEMM and GEMV memory efficiencies (at M = 1 it is a GEMV). This keeps time
    // non-decreasing in M. Validating a library's own rows turns it off: cuBLASLt at M = 3 really is slower than at 4.
    bool engine_choices = true;
};

enum class Bottleneck {
    Memory,
    Compute,
    Latency, // Refined mode: the launch floor is larger than both the math and the memory time
};
std::string_view to_string(Bottleneck b);

// One line of a prediction's breakdown: "memory 116.97 µs: 33.6 MB at 287 GB/s (DRAM) × efficiency 0.91".
struct Term {
    std::string name;   // "math", "memory", "launch floor"
    double time_us = 0;
    std::string detail;
};

struct Prediction {
    double predicted_time_us = 0;  // in the requested mode
    double ideal_time_us = 0;      // the pure roofline, whatever the mode
    double t_math_us = 0;          // flops / peak (Refined: with wave quantization and compute efficiency)
    double t_mem_us = 0;           // bytes / bandwidth (Refined: L2 or DRAM, with memory efficiency)
    double launch_us = 0;          // Refined with the latency floor: the fixed cost added
    double dram_latency_us = 0;    // Refined with L2 residency, inputs from DRAM: the profile's DRAM latency added
    double predicted_tflops = 0;   // flops / predicted time [TFLOP/s]
    double effective_tflops = 0;   // the compute ceiling in this mode: peak × efficiency (× wave and alignment efficiency) [TFLOP/s]
    double peak_tflops = 0;        // the hardware's dense peak for the precision [TFLOP/s]
    double bandwidth_gb_s = 0;     // the bandwidth used for t_mem [GB/s]
    double ai = 0;                 // arithmetic intensity [FLOP/byte]
    double critical_ai = 0;        // ridge point [FLOP/byte]
    Bottleneck bottleneck = Bottleneck::Memory;
    double efficiency_factor = 1;  // the factor applied to the limiting bound; 1 in ideal mode
    bool efficiency_from_table = false; // false: the hardware has no factor for this kernel × precision
    bool faster_than_roofline = false;  // a factor above 1: the kernel beats the DRAM/peak roofline
    double compute_efficiency = 1; // Refined: applied to t_math
    double memory_efficiency = 1;  // Refined: applied to t_mem
    double wave_efficiency = 1;    // Refined GEMM: tiles / (waves × SMs)
    double throttle_us = 0;        // Refined with the power throttle: what it added to t_math
    RowAlignment row_alignment = RowAlignment::Line; // operand_row_alignment(shape, precision)
    double alignment_efficiency = 1; // Refined with the alignment term: the factor applied for the rows' alignment
    bool l2_resident = false;      // Refined, warm: the working set streamed from L2
    uint64_t flops = 0;            // [FLOP]
    double bytes = 0;              // [bytes]
    Mode mode = Mode::Realistic;
    std::vector<Term> breakdown;   // how the time was put together, for tooltips and reports
    std::vector<std::string> notes; // what the prediction assumed where the profile lacks an entry
    // A factor above 1 would have beaten the roofline of its own profile on a bound: held at the roof (notes say
    // which factor, from which source, and what it would have predicted).
    bool capped_at_roof = false;
};

// The one roofline that every kernel shares (the plan's `_compute_roofline`), in Ideal or Realistic mode.
// Realistic: max(t_math / compute factor, t_mem / memory factor), each factor applying to the bound it was measured
// on (detail::plan_factors) and none beating the roof: the DRAM bandwidth and the peak, or for a warm working set
// that fits in L2 the L2 bandwidth (`cache` says which). Throws InputError when the hardware has no peak for the
// precision.
Prediction compute_roofline(const HardwareSpec& hw, const Workload& work, Precision precision,
                            KernelType kernel, Mode mode, CacheMode cache = CacheMode::Cold);

// workload() then the roofline of the options' mode (Refined applies the terms on top of the same roofline).
Prediction predict(const HardwareSpec& hw, const KernelShape& shape, Precision precision, const ModelOptions& options);
Prediction predict(const HardwareSpec& hw, const KernelShape& shape, Precision precision, Mode mode);
// As above, with each operand's bytes set apart (a weight-only format's weights, an FP8 KV cache): `precision`
// names the peak and the profile's entries the kernel computes at, `bytes` what it moves.
Prediction predict(const HardwareSpec& hw, const KernelShape& shape, Precision precision, const OperandBytes& bytes,
                   const ModelOptions& options);

// The kernel whose profile entries (efficiencies, latency floors) a kind reads: its own where the profile has any;
// a grouped GEMM without entries of its own reads the GEMM's, as it runs the same tensor-core tiles.
KernelType profile_kernel(const HardwareSpec& hw, KernelType kernel);

// GEMM output tiles per wave: tiles = ceil(M / tile_m) · ceil(N / tile_n), waves = ceil(tiles / SMs),
// efficiency = tiles / (waves · SMs) × M·N / (tiles · tile_m · tile_n): idle SMs in the last wave, and the part of
// the edge tiles that hangs over the matrix (computed, then thrown away). A grouped GEMM counts the tiles of its
// groups, each of ceil(rows / groups) rows. 1 for other kernels or when the SM count is unknown.
double wave_efficiency(const HardwareSpec& hw, const KernelShape& shape);

} // namespace roofline
