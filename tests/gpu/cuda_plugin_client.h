#pragma once
// The CUDA plugin seen through the raw C ABI (dlopen + roofline_plugin_entry), shared by tst_cuda_plugin and the
// plain driver cuda_plugin_check. Header-only; needs nothing but plugin_abi.h and libdl.

#include "roofline/abi/plugin_abi.h"
#include "roofline/abi/plugin_abi_rules.h"

#include <dlfcn.h>

#include <cstdint>
#include <cstdlib>
#include <string>

namespace rl_test {

// The plugin under test: $ROOFLINE_CUDA_PLUGIN if set, else the one the build made; empty where none was built.
inline std::string plugin_path()
{
    if (const char* env = std::getenv("ROOFLINE_CUDA_PLUGIN"); env && *env)
        return env;
#ifdef ROOFLINE_CUDA_PLUGIN_PATH
    return ROOFLINE_CUDA_PLUGIN_PATH;
#else
    return {};
#endif
}

class PluginLibrary {
public:
    PluginLibrary() = default;
    ~PluginLibrary()
    {
        if (handle_)
            dlclose(handle_);
    }
    PluginLibrary(const PluginLibrary&) = delete;
    PluginLibrary& operator=(const PluginLibrary&) = delete;

    // False with error() saying why (no file, not loadable, no entry point, wrong ABI).
    bool load(const std::string& path)
    {
        handle_ = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
        if (!handle_) {
            const char* why = dlerror();
            error_ = "dlopen(" + path + "): " + (why ? why : "unknown error");
            return false;
        }
        auto entry = reinterpret_cast<rl_plugin_entry_fn>(dlsym(handle_, ROOFLINE_PLUGIN_ENTRY_SYMBOL));
        if (!entry) {
            error_ = path + " has no " ROOFLINE_PLUGIN_ENTRY_SYMBOL;
            return false;
        }
        api_ = entry(ROOFLINE_PLUGIN_ABI_VERSION);
        if (!api_ || api_->abi_version != ROOFLINE_PLUGIN_ABI_VERSION) {
            error_ = path + " does not speak ABI version " + std::to_string(ROOFLINE_PLUGIN_ABI_VERSION);
            api_ = nullptr;
            return false;
        }
        return true;
    }
    const rl_plugin_api* api() const { return api_; }
    const std::string& error() const { return error_; }

private:
    void* handle_ = nullptr;
    const rl_plugin_api* api_ = nullptr;
    std::string error_;
};

// Short budgets: a case takes at most half a second.
inline constexpr roofline::abi::Sampling kTestSampling{0.5, 10, 500, 0.02, 1234};

inline rl_case make_case(rl_kernel kernel, rl_precision precision, int64_t m, int64_t n, int64_t k,
                         rl_cache_mode cache = RL_CACHE_COLD)
{
    return roofline::abi::make_case(kernel, precision, {m, n, k}, cache, kTestSampling);
}

inline rl_case make_ceiling(rl_kernel kernel, uint64_t bytes, rl_cache_mode cache = RL_CACHE_COLD)
{
    return roofline::abi::make_case(kernel, RL_PRECISION_FP32, {.bytes = bytes}, cache, kTestSampling);
}

// Attention, BHSD: Q, O [batch, heads, query_len, head_dim]; K, V [batch, kv_heads, kv_len, head_dim].
struct AttentionDims {
    int64_t batch = 1, heads = 1, kv_heads = 1, query_len = 1, kv_len = 1, head_dim = 128;
    bool causal = false;
    int64_t window = 0; // sliding window [keys]; 0: none
};

inline rl_case make_attention(rl_precision precision, AttentionDims d, rl_cache_mode cache = RL_CACHE_COLD)
{
    roofline::abi::CaseShape shape;
    shape.batch = d.batch;
    shape.heads = d.heads;
    shape.kv_heads = d.kv_heads;
    shape.query_len = d.query_len;
    shape.kv_len = d.kv_len;
    shape.head_dim = d.head_dim;
    shape.causal = d.causal;
    shape.window = d.window;
    return roofline::abi::make_case(RL_KERNEL_ATTENTION, precision, shape, cache, kTestSampling);
}

// A transformer MLP on `tokens` tokens, hidden size `hidden`, intermediate size `intermediate`.
inline rl_case make_ffn(rl_precision precision, int64_t tokens, int64_t hidden, int64_t intermediate, bool gated,
                        rl_cache_mode cache = RL_CACHE_COLD)
{
    roofline::abi::CaseShape shape;
    shape.m = tokens;
    shape.k = hidden;
    shape.n = intermediate;
    shape.gated = gated;
    return roofline::abi::make_case(RL_KERNEL_FFN, precision, shape, cache, kTestSampling);
}

inline rl_result empty_result()
{
    rl_result r{};
    r.struct_size = sizeof(rl_result);
    return r;
}

// 2 m n k for a GEMM, 2 n k for a GEMV; attention's two products (4 b h q kv d, about half of the pairs when
// causal); the FFN's GEMMs [FLOP].
inline double flops(const rl_case& c)
{
    if (c.kernel == RL_KERNEL_ATTENTION) {
        const auto q = static_cast<double>(c.query_len), kv = static_cast<double>(c.kv_len);
        const double pairs = c.causal && c.query_len > 1 ? q * (kv - 0.5 * q) : q * kv;
        return 4.0 * static_cast<double>(c.batch) * static_cast<double>(c.heads) * pairs
               * static_cast<double>(c.head_dim);
    }
    if (c.kernel == RL_KERNEL_FFN)
        return 2.0 * static_cast<double>(c.m) * static_cast<double>(c.k) * static_cast<double>(c.n)
               * (c.gated ? 3.0 : 2.0);
    const double rows = c.kernel == RL_KERNEL_GEMV ? 1.0 : static_cast<double>(c.m);
    return 2.0 * rows * static_cast<double>(c.n) * static_cast<double>(c.k);
}

inline double tflops(const rl_case& c, const rl_result& r)
{
    return r.median_time_us > 0.0 ? flops(c) / (r.median_time_us * 1e-6) / 1e12 : 0.0;
}

inline double gb_per_s(const rl_result& r)
{
    return r.median_time_us > 0.0 ? r.bytes_moved / (r.median_time_us * 1e-6) / 1e9 : 0.0;
}

inline const char* status_name(int status)
{
    switch (status) {
    case RL_STATUS_OK: return "OK";
    case RL_STATUS_UNSUPPORTED: return "UNSUPPORTED";
    case RL_STATUS_SKIPPED: return "SKIPPED";
    case RL_STATUS_FAILED: return "FAILED";
    case RL_STATUS_CANCELLED: return "CANCELLED";
    case RL_STATUS_NO_DEVICE: return "NO_DEVICE";
    case RL_STATUS_INVALID_ARGUMENT: return "INVALID_ARGUMENT";
    case RL_STATUS_WRONG_RESULT: return "WRONG_RESULT";
    }
    return "?";
}

} // namespace rl_test
