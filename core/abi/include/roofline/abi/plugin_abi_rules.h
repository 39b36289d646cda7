#pragma once
// The rules of plugin_abi.h written once, for both sides of the boundary (header-only, no dependencies beyond the
// standard library): structs are read and written only as far as the caller's struct_size reaches, text is
// NUL-terminated and truncated to its buffer, and no exception crosses an entry point.

#include "roofline/abi/plugin_abi.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <exception>
#include <new>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace roofline::abi {

// Copies `text` into a buffer of `size` bytes, NUL-terminated. A cut falls before a UTF-8 sequence, never inside.
inline void copy_text(char* dst, std::size_t size, std::string_view text)
{
    if (!dst || size == 0)
        return;
    std::size_t length = std::min(size - 1, text.size());
    if (length < text.size()) {
        while (length > 0 && (static_cast<unsigned char>(text[length]) & 0xC0) == 0x80)
            --length;
    }
    std::memcpy(dst, text.data(), length);
    dst[length] = '\0';
}

template <std::size_t N> void copy_text(char (&dst)[N], std::string_view text)
{
    copy_text(dst, N, text);
}

// The text of a buffer the other side filled, even if it left out the NUL.
inline std::string read_text(const char* buffer, std::size_t size)
{
    return buffer ? std::string(buffer, strnlen(buffer, size)) : std::string();
}

// The caller's struct as this build knows it. Fields a shorter (older) struct does not carry keep the values of
// `defaults`. Nothing when `in` is null or shorter than `required_size`, the fields the call cannot do without.
template <class T> std::optional<T> read_struct(const T* in, std::size_t required_size, T defaults = T{})
{
    if (!in || in->struct_size < required_size)
        return std::nullopt;
    std::memcpy(&defaults, in, std::min<std::size_t>(in->struct_size, sizeof(T)));
    defaults.struct_size = sizeof(T);
    return defaults;
}

// Writes `full` into the caller's struct, only as far as the caller's struct_size reaches: an older host's shorter
// struct gets the fields it knows, and nothing past its end is touched.
template <class T> void write_struct(T* out, T full)
{
    if (!out)
        return;
    const uint32_t caller_size = out->struct_size;
    full.struct_size = caller_size;
    std::memcpy(out, &full, std::min<std::size_t>(caller_size, sizeof(T)));
}

// An error that knows its status; a plugin throws it where a call fails for a reason the host should see.
class StatusError : public std::runtime_error {
public:
    StatusError(rl_status status, const std::string& message) : std::runtime_error(message), status_(status) {}
    rl_status status() const noexcept { return status_; }

private:
    rl_status status_;
};

// Runs an entry point's body: its status, or, for an exception, a status with the exception's text in `message`.
// `out_of_memory` is the status of a failed host allocation (SKIPPED where a smaller case may still run).
template <class Body> rl_status guarded(std::string& message, Body&& body, rl_status out_of_memory = RL_STATUS_FAILED)
{
    try {
        return body();
    } catch (const StatusError& e) {
        message = e.what();
        return e.status();
    } catch (const std::bad_alloc&) {
        message = "out of host memory";
        return out_of_memory;
    } catch (const std::exception& e) {
        message = e.what();
        return RL_STATUS_FAILED;
    } catch (...) {
        message = "unknown exception in the plugin";
        return RL_STATUS_FAILED;
    }
}

// The fields of an rl_case every call needs: what to run, on what shape. An older host's shorter struct must
// reach this far; sampling fields past it take kDefaultSampling.
inline constexpr std::size_t kRequiredCaseSize = offsetof(rl_case, bytes);

// Where each version's structs end: an older side's struct_size is one of these.
inline constexpr std::size_t kCaseSizeV1 = offsetof(rl_case, batch);
inline constexpr std::size_t kCaseSizeV3 = offsetof(rl_case, weight_format);
inline constexpr std::size_t kResultSizeV1 = offsetof(rl_result, gemm_library);
inline constexpr std::size_t kResultSizeV2 = offsetof(rl_result, cudnn_version);
inline constexpr std::size_t kResultSizeV3 = offsetof(rl_result, engine);

// Whether one side of this build serves the other side's version.
inline constexpr bool serves_version(uint32_t version)
{
    return version >= ROOFLINE_PLUGIN_ABI_OLDEST && version <= ROOFLINE_PLUGIN_ABI_VERSION;
}

// A result before the plugin writes it: the fields an older plugin leaves alone say "not known".
inline rl_result empty_result()
{
    rl_result r{};
    r.struct_size = sizeof r;
    r.algo_id = -1;
    r.engine_id = -1;
    return r;
}

// How a case is sampled (rl_case's time_budget_s … seed).
struct Sampling {
    double time_budget_s = 1.0;
    int32_t min_samples = 10;
    int32_t max_samples = 10000;
    double target_rel_spread = 0.0; // 0: no spread criterion
    uint64_t seed = 0;
};
inline constexpr Sampling kDefaultSampling{};

// The one builder of an rl_case. `kernel` and `precision` are rl_kernel and rl_precision values (plain integers,
// so that a test can pass one the ABI does not know). GEMV: n, k (m ignored); GEMM: m, n, k; ceilings: `bytes`.
struct CaseShape {
    int64_t m = 0, n = 0, k = 0;
    uint64_t bytes = 0;
    // ABI 3: attention (rl_kernel's RL_KERNEL_ATTENTION) and the flags.
    int64_t batch = 0, heads = 0, kv_heads = 0, query_len = 0, kv_len = 0, head_dim = 0, window = 0;
    bool causal = false;
    bool gated = false;
    // ABI 4: the weights' own storage (rl_weight_format, a ggml_type value) and EXPERT_GEMM's experts.
    int32_t weight_format = RL_WEIGHT_FORMAT_PRECISION;
    int32_t weight_type = 0;
    int64_t experts = 0, experts_used = 0;
};
inline rl_case make_case(int32_t kernel, int32_t precision, CaseShape shape, rl_cache_mode cache,
                         const Sampling& sampling = kDefaultSampling)
{
    rl_case c{};
    c.struct_size = sizeof c;
    c.kernel = kernel;
    c.precision = precision;
    c.cache_mode = cache;
    c.m = shape.m;
    c.n = shape.n;
    c.k = shape.k;
    c.bytes = shape.bytes;
    c.batch = shape.batch;
    c.heads = shape.heads;
    c.kv_heads = shape.kv_heads;
    c.query_len = shape.query_len;
    c.kv_len = shape.kv_len;
    c.head_dim = shape.head_dim;
    c.window = shape.window;
    c.causal = shape.causal ? 1 : 0;
    c.gated = shape.gated ? 1 : 0;
    c.weight_format = shape.weight_format;
    c.weight_type = shape.weight_type;
    c.experts = shape.experts;
    c.experts_used = shape.experts_used;
    c.time_budget_s = sampling.time_budget_s;
    c.min_samples = sampling.min_samples;
    c.max_samples = sampling.max_samples;
    c.target_rel_spread = sampling.target_rel_spread;
    c.seed = sampling.seed;
    return c;
}

// A case as a plugin reads it from the host: the host's fields, kDefaultSampling's where its struct stops short.
inline std::optional<rl_case> read_case(const rl_case* in)
{
    return read_struct(in, kRequiredCaseSize, make_case(0, 0, {}, RL_CACHE_COLD));
}

// The case a host plugin's call is for; StatusError(INVALID_ARGUMENT) when the host passed none or one too short.
inline rl_case read_case_or_throw(const rl_case* c)
{
    const auto in = read_case(c);
    if (!in)
        throw StatusError(RL_STATUS_INVALID_ARGUMENT, "rl_case is missing or too short to name a kernel and shape");
    return *in;
}

// A host plugin's run(): `body(result, why)` under guarded() (a failed host allocation skips the case: a smaller one may
// still fit). A refusal or an exception leaves only its reason in the result, never a partial run's numbers.
template <class Body> rl_status run_guarded(rl_result* out, Body&& body)
{
    rl_result result = empty_result();
    std::string why;
    const rl_status status = guarded(why, [&] { return body(result, why); }, RL_STATUS_SKIPPED);
    if (!why.empty()) {
        result = empty_result();
        copy_text(result.message, why);
    }
    result.status = status;
    write_struct(out, result);
    return status;
}

} // namespace roofline::abi
