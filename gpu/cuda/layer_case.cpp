#include "layer_case.h"

#include "cuda_check.h"
#include "elementwise_kernels.h"
#include "gemm_types.h"
#include "layer_kernels.h"
#include "layer_reference.h"
#include "layer_shape.h"
#include "random_fill.h"

#include <algorithm>
#include <climits>
#include <cstdio>
#include <cstring>
#include <vector>

namespace rl_cuda {
namespace {

constexpr int kWarmupRuns = 2;
// RoPE's base frequency: Llama 3's rope_theta (meta-llama/Llama-3.1-8B config.json). Timing does not depend on it.
constexpr double kRopeTheta = 500000.0;

struct Operands {
    DeviceBuffer in, in2, out, weight, table, index, probs;
};

cudaDataType_t data_type(rl_precision p)
{
    return p == RL_PRECISION_BF16 ? CUDA_R_16BF : p == RL_PRECISION_FP16 ? CUDA_R_16F : CUDA_R_32F;
}

ElemKind elem_kind(rl_precision p)
{
    return p == RL_PRECISION_BF16 ? ElemKind::BF16 : p == RL_PRECISION_FP16 ? ElemKind::F16 : ElemKind::F32;
}

uint64_t operand_bytes(const CaseSpec& s)
{
    const LayerBuffers b = layer_buffers(s);
    const auto e = static_cast<uint64_t>(activation_bytes(s.precision));
    return e * (b.in + b.in2 + b.out + b.weight) + 4 * (b.table + b.index + b.probs);
}

Operands allocate(const CaseSpec& s)
{
    const LayerBuffers b = layer_buffers(s);
    const auto e = static_cast<uint64_t>(activation_bytes(s.precision));
    return Operands{DeviceBuffer(e * b.in),   DeviceBuffer(e * b.in2),   DeviceBuffer(e * b.out),
                    DeviceBuffer(e * b.weight), DeviceBuffer(4 * b.table), DeviceBuffer(4 * b.index),
                    DeviceBuffer(4 * b.probs)};
}

// Token ids in [0, rows), from the case's seed (splitmix64).
std::vector<int32_t> token_ids(int64_t tokens, int64_t rows, uint64_t seed)
{
    std::vector<int32_t> ids(static_cast<size_t>(tokens));
    uint64_t state = seed;
    for (int32_t& id : ids) {
        uint64_t z = (state += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        id = static_cast<int32_t>((z ^ (z >> 31)) % static_cast<uint64_t>(rows));
    }
    return ids;
}

template <typename T> void upload(DeviceBuffer& dst, const std::vector<T>& src, cudaStream_t stream)
{
    RL_CUDA_CALL(cudaMemcpyAsync(dst.get(), src.data(), src.size() * sizeof(T), cudaMemcpyHostToDevice, stream));
    RL_CUDA_CALL(cudaStreamSynchronize(stream)); // `src` is the caller's and pageable
}

void fill_inputs(const CaseSpec& s, Operands& o, cudaStream_t stream)
{
    const LayerBuffers b = layer_buffers(s);
    const ElemKind kind = elem_kind(s.precision);
    fill_random(o.in.get(), kind, b.in, derive_seed(s.seed, 0), 1, stream);
    if (b.in2)
        fill_random(o.in2.get(), kind, b.in2, derive_seed(s.seed, 1), 1, stream);
    if (b.weight)
        fill_random(o.weight.get(), kind, b.weight, derive_seed(s.seed, 2), 1, stream);
    if (b.table)
        upload(o.table, rope_table(s.m, s.k, kRopeTheta), stream);
    if (s.kernel == RL_KERNEL_EMBEDDING)
        upload(o.index, token_ids(s.m, s.n, derive_seed(s.seed, 3)), stream);
}

// One run of the case's kernel on `o`.
void enqueue(const CaseSpec& s, Operands& o, cudaStream_t stream)
{
    const cudaDataType_t type = data_type(s.precision);
    switch (s.kernel) {
    case RL_KERNEL_RMSNORM:
        launch_rmsnorm(o.in.get(), s.gated ? o.in2.get() : nullptr, o.weight.get(), o.out.get(), s.m, s.n, type,
                       stream);
        break;
    case RL_KERNEL_ROPE: launch_rope(o.in.get(), o.table.as<float>(), s.m, s.n, s.k, type, stream); break;
    case RL_KERNEL_RESIDUAL: launch_residual_add(o.in.get(), o.in2.get(), o.out.get(), s.n, type, stream); break;
    case RL_KERNEL_ACTIVATION:
        if (s.gated)
            launch_silu_mul(o.in.get(), o.out.get(), s.m, s.n, type, stream);
        else
            launch_gelu(o.in.get(), o.out.get(), s.m * s.n, type, stream);
        break;
    case RL_KERNEL_TOPK:
        launch_topk_softmax(o.in.get(), o.probs.as<float>(), o.index.as<int32_t>(), s.m, s.n, s.k, type, stream);
        break;
    case RL_KERNEL_EMBEDDING:
        launch_embedding(o.in.get(), o.index.as<int32_t>(), o.out.get(), s.m, s.k, type, stream);
        break;
    default: throw Error(RL_STATUS_INVALID_ARGUMENT, "not a layer kernel: " + s.describe());
    }
}

std::vector<unsigned char> download(const DeviceBuffer& b, cudaStream_t stream)
{
    std::vector<unsigned char> bytes(b.bytes());
    if (!bytes.empty())
        RL_CUDA_CALL(cudaMemcpyAsync(bytes.data(), b.get(), bytes.size(), cudaMemcpyDeviceToHost, stream));
    RL_CUDA_CALL(cudaStreamSynchronize(stream));
    return bytes;
}

template <typename T> std::vector<T> download_as(const DeviceBuffer& b, cudaStream_t stream)
{
    const std::vector<unsigned char> bytes = download(b, stream);
    std::vector<T> values(bytes.size() / sizeof(T));
    std::memcpy(values.data(), bytes.data(), values.size() * sizeof(T));
    return values;
}

std::vector<double> to_doubles(const std::vector<float>& v)
{
    return {v.begin(), v.end()};
}

double tolerance_for(const CaseSpec& s)
{
    if (s.kernel == RL_KERNEL_EMBEDDING)
        return 0.0; // a copy
    if (s.kernel == RL_KERNEL_TOPK)
        return 1e-4; // FP32 softmax of exact inputs
    // One rounding of each output to the activation type, plus FP32 arithmetic.
    return s.precision == RL_PRECISION_BF16 ? 1e-2 : s.precision == RL_PRECISION_FP16 ? 2e-3 : 1e-5;
}

struct Checked {
    double error = 0.0;
    std::string problem; // set when the kernel's output is wrong in a way the error does not say
    std::string note;
};

// The case at a reduced size (reduced_for_check), against the host reference of the same inputs.
Checked check(DeviceContext& device, const CaseSpec& full)
{
    const CaseSpec s = reduced_for_check(full);
    const cudaStream_t stream = device.stream();
    Operands o = allocate(s);
    fill_inputs(s, o, stream);
    // Poison: NaN in every float output, -1 in the indices, so an output the kernel skips is caught.
    for (DeviceBuffer* b : {&o.out, &o.probs})
        if (b->bytes())
            RL_CUDA_CALL(cudaMemsetAsync(b->get(), 0xFF, b->bytes(), stream));
    if (s.kernel == RL_KERNEL_TOPK)
        RL_CUDA_CALL(cudaMemsetAsync(o.index.get(), 0xFF, o.index.bytes(), stream));
    const std::vector<double> in = decode_activations(download(o.in, stream), s.precision);
    const std::vector<double> in2 = decode_activations(download(o.in2, stream), s.precision);
    enqueue(s, o, stream);
    device.synchronize();
    const auto out = [&] { return decode_activations(download(o.out, stream), s.precision); };

    Checked c;
    c.note = "checked against an FP64 host reference at " + s.describe();
    switch (s.kernel) {
    case RL_KERNEL_RMSNORM: {
        const std::vector<double> weight = decode_activations(download(o.weight, stream), s.precision);
        if (!s.gated) {
            c.error = relative_error(out(), rmsnorm_reference(in, weight, s.m, s.n, kRmsNormEpsilon));
            break;
        }
        // The fused form: the residual written back is x + residual, and the norm is of what was written.
        const std::vector<double> summed = decode_activations(download(o.in2, stream), s.precision);
        const double sum_error = relative_error(summed, residual_reference(in, in2));
        c.error = std::max(sum_error,
                           relative_error(out(), rmsnorm_reference(summed, weight, s.m, s.n, kRmsNormEpsilon)));
        break;
    }
    case RL_KERNEL_ROPE: {
        const std::vector<double> rotated = decode_activations(download(o.in, stream), s.precision);
        c.error = relative_error(rotated, rope_reference(in, download_as<float>(o.table, stream), s.m, s.n, s.k));
        break;
    }
    case RL_KERNEL_RESIDUAL: c.error = relative_error(out(), residual_reference(in, in2)); break;
    case RL_KERNEL_ACTIVATION:
        c.error = relative_error(out(), s.gated ? silu_mul_reference(in, s.m, s.n) : gelu_reference(in));
        break;
    case RL_KERNEL_TOPK: {
        const TopkReference ref = topk_reference(in, s.m, s.n, s.k);
        const std::vector<int32_t> indices = download_as<int32_t>(o.index, stream);
        for (size_t i = 0; i < indices.size() && c.problem.empty(); ++i)
            if (indices[i] != ref.indices[i])
                c.problem = "token " + std::to_string(i / static_cast<size_t>(s.k)) + " choice "
                            + std::to_string(i % static_cast<size_t>(s.k)) + ": expert " + std::to_string(indices[i])
                            + ", the reference picks " + std::to_string(ref.indices[i]);
        c.error = relative_error(to_doubles(download_as<float>(o.probs, stream)), ref.probs);
        break;
    }
    case RL_KERNEL_EMBEDDING:
        c.error = relative_error(out(), embedding_reference(in, download_as<int32_t>(o.index, stream), s.k));
        break;
    default: break;
    }
    return c;
}

const char* kernel_name(const CaseSpec& s)
{
    switch (s.kernel) {
    case RL_KERNEL_RMSNORM: return s.gated ? "rmsnorm_kernel (fused residual add), one block a row" : "rmsnorm_kernel, one block a row";
    case RL_KERNEL_ROPE: return "rope_kernel (rotate-half, in place)";
    case RL_KERNEL_RESIDUAL: return "residual_kernel";
    case RL_KERNEL_ACTIVATION: return s.gated ? "silu_mul_kernel" : "gelu_kernel (tanh)";
    case RL_KERNEL_TOPK: return "topk_kernel (softmax + top-k), one warp a token";
    case RL_KERNEL_EMBEDDING: return "embedding_kernel (row gather)";
    default: return "?";
    }
}

} // namespace

rl_status layer_support(DeviceContext& device, const CaseSpec& spec, std::string& reason)
{
    if (activation_bytes(spec.precision) == 0) {
        reason = std::string("the layer kernels run BF16, FP16 or FP32 activations, not ")
                 + precision_name(spec.precision);
        return RL_STATUS_UNSUPPORTED;
    }
    if (spec.kernel == RL_KERNEL_TOPK && spec.n > kTopkMaxExperts) {
        reason = "top-k routing holds a token's logits in one warp: at most " + std::to_string(kTopkMaxExperts)
                 + " experts, got " + std::to_string(spec.n);
        return RL_STATUS_UNSUPPORTED;
    }
    if ((spec.kernel == RL_KERNEL_RMSNORM && spec.m > INT_MAX) || (spec.kernel == RL_KERNEL_EMBEDDING && spec.n > INT_MAX)) {
        reason = "more than 2^31 - 1 rows";
        return RL_STATUS_UNSUPPORTED;
    }
    const uint64_t flush = spec.cache_mode == RL_CACHE_COLD ? device.l2_flush_bytes_pending() : 0;
    return check_fits(device, operand_bytes(spec) + flush + DeviceContext::kHeadroomBytes, reason);
}

CaseResult run_layer_case(DeviceContext& device, const CaseSpec& spec, const StopPoll& stop)
{
    std::string reason;
    if (const rl_status s = layer_support(device, spec, reason); s != RL_STATUS_OK)
        return CaseResult::refused(s, reason);
    CaseResult result;
    const Checked checked = check(device, spec);
    result.max_rel_error = checked.error;
    result.tolerance = tolerance_for(spec);
    if (!checked.problem.empty() || !(checked.error <= result.tolerance)) {
        char error[32];
        std::snprintf(error, sizeof error, "%.3g", checked.error);
        result.status = RL_STATUS_WRONG_RESULT;
        result.message = "wrong result: " + (checked.problem.empty() ? std::string() : checked.problem + "; ")
                         + "relative error " + error + " (tolerance " + std::to_string(result.tolerance) + "), "
                         + checked.note;
        return result;
    }
    result.verified = true;

    const cudaStream_t stream = device.stream();
    Operands operands = allocate(spec);
    fill_inputs(spec, operands, stream);
    device.synchronize();
    if (stop.requested()) {
        result.status = RL_STATUS_CANCELLED;
        result.message = "cancelled by the host before the first sample";
        return result;
    }
    const bool cold = spec.cache_mode == RL_CACHE_COLD;
    L2Flush* flush = cold ? &device.l2_flush() : nullptr;
    const auto prepare = [&](int) {
        if (flush)
            flush->flush(stream);
    };
    const auto timed = [&](int) { enqueue(spec, operands, stream); };
    warm_up_and_sample(device, sample_settings(spec), stop, kWarmupRuns, prepare, timed, result);
    result.bytes_moved = layer_bytes_moved(spec);
    result.algorithm = std::string(kernel_name(spec)) + ", " + spec.describe();
    result.add_note(checked.note);
    result.add_note(cold ? "cold: L2 flushed (" + std::to_string(flush->bytes() >> 20) + " MiB " + flush->description()
                               + ") before each sample"
                         : std::string("warm: same inputs every sample"));
    if (spec.kernel == RL_KERNEL_ROPE || (spec.kernel == RL_KERNEL_RMSNORM && spec.gated))
        result.add_note("in place: each sample works on the previous sample's output");
    return result;
}

} // namespace rl_cuda
