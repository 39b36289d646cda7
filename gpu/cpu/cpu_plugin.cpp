// The host-CPU plugin's ABI surface: every entry point catches everything, no exception crosses the boundary.
#include "blas_cases.h"
#include "host_info.h"
#include "memory_ceilings.h"

#include "roofline/plugin_abi.h"

#include <cblas.h>

#include <cstdio>
#include <cstring>
#include <exception>
#include <new>
#include <string>

extern "C" char* openblas_get_config(void);

struct rl_device {
    roofline::cpu::HostInfo host;
};

namespace {

using namespace roofline::cpu;

void write_text(char* buffer, std::size_t size, const std::string& text)
{
    if (!buffer || size == 0)
        return;
    std::snprintf(buffer, size, "%s", text.c_str());
}

template <std::size_t N>
void write_field(char (&field)[N], const std::string& text)
{
    std::snprintf(field, N, "%s", text.c_str());
}

bool is_ceiling(int32_t kernel)
{
    return kernel == RL_KERNEL_DRAM_READ || kernel == RL_KERNEL_DRAM_COPY || kernel == RL_KERNEL_L2_READ
        || kernel == RL_KERNEL_LAUNCH;
}

std::string gib(uint64_t bytes)
{
    char text[32];
    std::snprintf(text, sizeof text, "%.2f GB", static_cast<double>(bytes) / 1e9);
    return text;
}

int32_t device_count(char* message, std::size_t size)
{
    write_text(message, size, "");
    return 1;
}

rl_status open_device(int32_t index, rl_device** out, char* message, std::size_t size)
{
    try {
        if (index != 0) {
            write_text(message, size, "the CPU plugin has one device, index 0");
            return RL_STATUS_NO_DEVICE;
        }
        *out = new rl_device{read_host_info()};
        return RL_STATUS_OK;
    } catch (const std::exception& e) {
        write_text(message, size, e.what());
        return RL_STATUS_FAILED;
    }
}

rl_status describe(rl_device* device, rl_device_info* out)
{
    if (!device || !out || out->struct_size < sizeof(rl_device_info))
        return RL_STATUS_INVALID_ARGUMENT;
    const uint32_t size = out->struct_size;
    std::memset(out, 0, sizeof(rl_device_info));
    out->struct_size = size;
    write_field(out->backend, "cpu");
    write_field(out->name, device->host.cpu_name);
    out->multiprocessor_count = device->host.cores;
    out->memory_bytes = device->host.memory_bytes;
    out->l2_cache_bytes = device->host.last_level_cache_bytes;
    out->max_sm_clock_mhz = device->host.max_clock_mhz;
    const char* config = openblas_get_config();
    write_field(out->library_version, config ? config : "OpenBLAS");
    return RL_STATUS_OK;
}

rl_status check_case(const rl_device* device, const rl_case* c, std::string& reason)
{
    if (!c || c->struct_size < sizeof(rl_case)) {
        reason = "rl_case is missing or from an older ABI";
        return RL_STATUS_INVALID_ARGUMENT;
    }
    uint64_t needed = 0;
    if (is_ceiling(c->kernel)) {
        needed = c->kernel == RL_KERNEL_DRAM_COPY ? 2 * c->bytes : c->bytes;
    } else {
        reason = blas_unsupported_reason(*c);
        if (!reason.empty())
            return RL_STATUS_UNSUPPORTED;
        needed = blas_case_bytes(*c, device->host.last_level_cache_bytes);
        if (needed == 0) {
            reason = "the shape's byte count overflows 64 bits";
            return RL_STATUS_INVALID_ARGUMENT;
        }
    }
    const uint64_t available = available_memory_bytes();
    // Leave a quarter of what is free to the rest of the machine.
    if (available > 0 && needed > available / 4 * 3) {
        reason = "needs " + gib(needed) + ", " + gib(available) + " free";
        return RL_STATUS_SKIPPED;
    }
    return RL_STATUS_OK;
}

rl_status supports(rl_device* device, const rl_case* c, char* reason, std::size_t size)
{
    try {
        std::string why;
        const rl_status status = check_case(device, c, why);
        write_text(reason, size, why);
        return status;
    } catch (const std::exception& e) {
        write_text(reason, size, e.what());
        return RL_STATUS_FAILED;
    }
}

rl_status run(rl_device* device, const rl_case* c, rl_stop_fn stop, void* stop_user, rl_result* out)
{
    if (!out || out->struct_size < sizeof(rl_result))
        return RL_STATUS_INVALID_ARGUMENT;
    const uint32_t size = out->struct_size;
    std::memset(out, 0, sizeof(rl_result));
    out->struct_size = size;
    try {
        std::string why;
        rl_status status = check_case(device, c, why);
        if (status != RL_STATUS_OK) {
            write_field(out->message, why);
        } else if (is_ceiling(c->kernel)) {
            status = run_ceiling_case(*c, device->host.cores, stop, stop_user, out);
        } else {
            status = run_blas_case(*c, device->host.last_level_cache_bytes, stop, stop_user, out);
        }
        out->sm_clock_mhz = current_clock_mhz();
        out->status = status;
        return status;
    } catch (const std::bad_alloc&) {
        write_field(out->message, "out of host memory");
        out->status = RL_STATUS_SKIPPED;
        return RL_STATUS_SKIPPED;
    } catch (const std::exception& e) {
        write_field(out->message, e.what());
        out->status = RL_STATUS_FAILED;
        return RL_STATUS_FAILED;
    }
}

void close_device(rl_device* device)
{
    delete device;
}

const rl_plugin_api kApi = {
    sizeof(rl_plugin_api), ROOFLINE_PLUGIN_ABI_VERSION, "cpu", ROOFLINE_VERSION,
    &device_count, &open_device, &describe, &supports, &run, &close_device,
};

} // namespace

extern "C" ROOFLINE_PLUGIN_EXPORT const rl_plugin_api* roofline_plugin_entry(uint32_t host_abi_version)
{
    return host_abi_version == ROOFLINE_PLUGIN_ABI_VERSION ? &kApi : nullptr;
}
