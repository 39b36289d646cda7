#include "roofline/plugin_loader.h"

#include "roofline/plugin_abi_rules.h"
#include "roofline/worker_client.h"

#include <dlfcn.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <set>

namespace roofline {

namespace fs = std::filesystem;

namespace {

// Reads the table's C strings defensively: a plugin may leave them null.
std::string text_or(const char* text, const char* fallback)
{
    return text ? std::string(text) : std::string(fallback);
}

// Every field the host calls must be there; a table shorter than this build's is from an older ABI.
bool table_complete(const rl_plugin_api& api)
{
    return api.struct_size >= sizeof(rl_plugin_api) && api.device_count && api.open && api.describe && api.supports
        && api.run && api.close;
}

bool looks_like_elf(const fs::path& file)
{
    std::ifstream in(file, std::ios::binary);
    char magic[4] = {};
    in.read(magic, 4);
    return in.gcount() == 4 && std::memcmp(magic, "\x7f" "ELF", 4) == 0;
}

} // namespace

fs::path executable_dir()
{
    std::error_code ec;
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    return ec ? fs::path() : exe.parent_path();
}

Plugin::Plugin(void* handle, const rl_plugin_api* api, fs::path path)
    : handle_(handle), api_(api), path_(std::move(path))
{
}

Plugin::~Plugin()
{
    if (handle_)
        ::dlclose(handle_);
}

std::shared_ptr<Plugin> Plugin::load(const fs::path& file)
{
    std::error_code ec;
    if (!fs::exists(file, ec))
        throw PluginError(PluginError::Kind::NotFound, "plugin file not found: " + file.string());
    // dlopen of a path with no slash would search the library path: always hand it an absolute path.
    const fs::path absolute = fs::absolute(file, ec);
    void* handle = ::dlopen(absolute.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
        const char* why = ::dlerror();
        const bool elf = looks_like_elf(absolute);
        throw PluginError(PluginError::Kind::NotAPlugin,
                          absolute.string() + (elf ? " could not be loaded: " : " is not a plugin (not a shared object): ")
                              + text_or(why, "unknown dlopen error"));
    }
    auto close_on_error = [handle] { ::dlclose(handle); };
    ::dlerror();
    void* symbol = ::dlsym(handle, ROOFLINE_PLUGIN_ENTRY_SYMBOL);
    if (!symbol) {
        close_on_error();
        throw PluginError(PluginError::Kind::MissingSymbol,
                          absolute.string() + " is not a Roofline Lab plugin: it has no '" ROOFLINE_PLUGIN_ENTRY_SYMBOL "' symbol");
    }
    auto entry = reinterpret_cast<rl_plugin_entry_fn>(symbol);
    // Our version first, then each older one: a plugin built before a version step still serves the fields it knows.
    const rl_plugin_api* api = nullptr;
    for (uint32_t version = ROOFLINE_PLUGIN_ABI_VERSION; !api && version >= ROOFLINE_PLUGIN_ABI_OLDEST; --version)
        api = entry(version);
    if (!api) {
        close_on_error();
        throw PluginError(PluginError::Kind::WrongVersion,
                          absolute.string() + " refused plugin ABI versions " + std::to_string(ROOFLINE_PLUGIN_ABI_OLDEST)
                              + " to " + std::to_string(ROOFLINE_PLUGIN_ABI_VERSION));
    }
    if (!abi::serves_version(api->abi_version)) {
        const uint32_t version = api->abi_version;
        close_on_error();
        throw PluginError(PluginError::Kind::WrongVersion,
                          absolute.string() + " speaks plugin ABI version " + std::to_string(version) + "; this build serves versions "
                              + std::to_string(ROOFLINE_PLUGIN_ABI_OLDEST) + " to " + std::to_string(ROOFLINE_PLUGIN_ABI_VERSION)
                              + " (rebuild the plugin with this version)");
    }
    if (!table_complete(*api)) {
        const uint32_t size = api->struct_size; // the table lives in the plugin: read it before unloading
        close_on_error();
        throw PluginError(PluginError::Kind::WrongVersion,
                          absolute.string() + " returned an incomplete function table (struct_size "
                              + std::to_string(size) + ", expected " + std::to_string(sizeof(rl_plugin_api)) + ")");
    }
    return std::shared_ptr<Plugin>(new Plugin(handle, api, absolute));
}

std::string Plugin::name() const
{
    return text_or(api_->plugin_name, "unnamed");
}

std::string Plugin::version() const
{
    return text_or(api_->plugin_version, "unknown");
}

int Plugin::device_count(std::string* message) const
{
    char buffer[1024] = {};
    const int32_t count = api_->device_count(buffer, sizeof buffer);
    if (message)
        *message = abi::read_text(buffer, sizeof buffer);
    return count < 0 ? 0 : count;
}

std::string plugin_file_name(std::string_view name)
{
    return "libroofline_" + std::string(name) + ".so";
}

std::vector<fs::path> plugin_search_dirs()
{
    std::vector<fs::path> dirs;
    if (const char* env = std::getenv("ROOFLINE_LAB_PLUGIN_DIR"); env && *env)
        dirs.emplace_back(env);
    const fs::path exe_dir = executable_dir();
    if (!exe_dir.empty()) {
        // ROOFLINE_PLUGIN_RELDIR is the install layout's bin -> plugin dir ("../lib/x86_64-linux-gnu/roofline-lab").
        dirs.push_back((exe_dir / ROOFLINE_PLUGIN_RELDIR).lexically_normal());
        const fs::path plain = (exe_dir / ".." / "lib" / "roofline-lab").lexically_normal();
        if (plain != dirs.back())
            dirs.push_back(plain);
        dirs.push_back(exe_dir);
    }
    return dirs;
}

fs::path find_plugin(std::string_view name)
{
    const std::string file = plugin_file_name(name);
    std::string looked;
    for (const auto& dir : plugin_search_dirs()) {
        std::error_code ec;
        if (fs::exists(dir / file, ec))
            return dir / file;
        looked += "\n  " + dir.string();
    }
    throw PluginError(PluginError::Kind::NotFound,
                      "plugin " + file + " not found; looked in:" + (looked.empty() ? std::string("\n  (nowhere)") : looked)
                          + "\n(set ROOFLINE_LAB_PLUGIN_DIR or pass the plugin file)");
}

std::vector<fs::path> find_all_plugins()
{
    std::vector<fs::path> found;
    std::set<std::string> names;
    for (const auto& dir : plugin_search_dirs()) {
        std::error_code ec;
        if (!fs::is_directory(dir, ec))
            continue;
        std::vector<fs::path> here;
        for (const auto& entry : fs::directory_iterator(dir, ec)) {
            const std::string file = entry.path().filename().string();
            if (file.rfind("libroofline_", 0) == 0 && entry.path().extension() == ".so")
                here.push_back(entry.path());
        }
        std::sort(here.begin(), here.end());
        for (const auto& path : here) {
            if (names.insert(path.filename().string()).second)
                found.push_back(path);
        }
    }
    return found;
}

std::string DeviceInfo::compute_capability() const
{
    if (compute_capability_major <= 0)
        return {};
    return std::to_string(compute_capability_major) + "." + std::to_string(compute_capability_minor);
}

nlohmann::ordered_json DeviceInfo::to_json() const
{
    nlohmann::ordered_json out;
    out["backend"] = backend;
    out["name"] = name;
    out["compute_capability"] = compute_capability();
    out["multiprocessor_count"] = multiprocessor_count;
    out["memory_bytes"] = memory_bytes;
    out["l2_cache_bytes"] = l2_cache_bytes;
    out["max_sm_clock_mhz"] = max_sm_clock_mhz;
    out["max_memory_clock_mhz"] = max_memory_clock_mhz;
    out["memory_bus_width_bits"] = memory_bus_width_bits;
    out["driver_version"] = driver_version;
    out["runtime_version"] = runtime_version;
    out["library_version"] = library_version;
    if (!engine.empty()) {
        out["engine"] = engine;
        out["engine_build"] = engine_build;
    }
    out["plugin"] = plugin_name;
    out["plugin_version"] = plugin_version;
    return out;
}

std::string DeviceInfo::summary() const
{
    std::string out = name;
    if (const std::string cc = compute_capability(); !cc.empty())
        out += " · sm_" + std::to_string(compute_capability_major) + std::to_string(compute_capability_minor);
    if (multiprocessor_count > 0)
        out += " · " + std::to_string(multiprocessor_count) + (backend == "cpu" ? " cores" : " SMs");
    if (memory_bytes > 0)
        out += " · " + std::to_string((memory_bytes + (1ull << 29)) >> 30) + " GiB";
    return out;
}

DeviceInfo device_info_of(const rl_device_info& raw, const std::string& plugin_name, const std::string& plugin_version)
{
    DeviceInfo info;
    info.backend = abi::read_text(raw.backend, sizeof raw.backend);
    info.name = abi::read_text(raw.name, sizeof raw.name);
    info.compute_capability_major = raw.compute_capability_major;
    info.compute_capability_minor = raw.compute_capability_minor;
    info.multiprocessor_count = raw.multiprocessor_count;
    info.memory_bytes = raw.memory_bytes;
    info.l2_cache_bytes = raw.l2_cache_bytes;
    info.max_sm_clock_mhz = raw.max_sm_clock_mhz;
    info.max_memory_clock_mhz = raw.max_memory_clock_mhz;
    info.memory_bus_width_bits = raw.memory_bus_width_bits;
    info.driver_version = abi::read_text(raw.driver_version, sizeof raw.driver_version);
    info.runtime_version = abi::read_text(raw.runtime_version, sizeof raw.runtime_version);
    info.library_version = abi::read_text(raw.library_version, sizeof raw.library_version);
    info.engine = abi::read_text(raw.engine, sizeof raw.engine);
    info.engine_build = abi::read_text(raw.engine_build, sizeof raw.engine_build);
    info.plugin_name = plugin_name;
    info.plugin_version = plugin_version;
    return info;
}

Device::Device(std::shared_ptr<Plugin> plugin, rl_device* device) : plugin_(std::move(plugin)), device_(device) {}

Device::Device(std::unique_ptr<WorkerClient> worker) : worker_(std::move(worker))
{
    raw_info_ = worker_->device_info();
    info_ = device_info_of(raw_info_, worker_->plugin_name(), worker_->plugin_version());
}

Device::~Device()
{
    if (device_)
        plugin_->api().close(device_);
}

std::unique_ptr<Device> Device::open(std::shared_ptr<Plugin> plugin, int index)
{
    const rl_plugin_api& api = plugin->api();
    std::string why;
    const int count = plugin->device_count(&why);
    if (count <= 0)
        throw PluginError(PluginError::Kind::NoDevice,
                          "no " + plugin->name() + " device" + (why.empty() ? std::string() : ": " + why));
    if (index < 0 || index >= count)
        throw PluginError(PluginError::Kind::NoDevice, "device index " + std::to_string(index) + " out of range: "
                                                           + plugin->name() + " sees " + std::to_string(count));
    char message[1024] = {};
    rl_device* handle = nullptr;
    const rl_status status = api.open(index, &handle, message, sizeof message);
    if (status != RL_STATUS_OK || !handle)
        throw PluginError(status == RL_STATUS_NO_DEVICE ? PluginError::Kind::NoDevice : PluginError::Kind::Failed,
                          "cannot open " + plugin->name() + " device " + std::to_string(index) + ": "
                              + abi::read_text(message, sizeof message));
    std::unique_ptr<Device> device(new Device(std::move(plugin), handle));

    rl_device_info& raw = device->raw_info_;
    raw.struct_size = sizeof raw;
    if (api.describe(handle, &raw) != RL_STATUS_OK)
        throw PluginError(PluginError::Kind::Failed, "the " + device->plugin_->name() + " plugin cannot describe its device");
    raw.struct_size = sizeof raw;
    device->info_ = device_info_of(raw, device->plugin_->name(), device->plugin_->version());
    return device;
}

std::unique_ptr<Device> Device::open_in_worker(const fs::path& plugin_file, int index, const WorkerOptions& options)
{
    return std::unique_ptr<Device>(new Device(std::make_unique<WorkerClient>(plugin_file, index, options)));
}

std::unique_ptr<Device> Device::open_in_worker(const fs::path& plugin_file, int index)
{
    return open_in_worker(plugin_file, index, WorkerOptions{});
}

const fs::path& Device::plugin_path() const
{
    return worker_ ? worker_->plugin_path() : plugin_->path();
}

const Plugin& Device::plugin() const
{
    if (!plugin_)
        throw std::logic_error("the device's plugin is loaded in a worker process, not in this one");
    return *plugin_;
}

Device::Support Device::supports(const rl_case& c) const
{
    Support s;
    if (worker_) {
        s.status = worker_->supports(c, s.reason);
        return s;
    }
    char reason[1024] = {};
    s.status = plugin_->api().supports(device_, &c, reason, sizeof reason);
    s.reason = abi::read_text(reason, sizeof reason);
    return s;
}

namespace {

struct StopBridge {
    const std::function<bool()>* should_stop;
};

int stop_trampoline(void* user)
{
    const auto* bridge = static_cast<const StopBridge*>(user);
    return bridge->should_stop && *bridge->should_stop && (*bridge->should_stop)() ? 1 : 0;
}

} // namespace

rl_result Device::run(const rl_case& c, const std::function<bool()>& should_stop)
{
    if (worker_)
        return worker_->run(c, should_stop);
    rl_result result = abi::empty_result();
    StopBridge bridge{&should_stop};
    const rl_status status = plugin_->api().run(device_, &c, &stop_trampoline, &bridge, &result);
    result.status = status;
    result.algorithm[sizeof result.algorithm - 1] = '\0';
    result.message[sizeof result.message - 1] = '\0';
    return result;
}

} // namespace roofline
