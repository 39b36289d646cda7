#include "ggml_device.h"

#include "host/host_info.h"

#include "roofline/abi/plugin_abi_rules.h"

#include <ggml-cpu.h>
#include <ggml.h>

#ifdef ROOFLINE_GGML_CUDA
#include <cuda_runtime_api.h>
#endif

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <cstring>
#include <string_view>
#include <thread>
#include <vector>

namespace roofline::ggml_plugin {

namespace abi = roofline::abi;

namespace {

// ggml logs its start-up (devices, features) at INFO; the worker copies stderr to the host, so only warnings and
// errors are worth passing on.
void quiet_log(enum ggml_log_level level, const char* text, void*)
{
    if (level == GGML_LOG_LEVEL_WARN || level == GGML_LOG_LEVEL_ERROR)
        std::fputs(text, stderr);
}

void init_registry()
{
    static const bool done = [] {
        ggml_log_set(&quiet_log, nullptr);
        // A ggml built with GGML_BACKEND_DL registers nothing until its backends are loaded.
        if (ggml_backend_reg_count() == 0)
            ggml_backend_load_all();
        return true;
    }();
    (void)done;
}

bool cpu_forced()
{
    const char* env = std::getenv("ROOFLINE_GGML_BACKEND");
    return env && std::string_view(env) == "CPU";
}

std::vector<ggml_backend_dev_t> gpu_devices()
{
    std::vector<ggml_backend_dev_t> out;
    if (cpu_forced())
        return out;
    for (size_t i = 0; i < ggml_backend_dev_count(); ++i) {
        ggml_backend_dev_t d = ggml_backend_dev_get(i);
        const auto type = ggml_backend_dev_type(d);
        if (type == GGML_BACKEND_DEVICE_TYPE_GPU || type == GGML_BACKEND_DEVICE_TYPE_IGPU)
            out.push_back(d);
    }
    return out;
}

std::string features_of(ggml_backend_reg_t reg)
{
    auto get = reinterpret_cast<ggml_backend_get_features_t>(ggml_backend_reg_get_proc_address(reg, "ggml_backend_get_features"));
    std::string out = ggml_backend_reg_name(reg);
    out += ":";
    if (!get)
        return out + " (no feature list)";
    for (const ggml_backend_feature* f = get(reg); f && f->name; ++f) {
        out += " ";
        out += f->name;
        out += "=";
        out += f->value ? f->value : "";
    }
    return out;
}

void set_threads(ggml_backend_t backend, int threads)
{
    ggml_backend_reg_t reg = ggml_backend_dev_backend_reg(ggml_backend_get_device(backend));
    auto set = reinterpret_cast<ggml_backend_set_n_threads_t>(ggml_backend_reg_get_proc_address(reg, "ggml_backend_set_n_threads"));
    if (set)
        set(backend, threads);
}

} // namespace

Backend::~Backend()
{
    if (cpu && cpu != backend)
        ggml_backend_free(cpu);
    if (backend)
        ggml_backend_free(backend);
}

std::string ggml_version_text()
{
    // A tree inside another repository gets that repository's commit from ggml's build (cmake/RooflineGgml.cmake).
    const std::string commit = ROOFLINE_GGML_COMMIT_TRUSTED ? ggml_commit() : "unknown";
    std::string text = std::string("ggml ") + ggml_version();
    if (commit.empty() || commit == "unknown") {
        const std::string pinned = ROOFLINE_GGML_PINNED_COMMIT;
        text += pinned.empty() ? " (commit unknown)" : " (" + pinned.substr(0, 12) + ", pinned)";
    } else {
        text += " (" + commit + ")";
    }
    return text;
}

int32_t backend_count(std::string& message)
{
    init_registry();
    const auto gpus = gpu_devices();
    if (!gpus.empty())
        return static_cast<int32_t>(gpus.size());
    if (!ggml_backend_dev_by_type(GGML_BACKEND_DEVICE_TYPE_CPU)) {
        message = "ggml has no CPU device registered";
        return 0;
    }
    return 1;
}

Backend* open_backend(int32_t index)
{
    init_registry();
    auto b = std::make_unique<Backend>();
    const auto gpus = gpu_devices();
    const int32_t count = gpus.empty() ? 1 : static_cast<int32_t>(gpus.size());
    if (index < 0 || index >= count)
        throw abi::StatusError(RL_STATUS_NO_DEVICE, "ggml device " + std::to_string(index) + " out of range (" + std::to_string(count) + ")");
    b->device = gpus.empty() ? ggml_backend_dev_by_type(GGML_BACKEND_DEVICE_TYPE_CPU) : gpus[static_cast<size_t>(index)];
    if (!b->device)
        throw abi::StatusError(RL_STATUS_NO_DEVICE, "ggml has no CPU device registered");
    b->is_cpu = gpus.empty();
    b->name = ggml_backend_dev_name(b->device);
    b->backend = ggml_backend_dev_init(b->device, nullptr);
    if (!b->backend)
        throw abi::StatusError(RL_STATUS_NO_DEVICE, "ggml_backend_dev_init(" + b->name + ") failed");
    const cpu::HostInfo host = cpu::read_host_info();
    // llama.cpp's default is the physical cores; every logical CPU is as near as the standard library tells.
    // ROOFLINE_GGML_THREADS sets it, as llama.cpp's -t does.
    b->threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    if (const char* env = std::getenv("ROOFLINE_GGML_THREADS"); env && std::atoi(env) > 0)
        b->threads = std::atoi(env);
    if (b->is_cpu) {
        b->cpu = b->backend;
        b->l2_bytes = host.last_level_cache_bytes;
    } else {
        b->cpu = ggml_backend_init_by_type(GGML_BACKEND_DEVICE_TYPE_CPU, nullptr);
        if (!b->cpu)
            throw abi::StatusError(RL_STATUS_NO_DEVICE, "ggml's CPU backend (the reference) did not start");
    }
    set_threads(b->cpu, b->threads);
#ifdef ROOFLINE_GGML_CUDA
    if (!b->is_cpu && b->name.rfind("CUDA", 0) == 0) {
        b->cuda_index = std::atoi(b->name.c_str() + 4);
        int l2 = 0;
        if (cudaDeviceGetAttribute(&l2, cudaDevAttrL2CacheSize, b->cuda_index) == cudaSuccess)
            b->l2_bytes = static_cast<uint64_t>(l2);
    }
#endif
    if (b->l2_bytes == 0)
        b->l2_bytes = 64ull << 20; // a device that does not say: as large as the largest L2 this project targets
    b->engine = ggml_version_text() + " " + b->name;
    for (size_t i = 0; i < ggml_backend_reg_count(); ++i)
        b->engine_build += (i ? "; " : "") + features_of(ggml_backend_reg_get(i));
    return b.release();
}

void describe_backend(const Backend& b, rl_device_info& info)
{
    abi::copy_text(info.backend, b.is_cpu ? "cpu" : "cuda");
    abi::copy_text(info.name, ggml_backend_dev_description(b.device));
    size_t free_bytes = 0, total_bytes = 0;
    ggml_backend_dev_memory(b.device, &free_bytes, &total_bytes);
    info.memory_bytes = total_bytes;
    info.l2_cache_bytes = b.l2_bytes;
    if (b.is_cpu) {
        const cpu::HostInfo host = cpu::read_host_info();
        info.multiprocessor_count = b.threads;
        info.max_sm_clock_mhz = host.max_clock_mhz;
        abi::copy_text(info.name, host.cpu_name);
    }
#ifdef ROOFLINE_GGML_CUDA
    if (b.cuda_index >= 0) {
        cudaDeviceProp p{};
        if (cudaGetDeviceProperties(&p, b.cuda_index) == cudaSuccess) {
            info.compute_capability_major = p.major;
            info.compute_capability_minor = p.minor;
            info.multiprocessor_count = p.multiProcessorCount;
            info.memory_bus_width_bits = p.memoryBusWidth;
        }
        int clock_khz = 0;
        if (cudaDeviceGetAttribute(&clock_khz, cudaDevAttrClockRate, b.cuda_index) == cudaSuccess)
            info.max_sm_clock_mhz = clock_khz / 1000;
        if (cudaDeviceGetAttribute(&clock_khz, cudaDevAttrMemoryClockRate, b.cuda_index) == cudaSuccess)
            info.max_memory_clock_mhz = clock_khz / 1000;
        int driver = 0, runtime = 0;
        cudaDriverGetVersion(&driver);
        cudaRuntimeGetVersion(&runtime);
        abi::copy_text(info.driver_version, std::to_string(driver / 1000) + "." + std::to_string(driver % 1000 / 10));
        abi::copy_text(info.runtime_version, std::to_string(runtime / 1000) + "." + std::to_string(runtime % 1000 / 10));
    }
#endif
    abi::copy_text(info.library_version, b.engine);
    abi::copy_text(info.engine, b.engine);
    abi::copy_text(info.engine_build, b.engine_build);
}

} // namespace roofline::ggml_plugin
