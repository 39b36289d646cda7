#include "roofline/model/calculator.h"

#include "roofline/support/errors.h"
#include "roofline/model/gemm_configs.h"
#include "roofline/support/number_format.h"

#include "roofline/model/kernel_terms.h"

#include <algorithm>
#include <cmath>

namespace roofline {

std::string_view to_string(Mode m)
{
    switch (m) {
    case Mode::Ideal: return "ideal";
    case Mode::Realistic: return "realistic";
    case Mode::Refined: return "refined";
    }
    return "?";
}

std::optional<Mode> parse_mode(std::string_view text)
{
    for (Mode m : {Mode::Ideal, Mode::Realistic, Mode::Refined}) {
        if (text == to_string(m))
            return m;
    }
    if (text == "plan")
        return Mode::Realistic;
    return std::nullopt;
}

std::string_view to_string(CacheMode m)
{
    return m == CacheMode::Cold ? "cold" : "warm";
}

std::string_view to_string(Bottleneck b)
{
    switch (b) {
    case Bottleneck::Memory: return "memory";
    case Bottleneck::Compute: return "compute";
    case Bottleneck::Latency: return "latency";
    }
    return "?";
}

const std::vector<TermInfo>& model_terms()
{
    static const std::vector<TermInfo> terms = {
        {"floor", "Latency floor", "a fixed cost per kernel (launch, ramp-up, tail), fitted per kernel and precision",
         &ModelTerms::launch_floor},
        {"l2", "L2 residency",
         "warm inputs that fit in L2 stream at L2 bandwidth; others come from DRAM and pay its latency",
         &ModelTerms::cache_aware},
        {"waves", "Wave quantization", "GEMM output tiles run in whole waves over the SMs", &ModelTerms::wave_quantization},
        {"split", "Split efficiencies", "separate compute and memory efficiencies instead of one factor",
         &ModelTerms::split_efficiency},
        {"power", "Power throttle", "compute-bound work beyond the fitted knee runs at the power-capped clock",
         &ModelTerms::power_throttle},
        {"align", "Row alignment",
         "operand rows that are not multiples of 128 bytes (partial tiles) or of 16 bytes (no vector loads) run slower",
         &ModelTerms::alignment},
    };
    return terms;
}

namespace {

constexpr int kDefaultTile = 128;

std::string alignment_detail(const Prediction& p)
{
    return " × " + std::string(p.row_alignment == RowAlignment::Unaligned ? "rows off 16-byte boundaries " : "rows off 128-byte lines ")
        + format_number(p.alignment_efficiency, 3);
}

std::string megabytes(double bytes)
{
    return format_number(bytes / 1e6, 2) + " MB";
}

std::string entry_name(KernelType kernel, Precision precision)
{
    return std::string(to_string(kernel)) + " × " + std::string(to_string(precision));
}

} // namespace

KernelType profile_kernel(const HardwareSpec& hw, KernelType kernel)
{
    if (kernel != KernelType::GroupedGEMM)
        return kernel;
    const bool own = hw.kernel_efficiency.count(kernel) || hw.compute_efficiency.count(kernel)
        || hw.memory_efficiency.count(kernel) || hw.latency_floor_us.count(kernel);
    return own ? kernel : KernelType::GEMM;
}

Prediction compute_roofline(const HardwareSpec& hw, const Workload& work, Precision precision, KernelType kernel,
                            Mode mode)
{
    const auto peak = hw.peak_tflops_for(precision);
    if (!peak)
        throw InputError(hw.key + " has no " + std::string(to_string(precision)) + " peak");
    if (hw.peak_bandwidth_gb_s <= 0)
        throw InputError(hw.key + " has no DRAM bandwidth");

    Prediction p;
    p.mode = mode;
    p.flops = work.flops;
    p.bytes = work.bytes;
    p.peak_tflops = *peak;
    p.bandwidth_gb_s = hw.peak_bandwidth_gb_s;
    p.t_math_us = static_cast<double>(work.flops) / (*peak * 1e12) * 1e6;
    p.t_mem_us = work.bytes / (hw.peak_bandwidth_gb_s * 1e9) * 1e6;
    p.ideal_time_us = std::max(p.t_math_us, p.t_mem_us);
    p.bottleneck = p.t_mem_us >= p.t_math_us ? Bottleneck::Memory : Bottleneck::Compute;
    p.ai = work.bytes > 0 ? static_cast<double>(work.flops) / work.bytes : 0;
    p.critical_ai = *peak * 1e12 / (hw.peak_bandwidth_gb_s * 1e9); // HardwareSpec::critical_ai, without a second lookup

    // Realistic: the factor is the fraction of the attainable roofline the kernel reaches, so it divides the
    // ideal time whichever bound limits it. (The plan's snippet scaled only the compute peak, which cannot
    // move a memory-bound GEMV: its own GEMV criteria need this form.)
    double factor = 1;
    if (mode == Mode::Realistic) {
        const KernelType entries = profile_kernel(hw, kernel);
        if (const auto table = hw.efficiency(entries, precision)) {
            factor = *table;
            p.efficiency_from_table = true;
            if (entries != kernel)
                p.notes.push_back(std::string(to_string(kernel)) + " takes the profile's " + entry_name(entries, precision) + " factor");
        } else {
            p.notes.push_back(hw.key + " has no realistic factor for " + entry_name(kernel, precision) + ": the roofline bound itself");
        }
    }
    p.efficiency_factor = factor;
    p.faster_than_roofline = factor > 1;
    p.predicted_time_us = p.ideal_time_us / factor;
    p.effective_tflops = *peak * factor;
    p.predicted_tflops = p.predicted_time_us > 0 ? static_cast<double>(work.flops) / (p.predicted_time_us * 1e-6) / 1e12 : 0;
    return p;
}

namespace {

constexpr int64_t kTileGranule = 16; // the tensor cores' M and K granule (mma.m16n8k16)

struct OutputTiles {
    int64_t tile_m = 0, tile_n = 0;
    int64_t count = 0;
};

// The tiles a GEMM's output is cut into. A dimension smaller than the tile gets a tile cut down to it (rounded up to
// the granule): cuBLAS has narrow tiles for skinny products (8×64 and 64×40 on the H100), so a GEMM of 16 rows
// does not pay for a 64-row tile. Without this, the second half of the held-out check predicted FP32 16×4096×4096
// 78 % too slow.
OutputTiles output_tiles(const HardwareSpec& hw, const GemmShape& g)
{
    const auto fit = [](int64_t tile, int64_t dim) { return std::min(tile, (dim + kTileGranule - 1) / kTileGranule * kTileGranule); };
    OutputTiles t;
    t.tile_m = fit(hw.gemm_tile_m.value_or(kDefaultTile), g.m);
    t.tile_n = fit(hw.gemm_tile_n.value_or(kDefaultTile), g.n);
    t.count = ((g.m + t.tile_m - 1) / t.tile_m) * ((g.n + t.tile_n - 1) / t.tile_n);
    return t;
}

} // namespace

double wave_efficiency(const HardwareSpec& hw, const KernelShape& shape)
{
    GemmShape one_group;
    int64_t groups = 1;
    if (const auto* grouped = std::get_if<GroupedGemmShape>(&shape); grouped && grouped->groups > 0) {
        groups = grouped->groups;
        one_group = {(grouped->rows + groups - 1) / groups, grouped->n, grouped->k};
    } else if (const auto* g = std::get_if<GemmShape>(&shape)) {
        one_group = *g;
    } else {
        return 1;
    }
    const GemmShape* gemm = &one_group;
    if (!hw.sm_count || *hw.sm_count <= 0)
        return 1;
    const OutputTiles t = output_tiles(hw, *gemm);
    const double tiles = static_cast<double>(t.count * groups);
    const double sms = *hw.sm_count;
    const double waves = std::ceil(tiles / sms);
    const double covered = tiles * static_cast<double>(t.tile_m) * static_cast<double>(t.tile_n);
    return tiles / (waves * sms) * (static_cast<double>(gemm->m * groups) * static_cast<double>(gemm->n) / covered);
}

namespace {

// Refined mode: the same roofline, with each term of ModelTerms applied on top and written into the breakdown.
// Attention and FFN have terms of their own (kernel_terms.h).
Prediction refined(const HardwareSpec& hw, const KernelShape& shape, Precision precision, const OperandBytes& bytes,
                   const ModelOptions& options)
{
    if (const auto* attention = std::get_if<AttentionShape>(&shape))
        return detail::refined_attention(hw, *attention, precision, bytes, options);
    if (const auto* ffn = std::get_if<FfnShape>(&shape))
        return detail::refined_ffn(hw, *ffn, precision, bytes, options);
    const KernelType kernel = profile_kernel(hw, kernel_of(shape)); // the entries it reads
    const Workload work = workload(shape, bytes);
    Prediction p = compute_roofline(hw, work, precision, kernel, Mode::Ideal);
    p.mode = Mode::Refined;
    const ModelTerms& terms = options.terms;

    // Efficiencies: fitted apart where the profile has them, else the plan's single factor for both bounds.
    const auto plan_factor = hw.efficiency(kernel, precision);
    double compute_eff = plan_factor.value_or(1), memory_eff = plan_factor.value_or(1);
    bool from_table = plan_factor.has_value();
    if (terms.split_efficiency) {
        const auto c = hw.compute_efficiency_for(kernel, precision);
        const auto m = hw.memory_efficiency_for(kernel, precision);
        if (c || m) {
            compute_eff = c.value_or(compute_eff);
            memory_eff = m.value_or(memory_eff);
            from_table = true;
        }
    }
    p.compute_efficiency = compute_eff;
    p.memory_efficiency = memory_eff;
    p.efficiency_from_table = from_table;
    if (kernel != kernel_of(shape))
        p.notes.push_back(std::string(to_string(kernel_of(shape))) + " takes the profile's " + entry_name(kernel, precision) + " entries");
    if (!from_table)
        p.notes.push_back(hw.key + " has no efficiency for " + entry_name(kernel, precision)
                          + ": the roofline bound with the profile's latency floor");
    p.row_alignment = operand_row_alignment(shape, precision);
    if (terms.alignment)
        p.alignment_efficiency = hw.alignment_efficiency_for(kernel, precision, p.row_alignment).value_or(1);

    // The tiles and split-K the library runs (the profile's learned table, else its one tile).
    std::optional<GemmLaunch> launch;
    if (terms.wave_quantization)
        launch = gemm_launch(hw, shape, precision, options.gemm_menus);
    p.wave_efficiency = launch ? launch->wave_efficiency : 1;
    const double reduction_bytes = launch ? launch->reduction_bytes : 0;
    const double t_math_us = p.t_math_us / p.wave_efficiency / compute_eff / p.alignment_efficiency;
    std::string math_detail;
    if (options.explain) {
        math_detail = format_number(static_cast<double>(work.flops) / 1e9, 3) + " GFLOP at " + format_number(p.peak_tflops, 1)
            + " TFLOP/s × compute efficiency " + format_number(compute_eff, 3);
        if (launch && launch->learned && std::holds_alternative<GemmShape>(shape)) {
            math_detail += " × wave efficiency " + format_number(p.wave_efficiency, 3) + " (" + std::to_string(launch->ctas) + " CTAs of "
                + std::to_string(launch->tile_m) + "×" + std::to_string(launch->tile_n)
                + (launch->split_k > 1 ? ", K split " + std::to_string(launch->split_k) + " ways," : std::string()) + " on "
                + std::to_string(*hw.sm_count) + " SMs, as the library runs " + std::string(to_string(launch->learned->shape_class.m))
                + ", " + std::string(to_string(launch->learned->shape_class.fill)) + ")";
        } else if (const auto* gemm = std::get_if<GemmShape>(&shape); gemm && p.wave_efficiency < 1) {
            const OutputTiles t = output_tiles(hw, *gemm);
            math_detail += " × wave efficiency " + format_number(p.wave_efficiency, 3) + " (" + std::to_string(t.count) + " tiles of "
                + std::to_string(t.tile_m) + "×" + std::to_string(t.tile_n) + " on " + std::to_string(*hw.sm_count) + " SMs)";
        } else if (p.wave_efficiency < 1) {
            math_detail += " × wave efficiency " + format_number(p.wave_efficiency, 3) + " (the groups' tiles on "
                + std::to_string(*hw.sm_count) + " SMs)";
        }
        if (p.alignment_efficiency != 1)
            math_detail += alignment_detail(p);
    }

    // Power: compute beyond the knee runs at the throttled rate.
    double throttled_math_us = t_math_us;
    const bool can_throttle = terms.power_throttle && hw.throttle_after_us && hw.throttle_ratio;
    if (can_throttle && t_math_us > *hw.throttle_after_us)
        throttled_math_us = *hw.throttle_after_us + (t_math_us - *hw.throttle_after_us) / *hw.throttle_ratio;
    p.throttle_us = throttled_math_us - t_math_us;
    if (options.explain && p.throttle_us > 0)
        math_detail += "; beyond " + format_number(*hw.throttle_after_us, 0) + " µs at " + format_number(*hw.throttle_ratio, 3)
            + "× the rate (power cap): +" + format_number(p.throttle_us, 2) + " µs";

    // Warm: a working set that fits in L2 is still there and streams at L2 bandwidth. One that does not fit gets
    // nothing from L2: streamed in order, each line is evicted before the next run reaches it (measured on an
    // H100: warm and cold GEMVs of 67 MB and more take the same time).
    const bool fits_l2 = terms.cache_aware && options.cache == CacheMode::Warm && hw.l2_cache_bytes && hw.l2_bandwidth_gb_s
        && work.bytes <= static_cast<double>(*hw.l2_cache_bytes);
    const double l2_eff = hw.l2_efficiency.value_or(1);
    // A split-K's partial products go out and come back through DRAM (or L2) on top of the operands.
    const double moved_bytes = work.bytes + reduction_bytes;
    const double t_mem_us = (fits_l2 ? moved_bytes / (*hw.l2_bandwidth_gb_s * 1e9) * 1e6 / l2_eff
                                     : moved_bytes / (hw.peak_bandwidth_gb_s * 1e9) * 1e6 / memory_eff)
        / p.alignment_efficiency;
    p.l2_resident = fits_l2 && work.bytes > 0;
    p.bandwidth_gb_s = t_mem_us > 0 ? work.bytes / (t_mem_us * 1e-6) / 1e9 : hw.peak_bandwidth_gb_s;

    p.launch_us = terms.launch_floor ? hw.latency_floor_for(kernel, precision) : 0;
    p.dram_latency_us = terms.cache_aware && !fits_l2 && hw.dram_latency_us ? *hw.dram_latency_us : 0;
    p.t_math_us = throttled_math_us;
    p.t_mem_us = t_mem_us;
    const double roof_us = std::max(throttled_math_us, t_mem_us);
    p.predicted_time_us = roof_us + p.launch_us + p.dram_latency_us;
    const bool memory_bound = t_mem_us >= throttled_math_us;
    p.bottleneck = p.launch_us + p.dram_latency_us > roof_us ? Bottleneck::Latency : (memory_bound ? Bottleneck::Memory : Bottleneck::Compute);
    p.efficiency_factor = memory_bound ? (p.l2_resident ? l2_eff : memory_eff) : compute_eff;
    p.faster_than_roofline = p.efficiency_factor > 1;
    p.effective_tflops = p.peak_tflops * compute_eff * p.wave_efficiency * p.alignment_efficiency;
    p.predicted_tflops = static_cast<double>(work.flops) / (p.predicted_time_us * 1e-6) / 1e12;
    if (options.explain) {
        const std::string split_detail = reduction_bytes > 0
            ? " (+ " + megabytes(reduction_bytes) + " of split-K partial products)" : std::string();
        const std::string mem_detail = (fits_l2
            ? megabytes(work.bytes) + " from L2 (warm, fits in " + megabytes(static_cast<double>(*hw.l2_cache_bytes)) + ") at "
                + format_number(*hw.l2_bandwidth_gb_s, 0) + " GB/s × L2 efficiency " + format_number(l2_eff, 3)
                + (p.alignment_efficiency != 1 ? alignment_detail(p) : std::string())
            : megabytes(work.bytes) + " from DRAM at " + format_number(hw.peak_bandwidth_gb_s, 0) + " GB/s × memory efficiency "
                + format_number(memory_eff, 3)
                + (p.alignment_efficiency != 1 ? alignment_detail(p) : std::string())) + split_detail;
        p.breakdown.push_back({"math", throttled_math_us, math_detail});
        p.breakdown.push_back({"memory", t_mem_us, mem_detail});
        if (p.launch_us > 0)
            p.breakdown.push_back({"latency floor", p.launch_us, "fixed cost of a " + std::string(to_string(kernel)) + " in "
                                   + std::string(to_string(precision)) + " (launch, ramp-up, tail), added to max(math, memory)"});
        if (p.dram_latency_us > 0)
            p.breakdown.push_back({"DRAM latency", p.dram_latency_us,
                                   "inputs come from DRAM, not L2: the first bytes take this much longer to arrive"});
    }
    return p;
}

} // namespace

Prediction predict(const HardwareSpec& hw, const KernelShape& shape, Precision precision, const ModelOptions& options)
{
    return predict(hw, shape, precision, operand_bytes(precision), options);
}

Prediction predict(const HardwareSpec& hw, const KernelShape& shape, Precision precision, const OperandBytes& bytes,
                   const ModelOptions& options)
{
    if (options.mode == Mode::Refined)
        return refined(hw, shape, precision, bytes, options);
    return compute_roofline(hw, workload(shape, bytes), precision, kernel_of(shape), options.mode);
}

Prediction predict(const HardwareSpec& hw, const KernelShape& shape, Precision precision, Mode mode)
{
    return predict(hw, shape, precision, ModelOptions{mode, {}, CacheMode::Cold});
}

} // namespace roofline
