#include "roofline/model/calculator.h"

#include "roofline/support/errors.h"
#include "roofline/model/gemm_configs.h"
#include "roofline/support/number_format.h"

#include "roofline/model/kernel_terms.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace roofline {

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
                            Mode mode, CacheMode cache)
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
    p.predicted_time_us = p.ideal_time_us;
    p.effective_tflops = *peak;

    // Realistic: each factor is the fraction of its bound's roof the kernel reaches, so it divides that bound's time
    // (the plan's snippet scaled only the compute peak, which cannot move a memory-bound GEMV: its own GEMV criteria
    // need the memory side). One factor measured on compute-bound GEMMs divided both bounds until issue 29: a 2-row
    // GEMM on b10 then streamed its weights at 0.155 × 287 GB/s and a decode step got 3.7× slower at batch 2.
    if (mode == Mode::Realistic) {
        const KernelType entries = profile_kernel(hw, kernel);
        const detail::PlanFactors f = detail::plan_factors(hw, entries, precision);
        double compute = f.compute.value, memory = f.memory.value;
        p.capped_at_roof = detail::cap_at_roof(hw, compute, memory, f.compute.entry, f.memory.entry,
                                               detail::max_memory_efficiency(hw, work.bytes, cache), work.bytes, cache, p.notes);
        const double math_us = p.t_math_us / compute, mem_us = p.t_mem_us / memory;
        const bool memory_bound = mem_us >= math_us;
        const detail::BoundNumber& limiting = memory_bound ? f.memory : f.compute;
        p.predicted_time_us = std::max(math_us, mem_us);
        p.bottleneck = memory_bound ? Bottleneck::Memory : Bottleneck::Compute;
        p.efficiency_factor = memory_bound ? memory : compute;
        p.efficiency_from_table = !limiting.entry.empty();
        p.effective_tflops = *peak * compute;
        const std::string bound = memory_bound ? "memory" : "compute";
        if (limiting.entry.empty()) {
            p.notes.push_back(hw.key + " has no realistic factor for the " + bound + " bound of " + entry_name(kernel, precision)
                              + ": the roofline bound itself");
        } else if (limiting.entry.find("." + std::string(to_string(entries)) + ".") == std::string::npos) {
            const std::string from = memory_bound ? "gemv" : "gemm";
            p.notes.push_back("a " + bound + "-bound " + std::string(to_string(kernel)) + " takes the profile's " + from + " × "
                              + std::string(to_string(precision)) + " factor " + format_number(p.efficiency_factor, 3) + " (the "
                              + std::string(to_string(entries)) + " factor is measured on " + (memory_bound ? "compute" : "memory")
                              + "-bound shapes and applies to that bound only)");
        } else if (entries != kernel) {
            p.notes.push_back(std::string(to_string(kernel)) + " takes the profile's " + entry_name(entries, precision) + " factor");
        }
    }
    p.faster_than_roofline = p.efficiency_factor > 1;
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
// The alignment term's factor, ordered: rows on 128-byte lines are never slower than rows on 16-byte boundaries only,
// and those never slower than unaligned rows (the kernel for worse rows runs better ones too), and none is above 1.
// A missing entry is no known penalty for that level; a missing unaligned entry takes the 16-byte one.
double ordered_alignment_efficiency(const HardwareSpec& hw, KernelType kernel, Precision precision, RowAlignment a)
{
    const double vector = std::min(1.0, hw.alignment_efficiency_for(kernel, precision, RowAlignment::Vector).value_or(1));
    switch (a) {
    case RowAlignment::Line: return 1;
    case RowAlignment::Vector: return vector;
    case RowAlignment::Unaligned: return std::min(vector, hw.alignment_efficiency_for(kernel, precision, RowAlignment::Unaligned).value_or(vector));
    }
    return 1;
}

// Refined mode for GEMV, GEMM, grouped GEMM and the elementwise kinds, for the shape as given (refined() below
// adds the engine's padding of M).
// How a GEMM is run where refined() weighs an engine's choices: as the library's heuristic runs it (the learned
// table's launch), with the profile's single tile instead, or as a GEMV kernel over its few rows.
enum class GemmRun { Library, SingleTile, AsGemv };

Prediction refined_as_given(const HardwareSpec& hw, const KernelShape& shape, Precision precision, const OperandBytes& bytes,
                            const ModelOptions& options, GemmRun run = GemmRun::Library)
{
    // The entries it reads: a GEMM run as a GEMV kernel reads the GEMV's.
    const KernelType kernel = run == GemmRun::AsGemv ? KernelType::GEMV : profile_kernel(hw, kernel_of(shape));
    const Workload work = workload(shape, bytes);
    Prediction p = compute_roofline(hw, work, precision, kernel, Mode::Ideal);
    p.mode = Mode::Refined;
    const ModelTerms& terms = options.terms;

    // Efficiencies: fitted apart where the profile has them, else the plan's factor of each bound.
    detail::KernelNumbers n = detail::kernel_numbers(hw, kernel, precision, terms);
    const bool gemm_kind = kernel == KernelType::GEMM || kernel == KernelType::GroupedGEMM;
    if (options.engine_choices && gemm_kind) {
        const detail::KernelNumbers gemv = detail::kernel_numbers(hw, KernelType::GEMV, precision, terms);
        if (gemv.memory > n.memory) {
            n.memory = gemv.memory;
            n.memory_entry = gemv.memory_entry;
        }
    }
    const bool fits_l2 = terms.cache_aware && options.cache == CacheMode::Warm && hw.l2_cache_bytes && hw.l2_bandwidth_gb_s
        && work.bytes <= static_cast<double>(*hw.l2_cache_bytes);
    p.capped_at_roof = detail::cap_at_roof(hw, n.compute, n.memory, n.compute_entry, n.memory_entry,
                                           detail::max_memory_efficiency(hw, work.bytes, options.cache), work.bytes, options.cache, p.notes);
    const double compute_eff = n.compute, memory_eff = n.memory;
    p.compute_efficiency = compute_eff;
    p.memory_efficiency = memory_eff;
    p.efficiency_from_table = n.from_table;
    if (kernel != kernel_of(shape))
        p.notes.push_back(std::string(to_string(kernel_of(shape))) + " takes the profile's " + entry_name(kernel, precision) + " entries");
    if (!n.from_table)
        p.notes.push_back(hw.key + " has no efficiency for " + entry_name(kernel, precision)
                          + ": the roofline bound with the profile's latency floor");
    const auto* gemm_shape = std::get_if<GemmShape>(&shape);
    // A GEMV kernel writes each row's outputs as a vector: only the weights' rows (K) have an alignment.
    p.row_alignment = run == GemmRun::AsGemv && gemm_shape ? operand_row_alignment(GemvShape{gemm_shape->n, gemm_shape->k}, precision)
                                                           : operand_row_alignment(shape, precision);
    // As the library was measured, each level's fitted factor; an engine, free to pad, is never worse off for better rows.
    if (terms.alignment)
        p.alignment_efficiency = options.engine_choices ? ordered_alignment_efficiency(hw, kernel, precision, p.row_alignment)
                                                        : hw.alignment_efficiency_for(kernel, precision, p.row_alignment).value_or(1);

    // The tiles and split-K the library runs (the profile's learned table, else its one tile).
    std::optional<GemmLaunch> launch;
    if (terms.wave_quantization && run == GemmRun::Library)
        launch = gemm_launch(hw, shape, precision, options.gemm_menus);
    else if (terms.wave_quantization && run == GemmRun::SingleTile && gemm_shape)
        launch = GemmLaunch{0, 0, 1, 0, wave_efficiency(hw, shape), 0, nullptr};
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

    // Warm: a working set that fits in L2 is still there and streams at L2 bandwidth (fits_l2). One that does not fit
    // gets nothing from L2: streamed in order, each line is evicted before the next run reaches it (measured on an
    // H100: warm and cold GEMVs of 67 MB and more take the same time).
    const double l2_eff = hw.l2_efficiency.value_or(1);
    // A split-K's partial products go out and come back through DRAM (or L2) on top of the operands.
    const double moved_bytes = work.bytes + reduction_bytes;
    // A working set in L2 never streams slower than from DRAM: where a profile's L2 rate is below its DRAM rate (a
    // small L2's transferred bandwidth), the DRAM rate bounds it, and a larger warm kernel is never the faster one.
    const double t_dram_us = moved_bytes / (hw.peak_bandwidth_gb_s * 1e9) * 1e6 / memory_eff;
    const double t_mem_us = (fits_l2 ? std::min(moved_bytes / (*hw.l2_bandwidth_gb_s * 1e9) * 1e6 / l2_eff, t_dram_us) : t_dram_us)
        / p.alignment_efficiency;
    p.l2_resident = fits_l2 && work.bytes > 0;
    p.bandwidth_gb_s = t_mem_us > 0 ? work.bytes / (t_mem_us * 1e-6) / 1e9 : hw.peak_bandwidth_gb_s;

    p.launch_us = n.floor_us;
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
    detail::note_missing_terms(hw, kernel, precision, terms, n, p);
    return p;
}

// The smallest M at or above `m` whose output rows (M × the output element) are multiples of `row_bytes`.
int64_t padded_rows(int64_t m, double output_bytes, int64_t row_bytes)
{
    int64_t padded = m;
    while (static_cast<int64_t>(std::llround(static_cast<double>(padded) * output_bytes * 8)) % (row_bytes * 8) != 0)
        ++padded;
    return padded;
}

// llama.cpp's CUDA backend runs products of up to 8 rows with its matrix-vector kernels, reading the weights once.
constexpr int64_t kGemvKernelMaxRows = 8;

Prediction refined(const HardwareSpec& hw, const KernelShape& shape, Precision precision, const OperandBytes& bytes,
                   const ModelOptions& options)
{
    if (const auto* attention = std::get_if<AttentionShape>(&shape))
        return detail::refined_attention(hw, *attention, precision, bytes, options);
    if (const auto* ffn = std::get_if<FfnShape>(&shape))
        return detail::refined_ffn(hw, *ffn, precision, bytes, options);
    Prediction p = refined_as_given(hw, shape, precision, bytes, options);
    const auto* gemm = std::get_if<GemmShape>(&shape);
    if (!gemm || !options.engine_choices)
        return p;

    // An engine's choices for the product: pad M to the next 16- or 128-byte output rows, run the profile's own tile
    // rather than the library heuristic's pick, or, for a few rows, a GEMV kernel. The fastest is the prediction;
    // time then never drops as M grows (each choice is available to every smaller M too).
    struct Choice {
        GemmShape shape;
        GemmRun run;
    };
    std::vector<Choice> choices;
    const double output_bytes = info(precision).output_bytes_per_element;
    std::vector<int64_t> rows = {gemm->m};
    if (options.terms.alignment && p.row_alignment != RowAlignment::Line) {
        for (const int64_t row_bytes : {16, 128}) {
            if (const int64_t m = padded_rows(gemm->m, output_bytes, row_bytes); m != rows.back())
                rows.push_back(m);
        }
    }
    for (const int64_t m : rows) {
        if (m != gemm->m)
            choices.push_back({GemmShape{m, gemm->n, gemm->k}, GemmRun::Library});
        if (!hw.gemm_configs.empty() && options.terms.wave_quantization)
            choices.push_back({GemmShape{m, gemm->n, gemm->k}, GemmRun::SingleTile});
    }
    if (gemm->m <= kGemvKernelMaxRows)
        choices.push_back({*gemm, GemmRun::AsGemv});

    const double as_given_us = p.predicted_time_us;
    for (const Choice& choice : choices) {
        Prediction other = refined_as_given(hw, choice.shape, precision, bytes, options, choice.run);
        if (other.predicted_time_us >= p.predicted_time_us)
            continue;
        std::string how;
        if (choice.run == GemmRun::AsGemv)
            how = "as a GEMV kernel over its " + std::to_string(gemm->m) + " rows, reading the weights once (engines do up to "
                + std::to_string(kGemvKernelMaxRows) + " rows: llama.cpp's matrix-vector kernels)";
        if (choice.shape.m != gemm->m)
            how = "as M padded from " + std::to_string(gemm->m) + " to " + std::to_string(choice.shape.m) + " rows ("
                + format_number(static_cast<double>(choice.shape.m) * output_bytes, 0) + "-byte output rows run on faster kernels than "
                + format_number(static_cast<double>(gemm->m) * output_bytes, 0) + "-byte ones)";
        if (choice.run == GemmRun::SingleTile)
            how += std::string(how.empty() ? "" : ", ") + "with the profile's own tile rather than the split and tile the library's heuristic picks for its class";
        other.notes.push_back("predicted " + how + "; the library's GEMM for M = " + std::to_string(gemm->m) + " as it is runs at "
                              + format_number(as_given_us, 2) + " µs");
        // The chosen run's time and terms; the asked-for shape's work and roofline.
        other.flops = p.flops;
        other.bytes = p.bytes;
        other.ai = p.ai;
        other.ideal_time_us = p.ideal_time_us;
        other.predicted_tflops = static_cast<double>(p.flops) / (other.predicted_time_us * 1e-6) / 1e12;
        p = std::move(other);
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
    return compute_roofline(hw, workload(shape, bytes), precision, kernel_of(shape), options.mode, options.cache);
}

Prediction predict(const HardwareSpec& hw, const KernelShape& shape, Precision precision, Mode mode)
{
    return predict(hw, shape, precision, ModelOptions{mode, {}, CacheMode::Cold});
}

} // namespace roofline
