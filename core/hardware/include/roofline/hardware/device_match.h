#pragma once

#include "roofline/hardware/device_info.h"

#include <string>

namespace roofline {

// The preset that describes a device, from its name and compute capability: "NVIDIA H100 80GB HBM3" ->
// "h100_sxm", "NVIDIA GB10" -> "gb10". The CPU plugin's device is "host". Empty when nothing matches.
std::string guess_hardware_key(const DeviceInfo& device);

} // namespace roofline
