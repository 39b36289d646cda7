// The limits every realistic and refined prediction keeps: the plan-style factor of each bound, the most of the DRAM
// roof a working set can reach, the cap at the roof (with the note that cites the factor's source) and the notes for
// the terms a profile lacks. calculator.cpp and the attention and FFN terms apply them.
#include "roofline/model/kernel_terms.h"

#include "roofline/support/number_format.h"

#include <algorithm>
#include <cmath>

namespace roofline {

namespace detail {

PlanFactors plan_factors(const HardwareSpec& hw, KernelType kernel, Precision precision)
{
    const auto take = [&](KernelType k) {
        BoundNumber b;
        if (const auto v = hw.efficiency(k, precision)) {
            b.value = *v;
            b.entry = "kernel_efficiency." + std::string(to_string(k)) + "." + std::string(to_string(precision));
        }
        return b;
    };
    PlanFactors f;
    switch (kernel) {
    case KernelType::GEMM:
    case KernelType::GroupedGEMM:
        f.compute = take(kernel);
        f.memory = take(KernelType::GEMV);
        break;
    case KernelType::GEMV:
        f.memory = take(kernel);
        f.compute = take(KernelType::GEMM);
        break;
    default:
        f.compute = f.memory = take(kernel);
        break;
    }
    return f;
}

double max_memory_efficiency(const HardwareSpec& hw, double bytes, CacheMode cache)
{
    const bool may_be_in_l2 = cache == CacheMode::Warm && hw.l2_cache_bytes && bytes <= static_cast<double>(*hw.l2_cache_bytes);
    if (!may_be_in_l2)
        return 1;
    if (hw.l2_bandwidth_gb_s && *hw.l2_bandwidth_gb_s > hw.peak_bandwidth_gb_s)
        return *hw.l2_bandwidth_gb_s / hw.peak_bandwidth_gb_s;
    if (hw.l2_bandwidth_gb_s)
        return 1;
    return std::numeric_limits<double>::infinity();
}

namespace {

// "b10's gemv × FP8_E4M3 factor 1.68 (the implementation plan, …)": the entry, its value and where it came from.
std::string entry_label(const HardwareSpec& hw, const std::string& entry, double value)
{
    // entry: "kernel_efficiency.gemv.FP8_E4M3" -> table "kernel_efficiency", kernel "gemv", precision "FP8_E4M3"
    const auto first = entry.find('.'), last = entry.rfind('.');
    const std::string table = entry.substr(0, first);
    const std::string what = entry.substr(first + 1, last - first - 1) + " × " + entry.substr(last + 1);
    const std::string kind = table == "kernel_efficiency" ? "factor" : table == "compute_efficiency" ? "compute efficiency" : "memory efficiency";
    return hw.key + "'s " + what + " " + kind + " " + format_number(value, 3) + " ("
        + hw.source_for(entry).value_or("no source recorded") + ")";
}

} // namespace

bool cap_at_roof(const HardwareSpec& hw, double& compute, double& memory, const std::string& compute_entry,
                 const std::string& memory_entry, double max_memory, double bytes, CacheMode cache,
                 std::vector<std::string>& notes)
{
    bool capped = false;
    if (compute > 1) {
        notes.push_back(entry_label(hw, compute_entry, compute) + " would compute above the peak: held at the roofline (1)");
        compute = 1;
        capped = true;
    }
    if (memory > 1) {
        const std::string would = entry_label(hw, memory_entry, memory) + " would stream " + format_number(hw.peak_bandwidth_gb_s * memory, 0)
            + " GB/s, above the " + format_number(hw.peak_bandwidth_gb_s, 0) + " GB/s DRAM roof";
        const std::string l2 = hw.l2_cache_bytes ? format_number(static_cast<double>(*hw.l2_cache_bytes) / 1e6, 2) + " MB L2" : "L2";
        if (std::isinf(max_memory)) {
            notes.push_back(would + ": not capped, as only an L2 hit can do that and this warm working set of "
                            + format_number(bytes / 1e6, 2) + " MB fits in the " + l2 + " (" + hw.key
                            + " has no L2 bandwidth to cap it at)");
        } else if (memory > max_memory) {
            notes.push_back(would + ": held at the " + (max_memory > 1 ? "L2 roof, " + format_number(hw.peak_bandwidth_gb_s * max_memory, 0)
                                                                        + " GB/s (warm, fits in the " + l2 + ")"
                                                                  : std::string(cache == CacheMode::Warm ? "roof (the working set does not fit in the " + l2 + ")"
                                                                                                         : "roof (cold: the inputs come from DRAM)")));
            memory = max_memory;
            capped = true;
        }
    }
    return capped;
}

void note_missing_terms(const HardwareSpec& hw, KernelType kernel, Precision precision, const ModelTerms& terms,
                        const KernelNumbers& n, Prediction& p)
{
    const std::string entry = std::string(to_string(kernel)) + " × " + std::string(to_string(precision));
    const bool no_floors = hw.launch_overhead_us <= 0 && hw.latency_floor_us.empty();
    if (terms.launch_floor && no_floors)
        p.notes.push_back(hw.key + " has no latency floor (no latency_floor_us, no launch_overhead_us): refined mode adds none to any "
                          "kernel, so a small kernel is predicted at its bare roofline time");
    else if (terms.launch_floor && !n.floor_known)
        p.notes.push_back(hw.key + " has no latency floor for " + entry
                          + " (no latency_floor_us entry, no launch_overhead_us): refined mode adds none, so a small kernel is predicted at its bare roofline time");
    if (terms.cache_aware && !hw.dram_latency_us && !p.l2_resident)
        p.notes.push_back(hw.key + " has no dram_latency_us: refined mode adds no DRAM latency");
    if (terms.power_throttle && (!hw.throttle_after_us || !hw.throttle_ratio) && p.bottleneck == Bottleneck::Compute)
        p.notes.push_back(hw.key + " has no power throttle (throttle_after_us, throttle_ratio): long compute-bound kernels are predicted at full clock");
}

} // namespace detail

} // namespace roofline
