// Refined mode for attention, as a fused (flash) attention kernel runs it. Three bounds, the largest of which plus
// the latency floor is the time (kernel_terms.h gives the formulas):
//   decode reads the KV cache at the memory roof, but no faster than its units of work can stream it: with fewer
//   (batch × heads × KV partitions) than the SMs can run at once, each unit streams its keys at one unit's rate
//   (the partition floor; a split-KV kernel cuts the keys into partitions to make more units);
//   prefill runs at a fitted fraction of the tensor peak, its work in query tiles × heads × batch over waves of
//   SMs; causal attention computes only the tiles at or below the diagonal (about half the pairs).
#include "roofline/model/kernel_terms.h"

#include "roofline/support/number_format.h"

#include <algorithm>
#include <cmath>

namespace roofline::detail {

namespace {

constexpr int64_t kQueryGranule = 16; // the tensor cores' M granule: a tile is cut down to the queries, no further

std::string mb(double bytes)
{
    return format_number(bytes / 1e6, 2) + " MB";
}

} // namespace

AttentionBase attention_base(const HardwareSpec& hw, const AttentionShape& a, Precision precision, const OperandBytes& bytes,
                             int query_tile, std::optional<int> kv_split, CacheMode cache, bool waves_on, bool l2_on)
{
    const Workload work = workload(KernelShape{a}, bytes);
    const double peak_flop_s = hw.peak_tflops_for(precision).value_or(0) * 1e12;
    AttentionBase base;
    base.computed_flops = static_cast<double>(work.flops);
    base.from_l2 = l2_on && cache == CacheMode::Warm && hw.l2_cache_bytes && hw.l2_bandwidth_gb_s
        && work.bytes <= static_cast<double>(*hw.l2_cache_bytes);
    base.memory_us = base.from_l2 ? work.bytes / (*hw.l2_bandwidth_gb_s * 1e9) * 1e6 / hw.l2_efficiency.value_or(1)
                                  : work.bytes / (hw.peak_bandwidth_gb_s * 1e9) * 1e6;
    const bool have_sms = hw.sm_count && *hw.sm_count > 0;
    if (!waves_on || !have_sms || peak_flop_s <= 0) {
        base.math_us = peak_flop_s > 0 ? base.computed_flops / peak_flop_s * 1e6 : 0;
        return base;
    }
    const double sms = *hw.sm_count;
    // A tile holds `tile` queries; fewer queries than that (a decode's one) fill a tile cut down to the granule.
    const int64_t tile = std::min<int64_t>(query_tile, (a.query_len + kQueryGranule - 1) / kQueryGranule * kQueryGranule);
    const int64_t q_tiles = (a.query_len + tile - 1) / tile;
    const int64_t window = a.window > 0 ? a.window : a.kv_len;
    // Keys the queries of each tile see, summed over the tiles of one head. Query i (0-based) sits at position
    // kv_len - query_len + i: causal, it sees the keys up to there (at most `window` of them); else min(kv_len, window).
    double keys_sum = 0;
    for (int64_t j = 0; j < q_tiles; ++j) {
        if (!a.causal) {
            keys_sum += static_cast<double>(std::min(a.kv_len, window));
            continue;
        }
        const int64_t first = a.kv_len - a.query_len + j * tile;                          // position of the first query
        const int64_t last = a.kv_len - a.query_len + std::min((j + 1) * tile, a.query_len) - 1;
        const int64_t from = std::max<int64_t>(0, first + 1 - window);
        keys_sum += static_cast<double>(last + 1 - from);
    }
    const double heads = static_cast<double>(a.batch * a.heads);
    base.tiles = heads * static_cast<double>(q_tiles);
    base.computed_flops = 4.0 * static_cast<double>(a.head_dim) * static_cast<double>(tile) * keys_sum * heads;
    // A unit of work is a query tile's share of one KV partition: split-KV divides the tile's math and its keys'
    // stream alike. Units run in rounds (waves) over the SMs; each round takes one unit's math or stream.
    const double keys_per_tile = keys_sum / static_cast<double>(q_tiles);
    const double partitions = kv_split && *kv_split > 0 ? std::ceil(keys_per_tile / *kv_split) : 1.0;
    base.units = base.tiles * partitions;
    base.waves = std::ceil(base.units / sms);
    const double unit_keys = keys_per_tile / partitions;
    const double unit_flops = 4.0 * static_cast<double>(a.head_dim) * static_cast<double>(tile) * unit_keys;
    base.math_us = base.waves * unit_flops / (peak_flop_s / sms) * 1e6;
    base.partition_bytes = base.waves * 2.0 * unit_keys * static_cast<double>(a.head_dim) * bytes.cache;
    return base;
}

double AttentionTimes::total_us() const
{
    return std::max({math_us, memory_us, partition_us}) + floor_us;
}

AttentionTimes attention_times(const AttentionBase& base, const AttentionNumbers& n)
{
    AttentionTimes t;
    t.math_us = base.math_us / n.compute;
    t.memory_us = base.from_l2 ? base.memory_us : base.memory_us / n.memory;
    t.partition_us = n.unit_bandwidth_gb_s && *n.unit_bandwidth_gb_s > 0 ? base.partition_bytes / (*n.unit_bandwidth_gb_s * 1e9) * 1e6 : 0;
    t.floor_us = n.floor_us;
    return t;
}

KernelNumbers kernel_numbers(const HardwareSpec& hw, KernelType kernel, Precision precision, const ModelTerms& terms)
{
    KernelNumbers n;
    const PlanFactors plan = plan_factors(hw, kernel, precision);
    n.compute = plan.compute.value;
    n.memory = plan.memory.value;
    n.compute_entry = plan.compute.entry;
    n.memory_entry = plan.memory.entry;
    n.from_table = !plan.compute.entry.empty() || !plan.memory.entry.empty();
    if (terms.split_efficiency) {
        const std::string tail = "." + std::string(to_string(kernel)) + "." + std::string(to_string(precision));
        if (const auto c = hw.compute_efficiency_for(kernel, precision)) {
            n.compute = *c;
            n.compute_entry = "compute_efficiency" + tail;
        }
        if (const auto m = hw.memory_efficiency_for(kernel, precision)) {
            n.memory = *m;
            n.memory_entry = "memory_efficiency" + tail;
        }
        n.from_table = n.from_table || !n.compute_entry.empty() || !n.memory_entry.empty();
    }
    n.floor_known = hw.launch_overhead_us > 0 || hw.latency_floor_us.count(kernel) && hw.latency_floor_us.at(kernel).count(precision);
    n.floor_us = terms.launch_floor ? hw.latency_floor_for(kernel, precision) : 0;
    return n;
}

Prediction refined_start(const HardwareSpec& hw, const KernelShape& shape, Precision precision, const OperandBytes& bytes,
                         const ModelTerms& terms, CacheMode cache, KernelNumbers& n)
{
    const KernelType kernel = kernel_of(shape);
    // An FFN runs GEMMs: a profile without FFN entries of its own (one calibrated on GEMMs only) lends it the GEMM's.
    const auto has_entries = [&hw](KernelType k) {
        return hw.kernel_efficiency.count(k) || hw.compute_efficiency.count(k) || hw.memory_efficiency.count(k) || hw.latency_floor_us.count(k);
    };
    const KernelType entries = kernel == KernelType::FFN && !has_entries(kernel) && has_entries(KernelType::GEMM) ? KernelType::GEMM : kernel;
    n = kernel_numbers(hw, entries, precision, terms);
    Prediction p = compute_roofline(hw, workload(shape, bytes), precision, kernel, Mode::Ideal);
    p.capped_at_roof = cap_at_roof(hw, n.compute, n.memory, n.compute_entry, n.memory_entry,
                                   max_memory_efficiency(hw, p.bytes, cache), p.bytes, cache, p.notes);
    if (entries != kernel)
        p.notes.push_back("ffn takes the profile's gemm entries (it has none of its own): each of its kernels as a GEMM of the profile would run");
    p.mode = Mode::Refined;
    p.compute_efficiency = n.compute;
    p.memory_efficiency = n.memory;
    p.efficiency_from_table = n.from_table;
    if (!n.from_table)
        p.notes.push_back(hw.key + " has no efficiency for " + std::string(to_string(kernel)) + " × " + std::string(to_string(precision))
                          + ": the roofline bound with the profile's latency floor");
    return p;
}

Prediction refined_attention(const HardwareSpec& hw, const AttentionShape& a, Precision precision, const OperandBytes& bytes,
                             const ModelOptions& options)
{
    const ModelTerms& terms = options.terms;
    KernelNumbers numbers;
    Prediction p = refined_start(hw, a, precision, bytes, terms, options.cache, numbers);
    const Workload work{p.flops, p.bytes};
    const int tile = hw.attention_query_tile.value_or(kDefaultAttentionQueryTile);
    const AttentionBase base = attention_base(hw, a, precision, bytes, tile, hw.attention_kv_split, options.cache,
                                              terms.wave_quantization, terms.cache_aware);
    AttentionNumbers fitted{numbers.compute, numbers.memory, numbers.floor_us, std::nullopt};
    if (terms.wave_quantization)
        fitted.unit_bandwidth_gb_s = hw.attention_unit_bandwidth_gb_s;
    const AttentionTimes t = attention_times(base, fitted);

    p.wave_efficiency = base.math_us > 0 ? (p.t_math_us / base.math_us) : 1;
    p.l2_resident = base.from_l2;
    p.t_math_us = t.math_us;
    p.t_mem_us = std::max(t.memory_us, t.partition_us);
    p.launch_us = t.floor_us;
    p.predicted_time_us = t.total_us();
    const double roof_us = std::max({t.math_us, t.memory_us, t.partition_us});
    p.bottleneck = t.floor_us > roof_us ? Bottleneck::Latency : (t.math_us >= std::max(t.memory_us, t.partition_us) ? Bottleneck::Compute : Bottleneck::Memory);
    p.efficiency_factor = p.bottleneck == Bottleneck::Compute ? numbers.compute : numbers.memory;
    p.faster_than_roofline = p.efficiency_factor > 1;
    p.effective_tflops = p.peak_tflops * numbers.compute * p.wave_efficiency;
    p.bandwidth_gb_s = p.t_mem_us > 0 ? work.bytes / (p.t_mem_us * 1e-6) / 1e9 : hw.peak_bandwidth_gb_s;
    p.predicted_tflops = static_cast<double>(work.flops) / (p.predicted_time_us * 1e-6) / 1e12;
    note_missing_terms(hw, KernelType::Attention, precision, terms, numbers, p);
    if (!options.explain)
        return p;

    std::string math = format_number(static_cast<double>(work.flops) / 1e9, 3) + " GFLOP";
    if (base.tiles > 0)
        math += " (" + format_number(base.computed_flops / 1e9, 3) + " GFLOP as computed in " + format_number(base.tiles, 0)
            + " query tiles of " + std::to_string(std::min<int64_t>(tile, (a.query_len + 15) / 16 * 16)) + " rows, "
            + format_number(base.units, 0) + " units in " + format_number(base.waves, 0) + " waves on " + std::to_string(*hw.sm_count)
            + " SMs)";
    math += " at " + format_number(p.peak_tflops, 1) + " TFLOP/s × compute efficiency " + format_number(numbers.compute, 3);
    p.breakdown.push_back({"math", t.math_us, math});
    p.breakdown.push_back({"memory", t.memory_us,
                           mb(work.bytes) + (base.from_l2 ? " from L2 (warm, fits)" : " from DRAM at " + format_number(hw.peak_bandwidth_gb_s, 0)
                                                                      + " GB/s × memory efficiency " + format_number(numbers.memory, 3))});
    if (t.partition_us > 0)
        p.breakdown.push_back({"partition floor", t.partition_us,
                               format_number(base.units, 0) + " units of work (query tiles × KV partitions"
                                   + (hw.attention_kv_split ? " of " + std::to_string(*hw.attention_kv_split) + " keys" : std::string(" of all keys"))
                                   + ") in rounds on " + std::to_string(*hw.sm_count) + " SMs: " + mb(base.partition_bytes)
                                   + " streamed by one unit at " + format_number(*fitted.unit_bandwidth_gb_s, 1) + " GB/s"});
    if (t.floor_us > 0)
        p.breakdown.push_back({"latency floor", t.floor_us,
                               "fixed cost of an attention in " + std::string(to_string(precision)) + ", added to the largest bound"});
    return p;
}

} // namespace roofline::detail
