#include "gemm_case.h"

#include "candidate_race.h"
#include "case_setup.h"
#include "cuda_check.h"
#include "gemm_select.h"
#include "gemm_types.h"
#include "random_fill.h"
#include "reference_check.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <vector>

namespace rl_cuda {
namespace {

constexpr int kMaxInputSets = 4; // rotated in cold mode
// UE4M3 and UE8M0 encodings of 1.0: block scales of one keep the reference a plain product.
constexpr unsigned char kUe4m3One = 0x38;
constexpr unsigned char kUe8m0One = 0x7F;

struct Footprint {
    uint64_t a_bytes = 0, b_bytes = 0;              // one input set
    uint64_t a_scale_bytes = 0, b_scale_bytes = 0;  // shared by all sets
    uint64_t d_bytes = 0;
    uint64_t check_bytes = 0;
    uint64_t flush_bytes = 0;                       // the L2 flush buffer, if not allocated yet

    uint64_t set_bytes() const { return a_bytes + b_bytes; }
    uint64_t total(int sets) const
    {
        return sets * set_bytes() + a_scale_bytes + b_scale_bytes + d_bytes + check_bytes + flush_bytes
               + DeviceContext::kHeadroomBytes;
    }
};

Footprint footprint(DeviceContext& device, const CaseSpec& spec, const GemmTypes& types, const CheckPlan& check)
{
    const auto m = static_cast<uint64_t>(spec.m), n = static_cast<uint64_t>(spec.n), k = static_cast<uint64_t>(spec.k);
    Footprint f;
    f.a_bytes = storage_bytes(types.a, checked_mul(m, k, "m * k"));
    f.b_bytes = storage_bytes(types.b, checked_mul(n, k, "n * k"));
    f.a_scale_bytes = block_scale_bytes(types.scaling, spec.m, spec.k);
    f.b_scale_bytes = block_scale_bytes(types.scaling, spec.n, spec.k);
    f.d_bytes = storage_bytes(types.out, checked_mul(m, n, "m * n"));
    f.check_bytes = check.device_bytes();
    f.flush_bytes = spec.cache_mode == RL_CACHE_COLD ? device.l2_flush_bytes_pending() : 0;
    return f;
}

// The types for this case on this device, or nullopt with the reason it cannot run here.
std::optional<GemmTypes> case_types(DeviceContext& device, const CaseSpec& spec, std::string& reason)
{
    auto types = gemm_types(spec.precision, device.props().cc_major, device.props().cc_minor, reason);
    if (types && types->a == ElemKind::E2M1 && spec.k % 2 != 0) {
        reason = "NVFP4 packs two values a byte: k must be even";
        return std::nullopt;
    }
    return types;
}

// Hints for the library's "no algorithm", from the cuBLASLt layout rules.
std::string shape_hint(const GemmTypes& types, const CaseSpec& spec)
{
    if (types.a == ElemKind::I8)
        return spec.m % 4 != 0 || spec.k % 4 != 0 ? " (INT8 needs m and k multiples of 4)" : "";
    const int bits = storage_bits(types.a);
    if (bits <= 8 && (spec.k * bits / 8) % 16 != 0)
        return " (FP8/FP4 rows must be a multiple of 16 bytes: k * element size)";
    return {};
}

// INT8 products must not overflow INT32: |a|, |b| <= r with r * r * k < 2^31.
int int8_range(int64_t k)
{
    const double r = std::floor(std::sqrt(2147483647.0 / static_cast<double>(k)));
    return static_cast<int>(std::clamp(r, 1.0, 127.0));
}

} // namespace

rl_status gemm_support(DeviceContext& device, const CaseSpec& spec, std::string& reason)
{
    const auto types = case_types(device, spec, reason);
    if (!types)
        return RL_STATUS_UNSUPPORTED;
    const CheckPlan check = plan_check(spec.m, spec.n, spec.k);
    const uint64_t need = footprint(device, spec, *types, check).total(1);
    const uint64_t free = device.free_bytes();
    if (need > free) {
        reason = needs_message(need, free);
        return RL_STATUS_SKIPPED;
    }
    return RL_STATUS_OK;
}

CaseResult run_gemm_case(DeviceContext& device, const CaseSpec& spec, const StopPoll& stop)
{
    CaseResult result;
    std::string reason;
    const auto types = case_types(device, spec, reason);
    if (!types) {
        result.status = RL_STATUS_UNSUPPORTED;
        result.message = reason;
        return result;
    }
    const CheckPlan check = plan_check(spec.m, spec.n, spec.k);
    const Footprint f = footprint(device, spec, *types, check);
    const uint64_t free = device.free_bytes();
    if (f.total(1) > free) {
        result.status = RL_STATUS_SKIPPED;
        result.message = needs_message(f.total(1), free);
        return result;
    }
    const bool cold = spec.cache_mode == RL_CACHE_COLD;
    int sets = 1;
    if (cold) {
        // Enough sets to cover twice the L2, within what fits.
        const uint64_t l2 = device.props().l2_bytes;
        sets = static_cast<int>(std::clamp<uint64_t>((2 * l2 + f.set_bytes() - 1) / f.set_bytes(), 1, kMaxInputSets));
        while (sets > 1 && f.total(sets) > free)
            --sets;
    }

    const cudaStream_t stream = device.stream();
    std::vector<DeviceBuffer> a, b;
    for (int s = 0; s < sets; ++s) {
        a.emplace_back(f.a_bytes);
        b.emplace_back(f.b_bytes);
        const int range = int8_range(spec.k);
        fill_random(a.back().get(), types->a, static_cast<uint64_t>(spec.m) * spec.k, derive_seed(spec.seed, 2 * s),
                    range, stream);
        fill_random(b.back().get(), types->b, static_cast<uint64_t>(spec.n) * spec.k,
                    derive_seed(spec.seed, 2 * s + 1), range, stream);
    }
    DeviceBuffer d(f.d_bytes);
    DeviceBuffer a_scale(f.a_scale_bytes), b_scale(f.b_scale_bytes);
    if (types->scaling == BlockScale::TensorScalar) {
        const float one = 1.0f;
        RL_CUDA_CALL(cudaMemcpyAsync(a_scale.get(), &one, sizeof(one), cudaMemcpyHostToDevice, stream));
        RL_CUDA_CALL(cudaMemcpyAsync(b_scale.get(), &one, sizeof(one), cudaMemcpyHostToDevice, stream));
    } else if (types->scaling != BlockScale::None) {
        const unsigned char one = types->scaling == BlockScale::Vec16UE4M3 ? kUe4m3One : kUe8m0One;
        RL_CUDA_CALL(cudaMemsetAsync(a_scale.get(), one, a_scale.bytes(), stream));
        RL_CUDA_CALL(cudaMemsetAsync(b_scale.get(), one, b_scale.bytes(), stream));
    }
    device.synchronize();

    std::vector<GemmOperands> ops;
    for (int s = 0; s < sets; ++s)
        ops.push_back(GemmOperands{a[s].get(), b[s].get(), d.get()});

    if (stop.requested()) {
        result.status = RL_STATUS_CANCELLED;
        result.message = "cancelled by the host before the first sample";
        return result;
    }

    GemmCandidates candidates;
    try {
        candidates = gemm_candidates(device, *types, spec.m, spec.n, spec.k, a_scale.get(), b_scale.get(), ops[0]);
    } catch (const Error& e) {
        if (e.status() != RL_STATUS_UNSUPPORTED)
            throw;
        result.status = RL_STATUS_UNSUPPORTED;
        result.message = e.what() + shape_hint(*types, spec);
        return result;
    }

    L2Flush* flush = cold ? &device.l2_flush() : nullptr;
    const auto prepare = [&](int) {
        if (flush)
            flush->flush(stream);
    };
    const auto operands = [&](int i) -> const GemmOperands& { return ops[static_cast<size_t>(cold ? i % sets : 0)]; };
    const RaceBook race = race_candidates(
        device, static_cast<int>(candidates.launchers.size()), stop, prepare,
        [&](int c, int i) { candidates.launchers[static_cast<size_t>(c)].run(operands(i)); });
    const GemmLauncher& launcher = candidates.launchers[static_cast<size_t>(race.winner())];
    result.algorithm = launcher.algorithm + ", " + race.describe(cold) + "; " + candidates.label;
    result.gemm = launcher.config;
    result.gemm.candidates_timed = race.candidates();

    // The correctness run: poison the output, one product, compare with the FP64 reference.
    poison_output(d.get(), types->out, d.bytes(), stream);
    launcher.run(ops[0]);
    const double tolerance = tolerance_for(*types, spec.k);
    const CheckResult checked = check_product(a[0].get(), b[0].get(), d.get(),
                                              ProductLayout{types->a, types->b, types->out, spec.m, spec.n, spec.k},
                                              check, tolerance, stream);
    result.max_rel_error = checked.rel_error;
    result.tolerance = tolerance;
    if (!checked.passed) {
        result.status = RL_STATUS_WRONG_RESULT;
        result.message = "wrong result: " + checked.message;
        return result;
    }
    result.verified = true;
    result.add_note(checked.message);

    const auto timed = [&](int i) { launcher.run(operands(i)); };
    const SampleSettings settings = sample_settings(spec);
    const SampleRun run = warm_up_and_sample(device, settings, stop, prepare, timed);
    result.take_samples(run, settings);
    result.add_note(cache_note(flush, sets));
    return result;
}

} // namespace rl_cuda
