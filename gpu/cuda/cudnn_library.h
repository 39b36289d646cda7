#pragma once
// cuDNN, opened at run time with dlopen (as NVML is): the plugin never links it, so without cuDNN every other
// kind still runs and attention answers "unsupported: cuDNN not found". Only the backend (graph) API entry points
// the attention case needs are loaded. The headers give the types and enums alone.
//
// Where it looks: $ROOFLINE_CUDNN_LIBRARY (a path to libcudnn.so.9), then libcudnn.so.9 on the loader's path,
// then the nvidia-cudnn pip wheel's lib folder under the usual Python prefixes. Where it is found by path, its
// sub-libraries (libcudnn_graph.so.9, the engines) are opened from the same folder first.

#include <cudnn_graph.h>

#include <cstdint>
#include <string>
#include <vector>

namespace rl_cuda {

struct CudnnApi {
    size_t (*get_version)() = nullptr;
    cudnnStatus_t (*create)(cudnnHandle_t*) = nullptr;
    cudnnStatus_t (*destroy)(cudnnHandle_t) = nullptr;
    cudnnStatus_t (*set_stream)(cudnnHandle_t, cudaStream_t) = nullptr;
    const char* (*error_string)(cudnnStatus_t) = nullptr;
    cudnnStatus_t (*create_descriptor)(cudnnBackendDescriptorType_t, cudnnBackendDescriptor_t*) = nullptr;
    cudnnStatus_t (*destroy_descriptor)(cudnnBackendDescriptor_t) = nullptr;
    cudnnStatus_t (*set_attribute)(cudnnBackendDescriptor_t, cudnnBackendAttributeName_t, cudnnBackendAttributeType_t,
                                   int64_t, const void*) = nullptr;
    cudnnStatus_t (*get_attribute)(cudnnBackendDescriptor_t, cudnnBackendAttributeName_t, cudnnBackendAttributeType_t,
                                   int64_t, int64_t*, void*) = nullptr;
    cudnnStatus_t (*finalize)(cudnnBackendDescriptor_t) = nullptr;
    cudnnStatus_t (*execute)(cudnnHandle_t, cudnnBackendDescriptor_t, cudnnBackendDescriptor_t) = nullptr;
};

class CudnnLibrary {
public:
    // The process-wide library, opened on first use; available() false with why_not() saying where it looked.
    static const CudnnLibrary& get();

    bool available() const { return available_; }
    const std::string& why_not() const { return why_not_; }
    const CudnnApi& api() const { return api_; }
    const std::string& path() const { return path_; }
    int version() const { return version_; }           // cudnnGetVersion(): 91400 for 9.14.0
    std::string version_text() const;                   // "9.14"

    ~CudnnLibrary();
    CudnnLibrary(const CudnnLibrary&) = delete;
    CudnnLibrary& operator=(const CudnnLibrary&) = delete;

private:
    CudnnLibrary();

    void* so_ = nullptr;
    std::vector<void*> sublibraries_; // preloaded by path where libcudnn.so.9 was found off the loader's path
    bool available_ = false;
    std::string why_not_;
    std::string path_;
    int version_ = 0;
    CudnnApi api_;
};

// "CUDNN_STATUS_NOT_SUPPORTED (3000)"
std::string cudnn_status_text(cudnnStatus_t status);

[[noreturn]] void throw_cudnn_error(const char* file, int line, const char* call, cudnnStatus_t status);

} // namespace rl_cuda

#define RL_CUDNN_CALL(call)                                                                                 \
    do {                                                                                                    \
        const cudnnStatus_t rl_cudnn_call_status = (call);                                                  \
        if (rl_cudnn_call_status != CUDNN_STATUS_SUCCESS)                                                   \
            ::rl_cuda::throw_cudnn_error(__FILE__, __LINE__, #call, rl_cudnn_call_status);                  \
    } while (false)
