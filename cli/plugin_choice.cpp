#include "plugin_choice.h"

namespace roofline::cli {

std::unique_ptr<Device> open_plugin_device(const std::string& plugin, int index)
{
    const bool is_file = plugin.find('/') != std::string::npos || (plugin.size() > 3 && plugin.compare(plugin.size() - 3, 3, ".so") == 0);
    const std::filesystem::path file = is_file ? std::filesystem::path(plugin) : find_plugin(plugin);
    try {
        return Device::open(Plugin::load(file), index);
    } catch (const PluginError& e) {
        if (e.kind() == PluginError::Kind::NoDevice && plugin == "cuda")
            throw PluginError(e.kind(), std::string(e.what()) + "\n(--plugin cpu benchmarks the host CPU instead)");
        throw;
    }
}

} // namespace roofline::cli
