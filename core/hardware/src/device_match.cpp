#include "roofline/hardware/device_match.h"

#include <algorithm>
#include <cctype>

namespace roofline {

std::string guess_hardware_key(const DeviceInfo& device)
{
    if (device.backend == "cpu")
        return "host";
    std::string name;
    for (char c : device.name)
        name += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    auto has = [&name](const char* part) { return name.find(part) != std::string::npos; };
    // The profile from public GB10 measurements, not the plan's `b10` (whose figures are the plan's fit, kept exactly).
    if (has("GB10"))
        return "gb10";
    if (has("GB200"))
        return "gb200";
    if (has("B200"))
        return "b200";
    if (has("H200"))
        return "h200";
    if (has("H100"))
        return has("PCIE") ? "h100_pcie" : "h100_sxm"; // "H100 80GB HBM3" is the SXM part
    if (has("A100"))
        return "a100_sxm";
    if (has("L40S"))
        return "l40s";
    if (has("RTX PRO 6000"))
        return "rtx_pro_6000";
    if (has("5090"))
        return "rtx_5090";
    return {};
}

} // namespace roofline
