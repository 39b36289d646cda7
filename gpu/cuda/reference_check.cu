#include "cuda_check.h"
#include "device_buffer.h"
#include "reference_check.h"

#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <cuda_fp8.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace rl_cuda {
namespace {

constexpr uint8_t kIntPoisonByte = 0x80; // INT32 0x80808080 = -2139062144, beyond 127 * 127 * K for K < 133k
constexpr int32_t kIntPoison = static_cast<int32_t>(0x80808080u);

template <ElemKind kind> __device__ inline double load_elem(const void* base, int64_t i)
{
    if constexpr (kind == ElemKind::F64)
        return static_cast<const double*>(base)[i];
    else if constexpr (kind == ElemKind::F32)
        return static_cast<const float*>(base)[i];
    else if constexpr (kind == ElemKind::F16)
        return __half2float(static_cast<const __half*>(base)[i]);
    else if constexpr (kind == ElemKind::BF16)
        return __bfloat162float(static_cast<const __nv_bfloat16*>(base)[i]);
    else if constexpr (kind == ElemKind::E4M3)
        return static_cast<float>(static_cast<const __nv_fp8_e4m3*>(base)[i]);
    else if constexpr (kind == ElemKind::E5M2)
        return static_cast<float>(static_cast<const __nv_fp8_e5m2*>(base)[i]);
    else if constexpr (kind == ElemKind::E2M1) {
        // Block scales are all 1.0 (see gemm_case.cpp), so the code alone gives the value.
        constexpr double kMagnitude[8] = {0.0, 0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 6.0};
        const uint8_t byte = static_cast<const uint8_t*>(base)[i / 2];
        const uint8_t code = (i & 1) ? (byte >> 4) : (byte & 0xF);
        return (code & 0x8) ? -kMagnitude[code & 0x7] : kMagnitude[code & 0x7];
    } else if constexpr (kind == ElemKind::I8)
        return static_cast<const int8_t*>(base)[i];
    else
        return static_cast<const int32_t*>(base)[i];
}

// One warp per checked output: lanes split K, FP64 products and sums, then a warp reduction.
template <ElemKind A, ElemKind B, ElemKind O>
__global__ void reference_kernel(const void* a, const void* b, const void* d, int64_t m, int64_t k,
                                 const int64_t* rows, int64_t row_count, const int64_t* cols, int64_t col_count,
                                 double* out, double* ref)
{
    const int64_t warp = (blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x) / 32;
    const int lane = threadIdx.x % 32;
    if (warp >= row_count * col_count)
        return;
    const int64_t row = rows[warp / col_count];
    const int64_t col = cols[warp % col_count];
    double sum = 0.0;
    for (int64_t i = lane; i < k; i += 32)
        sum = fma(load_elem<A>(a, row * k + i), load_elem<B>(b, col * k + i), sum);
    for (int offset = 16; offset > 0; offset /= 2)
        sum += __shfl_down_sync(0xFFFFFFFFu, sum, offset);
    if (lane == 0) {
        ref[warp] = sum;
        out[warp] = load_elem<O>(d, row + col * m);
    }
}

template <ElemKind A, ElemKind B, ElemKind O>
void launch_reference(const void* a, const void* b, const void* d, const ProductLayout& layout,
                      const int64_t* rows, int64_t row_count, const int64_t* cols, int64_t col_count, double* out,
                      double* ref, cudaStream_t stream)
{
    const int64_t threads = row_count * col_count * 32;
    constexpr int kBlock = 256;
    const auto blocks = static_cast<unsigned>((threads + kBlock - 1) / kBlock);
    reference_kernel<A, B, O><<<blocks, kBlock, 0, stream>>>(a, b, d, layout.m, layout.k, rows, row_count, cols,
                                                              col_count, out, ref);
    RL_CUDA_CHECK_LAUNCH("reference_kernel");
}

constexpr int key(ElemKind a, ElemKind b, ElemKind out)
{
    return static_cast<int>(a) * 100 + static_cast<int>(b) * 10 + static_cast<int>(out);
}

std::vector<int64_t> spread(int64_t n, int64_t count)
{
    std::vector<int64_t> picks;
    if (n <= count) {
        for (int64_t i = 0; i < n; ++i)
            picks.push_back(i);
        return picks;
    }
    for (int64_t i = 0; i < count; ++i)
        picks.push_back(i * (n - 1) / (count - 1));
    return picks;
}

std::string format_position(int64_t row, int64_t col)
{
    return "(" + std::to_string(row) + ", " + std::to_string(col) + ")";
}

} // namespace

std::string format_3g(double value)
{
    char text[32];
    std::snprintf(text, sizeof(text), "%.3g", value);
    return text;
}

uint64_t CheckPlan::device_bytes() const
{
    return (rows.size() + cols.size()) * sizeof(int64_t) + 2 * outputs() * sizeof(double);
}

CheckPlan plan_check(int64_t m, int64_t n, int64_t k)
{
    // A full check costs M * N * K FP64 products on the device: fine up to 2^31, beyond that a 128 x 128 grid.
    constexpr double kFullCheckProducts = 2147483648.0;
    constexpr int64_t kGrid = 128;
    CheckPlan plan;
    const bool full = n == 1 || static_cast<double>(m) * n * k <= kFullCheckProducts;
    plan.rows = full ? spread(m, m) : spread(m, kGrid);
    plan.cols = full ? spread(n, n) : spread(n, kGrid);
    return plan;
}

void poison_output(void* d, ElemKind out, uint64_t bytes, cudaStream_t stream)
{
    // 0xFF.. is a NaN in FP64, FP32, FP16 and BF16.
    RL_CUDA_CALL(cudaMemsetAsync(d, out == ElemKind::I32 ? kIntPoisonByte : 0xFF, bytes, stream));
}

CheckResult check_product(const void* a, const void* b, const void* d, const ProductLayout& layout,
                          const CheckPlan& plan, double tolerance, cudaStream_t stream)
{
    const auto row_count = static_cast<int64_t>(plan.rows.size());
    const auto col_count = static_cast<int64_t>(plan.cols.size());
    const uint64_t outputs = plan.outputs();
    DeviceBuffer rows(plan.rows.size() * sizeof(int64_t));
    DeviceBuffer cols(plan.cols.size() * sizeof(int64_t));
    DeviceBuffer out(outputs * sizeof(double));
    DeviceBuffer ref(outputs * sizeof(double));
    RL_CUDA_CALL(cudaMemcpyAsync(rows.get(), plan.rows.data(), rows.bytes(), cudaMemcpyHostToDevice, stream));
    RL_CUDA_CALL(cudaMemcpyAsync(cols.get(), plan.cols.data(), cols.bytes(), cudaMemcpyHostToDevice, stream));

    using K = ElemKind;
    const int64_t* r = rows.as<int64_t>();
    const int64_t* c = cols.as<int64_t>();
    double* o = out.as<double>();
    double* f = ref.as<double>();
    switch (key(layout.a, layout.b, layout.out)) {
    case key(K::F64, K::F64, K::F64):
        launch_reference<K::F64, K::F64, K::F64>(a, b, d, layout, r, row_count, c, col_count, o, f, stream);
        break;
    case key(K::F32, K::F32, K::F32):
        launch_reference<K::F32, K::F32, K::F32>(a, b, d, layout, r, row_count, c, col_count, o, f, stream);
        break;
    case key(K::F16, K::F16, K::F16):
        launch_reference<K::F16, K::F16, K::F16>(a, b, d, layout, r, row_count, c, col_count, o, f, stream);
        break;
    case key(K::BF16, K::BF16, K::BF16):
        launch_reference<K::BF16, K::BF16, K::BF16>(a, b, d, layout, r, row_count, c, col_count, o, f, stream);
        break;
    case key(K::E4M3, K::E4M3, K::BF16):
        launch_reference<K::E4M3, K::E4M3, K::BF16>(a, b, d, layout, r, row_count, c, col_count, o, f, stream);
        break;
    case key(K::E5M2, K::E4M3, K::BF16):
        launch_reference<K::E5M2, K::E4M3, K::BF16>(a, b, d, layout, r, row_count, c, col_count, o, f, stream);
        break;
    case key(K::I8, K::I8, K::I32):
        launch_reference<K::I8, K::I8, K::I32>(a, b, d, layout, r, row_count, c, col_count, o, f, stream);
        break;
    case key(K::E2M1, K::E2M1, K::BF16):
        launch_reference<K::E2M1, K::E2M1, K::BF16>(a, b, d, layout, r, row_count, c, col_count, o, f, stream);
        break;
    default:
        throw Error(RL_STATUS_FAILED, std::string("no reference kernel for ") + elem_name(layout.a) + " x "
                                          + elem_name(layout.b) + " -> " + elem_name(layout.out));
    }

    std::vector<double> host_out(outputs), host_ref(outputs);
    RL_CUDA_CALL(cudaMemcpyAsync(host_out.data(), o, out.bytes(), cudaMemcpyDeviceToHost, stream));
    RL_CUDA_CALL(cudaMemcpyAsync(host_ref.data(), f, ref.bytes(), cudaMemcpyDeviceToHost, stream));
    RL_CUDA_CALL(cudaStreamSynchronize(stream));

    CheckResult result;
    result.tolerance = tolerance;
    result.checked = outputs;
    double diff2 = 0.0, ref2 = 0.0;
    uint64_t bad = 0, first_bad = 0;
    for (uint64_t i = 0; i < outputs; ++i) {
        const bool unwritten = layout.out == ElemKind::I32 ? host_out[i] == kIntPoison : !std::isfinite(host_out[i]);
        if (unwritten) {
            if (bad++ == 0)
                first_bad = i;
            continue;
        }
        diff2 += (host_out[i] - host_ref[i]) * (host_out[i] - host_ref[i]);
        ref2 += host_ref[i] * host_ref[i];
    }
    const auto position = [&](uint64_t i) {
        return format_position(plan.rows[i / col_count], plan.cols[i % col_count]);
    };
    if (bad > 0) {
        result.rel_error = INFINITY;
        result.message = std::to_string(bad) + " of " + std::to_string(outputs)
                         + " checked outputs are NaN/Inf or unwritten (poison left), first at " + position(first_bad);
        return result;
    }
    result.rel_error = ref2 > 0.0 ? std::sqrt(diff2 / ref2) : std::sqrt(diff2);
    result.passed = result.rel_error <= tolerance;
    result.message = "checked " + std::to_string(outputs) + " outputs ("
                     + (outputs == static_cast<uint64_t>(layout.m) * static_cast<uint64_t>(layout.n)
                            ? std::string("all")
                            : std::to_string(row_count) + " x " + std::to_string(col_count) + " grid")
                     + ") against an FP64 reference: rel. error " + format_3g(result.rel_error) + " (tolerance "
                     + format_3g(tolerance) + ")";
    return result;
}

} // namespace rl_cuda
