#pragma once

#include "args.h"

#include "roofline/plugin_host/plugin_loader.h"

#include <memory>
#include <string>

namespace roofline::cli {

// --plugin NAME|PATH, chosen by the core's policy (roofline/plugin_choice.h): a name ("cuda", "cpu") is looked up
// beside the binaries, anything with a '/' or ending in ".so" is a file. Opens device `index`; throws PluginError
// saying what is missing and where it looked, and for a GPU-less machine that the CPU plugin is there. The plugin
// runs in a roofline-worker process unless `in_process`.
std::unique_ptr<Device> open_plugin_device(const std::string& plugin, int index, bool in_process = false);

inline const OptionSpec kInProcessOption{"in-process", "", "run the plugin inside this process, not in a roofline-worker (to debug a plugin)"};

} // namespace roofline::cli
