#include "ceilings.h"

#include "cuda_check.h"
#include "launch_chain.h"
#include "random_fill.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace rl_cuda {
namespace {

constexpr int kBlock = 256;
constexpr int kWarmupRuns = 2;
constexpr uint64_t kDefaultDramBytes = 1ull << 30;
// An L2 sample re-reads the buffer until about this many bytes have gone by (~50 µs at L2 speed), so the
// launch cost does not dominate.
constexpr double kL2BytesPerSample = 4e8;

__device__ inline uint32_t word_sum(uint4 v)
{
    return v.x + v.y + v.z + v.w;
}

// Sums every 32-bit word (wrapping); writes the sum only when asked, but the compiler cannot know that, so every
// load stays. Four independent 16-byte loads per thread are in flight per iteration; __ldcg skips L1 so a re-read
// buffer is served by L2, not by the SM's own cache.
__global__ void read_kernel(const uint4* __restrict__ src, uint64_t n, int passes, uint32_t* sum, int write_sum)
{
    const uint64_t stride = static_cast<uint64_t>(gridDim.x) * blockDim.x;
    uint32_t acc = 0;
    for (int p = 0; p < passes; ++p) {
        uint64_t i = blockIdx.x * static_cast<uint64_t>(blockDim.x) + threadIdx.x;
        for (; i + 3 * stride < n; i += 4 * stride) {
            const uint4 v0 = __ldcg(src + i);
            const uint4 v1 = __ldcg(src + i + stride);
            const uint4 v2 = __ldcg(src + i + 2 * stride);
            const uint4 v3 = __ldcg(src + i + 3 * stride);
            acc += word_sum(v0) + word_sum(v1) + word_sum(v2) + word_sum(v3);
        }
        for (; i < n; i += stride)
            acc += word_sum(__ldcg(src + i));
    }
    if (write_sum)
        atomicAdd(sum, acc);
}

__global__ void copy_kernel(const uint4* __restrict__ src, uint4* __restrict__ dst, uint64_t n)
{
    const uint64_t stride = static_cast<uint64_t>(gridDim.x) * blockDim.x;
    uint64_t i = blockIdx.x * static_cast<uint64_t>(blockDim.x) + threadIdx.x;
    for (; i + 3 * stride < n; i += 4 * stride) {
        const uint4 v0 = __ldcg(src + i);
        const uint4 v1 = __ldcg(src + i + stride);
        const uint4 v2 = __ldcg(src + i + 2 * stride);
        const uint4 v3 = __ldcg(src + i + 3 * stride);
        dst[i] = v0;
        dst[i + stride] = v1;
        dst[i + 2 * stride] = v2;
        dst[i + 3 * stride] = v3;
    }
    for (; i < n; i += stride)
        dst[i] = __ldcg(src + i);
}

__global__ void empty_kernel() {}

// The checks: a plain word-by-word sum, and a count of words that differ between two buffers.
__global__ void reference_sum_kernel(const uint32_t* words, uint64_t n, uint32_t* sum)
{
    const uint64_t stride = static_cast<uint64_t>(gridDim.x) * blockDim.x;
    uint32_t acc = 0;
    for (uint64_t i = blockIdx.x * static_cast<uint64_t>(blockDim.x) + threadIdx.x; i < n; i += stride)
        acc += words[i];
    atomicAdd(sum, acc);
}

__global__ void mismatch_kernel(const uint32_t* a, const uint32_t* b, uint64_t n, unsigned long long* count)
{
    const uint64_t stride = static_cast<uint64_t>(gridDim.x) * blockDim.x;
    unsigned long long bad = 0;
    for (uint64_t i = blockIdx.x * static_cast<uint64_t>(blockDim.x) + threadIdx.x; i < n; i += stride)
        bad += a[i] != b[i];
    if (bad)
        atomicAdd(count, bad);
}

unsigned full_grid(const DeviceContext& device)
{
    // 8 blocks of 256 per SM fill any SM (1536 or 2048 resident threads); the loops stride over the rest.
    return static_cast<unsigned>(device.props().multiprocessors * 8);
}

std::string format_mb(uint64_t bytes)
{
    char text[32];
    std::snprintf(text, sizeof(text), "%.1f MB", static_cast<double>(bytes) / 1e6);
    return text;
}

struct WorkingSet {
    uint64_t bytes = 0;   // used by the kernel (a multiple of 16) [bytes]
    uint64_t buffers = 0; // device bytes the case allocates [bytes]
};

// Throws INVALID_ARGUMENT for an L2 working set larger than the L2 or a buffer under 16 bytes.
WorkingSet working_set(const DeviceContext& device, const CaseSpec& spec)
{
    const uint64_t l2 = device.props().l2_bytes;
    WorkingSet w;
    switch (spec.kernel) {
    case RL_KERNEL_DRAM_READ:
    case RL_KERNEL_DRAM_COPY:
        w.bytes = spec.bytes ? spec.bytes : std::max<uint64_t>(kDefaultDramBytes, 8 * l2);
        break;
    case RL_KERNEL_L2_READ:
        w.bytes = spec.bytes ? spec.bytes : l2 / 2;
        if (w.bytes > l2)
            throw Error(RL_STATUS_INVALID_ARGUMENT, "L2_READ needs bytes <= the L2 (" + format_mb(l2) + "), got "
                                                        + format_mb(w.bytes) + "; the host picks L2 / 2");
        break;
    default: return w;
    }
    w.bytes = w.bytes / 16 * 16;
    if (w.bytes == 0)
        throw Error(RL_STATUS_INVALID_ARGUMENT, "a ceiling working set needs at least 16 bytes");
    w.buffers = (spec.kernel == RL_KERNEL_DRAM_COPY ? 2 : 1) * w.bytes;
    return w;
}

uint64_t need_bytes(const DeviceContext& device, const CaseSpec& spec, const WorkingSet& w)
{
    const bool flushes = spec.cache_mode == RL_CACHE_COLD && spec.kernel != RL_KERNEL_L2_READ
                         && spec.kernel != RL_KERNEL_LAUNCH;
    return w.buffers + (flushes ? device.l2_flush_bytes_pending() : 0) + DeviceContext::kHeadroomBytes;
}

} // namespace

rl_status ceiling_support(DeviceContext& device, const CaseSpec& spec, std::string& reason)
{
    if (spec.is_launch_chain())
        return RL_STATUS_OK; // no memory beyond the empty kernels
    return check_fits(device, need_bytes(device, spec, working_set(device, spec)), reason);
}

CaseResult run_ceiling_case(DeviceContext& device, const CaseSpec& spec, const StopPoll& stop)
{
    if (spec.is_launch_chain())
        return run_launch_chain_case(device, spec, stop);
    std::string reason;
    if (const rl_status s = ceiling_support(device, spec, reason); s != RL_STATUS_OK)
        return CaseResult::refused(s, reason);
    CaseResult result;
    const WorkingSet w = working_set(device, spec);
    const cudaStream_t stream = device.stream();
    const uint64_t vectors = w.bytes / 16;
    const unsigned grid = full_grid(device);
    const uint64_t l2 = device.props().l2_bytes;

    DeviceBuffer src(w.bytes);
    DeviceBuffer dst(spec.kernel == RL_KERNEL_DRAM_COPY ? w.bytes : 0);
    DeviceBuffer sums(sizeof(uint32_t) * 2 + sizeof(unsigned long long));
    uint32_t* read_sum = sums.as<uint32_t>();
    uint32_t* ref_sum = read_sum + 1;
    auto* mismatches = reinterpret_cast<unsigned long long*>(read_sum + 2);
    if (w.bytes > 0)
        fill_random_words(src.as<uint32_t>(), w.bytes / 4, spec.seed, stream);
    RL_CUDA_CALL(cudaMemsetAsync(sums.get(), 0, sums.bytes(), stream));

    int passes = 1;
    if (spec.kernel == RL_KERNEL_L2_READ)
        passes = static_cast<int>(std::clamp(std::ceil(kL2BytesPerSample / static_cast<double>(w.bytes)), 1.0, 1e4));

    const auto timed = [&](int) {
        switch (spec.kernel) {
        case RL_KERNEL_DRAM_READ:
        case RL_KERNEL_L2_READ:
            read_kernel<<<grid, kBlock, 0, stream>>>(src.as<uint4>(), vectors, passes, read_sum, 0);
            RL_CUDA_CHECK_LAUNCH("read_kernel");
            break;
        case RL_KERNEL_DRAM_COPY:
            copy_kernel<<<grid, kBlock, 0, stream>>>(src.as<uint4>(), dst.as<uint4>(), vectors);
            RL_CUDA_CHECK_LAUNCH("copy_kernel");
            break;
        default:
            empty_kernel<<<1, 1, 0, stream>>>();
            RL_CUDA_CHECK_LAUNCH("empty_kernel");
            break;
        }
    };

    // The check run: the read kernel's sum against a plain sum, the copy against its source.
    switch (spec.kernel) {
    case RL_KERNEL_DRAM_READ:
    case RL_KERNEL_L2_READ: {
        read_kernel<<<grid, kBlock, 0, stream>>>(src.as<uint4>(), vectors, passes, read_sum, 1);
        RL_CUDA_CHECK_LAUNCH("read_kernel");
        reference_sum_kernel<<<grid, kBlock, 0, stream>>>(src.as<uint32_t>(), w.bytes / 4, ref_sum);
        RL_CUDA_CHECK_LAUNCH("reference_sum_kernel");
        uint32_t host[2] = {};
        RL_CUDA_CALL(cudaMemcpyAsync(host, read_sum, sizeof(host), cudaMemcpyDeviceToHost, stream));
        device.synchronize();
        const uint32_t expected = host[1] * static_cast<uint32_t>(passes);
        if (host[0] != expected) {
            result.status = RL_STATUS_WRONG_RESULT;
            result.max_rel_error = 1.0;
            result.message = "wrong result: read kernel sum " + std::to_string(host[0]) + ", expected "
                             + std::to_string(expected);
            return result;
        }
        result.verified = true;
        result.add_note("read sum matches a plain sum of the buffer");
        break;
    }
    case RL_KERNEL_DRAM_COPY: {
        RL_CUDA_CALL(cudaMemsetAsync(dst.get(), 0, dst.bytes(), stream)); // source words are never zero
        timed(0);
        mismatch_kernel<<<grid, kBlock, 0, stream>>>(src.as<uint32_t>(), dst.as<uint32_t>(), w.bytes / 4,
                                                     mismatches);
        RL_CUDA_CHECK_LAUNCH("mismatch_kernel");
        unsigned long long bad = 0;
        RL_CUDA_CALL(cudaMemcpyAsync(&bad, mismatches, sizeof(bad), cudaMemcpyDeviceToHost, stream));
        device.synchronize();
        if (bad != 0) {
            result.status = RL_STATUS_WRONG_RESULT;
            result.max_rel_error = static_cast<double>(bad) / static_cast<double>(w.bytes / 4);
            result.message = "wrong result: " + std::to_string(bad) + " words of the copy differ from the source";
            return result;
        }
        result.verified = true;
        result.add_note("copy matches its source");
        break;
    }
    default: result.add_note("empty kernel <<<1,1>>>, one launch per sample between two events"); break;
    }

    // L2_READ always runs warm: flushing would send the first pass to DRAM.
    const bool flushes = spec.cache_mode == RL_CACHE_COLD && spec.kernel != RL_KERNEL_L2_READ
                         && spec.kernel != RL_KERNEL_LAUNCH;
    L2Flush* flush = flushes ? &device.l2_flush() : nullptr;
    const auto prepare = [&](int) {
        if (flush)
            flush->flush(stream);
    };
    warm_up_and_sample(device, sample_settings(spec), stop, kWarmupRuns, prepare, timed, result);

    switch (spec.kernel) {
    case RL_KERNEL_DRAM_READ: result.bytes_moved = static_cast<double>(w.bytes); break;
    case RL_KERNEL_DRAM_COPY: result.bytes_moved = 2.0 * static_cast<double>(w.bytes); break;
    case RL_KERNEL_L2_READ: result.bytes_moved = static_cast<double>(w.bytes) * passes; break;
    default: break;
    }
    if (spec.kernel == RL_KERNEL_L2_READ)
        result.add_note(format_mb(w.bytes) + " read " + std::to_string(passes) + " times per sample (warm, L1 bypassed)");
    else if (spec.kernel != RL_KERNEL_LAUNCH) {
        result.add_note(format_mb(w.bytes) + (flush ? std::string(", L2 flushed (") + flush->description() + ") before each sample" : std::string(", warm")));
        if (w.bytes < 4 * l2)
            result.add_note("working set under 4x the L2 (" + format_mb(l2) + "): part of it may be served by L2");
    }
    const char* kernel_name = spec.kernel == RL_KERNEL_DRAM_COPY ? "copy_kernel"
                              : spec.kernel == RL_KERNEL_LAUNCH ? "empty_kernel"
                                                                : "read_kernel";
    result.algorithm = std::string(kernel_name) + " grid " + std::to_string(spec.kernel == RL_KERNEL_LAUNCH ? 1 : grid)
                       + "x" + std::to_string(spec.kernel == RL_KERNEL_LAUNCH ? 1 : kBlock)
                       + (spec.kernel == RL_KERNEL_LAUNCH ? "" : ", 16-byte loads");
    return result;
}

} // namespace rl_cuda
