#pragma once

#include "roofline/plugin_loader.h"

#include <memory>
#include <string>

namespace roofline::cli {

// --plugin NAME|PATH, chosen by the core's policy (roofline/plugin_choice.h): a name ("cuda", "cpu") is looked up
// beside the binaries, anything with a '/' or ending in ".so" is a file. Opens device `index`; throws PluginError
// saying what is missing and where it looked, and for a GPU-less machine that the CPU plugin is there.
std::unique_ptr<Device> open_plugin_device(const std::string& plugin, int index);

} // namespace roofline::cli
