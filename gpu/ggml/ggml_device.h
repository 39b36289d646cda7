#pragma once
// The ggml backend the plugin measures on: ggml's CUDA device where ggml was built with CUDA and a GPU is there, its
// CPU device otherwise, opened through ggml-backend.h's registry as llama.cpp opens it.

#include "roofline/abi/plugin_abi.h"

#include <ggml-backend.h>

#include <cstdint>
#include <string>

namespace roofline::ggml_plugin {

struct Backend {
    ggml_backend_dev_t device = nullptr;
    ggml_backend_t backend = nullptr;
    ggml_backend_t cpu = nullptr;      // the CPU backend that checks a GPU backend's results; == backend on the CPU
    bool is_cpu = true;
    int cuda_index = -1;               // the CUDA device's ordinal, -1 on the CPU
    int threads = 1;                   // the CPU backend's threads
    uint64_t l2_bytes = 0;             // the GPU's L2, or the host's last-level cache [bytes]
    std::string name;                  // ggml's device name: "CUDA0", "CPU"
    std::string engine;                // "ggml 0.21.0 (d99724f) CUDA0"
    std::string engine_build;          // every registered backend's build features

    Backend() = default;
    Backend(const Backend&) = delete;
    Backend& operator=(const Backend&) = delete;
    ~Backend();
};

// Devices this build can measure on: the GPUs ggml registered, or 1 (its CPU). ROOFLINE_GGML_BACKEND=CPU picks the
// CPU backend where a GPU is there too; ROOFLINE_GGML_THREADS the CPU backend's threads.
int32_t backend_count(std::string& message);
// Opens device `index` of backend_count(); throws abi::StatusError.
Backend* open_backend(int32_t index);
void describe_backend(const Backend& b, rl_device_info& info);

// The version and commit the plugin reports: ggml_version(), and ggml_commit() unless it says "unknown" or is not the
// tree's own (ROOFLINE_GGML_COMMIT_TRUSTED), when the build's pinned commit (ROOFLINE_GGML_PINNED_COMMIT) is named.
std::string ggml_version_text();

} // namespace roofline::ggml_plugin
