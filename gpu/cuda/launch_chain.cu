#include "launch_chain.h"

#include "cuda_check.h"

#include <cuda_runtime.h>

#include <memory>

namespace rl_cuda {
namespace {

constexpr int kWarmupRuns = 3;

__global__ void chain_link_kernel() {}

void launch_chain(int64_t length, cudaStream_t stream)
{
    for (int64_t i = 0; i < length; ++i)
        chain_link_kernel<<<1, 1, 0, stream>>>();
    RL_CUDA_CHECK_LAUNCH("chain_link_kernel");
}

struct GraphDeleter {
    void operator()(CUgraph_st* g) const { static_cast<void>(cudaGraphDestroy(g)); }
};
struct GraphExecDeleter {
    void operator()(CUgraphExec_st* g) const { static_cast<void>(cudaGraphExecDestroy(g)); }
};

// The chain captured from the device stream (thread-local capture: other threads' CUDA calls are not caught),
// instantiated and uploaded, with its node count checked against the chain length.
std::unique_ptr<CUgraphExec_st, GraphExecDeleter> capture_chain(int64_t length, cudaStream_t stream)
{
    RL_CUDA_CALL(cudaStreamBeginCapture(stream, cudaStreamCaptureModeThreadLocal));
    cudaGraph_t raw = nullptr;
    try {
        launch_chain(length, stream);
    } catch (...) {
        static_cast<void>(cudaStreamEndCapture(stream, &raw));
        if (raw)
            static_cast<void>(cudaGraphDestroy(raw));
        throw;
    }
    RL_CUDA_CALL(cudaStreamEndCapture(stream, &raw));
    const std::unique_ptr<CUgraph_st, GraphDeleter> graph(raw);
    size_t nodes = 0;
    RL_CUDA_CALL(cudaGraphGetNodes(graph.get(), nullptr, &nodes));
    if (static_cast<int64_t>(nodes) != length)
        throw Error(RL_STATUS_WRONG_RESULT, "the captured graph has " + std::to_string(nodes) + " nodes, not the "
                                                + std::to_string(length) + " kernels of the chain");
    cudaGraphExec_t exec = nullptr;
    RL_CUDA_CALL(cudaGraphInstantiate(&exec, graph.get(), 0));
    std::unique_ptr<CUgraphExec_st, GraphExecDeleter> owner(exec);
    RL_CUDA_CALL(cudaGraphUpload(exec, stream));
    return owner;
}

void scale_stats(SampleStats& s, double factor)
{
    s.median_us *= factor;
    s.min_us *= factor;
    s.max_us *= factor;
    s.mean_us *= factor;
    s.stdev_us *= factor;
}

} // namespace

CaseResult run_launch_chain_case(DeviceContext& device, const CaseSpec& spec, const StopPoll& stop)
{
    CaseResult result;
    const cudaStream_t stream = device.stream();
    const bool graph = spec.kernel == RL_KERNEL_LAUNCH_CHAIN_GRAPH;
    const int64_t length = spec.m;

    std::unique_ptr<CUgraphExec_st, GraphExecDeleter> exec;
    if (graph)
        exec = capture_chain(length, stream);
    const auto timed = [&](int) {
        if (graph)
            RL_CUDA_CALL(cudaGraphLaunch(exec.get(), stream));
        else
            launch_chain(length, stream);
    };
    SampleSettings settings = sample_settings(spec);
    settings.hold_stream = false; // the host's launches are what this ceiling measures
    warm_up_and_sample(device, settings, stop, kWarmupRuns, [](int) {}, timed, result);
    scale_stats(result.stats, 1.0 / static_cast<double>(length));
    result.algorithm = std::to_string(length) + " empty kernels <<<1,1>>> on one stream, "
                       + (graph ? "captured once in a CUDA graph, one cudaGraphLaunch per sample"
                                : "launched one by one from the host");
    result.add_note("times per kernel: each sample is the whole chain from an idle stream, divided by "
                    + std::to_string(length));
    return result;
}

} // namespace rl_cuda
