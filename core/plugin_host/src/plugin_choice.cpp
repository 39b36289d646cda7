#include "roofline/plugin_host/plugin_choice.h"

#include <algorithm>
#include <string>

namespace roofline {

namespace fs = std::filesystem;

bool names_plugin_file(std::string_view choice)
{
    return choice.find('/') != std::string_view::npos || (choice.size() > 3 && choice.ends_with(".so"));
}

std::vector<fs::path> plugins_by_preference(std::string_view choice)
{
    if (names_plugin_file(choice))
        return {fs::path(choice)};
    if (!choice.empty())
        return {find_plugin(choice)};
    std::vector<fs::path> found = find_all_plugins();
    std::stable_partition(found.begin(), found.end(),
                          [](const fs::path& p) { return p.filename().string() == plugin_file_name("cuda"); });
    return found;
}

DeviceChoice open_preferred_device(std::string_view choice, int index, PluginProcess where)
{
    DeviceChoice chosen;
    std::vector<fs::path> candidates;
    try {
        candidates = plugins_by_preference(choice);
    } catch (const PluginError& e) {
        chosen.failures.push_back(e);
        return chosen;
    }
    if (candidates.empty()) {
        std::string looked;
        for (const auto& dir : plugin_search_dirs())
            looked += "\n  " + dir.string();
        chosen.failures.emplace_back(PluginError::Kind::NotFound,
                                     "no plugin found; looked in:" + (looked.empty() ? std::string("\n  (nowhere)") : looked));
        return chosen;
    }
    for (const auto& file : candidates) {
        try {
            chosen.device = where == PluginProcess::Worker ? Device::open_in_worker(file, index)
                                                           : Device::open(Plugin::load(file), index);
            return chosen;
        } catch (const PluginError& e) {
            chosen.failures.push_back(e);
        }
    }
    return chosen;
}

} // namespace roofline
