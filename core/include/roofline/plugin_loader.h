#pragma once

#include "roofline/plugin_abi.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace roofline {

class PluginError : public std::runtime_error {
public:
    enum class Kind { NotFound, NotAPlugin, MissingSymbol, WrongVersion, NoDevice, Failed };
    PluginError(Kind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
    Kind kind() const noexcept { return kind_; }

private:
    Kind kind_;
};

// A loaded plugin: owns the dlopen handle (RTLD_NOW | RTLD_LOCAL) and the checked function table.
class Plugin {
public:
    // Throws PluginError: NotFound (no such file), NotAPlugin (not a loadable shared object),
    // MissingSymbol (no roofline_plugin_entry), WrongVersion (ABI mismatch or incomplete table).
    static std::shared_ptr<Plugin> load(const std::filesystem::path& file);
    ~Plugin();
    Plugin(const Plugin&) = delete;
    Plugin& operator=(const Plugin&) = delete;

    const rl_plugin_api& api() const { return *api_; }
    const std::filesystem::path& path() const { return path_; }
    std::string name() const;
    std::string version() const;
    // Devices the plugin sees; 0 with `message` saying why (no driver, no GPU).
    int device_count(std::string* message = nullptr) const;

private:
    Plugin(void* handle, const rl_plugin_api* api, std::filesystem::path path);

    void* handle_ = nullptr;
    const rl_plugin_api* api_ = nullptr;
    std::filesystem::path path_;
};

// "libroofline_cuda.so" for "cuda".
std::string plugin_file_name(std::string_view name);
// Where plugins are looked for, in order: $ROOFLINE_LAB_PLUGIN_DIR, then relative to the running executable
// (the install layout's plugin dir, e.g. <exe dir>/../lib/x86_64-linux-gnu/roofline-lab, then
// <exe dir>/../lib/roofline-lab, then <exe dir>). Never the current directory. The build tree has the
// install layout.
std::vector<std::filesystem::path> plugin_search_dirs();
// Throws PluginError(NotFound) that lists every directory it looked in.
std::filesystem::path find_plugin(std::string_view name);
// Every libroofline_*.so in the search directories (first one wins per name).
std::vector<std::filesystem::path> find_all_plugins();
// The running executable's directory (empty when /proc/self/exe cannot be read).
std::filesystem::path executable_dir();

struct DeviceInfo {
    std::string backend;  // "cuda", "cpu"
    std::string name;
    int compute_capability_major = 0;
    int compute_capability_minor = 0;
    int multiprocessor_count = 0;
    uint64_t memory_bytes = 0;
    uint64_t l2_cache_bytes = 0;
    int max_sm_clock_mhz = 0;
    int max_memory_clock_mhz = 0;
    int memory_bus_width_bits = 0;
    std::string driver_version;
    std::string runtime_version;
    std::string library_version;
    std::string engine;       // ABI 4: an engine plugin's engine, version and backend ("ggml 0.21.0 (d99724f) CPU")
    std::string engine_build; // ABI 4: the engine's build flags
    std::string plugin_name;
    std::string plugin_version;

    std::string compute_capability() const; // "9.0", or "" for the CPU
    nlohmann::ordered_json to_json() const;
    std::string summary() const;             // one line for status bars: "NVIDIA H100 80GB HBM3 · sm_90 · 132 SMs · 80 GB"
};

// The device info a plugin described, as the host keeps it.
DeviceInfo device_info_of(const rl_device_info& raw, const std::string& plugin_name, const std::string& plugin_version);

class WorkerClient;
struct WorkerOptions;

// An open device of a plugin, in this process or in a worker process (roofline/worker_client.h): the same calls
// either way. Not thread-safe: one thread at a time.
class Device {
public:
    // In this process. Throws PluginError(NoDevice) with the plugin's own reason.
    static std::unique_ptr<Device> open(std::shared_ptr<Plugin> plugin, int index = 0);
    // In a roofline-worker process, so that a plugin that crashes or hangs costs one case, not this process:
    // the plugin is loaded there only. Throws the PluginError the plugin gave, or Failed when the worker
    // cannot be started.
    static std::unique_ptr<Device> open_in_worker(const std::filesystem::path& plugin_file, int index, const WorkerOptions& options);
    static std::unique_ptr<Device> open_in_worker(const std::filesystem::path& plugin_file, int index = 0);
    ~Device();
    Device(const Device&) = delete;
    Device& operator=(const Device&) = delete;

    const DeviceInfo& info() const { return info_; }
    const rl_device_info& raw_info() const { return raw_info_; }
    const std::filesystem::path& plugin_path() const;
    // The plugin loaded in this process; only for a device opened with open(). Throws std::logic_error for one
    // in a worker.
    const Plugin& plugin() const;
    // The worker a device opened with open_in_worker() runs in, else null.
    WorkerClient* worker() const { return worker_.get(); }

    struct Support {
        rl_status status = RL_STATUS_OK;
        std::string reason;
        bool ok() const { return status == RL_STATUS_OK; }
    };
    Support supports(const rl_case& c) const;
    // Runs one case; `should_stop` is polled between samples. Never throws for a plugin-reported failure: the
    // status and message are in the result.
    rl_result run(const rl_case& c, const std::function<bool()>& should_stop);

private:
    Device(std::shared_ptr<Plugin> plugin, rl_device* device);
    explicit Device(std::unique_ptr<WorkerClient> worker);

    std::shared_ptr<Plugin> plugin_;
    rl_device* device_ = nullptr;
    std::unique_ptr<WorkerClient> worker_;
    rl_device_info raw_info_{};
    DeviceInfo info_;
};

} // namespace roofline
