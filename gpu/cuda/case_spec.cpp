#include "case_spec.h"

#include "cuda_check.h"
#include "gemm_types.h"
#include "layer_shape.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <optional>

namespace rl_cuda {
namespace {

// A zero in the host's case means "the default", as a field an older host's struct lacks does.
constexpr double kDefaultBudgetS = roofline::abi::kDefaultSampling.time_budget_s;
constexpr int kDefaultMinSamples = roofline::abi::kDefaultSampling.min_samples;
constexpr int kDefaultMaxSamples = roofline::abi::kDefaultSampling.max_samples;
// cuBLASLt takes 64-bit sizes, but M * K and friends must stay countable in bytes.
constexpr int64_t kMaxDimension = int64_t{1} << 40;
// A launch chain of rl_case.m = 0 (the ABI's default) and the longest one taken.
constexpr int64_t kDefaultChainLength = 64;
constexpr int64_t kMaxChainLength = 100000;

[[noreturn]] void invalid(const std::string& message)
{
    throw Error(RL_STATUS_INVALID_ARGUMENT, message);
}

} // namespace

uint64_t checked_mul(uint64_t a, uint64_t b, const char* what)
{
    uint64_t product = 0;
    if (__builtin_mul_overflow(a, b, &product))
        invalid(std::string(what) + " overflows 64 bits");
    return product;
}

std::string format_gb(uint64_t bytes)
{
    char text[32];
    std::snprintf(text, sizeof(text), "%.1f GB", static_cast<double>(bytes) / 1e9);
    return text;
}

std::string CaseSpec::describe() const
{
    switch (kernel) {
    case RL_KERNEL_GEMM:
        return "GEMM " + std::to_string(m) + "x" + std::to_string(n) + "x" + std::to_string(k) + " "
               + precision_name(precision) + (cache_mode == RL_CACHE_COLD ? " cold" : " warm");
    case RL_KERNEL_GEMV:
        return "GEMV " + std::to_string(m) + "x" + std::to_string(k) + " " + precision_name(precision)
               + (cache_mode == RL_CACHE_COLD ? " cold" : " warm");
    case RL_KERNEL_DRAM_READ: return "DRAM read " + format_gb(bytes);
    case RL_KERNEL_DRAM_COPY: return "DRAM copy " + format_gb(bytes);
    case RL_KERNEL_L2_READ: return "L2 read " + std::to_string(bytes) + " bytes";
    case RL_KERNEL_LAUNCH: return "launch";
    case RL_KERNEL_ATTENTION:
        return "attention b" + std::to_string(batch) + " h" + std::to_string(heads) + "/" + std::to_string(kv_heads)
               + " q" + std::to_string(query_len) + " kv" + std::to_string(kv_len) + " d" + std::to_string(head_dim)
               + (causal ? " causal " : " ") + precision_name(precision)
               + (cache_mode == RL_CACHE_COLD ? " cold" : " warm");
    case RL_KERNEL_FFN:
        return std::string(gated ? "FFN gated " : "FFN plain ") + std::to_string(m) + "x" + std::to_string(k) + "x"
               + std::to_string(n) + " " + precision_name(precision)
               + (cache_mode == RL_CACHE_COLD ? " cold" : " warm");
    case RL_KERNEL_LAUNCH_CHAIN_EAGER: return "launch chain of " + std::to_string(m) + ", eager";
    case RL_KERNEL_LAUNCH_CHAIN_GRAPH: return "launch chain of " + std::to_string(m) + ", CUDA graph";
    case RL_KERNEL_RMSNORM: return std::string(gated ? "residual + RMSNorm " : "RMSNorm ") + layer_shape(*this);
    case RL_KERNEL_ROPE: return "RoPE " + layer_shape(*this);
    case RL_KERNEL_RESIDUAL: return "residual add " + layer_shape(*this);
    case RL_KERNEL_ACTIVATION: return std::string(gated ? "SiLU·mul " : "GELU ") + layer_shape(*this);
    case RL_KERNEL_TOPK: return "top-k routing " + layer_shape(*this);
    case RL_KERNEL_EMBEDDING: return "embedding gather " + layer_shape(*this);
    default: break;
    }
    return "unknown kernel";
}

CaseSpec read_case(const rl_case* c)
{
    if (!c)
        invalid("case is NULL");
    const std::optional<rl_case> read = roofline::abi::read_case(c);
    if (!read)
        invalid("rl_case.struct_size " + std::to_string(c->struct_size) + " is too small");
    const rl_case& in = *read;

    CaseSpec s;
    switch (in.kernel) {
    case RL_KERNEL_GEMV:
    case RL_KERNEL_GEMM:
    case RL_KERNEL_DRAM_READ:
    case RL_KERNEL_DRAM_COPY:
    case RL_KERNEL_L2_READ:
    case RL_KERNEL_LAUNCH:
    case RL_KERNEL_ATTENTION:
    case RL_KERNEL_FFN: s.kernel = static_cast<rl_kernel>(in.kernel); break;
    case RL_KERNEL_LAUNCH_CHAIN_EAGER:
    case RL_KERNEL_LAUNCH_CHAIN_GRAPH:
    case RL_KERNEL_RMSNORM:
    case RL_KERNEL_ROPE:
    case RL_KERNEL_RESIDUAL:
    case RL_KERNEL_ACTIVATION:
    case RL_KERNEL_TOPK:
    case RL_KERNEL_EMBEDDING: s.kernel = static_cast<rl_kernel>(in.kernel); break;
    default: invalid("unknown kernel " + std::to_string(in.kernel));
    }
    if (in.cache_mode != RL_CACHE_COLD && in.cache_mode != RL_CACHE_WARM)
        invalid("unknown cache mode " + std::to_string(in.cache_mode));
    s.cache_mode = static_cast<rl_cache_mode>(in.cache_mode);

    if (s.is_gemm_like()) {
        if (in.precision < RL_PRECISION_FP64 || in.precision > RL_PRECISION_INT4)
            invalid("unknown precision " + std::to_string(in.precision));
        s.precision = static_cast<rl_precision>(in.precision);
        // A GEMV y[n] = W[n,k] x[k] runs as the product of W (n rows) with one column.
        s.m = s.kernel == RL_KERNEL_GEMV ? in.n : in.m;
        s.n = s.kernel == RL_KERNEL_GEMV ? 1 : in.n;
        s.k = in.k;
        const char* names = s.kernel == RL_KERNEL_GEMV ? "n and k" : "m, n and k";
        if (s.m <= 0 || s.n <= 0 || s.k <= 0)
            invalid(std::string(names) + " must be positive (got m=" + std::to_string(in.m) + " n="
                    + std::to_string(in.n) + " k=" + std::to_string(in.k) + ")");
        if (s.m > kMaxDimension || s.n > kMaxDimension || s.k > kMaxDimension)
            invalid("a dimension above 2^40 overflows the byte counts");
        checked_mul(checked_mul(static_cast<uint64_t>(s.m), static_cast<uint64_t>(s.k), "m * k"), 8, "A bytes");
        checked_mul(checked_mul(static_cast<uint64_t>(s.n), static_cast<uint64_t>(s.k), "n * k"), 8, "B bytes");
        checked_mul(checked_mul(static_cast<uint64_t>(s.m), static_cast<uint64_t>(s.n), "m * n"), 8, "D bytes");
    }
    if (s.kernel == RL_KERNEL_ATTENTION)
        read_attention_fields(in, c->struct_size, s);
    if (s.kernel == RL_KERNEL_FFN)
        read_ffn_fields(in, s);
    if (s.is_launch_chain()) {
        s.m = in.m == 0 ? kDefaultChainLength : in.m;
        if (s.m < 1 || s.m > kMaxChainLength)
            invalid("a launch chain's m (its length) must be 1 to " + std::to_string(kMaxChainLength) + ", got "
                    + std::to_string(in.m));
    }
    if (s.is_layer_kernel())
        read_layer_shape(in, s);
    s.bytes = in.bytes;

    s.time_budget_s = in.time_budget_s;
    if (!std::isfinite(s.time_budget_s) || s.time_budget_s < 0.0)
        invalid("time_budget_s must be a finite number >= 0");
    if (s.time_budget_s == 0.0)
        s.time_budget_s = kDefaultBudgetS;
    s.max_samples = in.max_samples > 0 ? in.max_samples : kDefaultMaxSamples;
    s.min_samples = in.min_samples > 0 ? in.min_samples : std::min(kDefaultMinSamples, s.max_samples);
    if (s.max_samples < s.min_samples)
        invalid("max_samples " + std::to_string(s.max_samples) + " is below min_samples "
                + std::to_string(s.min_samples));
    s.target_rel_spread = in.target_rel_spread;
    if (!std::isfinite(s.target_rel_spread))
        invalid("target_rel_spread must be finite");
    s.seed = in.seed;
    return s;
}

} // namespace rl_cuda
