// Tensor parallelism on paper: one GPU's part of a model, and the ring all-reduce that joins the parts.
#include "roofline/workloads/step_prediction.h"

#include "roofline/support/errors.h"

namespace roofline {

namespace {

InputError tp_error(const std::string& problem)
{
    return InputError(InputLocation{"", {}, {}, {}, "tp"}, problem);
}

int64_t split(int64_t count, int64_t tp, const std::string& what)
{
    if (count % tp != 0)
        throw tp_error(what + " (" + std::to_string(count) + ") does not split over " + std::to_string(tp) + " GPUs");
    return count / tp;
}

} // namespace

ModelDescription tensor_parallel_shard(const ModelDescription& model, int64_t tp)
{
    if (tp < 1)
        throw tp_error("must be at least 1, got " + std::to_string(tp));
    if (tp == 1)
        return model;
    ModelDescription shard = model;
    shard.num_attention_heads = split(model.num_attention_heads, tp, "num_attention_heads");
    // Fewer KV heads than GPUs: each GPU keeps the one KV head its query heads read (vLLM replicates them).
    if (model.num_kv_heads >= tp)
        shard.num_kv_heads = split(model.num_kv_heads, tp, "num_key_value_heads");
    else if (tp % model.num_kv_heads == 0)
        shard.num_kv_heads = 1;
    else
        throw tp_error("num_key_value_heads (" + std::to_string(model.num_kv_heads) + ") neither splits over nor divides "
                       + std::to_string(tp) + " GPUs");
    shard.intermediate_size = split(model.intermediate_size, tp, "intermediate_size");
    if (shard.moe) {
        shard.moe->expert_intermediate_size = split(model.moe->expert_intermediate_size, tp, "moe_intermediate_size");
        shard.moe->shared_expert_intermediate_size
            = split(model.moe->shared_expert_intermediate_size, tp, "shared_expert_intermediate_size");
    }
    shard.vocab_size = (model.vocab_size + tp - 1) / tp; // vocabulary-parallel embedding and LM head, padded
    return shard;
}

void require_link(const HardwareSpec& hw, int64_t tp)
{
    if (tp <= 1 || (hw.link_bandwidth_gb_s && hw.link_latency_us))
        return;
    throw InputError(InputLocation{hw.origin == "preset" ? "preset " + hw.key : hw.origin, {}, {}, {},
                                   hw.link_bandwidth_gb_s ? "link_latency_us" : "link_bandwidth_gb_s"},
                     "--tp " + std::to_string(tp) + " needs the link between GPUs (link_bandwidth_gb_s and "
                         "link_latency_us); " + hw.key + " has none");
}

double allreduce_time_us(const HardwareSpec& hw, double bytes, int64_t gpus)
{
    if (gpus <= 1)
        return 0;
    require_link(hw, gpus);
    const double n = static_cast<double>(gpus);
    // A ring: reduce-scatter then all-gather, each GPU sending and receiving (N − 1)/N of the tensor twice.
    return 2.0 * (n - 1.0) / n * bytes / (*hw.link_bandwidth_gb_s * 1e3) + *hw.link_latency_us;
}

} // namespace roofline
