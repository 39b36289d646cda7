// The `layers` plan: the elementwise kernels of a step (RMSNorm with and without the fused residual add, RoPE, the
// residual add, the activation, MoE top-k and the embedding gather) at the shapes the built-in models run them.
// Built from the step itself (build_step over resources/models), so a kernel the workload adds joins the plan:
//   decode:  B sequences of one token, B in 1..256;
//   prefill: one prompt of 16..32k tokens;
// both with the engine fusing nothing and fusing as engines typically do (the fused residual + norm). Precisions
// alternate shape by shape between BF16 and FP16, so each is measured across the range. Every case is cold: in a
// step the next kernel's input comes from memory, not from this case's last sample.
#include "roofline/benchmarking/bench_plan.h"

#include "roofline/hardware/hardware_registry.h"
#include "roofline/workloads/model_library.h"
#include "roofline/workloads/workload.h"

#include <algorithm>

namespace roofline {

namespace {

constexpr int64_t kDecodeBatches[] = {1, 2, 4, 8, 16, 32, 64, 128, 256};
constexpr int64_t kPromptTokens[] = {16, 128, 512, 2048, 8192, 32768};
constexpr Fusion kFusions[] = {Fusion::None, Fusion::Typical};
constexpr Precision kPrecisions[] = {Precision::BF16, Precision::FP16};

bool plugins_run(const KernelShape& shape)
{
    const KernelType k = kernel_of(shape);
    return std::find(kBenchmarkedLayerKernels.begin(), kBenchmarkedLayerKernels.end(), k) != kBenchmarkedLayerKernels.end();
}

} // namespace

BenchPlan layer_plan()
{
    BenchPlan plan = short_kernel_plan("layers", 0.05);

    const HardwareRegistry presets = HardwareRegistry::presets();
    const HardwareSpec& hw = presets.get("h200"); // the step's shapes do not depend on the device at tp 1
    std::vector<KernelShape> shapes;
    auto add_step = [&](const ModelDescription& model, Fusion fusion, Phase phase, int64_t batch, int64_t prompt) {
        StepOptions options;
        options.fusion = fusion;
        options.batch = batch;
        options.prompt = prompt;
        options.context = 0;
        for (const StepKernel& k : build_step(model, hw, options, phase).kernels) {
            if (plugins_run(k.shape) && std::find(shapes.begin(), shapes.end(), k.shape) == shapes.end())
                shapes.push_back(k.shape);
        }
    };
    for (const ModelDescription& model : builtin_models()) {
        for (Fusion fusion : kFusions) {
            for (int64_t batch : kDecodeBatches)
                add_step(model, fusion, Phase::Decode, batch, 1);
            for (int64_t prompt : kPromptTokens)
                add_step(model, fusion, Phase::Prefill, 1, prompt);
        }
    }
    for (std::size_t i = 0; i < shapes.size(); ++i)
        plan.cases.push_back({shapes[i], kPrecisions[i % 2]});
    return plan;
}

} // namespace roofline
