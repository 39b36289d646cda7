#include "blas_cases.h"

#include "host/sampler.h"

#include <cblas.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <vector>

namespace roofline::cpu {

namespace {

// splitmix64: a fixed seed gives the same inputs on every machine.
struct Random {
    uint64_t state;
    uint64_t next()
    {
        uint64_t z = (state += 0x9e3779b97f4a7c15ull);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
        return z ^ (z >> 31);
    }
    // Uniform in [-1, 1), never exactly zero: zeros hide unwritten outputs and can run faster.
    double uniform()
    {
        const double u = static_cast<double>(next() >> 11) * 0x1.0p-53 * 2.0 - 1.0;
        return u == 0.0 ? 0.5 : u;
    }
};

bool checked_mul(uint64_t a, uint64_t b, uint64_t* out)
{
    return !__builtin_mul_overflow(a, b, out);
}

struct Dims {
    uint64_t m, n, k;
};

Dims dims_of(const rl_case& c)
{
    const uint64_t m = c.kernel == RL_KERNEL_GEMV ? 1 : static_cast<uint64_t>(c.m);
    return {m, static_cast<uint64_t>(c.n), static_cast<uint64_t>(c.k)};
}

// Enough copies of the inputs that cycling through them evicts the last-level cache (cold mode).
int rotation_copies(const rl_case& c, uint64_t input_bytes, uint64_t cache_bytes)
{
    if (c.cache_mode != RL_CACHE_COLD || input_bytes == 0)
        return 1;
    const uint64_t wanted = 2 * cache_bytes / input_bytes + 1;
    return static_cast<int>(std::clamp<uint64_t>(wanted, 1, 8));
}

template <class T>
struct Operands {
    std::vector<std::vector<T>> a, b; // one per rotation copy
    std::vector<T> c;
};

template <class T>
void gemm_call(const Dims& d, const T* a, const T* b, T* c)
{
    const int m = static_cast<int>(d.m), n = static_cast<int>(d.n), k = static_cast<int>(d.k);
    if constexpr (std::is_same_v<T, float>) {
        if (d.m == 1)
            cblas_sgemv(CblasRowMajor, CblasNoTrans, n, k, 1.0f, b, k, a, 1, 0.0f, c, 1);
        else
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, m, n, k, 1.0f, a, k, b, k, 0.0f, c, n);
    } else {
        if (d.m == 1)
            cblas_dgemv(CblasRowMajor, CblasNoTrans, n, k, 1.0, b, k, a, 1, 0.0, c, 1);
        else
            cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, m, n, k, 1.0, a, k, b, k, 0.0, c, n);
    }
}

// ||out - ref|| / ||ref|| over a block of up to 48 x 48 outputs (all of y for a GEMV).
template <class T>
double relative_error(const Dims& d, const T* a, const T* b, const T* c)
{
    const uint64_t rows = std::min<uint64_t>(d.m, 48), cols = d.m == 1 ? std::min<uint64_t>(d.n, 4096) : std::min<uint64_t>(d.n, 48);
    long double diff = 0, norm = 0;
    for (uint64_t i = 0; i < rows; ++i) {
        // Spread the sampled rows and columns over the whole output.
        const uint64_t row = rows == d.m ? i : i * (d.m / rows);
        for (uint64_t j = 0; j < cols; ++j) {
            const uint64_t col = cols == d.n ? j : j * (d.n / cols);
            long double ref = 0;
            for (uint64_t p = 0; p < d.k; ++p)
                ref += static_cast<long double>(a[row * d.k + p]) * static_cast<long double>(b[col * d.k + p]);
            const long double got = c[row * d.n + col];
            if (!std::isfinite(static_cast<double>(got)))
                return std::numeric_limits<double>::infinity();
            diff += (got - ref) * (got - ref);
            norm += ref * ref;
        }
    }
    return norm > 0 ? static_cast<double>(std::sqrt(diff / norm)) : static_cast<double>(std::sqrt(diff));
}

template <class T>
rl_status run_typed(const rl_case& c, uint64_t cache_bytes, rl_stop_fn stop, void* stop_user, rl_result* out)
{
    const Dims d = dims_of(c);
    const int copies = rotation_copies(c, (d.m * d.k + d.n * d.k) * sizeof(T), cache_bytes);
    Operands<T> ops;
    Random random{c.seed};
    ops.a.resize(copies);
    ops.b.resize(copies);
    for (int i = 0; i < copies; ++i) {
        ops.a[i].resize(d.m * d.k);
        ops.b[i].resize(d.n * d.k);
        for (auto& v : ops.a[i])
            v = static_cast<T>(random.uniform());
        for (auto& v : ops.b[i])
            v = static_cast<T>(random.uniform());
    }
    ops.c.assign(d.m * d.n, std::numeric_limits<T>::quiet_NaN()); // poison: every output must be written

    gemm_call(d, ops.a[0].data(), ops.b[0].data(), ops.c.data());
    const double error = relative_error(d, ops.a[0].data(), ops.b[0].data(), ops.c.data());
    // FP32 over long K accumulates ~sqrt(K) * 2^-24 relative error; FP64 far less.
    const double tolerance = std::is_same_v<T, float> ? 1e-4 : 1e-10;
    out->max_rel_error = error;
    out->tolerance = tolerance;
    if (!(error <= tolerance)) {
        std::snprintf(out->message, sizeof out->message, "wrong result: relative error %.3g exceeds tolerance %.1g", error,
                      tolerance);
        return RL_STATUS_WRONG_RESULT;
    }
    out->verified = 1;
    out->gemm_library = RL_GEMM_LIBRARY_BLAS;
    out->algo_id = -1;     // one BLAS call: no algorithm to choose among
    out->candidates_timed = 1;

    int turn = 0;
    const SampleStats stats = sample_until_stable(
        c, [&] { turn = (turn + 1) % copies; },
        [&] { gemm_call(d, ops.a[turn].data(), ops.b[turn].data(), ops.c.data()); }, stop, stop_user);
    fill_result(stats, c, out);
    std::snprintf(out->algorithm, sizeof out->algorithm, "cblas_%c%s (row-major, %s), %d input cop%s",
                  std::is_same_v<T, float> ? 's' : 'd', d.m == 1 ? "gemv" : "gemm",
                  d.m == 1 ? "W[N,K]·x" : "A[M,K]·B[N,K]^T", copies, copies == 1 ? "y" : "ies");
    return stats.stopped ? RL_STATUS_CANCELLED : RL_STATUS_OK;
}

} // namespace

uint64_t blas_case_bytes(const rl_case& c, uint64_t cache_bytes)
{
    const Dims d = dims_of(c);
    const uint64_t element = c.precision == RL_PRECISION_FP64 ? 8 : 4;
    uint64_t mk = 0, nk = 0, mn = 0;
    if (!checked_mul(d.m, d.k, &mk) || !checked_mul(d.n, d.k, &nk) || !checked_mul(d.m, d.n, &mn))
        return 0;
    uint64_t inputs = 0, total = 0;
    if (__builtin_add_overflow(mk, nk, &inputs) || !checked_mul(inputs, element, &inputs))
        return 0;
    const int copies = rotation_copies(c, inputs, cache_bytes);
    uint64_t outputs = 0;
    if (!checked_mul(mn, element, &outputs) || !checked_mul(inputs, static_cast<uint64_t>(copies), &total)
        || __builtin_add_overflow(total, outputs, &total))
        return 0;
    return total;
}

std::string blas_unsupported_reason(const rl_case& c)
{
    if (c.kernel != RL_KERNEL_GEMV && c.kernel != RL_KERNEL_GEMM)
        return "the CPU plugin runs GEMV, GEMM and the memory ceilings";
    if (c.precision != RL_PRECISION_FP32 && c.precision != RL_PRECISION_FP64)
        return "the CPU plugin runs FP32 and FP64 through the host BLAS only";
    if (c.n <= 0 || c.k <= 0 || (c.kernel == RL_KERNEL_GEMM && c.m <= 0))
        return "dimensions must be positive";
    const int64_t limit = std::numeric_limits<int>::max();
    if (c.n > limit || c.k > limit || c.m > limit)
        return "CBLAS takes 32-bit dimensions: a dimension exceeds 2^31 - 1";
    return {};
}

rl_status run_blas_case(const rl_case& c, uint64_t cache_bytes, rl_stop_fn stop, void* stop_user, rl_result* out)
{
    return c.precision == RL_PRECISION_FP64 ? run_typed<double>(c, cache_bytes, stop, stop_user, out)
                                            : run_typed<float>(c, cache_bytes, stop, stop_user, out);
}

} // namespace roofline::cpu
