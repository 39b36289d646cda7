#include "plugin_choice.h"

#include "roofline/plugin_host/plugin_choice.h"

namespace roofline::cli {

std::unique_ptr<Device> open_plugin_device(const std::string& plugin, int index, bool in_process)
{
    DeviceChoice chosen = open_preferred_device(plugin, index, in_process ? PluginProcess::InProcess : PluginProcess::Worker);
    if (chosen.device)
        return std::move(chosen.device);
    const PluginError& first = chosen.failures.front();
    if (first.kind() == PluginError::Kind::NoDevice && plugin == "cuda")
        throw PluginError(first.kind(), std::string(first.what()) + "\n(--plugin cpu benchmarks the host CPU instead)");
    throw first;
}

} // namespace roofline::cli
