#include "roofline/plugin_host/worker_client.h"

#include "roofline/plugin_host/plugin_loader.h"

#include <algorithm>
#include <cstdlib>
#include <string>
#include <vector>

namespace roofline {

namespace fs = std::filesystem;

namespace {

constexpr const char* kWorkerFileName = "roofline-worker";

} // namespace

fs::path find_worker()
{
    if (const char* env = std::getenv("ROOFLINE_LAB_WORKER"); env && *env) {
        std::error_code ec;
        if (fs::exists(env, ec))
            return fs::path(env);
        throw PluginError(PluginError::Kind::NotFound, std::string("ROOFLINE_LAB_WORKER names ") + env + ", which does not exist");
    }
    std::vector<fs::path> dirs;
    if (const fs::path exe = executable_dir(); !exe.empty())
        dirs.push_back(exe);
    for (const auto& dir : plugin_search_dirs()) {
        if (std::find(dirs.begin(), dirs.end(), dir) == dirs.end())
            dirs.push_back(dir);
    }
    std::string looked;
    for (const auto& dir : dirs) {
        std::error_code ec;
        if (fs::exists(dir / kWorkerFileName, ec))
            return dir / kWorkerFileName;
        looked += "\n  " + dir.string();
    }
    throw PluginError(PluginError::Kind::NotFound, std::string(kWorkerFileName) + " (which runs the plugins) not found; looked in:"
                                                       + (looked.empty() ? std::string("\n  (nowhere)") : looked)
                                                       + "\n(set ROOFLINE_LAB_WORKER to its file)");
}

} // namespace roofline
