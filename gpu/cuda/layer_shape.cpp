#include "layer_shape.h"

#include "cuda_check.h"
#include "gemm_types.h"

#include <algorithm>

namespace rl_cuda {
namespace {

// Sizes above this overflow nothing in 64 bits but cannot fit any device; they are typos.
constexpr int64_t kMaxSize = int64_t{1} << 40;
constexpr int64_t kCheckRows = 48;          // rows (tokens) of the checked run
constexpr int64_t kCheckTableRows = 4096;   // EMBEDDING: table rows of the checked run
constexpr int64_t kCheckElements = 1 << 18; // RESIDUAL: elements of the checked run

[[noreturn]] void invalid(const std::string& message)
{
    throw Error(RL_STATUS_INVALID_ARGUMENT, message);
}

void require_positive(int64_t value, const char* name, const char* kind)
{
    if (value <= 0 || value > kMaxSize)
        invalid(std::string(kind) + " needs " + name + " from 1 to 2^40, got " + std::to_string(value));
}

const char* kind_name(rl_kernel kernel)
{
    switch (kernel) {
    case RL_KERNEL_RMSNORM: return "RMSNORM";
    case RL_KERNEL_ROPE: return "ROPE";
    case RL_KERNEL_RESIDUAL: return "RESIDUAL";
    case RL_KERNEL_ACTIVATION: return "ACTIVATION";
    case RL_KERNEL_TOPK: return "TOPK";
    case RL_KERNEL_EMBEDDING: return "EMBEDDING";
    default: return "?";
    }
}

uint64_t u(int64_t v)
{
    return static_cast<uint64_t>(v);
}

} // namespace

void read_layer_shape(const rl_case& in, CaseSpec& spec)
{
    const char* kind = kind_name(spec.kernel);
    if (in.precision < RL_PRECISION_FP64 || in.precision > RL_PRECISION_INT4)
        invalid("unknown precision " + std::to_string(in.precision));
    spec.precision = static_cast<rl_precision>(in.precision);
    spec.gated = in.gated != 0; // zero where an older host's case has no `gated`
    spec.m = spec.kernel == RL_KERNEL_RESIDUAL ? 1 : in.m;
    spec.n = in.n;
    spec.k = spec.kernel == RL_KERNEL_ROPE || spec.kernel == RL_KERNEL_TOPK || spec.kernel == RL_KERNEL_EMBEDDING ? in.k
                                                                                                                 : 1;
    require_positive(spec.m, "m", kind);
    require_positive(spec.n, "n", kind);
    require_positive(spec.k, "k", kind);
    if (spec.kernel == RL_KERNEL_TOPK && spec.k > spec.n)
        invalid("TOPK picks k of n experts: k " + std::to_string(spec.k) + " is above n " + std::to_string(spec.n));
    if (spec.kernel == RL_KERNEL_ROPE && spec.k % 2 != 0)
        invalid("ROPE rotates pairs: head_dim k must be even, got " + std::to_string(spec.k));
    // Every buffer stays countable in bytes (8 bytes an element covers all of them).
    const uint64_t gated_width = spec.gated && spec.kernel == RL_KERNEL_ACTIVATION ? 2 : 1;
    checked_mul(checked_mul(checked_mul(u(spec.m), u(spec.n), "m * n"), u(spec.k), "m * n * k"), 8 * gated_width,
                "the activation bytes");
}

int activation_bytes(rl_precision precision)
{
    switch (precision) {
    case RL_PRECISION_BF16:
    case RL_PRECISION_FP16: return 2;
    case RL_PRECISION_FP32: return 4;
    default: return 0;
    }
}

std::string layer_shape(const CaseSpec& spec)
{
    const std::string p = precision_name(spec.precision);
    const std::string m = std::to_string(spec.m), n = std::to_string(spec.n), k = std::to_string(spec.k);
    switch (spec.kernel) {
    case RL_KERNEL_ROPE: return m + " tokens x " + n + " heads x " + k + " " + p;
    case RL_KERNEL_RESIDUAL: return n + " " + p;
    case RL_KERNEL_TOPK: return m + " tokens, top " + k + " of " + n + " " + p;
    case RL_KERNEL_EMBEDDING: return m + " tokens x " + k + " of " + n + " rows " + p;
    default: return m + " x " + n + " " + p;
    }
}

LayerBuffers layer_buffers(const CaseSpec& s)
{
    const uint64_t m = u(s.m), n = u(s.n), k = u(s.k);
    LayerBuffers b;
    switch (s.kernel) {
    case RL_KERNEL_RMSNORM:
        b.in = m * n;
        b.in2 = s.gated ? m * n : 0;
        b.out = m * n;
        b.weight = n;
        break;
    case RL_KERNEL_ROPE:
        b.in = m * n * k;
        b.table = m * k; // cos and sin of k / 2 frequencies per token
        break;
    case RL_KERNEL_RESIDUAL:
        b.in = n;
        b.in2 = n;
        b.out = n;
        break;
    case RL_KERNEL_ACTIVATION:
        b.in = (s.gated ? 2 : 1) * m * n;
        b.out = m * n;
        break;
    case RL_KERNEL_TOPK:
        b.in = m * n;
        b.index = m * k;
        b.probs = m * k;
        break;
    case RL_KERNEL_EMBEDDING:
        b.in = n * k; // the table
        b.out = m * k;
        b.index = m;
        break;
    default: break;
    }
    return b;
}

double layer_bytes_moved(const CaseSpec& s)
{
    const double e = activation_bytes(s.precision);
    const LayerBuffers b = layer_buffers(s);
    const auto d = [](uint64_t v) { return static_cast<double>(v); };
    switch (s.kernel) {
    case RL_KERNEL_RMSNORM: // x (and the residual) read, y (and the updated residual) written, the weight read
        return e * (d(b.in) + 2.0 * d(b.in2) + d(b.out) + d(b.weight));
    case RL_KERNEL_ROPE: return 2.0 * e * d(b.in) + 4.0 * d(b.table); // read and written in place
    case RL_KERNEL_RESIDUAL:
    case RL_KERNEL_ACTIVATION: return e * (d(b.in) + d(b.in2) + d(b.out));
    case RL_KERNEL_TOPK: return e * d(b.in) + 4.0 * (d(b.index) + d(b.probs));
    case RL_KERNEL_EMBEDDING: return 2.0 * e * d(b.out) + 4.0 * d(b.index); // only the gathered rows are read
    default: return 0.0;
    }
}

CaseSpec reduced_for_check(const CaseSpec& spec)
{
    CaseSpec r = spec;
    if (spec.kernel == RL_KERNEL_RESIDUAL) {
        if (spec.n > kCheckElements)
            r.n = kCheckElements + spec.n % 64;
        return r;
    }
    r.m = std::min(spec.m, kCheckRows);
    if (spec.kernel == RL_KERNEL_EMBEDDING)
        r.n = std::min(spec.n, kCheckTableRows);
    return r;
}

} // namespace rl_cuda
