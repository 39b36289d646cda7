#pragma once
// Which plugin to open: the one policy the app and the CLI share.

#include "roofline/plugin_host/plugin_loader.h"

#include <filesystem>
#include <memory>
#include <string_view>
#include <vector>

namespace roofline {

// A choice names a plugin ("cuda", "cpu"), looked up in plugin_search_dirs(), or a file: anything with a '/' or
// ending in ".so". An empty choice is every plugin found, the CUDA plugin first: the others (the CPU plugin) are
// the fallback for a machine without a GPU.
bool names_plugin_file(std::string_view choice);

// The plugin files to try, in order. Throws PluginError(NotFound) for a named plugin that is not there; an empty
// choice with no plugin anywhere gives an empty list.
std::vector<std::filesystem::path> plugins_by_preference(std::string_view choice = {});

struct DeviceChoice {
    std::unique_ptr<Device> device;   // null when no candidate opened one
    std::vector<PluginError> failures; // why each candidate tried before it (or every one) gave no device, in order
};

// Where a device's plugin runs: in a roofline-worker process (the default of the app and the CLI: a plugin that
// crashes or hangs then costs one case), or in this process (tests, debugging a plugin).
enum class PluginProcess { Worker, InProcess };

// Opens device `index` of the first candidate that has one. Never throws a PluginError: each is in `failures`
// (with no candidate at all, one NotFound that lists where it looked).
DeviceChoice open_preferred_device(std::string_view choice, int index = 0, PluginProcess where = PluginProcess::Worker);

} // namespace roofline
