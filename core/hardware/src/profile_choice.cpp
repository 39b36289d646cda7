#include "roofline/hardware/profile_choice.h"

#include "roofline/hardware/device_match.h"
#include "roofline/hardware/profile_store.h"

namespace roofline {

namespace {

// A user profile whose calibration ran on this very device, or that was saved under the calibrated key of the
// device's preset.
const HardwareSpec* calibrated_for(const HardwareRegistry& registry, const DeviceInfo& device, const std::string& preset_key)
{
    const std::string calibrated = preset_key.empty() ? std::string() : calibrated_key(preset_key);
    for (const HardwareSpec& spec : registry.all()) {
        if (spec.origin == "preset")
            continue;
        const auto on = spec.calibration.find("device");
        if ((on != spec.calibration.end() && !device.name.empty() && on->second == device.name)
            || (!calibrated.empty() && spec.key == calibrated))
            return &spec;
    }
    return nullptr;
}

} // namespace

ProfileChoice preferred_profile(const HardwareRegistry& registry, const DeviceInfo* detected, std::string_view last_chosen)
{
    if (detected) {
        const std::string matching = guess_hardware_key(*detected);
        if (const HardwareSpec* own = calibrated_for(registry, *detected, matching))
            return {own->key, "your profile calibrated on " + detected->name};
        if (!matching.empty() && registry.find(matching))
            return {matching, "the profile of the detected " + detected->name};
    }
    if (!last_chosen.empty() && registry.find(last_chosen))
        return {std::string(last_chosen), "the profile chosen last"};
    const std::string fallback(kFirstStartProfileKey);
    return {fallback, detected ? "no profile matches the detected " + detected->name + "; the DGX Spark's from public measurements"
                               : "no GPU detected: the DGX Spark's profile from public measurements"};
}

} // namespace roofline
