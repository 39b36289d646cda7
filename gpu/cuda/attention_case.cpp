#include "attention_case.h"

#include "attention_graph.h"
#include "attention_reference.h"
#include "candidate_race.h"
#include "case_setup.h"
#include "cuda_check.h"
#include "gemm_types.h"
#include "random_fill.h"

#include <memory>
#include <optional>
#include <vector>

namespace rl_cuda {
namespace {

// Of the heuristic's engine configurations, how many may race (gemm_select.cpp races cuBLASLt's the same way).
constexpr int kRacedEngines = 4;

struct AttentionTypes {
    ElemKind elem;
    cudnnDataType_t cudnn;
    // P is rounded to the I/O type before P·V, and O once more: a few units of the type's epsilon.
    double tolerance;
};

std::optional<AttentionTypes> attention_types(rl_precision precision, std::string& reason)
{
    switch (precision) {
    case RL_PRECISION_BF16: return AttentionTypes{ElemKind::BF16, CUDNN_DATA_BFLOAT16, 2e-2};
    case RL_PRECISION_FP16: return AttentionTypes{ElemKind::F16, CUDNN_DATA_HALF, 1e-2};
    case RL_PRECISION_FP8_E4M3:
    case RL_PRECISION_FP8_E5M2:
        reason = "FP8 attention is not implemented in this plugin (cuDNN's FP8 SDPA graph needs the descale, scale "
                 "and amax tensors of an FP8 recipe); run BF16 or FP16";
        return std::nullopt;
    default:
        reason = std::string("attention runs in BF16 or FP16, not ") + precision_name(precision);
        return std::nullopt;
    }
}

AttentionShape shape_of(const CaseSpec& spec, const AttentionTypes& types, bool stats_output)
{
    return AttentionShape{.batch = spec.batch, .heads = spec.heads, .kv_heads = spec.kv_heads,
                          .query_len = spec.query_len, .kv_len = spec.kv_len, .head_dim = spec.head_dim,
                          .causal = spec.causal, .window = spec.window, .io_type = types.cudnn,
                          .stats_output = stats_output};
}

AttentionLayout layout_of(const AttentionShape& shape, ElemKind elem)
{
    return AttentionLayout{.io = elem, .batch = shape.batch, .heads = shape.heads, .kv_heads = shape.kv_heads,
                           .query_len = shape.query_len, .kv_len = shape.kv_len, .head_dim = shape.head_dim,
                           .causal = shape.masked(), .window = shape.window, .scale = shape.scale()};
}

struct Footprint {
    uint64_t q_bytes = 0, kv_bytes = 0; // one input set: Q, and K plus V
    uint64_t o_bytes = 0, stats_bytes = 0, check_bytes = 0, flush_bytes = 0;
    uint64_t set_bytes() const { return q_bytes + kv_bytes; }
    uint64_t fixed_bytes() const
    {
        return o_bytes + stats_bytes + check_bytes + flush_bytes + DeviceContext::kWorkspaceBytes
               + DeviceContext::kHeadroomBytes;
    }
    uint64_t total(int sets) const { return fixed_bytes() + static_cast<uint64_t>(sets) * set_bytes(); }
};

Footprint footprint(DeviceContext& device, const CaseSpec& spec, const AttentionTypes& types)
{
    const auto b = static_cast<uint64_t>(spec.batch), d = static_cast<uint64_t>(spec.head_dim);
    Footprint f;
    f.q_bytes = storage_bytes(types.elem, b * spec.heads * spec.query_len * d);
    f.kv_bytes = 2 * storage_bytes(types.elem, b * spec.kv_heads * spec.kv_len * d);
    f.o_bytes = f.q_bytes;
    f.stats_bytes = b * spec.heads * spec.query_len * sizeof(float);
    f.check_bytes = plan_attention_check(layout_of(shape_of(spec, types, false), types.elem)).device_bytes();
    f.flush_bytes = spec.cache_mode == RL_CACHE_COLD ? device.l2_flush_bytes_pending() : 0;
    return f;
}

// Why the case cannot run here, or nullopt; `types` is set where the precision is one attention runs in.
std::optional<std::string> unsupported(DeviceContext& device, const CaseSpec& spec,
                                       std::optional<AttentionTypes>& types)
{
    std::string reason;
    types = attention_types(spec.precision, reason);
    if (!types)
        return reason;
    const CudnnLibrary& cudnn = CudnnLibrary::get();
    if (!cudnn.available())
        return cudnn.why_not();
    return attention_unsupported(shape_of(spec, *types, false), cudnn.version(), device.props().cc_major,
                                 device.props().cc_minor);
}

// The graph and the engines that run it: the inference graph (softmax stats virtual) where cuDNN has an engine
// for it, else the training graph (stats written), which every fused-attention version takes.
struct Engines {
    std::unique_ptr<AttentionGraph> graph;
    EnginePlans plans;
};

Engines find_engines(cudnnHandle_t handle, const CaseSpec& spec, const AttentionTypes& types)
{
    Engines found;
    std::string refusals;
    for (const bool stats_output : {false, true}) {
        try {
            found.graph = std::make_unique<AttentionGraph>(handle, shape_of(spec, types, stats_output));
        } catch (const Error& e) {
            if (e.status() != RL_STATUS_UNSUPPORTED)
                throw;
            refusals += std::string(refusals.empty() ? "" : "; ") + (stats_output ? "training" : "inference")
                        + " graph: " + e.what();
            continue;
        }
        found.plans = engine_plans(handle, found.graph->graph(), kRacedEngines);
        if (!found.plans.plans.empty())
            return found;
        refusals += std::string(refusals.empty() ? "" : "; ") + (stats_output ? "training" : "inference")
                    + " graph: " + found.plans.refusals;
    }
    throw Error(RL_STATUS_UNSUPPORTED, "unsupported by cuDNN " + CudnnLibrary::get().version_text()
                                           + ": no engine runs this graph (" + refusals
                                           + "; CUDNN_LOGLEVEL_DBG=2 CUDNN_LOGDEST_DBG=stderr shows cuDNN's reasons)");
}

} // namespace

std::string attention_library_version()
{
    const CudnnLibrary& cudnn = CudnnLibrary::get();
    if (!cudnn.available())
        return "no cuDNN";
    return "cuDNN " + std::to_string(cudnn.version() / 10000) + "." + std::to_string(cudnn.version() / 100 % 100) + "."
           + std::to_string(cudnn.version() % 100);
}

rl_status attention_support(DeviceContext& device, const CaseSpec& spec, std::string& reason)
{
    std::optional<AttentionTypes> types;
    if (const auto why = unsupported(device, spec, types)) {
        reason = *why;
        return RL_STATUS_UNSUPPORTED;
    }
    return check_fits(device, footprint(device, spec, *types).total(1), reason);
}

CaseResult run_attention_case(DeviceContext& device, const CaseSpec& spec, const StopPoll& stop)
{
    std::optional<AttentionTypes> types;
    if (const auto why = unsupported(device, spec, types)) {
        CaseResult refused = refusal(RL_STATUS_UNSUPPORTED, *why);
        refused.cudnn_version = CudnnLibrary::get().available() ? CudnnLibrary::get().version() : 0;
        return refused;
    }
    const Footprint f = footprint(device, spec, *types);
    const bool cold = spec.cache_mode == RL_CACHE_COLD;
    int sets = 1;
    std::string reason;
    if (plan_input_sets(device, cold, f.set_bytes(), f.fixed_bytes(), sets, reason) != RL_STATUS_OK)
        return refusal(RL_STATUS_SKIPPED, reason);

    const cudaStream_t stream = device.stream();
    const uint64_t q_count = f.q_bytes / (storage_bits(types->elem) / 8);
    const uint64_t kv_count = f.kv_bytes / 2 / (storage_bits(types->elem) / 8);
    std::vector<DeviceBuffer> q, k, v;
    for (int s = 0; s < sets; ++s) {
        q.emplace_back(f.q_bytes);
        k.emplace_back(f.kv_bytes / 2);
        v.emplace_back(f.kv_bytes / 2);
        fill_random(q.back().get(), types->elem, q_count, derive_seed(spec.seed, 3 * s), 0, stream);
        fill_random(k.back().get(), types->elem, kv_count, derive_seed(spec.seed, 3 * s + 1), 0, stream);
        fill_random(v.back().get(), types->elem, kv_count, derive_seed(spec.seed, 3 * s + 2), 0, stream);
    }
    DeviceBuffer o(f.o_bytes);
    DeviceBuffer stats(f.stats_bytes);
    device.synchronize();
    if (stop.requested())
        return refusal(RL_STATUS_CANCELLED, kCancelledBeforeFirstSample);

    const CudnnLibrary& cudnn = CudnnLibrary::get();
    const cudnnHandle_t handle = device.cudnn().get();
    Engines engines;
    try {
        engines = find_engines(handle, spec, *types);
    } catch (const Error& e) {
        if (e.status() != RL_STATUS_UNSUPPORTED)
            throw;
        CaseResult refused = refusal(RL_STATUS_UNSUPPORTED, e.what());
        refused.cudnn_version = cudnn.version();
        return refused;
    }
    int64_t workspace_bytes = 0;
    for (const EnginePlan& plan : engines.plans.plans)
        workspace_bytes = std::max(workspace_bytes, plan.workspace_bytes);
    DeviceBuffer workspace(static_cast<size_t>(workspace_bytes));
    std::vector<BackendDescriptor> packs;
    for (int s = 0; s < sets; ++s)
        packs.push_back(engines.graph->pack(q[s].get(), k[s].get(), v[s].get(), o.get(), stats.get(), workspace.get()));

    // Each plan runs once on real inputs (lazy module loading, and a plan that cannot launch leaves the race).
    std::vector<const EnginePlan*> runnable;
    std::string launch_refusals;
    for (const EnginePlan& plan : engines.plans.plans) {
        const cudnnStatus_t status = cudnn.api().execute(handle, plan.plan.get(), packs[0].get());
        if (cudnn_not_supported(status)) {
            launch_refusals +=
                (launch_refusals.empty() ? "" : "; ") + plan.describe() + ": " + cudnn_status_text(status);
            continue;
        }
        RL_CUDNN_CALL(status);
        runnable.push_back(&plan);
    }
    device.synchronize();
    CaseResult result;
    result.cudnn_version = cudnn.version();
    if (runnable.empty()) {
        result.status = RL_STATUS_UNSUPPORTED;
        result.message = "unsupported by cuDNN " + cudnn.version_text() + ": every engine refused to launch ("
                         + launch_refusals + ")";
        return result;
    }
    const auto execute = [&](const EnginePlan& plan, int i) {
        const BackendDescriptor& pack = packs[static_cast<size_t>(cold ? i % sets : 0)];
        RL_CUDNN_CALL(cudnn.api().execute(handle, plan.plan.get(), pack.get()));
    };

    L2Flush* flush = cold ? &device.l2_flush() : nullptr;
    const auto prepare = [&](int) {
        if (flush)
            flush->flush(stream);
    };
    const RaceBook race = race_candidates(device, static_cast<int>(runnable.size()), stop, prepare,
                                          [&](int c, int i) { execute(*runnable[static_cast<size_t>(c)], i); });
    const EnginePlan& winner = *runnable[static_cast<size_t>(race.winner())];
    result.engine_id = winner.engine_id;
    const AttentionShape& shape = engines.graph->shape();
    // What ran first (the field is 256 characters), then how it was chosen.
    result.algorithm = "cuDNN " + cudnn.version_text() + " fused SDPA, BHSD, "
                       + (shape.stats_output ? "stats written" : "inference (no stats)")
                       + (shape.masked() ? (shape.query_len == shape.kv_len ? ", causal" : ", causal to the last key")
                                         : "")
                       + (shape.window > 0 ? ", window " + std::to_string(shape.window) : std::string()) + "; "
                       + winner.describe() + "; " + race.describe(cold);

    // The correctness run: poison the output, one run, compare with the cuBLAS reference.
    poison_output(o.get(), types->elem, o.bytes(), stream);
    execute(winner, 0);
    const AttentionLayout layout = layout_of(shape, types->elem);
    const CheckResult checked = check_attention(q[0].get(), k[0].get(), v[0].get(), o.get(), layout,
                                                plan_attention_check(layout), types->tolerance, device.blas(), stream);
    result.max_rel_error = checked.rel_error;
    result.tolerance = types->tolerance;
    if (!checked.passed) {
        result.status = RL_STATUS_WRONG_RESULT;
        result.message = "wrong result: " + checked.message + "; " + result.algorithm;
        return result;
    }
    result.verified = true;
    result.add_note(checked.message);

    const SampleSettings settings = sample_settings(spec);
    const SampleRun run = warm_up_and_sample(device, settings, stop, prepare, [&](int i) { execute(winner, i); });
    result.take_samples(run, settings);
    result.add_note(cache_note(flush, sets));
    if (!launch_refusals.empty())
        result.add_note("refused at launch: " + launch_refusals);
    return result;
}

} // namespace rl_cuda
