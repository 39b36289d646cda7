#pragma once

#include "roofline/hardware/device_info.h"

#include <string>

namespace roofline {

// The preset that describes a device, from its name as CUDA and llama-bench's gpu_info give it: "NVIDIA H100 80GB
// HBM3" -> "h100_sxm", "NVIDIA GB10" -> "gb10", "NVIDIA GeForce RTX 4090" -> "rtx_4090", "Tesla T4" -> "t4". Model
// names are whole words ("NVIDIA A10" is a10, "NVIDIA A10G" nothing); a GeForce board matches only without a suffix
// ("RTX 4080 SUPER", "RTX 3090 Ti", "RTX 4090 Laptop GPU" match nothing: other SMs and bandwidth). A list of devices
// ("A, B", as llama-bench writes several) matches only when all of them match the same preset. The CPU plugin's
// device is "host". Empty when nothing matches.
std::string guess_hardware_key(const DeviceInfo& device);

} // namespace roofline
