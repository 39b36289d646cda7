#include "ffn_check.h"

#include "cuda_check.h"

#include <cuda_bf16.h>
#include <cuda_fp16.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <vector>

namespace rl_cuda {
namespace {

constexpr int64_t kCheckedRows = 64;

template <typename T> __global__ void scale_kernel(T* data, uint64_t count, float factor)
{
    const uint64_t stride = static_cast<uint64_t>(gridDim.x) * blockDim.x;
    for (uint64_t i = static_cast<uint64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < count; i += stride)
        data[i] = static_cast<T>(static_cast<float>(data[i]) * factor);
}

double host_value(const unsigned char* base, int64_t i, ElemKind kind)
{
    if (kind == ElemKind::F32) {
        float f;
        std::memcpy(&f, base + i * 4, 4);
        return f;
    }
    uint16_t bits;
    std::memcpy(&bits, base + i * 2, 2);
    if (kind == ElemKind::BF16) {
        const uint32_t wide = static_cast<uint32_t>(bits) << 16;
        float f;
        std::memcpy(&f, &wide, 4);
        return f;
    }
    __half_raw raw;
    raw.x = bits;
    return __half2float(__half(raw));
}

} // namespace

void scale_elements(void* data, ElemKind kind, uint64_t count, float factor, cudaStream_t stream)
{
    const auto blocks = static_cast<unsigned>(std::min<uint64_t>((count + 255) / 256, 4096));
    if (count == 0)
        return;
    switch (kind) {
    case ElemKind::BF16:
        scale_kernel<<<blocks, 256, 0, stream>>>(static_cast<__nv_bfloat16*>(data), count, factor);
        break;
    case ElemKind::F16: scale_kernel<<<blocks, 256, 0, stream>>>(static_cast<__half*>(data), count, factor); break;
    case ElemKind::F32: scale_kernel<<<blocks, 256, 0, stream>>>(static_cast<float*>(data), count, factor); break;
    default: throw Error(RL_STATUS_FAILED, std::string("scale_elements: no kernel for ") + elem_name(kind));
    }
    RL_CUDA_CHECK_LAUNCH("scale_kernel");
}

CheckResult check_activation(const void* in, const void* out, ElemKind kind, int64_t rows, int64_t width, bool gated,
                             double tolerance, cudaStream_t stream)
{
    const int64_t in_width = gated ? 2 * width : width;
    const size_t elem = static_cast<size_t>(storage_bits(kind) / 8);
    const int64_t picks = std::min(rows, kCheckedRows);
    std::vector<unsigned char> in_row(static_cast<size_t>(in_width) * elem), out_row(static_cast<size_t>(width) * elem);
    double diff2 = 0.0, ref2 = 0.0;
    uint64_t bad = 0;
    for (int64_t p = 0; p < picks; ++p) {
        const int64_t row = picks == 1 ? 0 : p * (rows - 1) / (picks - 1);
        RL_CUDA_CALL(cudaMemcpyAsync(in_row.data(), static_cast<const unsigned char*>(in) + row * in_width * elem,
                                     in_row.size(), cudaMemcpyDeviceToHost, stream));
        RL_CUDA_CALL(cudaMemcpyAsync(out_row.data(), static_cast<const unsigned char*>(out) + row * width * elem,
                                     out_row.size(), cudaMemcpyDeviceToHost, stream));
        RL_CUDA_CALL(cudaStreamSynchronize(stream));
        for (int64_t c = 0; c < width; ++c) {
            const double x = host_value(in_row.data(), c, kind);
            double ref = 0.0;
            if (gated) {
                const double up = host_value(in_row.data(), width + c, kind);
                ref = x / (1.0 + std::exp(-x)) * up;
            } else {
                ref = 0.5 * x * (1.0 + std::tanh(0.7978845608028654 * (x + 0.044715 * x * x * x)));
            }
            const double got = host_value(out_row.data(), c, kind);
            if (!std::isfinite(got)) {
                ++bad;
                continue;
            }
            diff2 += (got - ref) * (got - ref);
            ref2 += ref * ref;
        }
    }
    CheckResult result;
    result.tolerance = tolerance;
    result.checked = static_cast<uint64_t>(picks * width);
    const char* what = gated ? "SiLU(gate)*up" : "GELU";
    if (bad > 0) {
        result.rel_error = INFINITY;
        result.message = std::to_string(bad) + " of " + std::to_string(result.checked) + " checked " + what
                         + " outputs are NaN/Inf or unwritten";
        return result;
    }
    result.rel_error = ref2 > 0.0 ? std::sqrt(diff2 / ref2) : std::sqrt(diff2);
    result.passed = result.rel_error <= tolerance;
    result.message = std::string(what) + ": " + std::to_string(picks) + " rows x " + std::to_string(width)
                     + " against FP64 on the host, rel. error " + format_3g(result.rel_error) + " (tolerance "
                     + format_3g(tolerance) + ")";
    return result;
}

} // namespace rl_cuda
