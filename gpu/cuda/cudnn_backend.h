#pragma once
// A thin C++ face on cuDNN's backend (graph) API as CudnnLibrary loads it: descriptors that free themselves,
// attribute setters that throw an Error naming the call, and the steps every graph takes from operation graph to
// execution: heuristics (mode A), engine configurations, execution plans and variant packs.

#include "cudnn_library.h"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace rl_cuda {

class BackendDescriptor {
public:
    BackendDescriptor() = default;
    explicit BackendDescriptor(cudnnBackendDescriptorType_t type);
    ~BackendDescriptor() { reset(); }
    BackendDescriptor(BackendDescriptor&& other) noexcept : desc_(std::exchange(other.desc_, nullptr)) {}
    BackendDescriptor& operator=(BackendDescriptor&& other) noexcept
    {
        if (this != &other) {
            reset();
            desc_ = std::exchange(other.desc_, nullptr);
        }
        return *this;
    }
    BackendDescriptor(const BackendDescriptor&) = delete;
    BackendDescriptor& operator=(const BackendDescriptor&) = delete;

    cudnnBackendDescriptor_t get() const { return desc_; }

    void set(cudnnBackendAttributeName_t name, cudnnBackendAttributeType_t type, int64_t count, const void* values);
    template <typename T> void set(cudnnBackendAttributeName_t name, cudnnBackendAttributeType_t type, const T& value)
    {
        set(name, type, 1, &value);
    }
    void set(cudnnBackendAttributeName_t name, const BackendDescriptor& value);
    // Finalize, throwing on failure (for descriptors that must finalize: tensors, operations).
    void finalize();
    // Finalize, returning the status (for what cuDNN may refuse: operation graphs, plans).
    cudnnStatus_t try_finalize();

private:
    void reset() noexcept;
    cudnnBackendDescriptor_t desc_ = nullptr;
};

// A cuDNN handle on a stream; one per opened device (DeviceContext::cudnn()).
class CudnnHandle {
public:
    explicit CudnnHandle(cudaStream_t stream);
    ~CudnnHandle();
    CudnnHandle(const CudnnHandle&) = delete;
    CudnnHandle& operator=(const CudnnHandle&) = delete;
    cudnnHandle_t get() const { return handle_; }

private:
    cudnnHandle_t handle_ = nullptr;
};

// One way to run an operation graph: an engine configuration with its finalized plan.
struct EnginePlan {
    BackendDescriptor plan;
    int64_t engine_id = -1;   // CUDNN_ATTR_ENGINE_GLOBAL_INDEX
    int64_t workspace_bytes = 0;
    int heuristic_rank = 0;   // 1 = the heuristic's first choice
    bool fallback = false;    // from CUDNN_HEUR_MODE_FALLBACK (mode A offered none that runs)
    std::string knobs;        // "knobs 3=1 17=64"
    std::string describe() const; // "engine 8 (heuristic A #1 of 3, knobs 3=1 17=64)"
    int offered = 0;          // configurations the heuristic returned
};

struct EnginePlans {
    std::vector<EnginePlan> plans;  // in the heuristic's order, those whose plan finalized
    int offered = 0;                // configurations the heuristic offered
    std::string refusals;           // why the others did not finalize
};

// Up to `max_plans` finalized plans of `graph` (a finalized operation graph) from heuristics mode A, or where
// none of its configurations finalizes, from the fallback mode.
EnginePlans engine_plans(cudnnHandle_t handle, const BackendDescriptor& graph, int max_plans);

// The pointers one execution reads and writes, by tensor unique id; by-value scalars point to host memory.
BackendDescriptor variant_pack(const std::vector<int64_t>& uids, const std::vector<void*>& pointers, void* workspace);

bool cudnn_not_supported(cudnnStatus_t status);

} // namespace rl_cuda
