#include "roofline/calculator.h"

#include "roofline/errors.h"

#include <algorithm>

namespace roofline {

std::string_view to_string(Mode m)
{
    return m == Mode::Ideal ? "ideal" : "realistic";
}

std::string_view to_string(Bottleneck b)
{
    return b == Bottleneck::Memory ? "memory" : "compute";
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
        if (const auto table = hw.efficiency(kernel, precision)) {
            factor = *table;
            p.efficiency_from_table = true;
        }
    }
    p.efficiency_factor = factor;
    p.faster_than_roofline = factor > 1;
    p.predicted_time_us = p.ideal_time_us / factor;
    p.effective_tflops = *peak * factor;
    p.predicted_tflops = p.predicted_time_us > 0 ? static_cast<double>(work.flops) / (p.predicted_time_us * 1e-6) / 1e12 : 0;
    return p;
}

Prediction predict(const HardwareSpec& hw, const KernelShape& shape, Precision precision, Mode mode)
{
    return compute_roofline(hw, workload(shape, precision), precision, kernel_of(shape), mode);
}

} // namespace roofline
