// Refined mode for an FFN as libraries run it: the sum of its kernels (ffn_parts: gate+up GEMM, activation, down
// GEMM), each bound by max(math, memory) and paying its own latency floor, the intermediate written and read back
// through memory between them. Each GEMM's math runs in waves of output tiles over the SMs, as a GEMM's does; the
// efficiencies and the floor are the FFN's own (fitted on whole FFNs), shared by its parts.
#include "roofline/model/kernel_terms.h"

#include "roofline/support/number_format.h"

#include <algorithm>

namespace roofline::detail {

std::vector<FfnPartBase> ffn_base(const HardwareSpec& hw, const FfnShape& shape, Precision precision, const OperandBytes& bytes,
                                  CacheMode cache, bool waves_on, bool l2_on)
{
    const double peak_flop_s = hw.peak_tflops_for(precision).value_or(0) * 1e12;
    const bool from_l2 = l2_on && cache == CacheMode::Warm && hw.l2_cache_bytes && hw.l2_bandwidth_gb_s
        && workload(KernelShape{shape}, bytes).bytes <= static_cast<double>(*hw.l2_cache_bytes);
    const double bandwidth_gb_s = from_l2 ? *hw.l2_bandwidth_gb_s * hw.l2_efficiency.value_or(1) : hw.peak_bandwidth_gb_s;
    std::vector<FfnPartBase> parts;
    for (const FfnPart& part : ffn_parts(shape)) {
        const Workload w = workload(part.shape, ffn_part_bytes(part, bytes));
        FfnPartBase base;
        base.from_l2 = from_l2;
        base.memory_us = w.bytes / (bandwidth_gb_s * 1e9) * 1e6;
        if (std::holds_alternative<GemmShape>(part.shape) && peak_flop_s > 0)
            base.math_us = static_cast<double>(w.flops) / peak_flop_s * 1e6 / (waves_on ? wave_efficiency(hw, part.shape) : 1.0);
        parts.push_back(base);
    }
    return parts;
}

double ffn_time_us(const std::vector<FfnPartBase>& parts, double compute, double memory, double floor_us)
{
    double total = 0;
    for (const FfnPartBase& part : parts)
        total += std::max(part.math_us / compute, part.from_l2 ? part.memory_us : part.memory_us / memory) + floor_us;
    return total;
}

Prediction refined_ffn(const HardwareSpec& hw, const FfnShape& shape, Precision precision, const OperandBytes& bytes,
                       const ModelOptions& options)
{
    const ModelTerms& terms = options.terms;
    KernelNumbers n;
    Prediction p = refined_start(hw, shape, precision, bytes, terms, options.cache, n);
    const Workload work{p.flops, p.bytes};
    const std::vector<FfnPartBase> parts = ffn_base(hw, shape, precision, bytes, options.cache, terms.wave_quantization, terms.cache_aware);
    const bool fits_l2 = !parts.empty() && parts.front().from_l2;
    const double memory = fits_l2 ? 1.0 : n.memory;
    p.l2_resident = fits_l2;

    double math_sum = 0, memory_sum = 0, compute_bound_us = 0;
    const std::vector<FfnPart> named = ffn_parts(shape);
    for (std::size_t i = 0; i < parts.size(); ++i) {
        const double math_us = parts[i].math_us / n.compute, memory_us = parts[i].memory_us / memory;
        math_sum += math_us;
        memory_sum += memory_us;
        if (math_us > memory_us)
            compute_bound_us += math_us;
        if (options.explain) {
            const Workload w = workload(named[i].shape, ffn_part_bytes(named[i], bytes));
            std::string detail = format_shape(named[i].shape) + ": ";
            if (parts[i].math_us > 0)
                detail += "math " + format_number(math_us, 2) + " µs (" + format_number(static_cast<double>(w.flops) / 1e9, 3)
                    + " GFLOP × compute efficiency " + format_number(n.compute, 3)
                    + (terms.wave_quantization ? ", wave efficiency " + format_number(wave_efficiency(hw, named[i].shape), 3) : std::string())
                    + "), ";
            detail += "memory " + format_number(memory_us, 2) + " µs (" + format_number(w.bytes / 1e6, 2) + " MB"
                + (fits_l2 ? " from L2" : " × memory efficiency " + format_number(n.memory, 3)) + ")";
            if (n.floor_us > 0)
                detail += " + latency floor " + format_number(n.floor_us, 2) + " µs";
            p.breakdown.push_back({std::string(named[i].name), std::max(math_us, memory_us) + n.floor_us, detail});
        }
    }
    p.t_math_us = math_sum;
    p.t_mem_us = memory_sum;
    p.launch_us = n.floor_us * static_cast<double>(parts.size());
    p.predicted_time_us = ffn_time_us(parts, n.compute, n.memory, n.floor_us);
    const double roof_us = p.predicted_time_us - p.launch_us;
    p.bottleneck = p.launch_us > roof_us ? Bottleneck::Latency
                                         : (compute_bound_us * 2 > roof_us ? Bottleneck::Compute : Bottleneck::Memory);
    p.efficiency_factor = p.bottleneck == Bottleneck::Compute ? n.compute : n.memory;
    p.faster_than_roofline = p.efficiency_factor > 1;
    p.effective_tflops = p.peak_tflops * n.compute;
    p.bandwidth_gb_s = memory_sum > 0 ? work.bytes / (memory_sum * 1e-6) / 1e9 : hw.peak_bandwidth_gb_s;
    p.predicted_tflops = static_cast<double>(work.flops) / (p.predicted_time_us * 1e-6) / 1e12;
    note_missing_terms(hw, KernelType::FFN, precision, terms, n, p);
    return p;
}

} // namespace roofline::detail
