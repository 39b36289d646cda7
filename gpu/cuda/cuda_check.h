#pragma once
// Error handling inside the plugin: every failed CUDA, cuBLAS or NVML call becomes an rl_cuda::Error that names
// the file, line and call (as nvbench's cuda_call.cuh does). plugin_entry.cpp turns it into a status + message,
// so no exception crosses the ABI.

#include "roofline/abi/plugin_abi.h"
#include "roofline/abi/plugin_abi_rules.h"

#include <cublasLt.h>
#include <cublas_v2.h>
#include <cuda_runtime_api.h>

#include <stdexcept>
#include <string>

namespace rl_cuda {

// A failure with the status the host sees (plugin_abi_rules.h maps it at the boundary).
using Error = roofline::abi::StatusError;

[[noreturn]] void throw_cuda_error(const char* file, int line, const char* call, cudaError_t error);
[[noreturn]] void throw_cublas_error(const char* file, int line, const char* call, cublasStatus_t status);

// "CUBLAS_STATUS_NOT_SUPPORTED (the functionality requested is not supported)"
std::string cublas_status_text(cublasStatus_t status);
// "gpu/cuda/x.cpp:12: cublasLtMatmul(...) failed: ", the start of every failed call's message.
std::string call_site(const char* file, int line, const char* call);
// "cudaErrorNoDevice (no CUDA-capable device is detected)"
std::string cuda_error_text(cudaError_t error);

} // namespace rl_cuda

#define RL_CUDA_CALL(call)                                                                                  \
    do {                                                                                                    \
        const cudaError_t rl_cuda_call_error = (call);                                                      \
        if (rl_cuda_call_error != cudaSuccess)                                                              \
            ::rl_cuda::throw_cuda_error(__FILE__, __LINE__, #call, rl_cuda_call_error);                     \
    } while (false)

#define RL_CUBLAS_CALL(call)                                                                                \
    do {                                                                                                    \
        const cublasStatus_t rl_cublas_call_status = (call);                                                \
        if (rl_cublas_call_status != CUBLAS_STATUS_SUCCESS)                                                 \
            ::rl_cuda::throw_cublas_error(__FILE__, __LINE__, #call, rl_cublas_call_status);                \
    } while (false)

// After a kernel launch: a bad configuration shows up here, a fault at the next synchronising call.
#define RL_CUDA_CHECK_LAUNCH(what) RL_CUDA_CALL((static_cast<void>(what), cudaGetLastError()))
