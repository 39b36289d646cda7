#include "roofline/model/hardware.h"

namespace roofline {

std::optional<double> HardwareSpec::peak_tflops_for(Precision p) const
{
    const auto it = peak_tflops.find(p);
    if (it == peak_tflops.end())
        return std::nullopt;
    return it->second;
}

std::optional<double> HardwareSpec::critical_ai(Precision p) const
{
    const auto peak = peak_tflops_for(p);
    if (!peak || peak_bandwidth_gb_s <= 0)
        return std::nullopt;
    // [TFLOP/s] / [GB/s] = 1e12 / 1e9 FLOP/byte
    return *peak * 1e12 / (peak_bandwidth_gb_s * 1e9);
}

namespace {

std::optional<double> lookup(const std::map<KernelType, std::map<Precision, double>>& table, KernelType k, Precision p)
{
    const auto kernel = table.find(k);
    if (kernel == table.end())
        return std::nullopt;
    const auto factor = kernel->second.find(p);
    if (factor == kernel->second.end())
        return std::nullopt;
    return factor->second;
}

} // namespace

std::optional<double> HardwareSpec::efficiency(KernelType k, Precision p) const
{
    return lookup(kernel_efficiency, k, p);
}

std::optional<double> HardwareSpec::compute_efficiency_for(KernelType k, Precision p) const
{
    return lookup(compute_efficiency, k, p);
}

std::optional<double> HardwareSpec::memory_efficiency_for(KernelType k, Precision p) const
{
    return lookup(memory_efficiency, k, p);
}

std::optional<double> HardwareSpec::alignment_efficiency_for(KernelType k, Precision p, RowAlignment a) const
{
    switch (a) {
    case RowAlignment::Line: return 1.0;
    case RowAlignment::Vector: return lookup(partial_line_efficiency, k, p);
    case RowAlignment::Unaligned: return lookup(unaligned_efficiency, k, p);
    }
    return std::nullopt;
}

double HardwareSpec::latency_floor_for(KernelType k, Precision p) const
{
    return lookup(latency_floor_us, k, p).value_or(launch_overhead_us);
}

std::vector<Precision> HardwareSpec::precisions() const
{
    std::vector<Precision> out;
    for (Precision p : kAllPrecisions) {
        if (peak_tflops.count(p))
            out.push_back(p);
    }
    return out;
}

std::optional<std::string> HardwareSpec::source_for(const std::string& field_path) const
{
    std::string path = field_path;
    while (true) {
        if (const auto it = sources.find(path); it != sources.end())
            return it->second;
        const auto dot = path.rfind('.');
        if (dot == std::string::npos)
            return std::nullopt;
        path.resize(dot);
    }
}

} // namespace roofline
