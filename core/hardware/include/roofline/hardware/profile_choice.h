#pragma once

// Which profile a user sees first: the truest one there is for the machine at hand. The app opens on it; the CLI
// names it where a file does not say.

#include "roofline/hardware/device_info.h"
#include "roofline/hardware/hardware_registry.h"

#include <string>
#include <string_view>

namespace roofline {

// With no GPU and no earlier choice: the DGX Spark's profile from public measurements (the app is for Spark owners;
// the plan's `b10` stays one choice away).
inline constexpr std::string_view kFirstStartProfileKey = "gb10";

struct ProfileChoice {
    std::string key;
    std::string why; // "your profile calibrated on NVIDIA GB10", "the profile of the detected NVIDIA H100 80GB HBM3", ...
};

// In this order: the user's own profile calibrated on the detected device; the profile that matches the detected
// device (guess_hardware_key); the profile chosen last; kFirstStartProfileKey. `detected` may be null (no GPU, or
// not probed yet); a `last_chosen` the registry no longer has is passed over.
ProfileChoice preferred_profile(const HardwareRegistry& registry, const DeviceInfo* detected, std::string_view last_chosen);

} // namespace roofline
