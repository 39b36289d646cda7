#include "cudnn_library.h"

#include "cuda_check.h"

#include <dlfcn.h>
#include <glob.h>

#include <cstdlib>
#include <type_traits>
#include <vector>

namespace rl_cuda {
namespace {

constexpr const char* kSoname = "libcudnn.so.9";

// The nvidia-cudnn-cu12/-cu13 wheels (PyTorch's cuDNN) keep the library under site-packages/nvidia/cudnn/lib,
// off the loader's path.
std::vector<std::string> wheel_candidates()
{
    std::vector<std::string> found;
    for (const char* pattern : {"/usr/local/lib/python3*/dist-packages/nvidia/cudnn/lib/libcudnn.so.9",
                                "/usr/local/lib/python3*/site-packages/nvidia/cudnn/lib/libcudnn.so.9",
                                "/usr/lib/python3/dist-packages/nvidia/cudnn/lib/libcudnn.so.9",
                                "/opt/conda/lib/python3*/site-packages/nvidia/cudnn/lib/libcudnn.so.9"}) {
        glob_t matches{};
        if (glob(pattern, 0, nullptr, &matches) == 0)
            for (size_t i = 0; i < matches.gl_pathc; ++i)
                found.emplace_back(matches.gl_pathv[i]);
        globfree(&matches);
    }
    return found;
}

// cuDNN 9 opens its sub-libraries by soname when it needs them. A libcudnn.so.9 found by path (a wheel's folder,
// off the loader's path) would not find them: opening them first by path lets those later opens find them loaded.
std::vector<void*> preload_sublibraries(const std::string& library_path)
{
    std::vector<void*> handles;
    const size_t slash = library_path.rfind('/');
    if (slash == std::string::npos)
        return handles;
    const std::string folder = library_path.substr(0, slash + 1);
    for (const char* name : {"libcudnn_graph.so.9", "libcudnn_engines_precompiled.so.9",
                             "libcudnn_engines_runtime_compiled.so.9", "libcudnn_heuristic.so.9", "libcudnn_ops.so.9",
                             "libcudnn_cnn.so.9", "libcudnn_adv.so.9"})
        if (void* handle = dlopen((folder + name).c_str(), RTLD_NOW | RTLD_LOCAL))
            handles.push_back(handle);
    return handles;
}

} // namespace

CudnnLibrary::CudnnLibrary()
{
    std::vector<std::string> candidates;
    if (const char* env = std::getenv("ROOFLINE_CUDNN_LIBRARY"); env && *env)
        candidates.emplace_back(env);
    candidates.emplace_back(kSoname);
    for (std::string& wheel : wheel_candidates())
        candidates.push_back(std::move(wheel));

    std::string last_error;
    for (const std::string& candidate : candidates) {
        std::vector<void*> sublibraries = preload_sublibraries(candidate);
        so_ = dlopen(candidate.c_str(), RTLD_NOW | RTLD_LOCAL);
        if (so_) {
            path_ = candidate;
            sublibraries_ = std::move(sublibraries);
            break;
        }
        for (void* handle : sublibraries)
            dlclose(handle);
        const char* why = dlerror();
        last_error = why ? why : candidate + ": not loadable";
    }
    if (!so_) {
        why_not_ = "unsupported: cuDNN not found (looked for $ROOFLINE_CUDNN_LIBRARY, " + std::string(kSoname)
                   + " on the loader's path and the nvidia-cudnn wheel; last: " + last_error + ")";
        return;
    }
    const auto load = [this](auto& fn, const char* name) {
        fn = reinterpret_cast<std::remove_reference_t<decltype(fn)>>(dlsym(so_, name));
        if (!fn && why_not_.empty())
            why_not_ = "unsupported: " + path_ + " lacks " + name + " (not a cuDNN 9 backend library)";
    };
    load(api_.get_version, "cudnnGetVersion");
    load(api_.create, "cudnnCreate");
    load(api_.destroy, "cudnnDestroy");
    load(api_.set_stream, "cudnnSetStream");
    load(api_.error_string, "cudnnGetErrorString");
    load(api_.create_descriptor, "cudnnBackendCreateDescriptor");
    load(api_.destroy_descriptor, "cudnnBackendDestroyDescriptor");
    load(api_.set_attribute, "cudnnBackendSetAttribute");
    load(api_.get_attribute, "cudnnBackendGetAttribute");
    load(api_.finalize, "cudnnBackendFinalize");
    load(api_.execute, "cudnnBackendExecute");
    if (!why_not_.empty())
        return;
    version_ = static_cast<int>(api_.get_version());
    if (version_ / 10000 != 9) {
        why_not_ = "unsupported: " + path_ + " is cuDNN " + version_text() + "; this plugin speaks cuDNN 9";
        return;
    }
    available_ = true;
}

// cuDNN stays loaded for the life of the process: a device the host never closed may still hold a handle.
CudnnLibrary::~CudnnLibrary() = default;

const CudnnLibrary& CudnnLibrary::get()
{
    static const CudnnLibrary library;
    return library;
}

std::string CudnnLibrary::version_text() const
{
    // cuDNN 9 numbers itself major * 10000 + minor * 100 + patch.
    return std::to_string(version_ / 10000) + "." + std::to_string(version_ / 100 % 100);
}

std::string cudnn_status_text(cudnnStatus_t status)
{
    const CudnnLibrary& lib = CudnnLibrary::get();
    const char* name = lib.available() ? lib.api().error_string(status) : nullptr;
    return std::string(name ? name : "cuDNN status") + " (" + std::to_string(static_cast<int>(status)) + ")";
}

void throw_cudnn_error(const char* file, int line, const char* call, cudnnStatus_t status)
{
    const bool out_of_memory = status == CUDNN_STATUS_INTERNAL_ERROR_HOST_ALLOCATION_FAILED;
    const rl_status rl = out_of_memory ? RL_STATUS_SKIPPED : RL_STATUS_FAILED;
    throw Error(rl, call_site(file, line, call) + cudnn_status_text(status));
}

} // namespace rl_cuda
