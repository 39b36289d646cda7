// The host-CPU plugin's ABI surface: every entry point catches everything, no exception crosses the boundary.
#include "blas_cases.h"
#include "host/host_info.h"
#include "memory_ceilings.h"

#include "roofline/abi/plugin_abi.h"
#include "roofline/abi/plugin_abi_rules.h"

#include <cblas.h>

#include <cstdio>
#include <string>

extern "C" char* openblas_get_config(void);

struct rl_device {
    roofline::cpu::HostInfo host;
};

namespace {

using namespace roofline::cpu;
namespace abi = roofline::abi;

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

// The host's case as this build knows it; an older host's shorter struct is read with the default sampling.
int32_t device_count(char* message, std::size_t size)
{
    abi::copy_text(message, size, "");
    return 1;
}

rl_status open_device(int32_t index, rl_device** out, char* message, std::size_t size)
{
    std::string text;
    const rl_status status = abi::guarded(text, [&] {
        if (!out)
            throw abi::StatusError(RL_STATUS_INVALID_ARGUMENT, "out_device is NULL");
        if (index != 0)
            throw abi::StatusError(RL_STATUS_NO_DEVICE, "the CPU plugin has one device, index 0");
        *out = new rl_device{read_host_info()};
        return RL_STATUS_OK;
    });
    abi::copy_text(message, size, text);
    return status;
}

rl_status describe(rl_device* device, rl_device_info* out)
{
    std::string text;
    return abi::guarded(text, [&] {
        if (!device || !out)
            return RL_STATUS_INVALID_ARGUMENT;
        rl_device_info info{};
        abi::copy_text(info.backend, "cpu");
        abi::copy_text(info.name, device->host.cpu_name);
        info.multiprocessor_count = device->host.cores;
        info.memory_bytes = device->host.memory_bytes;
        info.l2_cache_bytes = device->host.last_level_cache_bytes;
        info.max_sm_clock_mhz = device->host.max_clock_mhz;
        const char* config = openblas_get_config();
        abi::copy_text(info.library_version, config ? config : "OpenBLAS");
        abi::write_struct(out, info);
        return RL_STATUS_OK;
    });
}

rl_status check_case(const rl_device& device, const rl_case& c, std::string& reason)
{
    uint64_t needed = 0;
    if (is_ceiling(c.kernel)) {
        needed = c.kernel == RL_KERNEL_DRAM_COPY ? 2 * c.bytes : c.bytes;
    } else {
        reason = blas_unsupported_reason(c);
        if (!reason.empty())
            return RL_STATUS_UNSUPPORTED;
        needed = blas_case_bytes(c, device.host.last_level_cache_bytes);
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
    std::string why;
    const rl_status status = abi::guarded(why, [&] {
        if (!device)
            throw abi::StatusError(RL_STATUS_INVALID_ARGUMENT, "device is NULL");
        return check_case(*device, abi::read_case_or_throw(c), why);
    });
    abi::copy_text(reason, size, why);
    return status;
}

rl_status run(rl_device* device, const rl_case* c, rl_stop_fn stop, void* stop_user, rl_result* out)
{
    return abi::run_guarded(out, [&](rl_result& result, std::string& why) {
        if (!device)
            throw abi::StatusError(RL_STATUS_INVALID_ARGUMENT, "device is NULL");
        const rl_case in = abi::read_case_or_throw(c);
        rl_status checked = check_case(*device, in, why);
        if (checked != RL_STATUS_OK)
            return checked;
        checked = is_ceiling(in.kernel) ? run_ceiling_case(in, device->host.cores, stop, stop_user, &result)
                                        : run_blas_case(in, device->host.last_level_cache_bytes, stop, stop_user, &result);
        result.sm_clock_mhz = current_clock_mhz();
        return checked;
    });
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
    return roofline::abi::serves_version(host_abi_version) ? &kApi : nullptr;
}
