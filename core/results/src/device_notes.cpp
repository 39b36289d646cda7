#include "roofline/results/device_notes.h"

#include "roofline/hardware/device_match.h"

#include <filesystem>

namespace roofline {

namespace {

std::string text_at(const nlohmann::ordered_json& object, const char* key)
{
    if (!object.is_object())
        return {};
    const auto it = object.find(key);
    return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::string calibration_field(const HardwareSpec& hw, const char* field)
{
    const auto it = hw.calibration.find(field);
    return it != hw.calibration.end() ? it->second : std::string();
}

bool mentions(const std::string& text, const char* part)
{
    return text.find(part) != std::string::npos;
}

} // namespace

std::string measured_device_name(const MeasurementSet& set)
{
    if (!set.device_name.empty())
        return set.device_name;
    return text_at(set.meta.contains("device") ? set.meta["device"] : nlohmann::ordered_json(), "name");
}

std::optional<DeviceMismatch> device_mismatch(const MeasurementSet& set, const HardwareSpec& hw)
{
    const std::string name = measured_device_name(set);
    if (name.empty() || calibration_field(hw, "device") == name)
        return std::nullopt;
    DeviceInfo device;
    device.backend = set.meta.contains("device") ? text_at(set.meta["device"], "backend") : std::string("cuda");
    device.name = name;
    const std::string matching = guess_hardware_key(device);
    if (!matching.empty() && (matching == hw.key || calibration_field(hw, "base") == matching))
        return std::nullopt;
    DeviceMismatch out{name, matching, hw.key, {}};
    out.message = "These runs were measured on " + name + " and are predicted on " + hw.key + " (" + hw.name
                + "), another GPU's roofline: expect every row off by the difference between the two. ";
    out.message += matching.empty()
                       ? "No profile matches " + name + ": measure one on it with `roofline ceilings --save-profile`, or calibrate one from these runs."
                       : "Predict them on " + matching + " (--hardware " + matching + "), or calibrate a profile on that GPU.";
    return out;
}

std::optional<std::string> fitted_on_these_rows(const MeasurementSet& set, const HardwareSpec& hw)
{
    const std::string file = std::filesystem::path(set.source).filename().string();
    const std::string fitted_on = calibration_field(hw, "measurements");
    if (!file.empty() && mentions(fitted_on, file.c_str()))
        return hw.key + " was fitted on this file's rows (its calibration lists " + file
             + "): the errors are the fit's residuals, not a held-out check.";
    // The plan's preset: its efficiencies are the plan's own figures for the plan's seed rows.
    if (mentions(hw.source_for("kernel_efficiency").value_or(""), "implementation plan")
        && mentions(text_at(set.extra, "source"), "implementation plan"))
        return hw.key + "'s efficiencies are the plan's, fitted to these very rows (the plan's seed measurements): "
               "agreement here says the fit is consistent, not that it predicts other runs.";
    return std::nullopt;
}

} // namespace roofline
