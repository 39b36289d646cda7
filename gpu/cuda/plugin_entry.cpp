// The exported entry point and the ABI table. Every entry point catches everything: an rl_cuda::Error becomes its
// status and message, anything else RL_STATUS_FAILED.

#include "attention_case.h"
#include "ceilings.h"
#include "case_result.h"
#include "case_spec.h"
#include "cuda_check.h"
#include "device_context.h"
#include "ffn_case.h"
#include "gemm_case.h"
#include "layer_case.h"
#include "nvml_clock.h"

#include "roofline/abi/plugin_abi.h"
#include "roofline/abi/plugin_abi_rules.h"

#include <cuda_runtime_api.h>

#include <memory>
#include <string>

#ifndef ROOFLINE_PLUGIN_VERSION
#define ROOFLINE_PLUGIN_VERSION "0.0.0"
#endif

struct rl_device {
    explicit rl_device(int index) : context(index) {}
    rl_cuda::DeviceContext context;
};

namespace {

using rl_cuda::Error;

using roofline::abi::copy_text;
using roofline::abi::guarded;
using roofline::abi::write_struct;

std::string version_text(int version)
{
    return std::to_string(version / 1000) + "." + std::to_string(version % 1000 / 10);
}

int32_t device_count(char* message, size_t message_size)
{
    std::string text;
    int count = 0;
    guarded(text, [&] {
        const cudaError_t error = cudaGetDeviceCount(&count);
        if (error == cudaErrorNoDevice) {
            count = 0;
            text = "no NVIDIA GPU found (cudaGetDeviceCount: " + rl_cuda::cuda_error_text(error) + ")";
        } else if (error == cudaErrorInsufficientDriver) {
            count = 0;
            int runtime = 0;
            static_cast<void>(cudaRuntimeGetVersion(&runtime));
            text = "no usable NVIDIA driver: none is installed, or it is older than CUDA " + version_text(runtime)
                   + " (cudaGetDeviceCount: " + cudaGetErrorName(error) + ")";
        } else if (error != cudaSuccess) {
            count = 0;
            text = "CUDA is not usable here (cudaGetDeviceCount: " + rl_cuda::cuda_error_text(error) + ")";
        } else if (count == 0) {
            text = "no NVIDIA GPU found";
        } else {
            text = std::to_string(count) + " CUDA device" + (count > 1 ? "s" : "");
        }
        // The failed call's error also sits in the runtime's last-error slot; clear it so no later check trips on it.
        static_cast<void>(cudaGetLastError());
        return RL_STATUS_OK;
    });
    copy_text(message, message_size, text);
    return count;
}

rl_status open_device(int32_t index, rl_device** out_device, char* message, size_t message_size)
{
    std::string text;
    const rl_status status = guarded(text, [&] {
        if (!out_device)
            throw Error(RL_STATUS_INVALID_ARGUMENT, "out_device is NULL");
        *out_device = nullptr;
        int count = 0;
        if (cudaGetDeviceCount(&count) != cudaSuccess || index < 0 || index >= count) {
            static_cast<void>(cudaGetLastError());
            throw Error(RL_STATUS_NO_DEVICE, "no CUDA device " + std::to_string(index) + " (" + std::to_string(count)
                                                 + " present)");
        }
        try {
            *out_device = new rl_device(index);
        } catch (const Error& e) {
            // A device that cannot even be set up (driver error, busy or prohibited compute mode) is no device.
            throw Error(e.status() == RL_STATUS_FAILED ? RL_STATUS_NO_DEVICE : e.status(), e.what());
        }
        text = (*out_device)->context.props().name;
        return RL_STATUS_OK;
    });
    copy_text(message, message_size, text);
    return status;
}

rl_status describe(rl_device* device, rl_device_info* out_info)
{
    std::string text;
    return guarded(text, [&] {
        if (!device || !out_info)
            return RL_STATUS_INVALID_ARGUMENT;
        device->context.make_current();
        const rl_cuda::DeviceProperties& p = device->context.props();
        rl_device_info info{};
        copy_text(info.backend, "cuda");
        copy_text(info.name, p.name);
        info.compute_capability_major = p.cc_major;
        info.compute_capability_minor = p.cc_minor;
        info.multiprocessor_count = p.multiprocessors;
        info.memory_bytes = p.memory_bytes;
        info.l2_cache_bytes = p.l2_bytes;
        info.max_sm_clock_mhz = p.max_sm_clock_mhz;
        info.max_memory_clock_mhz = p.max_memory_clock_mhz;
        info.memory_bus_width_bits = p.memory_bus_width_bits;
        int driver = 0, runtime = 0;
        RL_CUDA_CALL(cudaDriverGetVersion(&driver));
        RL_CUDA_CALL(cudaRuntimeGetVersion(&runtime));
        const std::string nvidia_driver = rl_cuda::NvmlDevice::driver_version();
        copy_text(info.driver_version,
                  (nvidia_driver.empty() ? std::string() : nvidia_driver + " ") + "(CUDA " + version_text(driver) + ")");
        copy_text(info.runtime_version, "CUDA runtime " + version_text(runtime));
        const size_t lt_version = cublasLtGetVersion();
        int major = 0, minor = 0, patch = 0;
        RL_CUBLAS_CALL(cublasGetProperty(MAJOR_VERSION, &major));
        RL_CUBLAS_CALL(cublasGetProperty(MINOR_VERSION, &minor));
        RL_CUBLAS_CALL(cublasGetProperty(PATCH_LEVEL, &patch));
        copy_text(info.library_version, "cuBLAS " + std::to_string(major) + "." + std::to_string(minor) + "."
                                            + std::to_string(patch) + ", cuBLASLt " + std::to_string(lt_version)
                                            + ", " + rl_cuda::attention_library_version());
        write_struct(out_info, info);
        return RL_STATUS_OK;
    });
}

// The case `c` asks for, read and checked, with the device's context made current for it.
rl_cuda::CaseSpec case_on(rl_device* device, const rl_case* c)
{
    if (!device)
        throw Error(RL_STATUS_INVALID_ARGUMENT, "device is NULL");
    const rl_cuda::CaseSpec spec = rl_cuda::read_case(c);
    device->context.make_current();
    return spec;
}

rl_status supports(rl_device* device, const rl_case* c, char* reason, size_t reason_size)
{
    std::string text;
    const rl_status status = guarded(text, [&] {
        const rl_cuda::CaseSpec spec = case_on(device, c);
        if (spec.kernel == RL_KERNEL_ATTENTION) return rl_cuda::attention_support(device->context, spec, text);
        if (spec.kernel == RL_KERNEL_FFN) return rl_cuda::ffn_support(device->context, spec, text);
        return spec.is_gemm_like()      ? rl_cuda::gemm_support(device->context, spec, text)
               : spec.is_layer_kernel() ? rl_cuda::layer_support(device->context, spec, text)
                                        : rl_cuda::ceiling_support(device->context, spec, text);
    });
    copy_text(reason, reason_size, status == RL_STATUS_OK ? std::string() : text);
    return status;
}

void copy_gemm_config(const rl_cuda::GemmConfig& g, rl_result& r)
{
    r.gemm_library = g.library;
    r.algo_id = g.algo_id;
    r.tile_m = g.tile_m;
    r.tile_n = g.tile_n;
    r.tile_k = g.tile_k;
    r.stages = g.stages;
    r.split_k = g.split_k;
    r.reduction_scheme = g.reduction_scheme;
    r.cluster_m = g.cluster_m;
    r.cluster_n = g.cluster_n;
    r.candidates_timed = g.candidates_timed;
}

rl_status run(rl_device* device, const rl_case* c, rl_stop_fn stop, void* stop_user_data, rl_result* out_result)
{
    rl_cuda::CaseResult result;
    std::string text;
    const rl_status status = guarded(text, [&] {
        const rl_cuda::CaseSpec spec = case_on(device, c);
        const rl_cuda::StopPoll poll(stop, stop_user_data);
        if (spec.kernel == RL_KERNEL_ATTENTION)
            result = rl_cuda::run_attention_case(device->context, spec, poll);
        else if (spec.kernel == RL_KERNEL_FFN)
            result = rl_cuda::run_ffn_case(device->context, spec, poll);
        else if (spec.is_layer_kernel())
            result = rl_cuda::run_layer_case(device->context, spec, poll);
        else
            result = spec.is_gemm_like() ? rl_cuda::run_gemm_case(device->context, spec, poll)
                                         : rl_cuda::run_ceiling_case(device->context, spec, poll);
        return result.status;
    });
    if (!text.empty()) { // an exception ended the run: its status and message replace the partial result
        result = rl_cuda::CaseResult{};
        result.message = text;
    }
    result.status = status;
    if (out_result) {
        rl_result r = roofline::abi::empty_result();
        r.status = result.status;
        r.samples = result.stats.samples;
        r.median_time_us = result.stats.median_us;
        r.min_time_us = result.stats.min_us;
        r.max_time_us = result.stats.max_us;
        r.mean_time_us = result.stats.mean_us;
        r.stdev_time_us = result.stats.stdev_us;
        r.bytes_moved = result.bytes_moved;
        r.sm_clock_mhz = result.sm_clock_mhz;
        r.throttled = result.throttled ? 1 : 0;
        r.verified = result.verified ? 1 : 0;
        r.max_rel_error = result.max_rel_error;
        r.tolerance = result.tolerance;
        copy_text(r.algorithm, result.algorithm);
        copy_text(r.message, result.message);
        r.cudnn_version = result.cudnn_version;
        r.engine_id = result.engine_id;
        copy_gemm_config(result.gemm, r);
        write_struct(out_result, r);
    }
    return status;
}

void close_device(rl_device* device)
{
    delete device; // the destructors do not throw
}

const rl_plugin_api kApi = {
    sizeof(rl_plugin_api), ROOFLINE_PLUGIN_ABI_VERSION, "cuda", ROOFLINE_PLUGIN_VERSION,
    device_count,          open_device,                 describe, supports, run, close_device,
};

} // namespace

extern "C" ROOFLINE_PLUGIN_EXPORT const rl_plugin_api* roofline_plugin_entry(uint32_t host_abi_version)
{
    return roofline::abi::serves_version(host_abi_version) ? &kApi : nullptr;
}
