#include "ffn_case.h"

#include "candidate_race.h"
#include "case_setup.h"
#include "cuda_check.h"
#include "elementwise_kernels.h"
#include "ffn_check.h"
#include "gemm_select.h"
#include "gemm_types.h"
#include "random_fill.h"
#include "reference_check.h"

#include <cmath>
#include <cstdio>
#include <optional>
#include <vector>

namespace rl_cuda {
namespace {

struct FfnShape {
    int64_t tokens = 0, hidden = 0, intermediate = 0;
    bool gated = false;
    int64_t up_width() const { return gated ? 2 * intermediate : intermediate; }
};

FfnShape shape_of(const CaseSpec& spec)
{
    return FfnShape{spec.m, spec.k, spec.n, spec.gated};
}

// The activation kernels' types: the GEMMs' output type must be one of them.
std::optional<GemmTypes> ffn_types(DeviceContext& device, const CaseSpec& spec, std::string& reason)
{
    if (spec.precision != RL_PRECISION_BF16 && spec.precision != RL_PRECISION_FP16
        && spec.precision != RL_PRECISION_FP32) {
        reason = std::string("FFN runs in BF16, FP16 or FP32 (the activation kernels' types), not ")
                 + precision_name(spec.precision);
        return std::nullopt;
    }
    return gemm_types(spec.precision, device.props().cc_major, device.props().cc_minor, reason);
}

cudaDataType_t activation_type(const GemmTypes& types)
{
    return types.out_type;
}

double activation_tolerance(const GemmTypes& types)
{
    return types.out == ElemKind::BF16 ? 1e-2 : types.out == ElemKind::F16 ? 5e-3 : 1e-4;
}

struct Footprint {
    uint64_t x_bytes = 0, up_weight_bytes = 0, down_weight_bytes = 0; // one input set
    uint64_t up_out_bytes = 0, act_bytes = 0, y_bytes = 0, check_bytes = 0, flush_bytes = 0;
    uint64_t set_bytes() const { return x_bytes + up_weight_bytes + down_weight_bytes; }
    uint64_t fixed_bytes() const
    {
        return up_out_bytes + act_bytes + y_bytes + check_bytes + flush_bytes + DeviceContext::kHeadroomBytes;
    }
    uint64_t total(int sets) const { return fixed_bytes() + static_cast<uint64_t>(sets) * set_bytes(); }
};

Footprint footprint(DeviceContext& device, const CaseSpec& spec, const GemmTypes& types)
{
    const FfnShape s = shape_of(spec);
    const auto m = static_cast<uint64_t>(s.tokens), k = static_cast<uint64_t>(s.hidden);
    const auto n = static_cast<uint64_t>(s.intermediate), up = static_cast<uint64_t>(s.up_width());
    Footprint f;
    f.x_bytes = storage_bytes(types.b, m * k);
    f.up_weight_bytes = storage_bytes(types.a, up * k);
    f.down_weight_bytes = storage_bytes(types.a, k * n);
    f.up_out_bytes = storage_bytes(types.out, m * up);
    f.act_bytes = storage_bytes(types.out, m * n);
    f.y_bytes = storage_bytes(types.out, m * k);
    f.check_bytes = std::max(plan_check(s.up_width(), s.tokens, s.hidden).device_bytes(),
                             plan_check(s.hidden, s.tokens, s.intermediate).device_bytes());
    f.flush_bytes = spec.cache_mode == RL_CACHE_COLD ? device.l2_flush_bytes_pending() : 0;
    return f;
}

std::string format_us(double us)
{
    char text[32];
    std::snprintf(text, sizeof(text), us < 100.0 ? "%.2f" : "%.1f", us);
    return text;
}

std::string format_error(const CheckResult& c)
{
    char text[64];
    std::snprintf(text, sizeof(text), "%.2g / %.2g", c.rel_error, c.tolerance);
    return text;
}

// The winner of a GEMM's candidates, raced as gemm_case races them.
struct ChosenGemm {
    GemmCandidates candidates;
    int winner = 0;
    std::string describe;
    const GemmLauncher& launcher() const { return candidates.launchers[static_cast<size_t>(winner)]; }
};

ChosenGemm choose_gemm(DeviceContext& device, const GemmTypes& types, int64_t m, int64_t n, int64_t k,
                       const std::vector<GemmOperands>& ops, bool cold, const StopPoll& stop,
                       const std::function<void(int)>& prepare)
{
    ChosenGemm chosen;
    chosen.candidates = gemm_candidates(device, types, m, n, k, nullptr, nullptr, ops[0]);
    const auto sets = static_cast<int>(ops.size());
    const RaceBook race = race_candidates(
        device, static_cast<int>(chosen.candidates.launchers.size()), stop, prepare, [&](int c, int i) {
            chosen.candidates.launchers[static_cast<size_t>(c)].run(ops[static_cast<size_t>(cold ? i % sets : 0)]);
        });
    chosen.winner = race.winner();
    chosen.describe = chosen.launcher().algorithm + ", " + race.describe(cold);
    return chosen;
}

} // namespace

rl_status ffn_support(DeviceContext& device, const CaseSpec& spec, std::string& reason)
{
    const auto types = ffn_types(device, spec, reason);
    if (!types)
        return RL_STATUS_UNSUPPORTED;
    return check_fits(device, footprint(device, spec, *types).total(1), reason);
}

CaseResult run_ffn_case(DeviceContext& device, const CaseSpec& spec, const StopPoll& stop)
{
    std::string reason;
    const auto types = ffn_types(device, spec, reason);
    if (!types)
        return refusal(RL_STATUS_UNSUPPORTED, reason);
    const FfnShape shape = shape_of(spec);
    const Footprint f = footprint(device, spec, *types);
    const bool cold = spec.cache_mode == RL_CACHE_COLD;
    int sets = 1;
    if (plan_input_sets(device, cold, f.set_bytes(), f.fixed_bytes(), sets, reason) != RL_STATUS_OK)
        return refusal(RL_STATUS_SKIPPED, reason);

    const cudaStream_t stream = device.stream();
    const auto m = static_cast<uint64_t>(shape.tokens), k = static_cast<uint64_t>(shape.hidden);
    const auto n = static_cast<uint64_t>(shape.intermediate), up = static_cast<uint64_t>(shape.up_width());
    std::vector<DeviceBuffer> x, w_up, w_down;
    for (int s = 0; s < sets; ++s) {
        x.emplace_back(f.x_bytes);
        w_up.emplace_back(f.up_weight_bytes);
        w_down.emplace_back(f.down_weight_bytes);
        fill_random(x.back().get(), types->b, m * k, derive_seed(spec.seed, 3 * s), 0, stream);
        fill_random(w_up.back().get(), types->a, up * k, derive_seed(spec.seed, 3 * s + 1), 0, stream);
        fill_random(w_down.back().get(), types->a, k * n, derive_seed(spec.seed, 3 * s + 2), 0, stream);
        // Weights of a model's scale (uniform in +-1/sqrt(fan-in)), so the intermediate stays O(1) as in a model
        // and FP16 does not overflow.
        scale_elements(w_up.back().get(), types->a, up * k, static_cast<float>(1.0 / std::sqrt(double(k))), stream);
        scale_elements(w_down.back().get(), types->a, k * n, static_cast<float>(1.0 / std::sqrt(double(n))), stream);
    }
    DeviceBuffer up_out(f.up_out_bytes), act(f.act_bytes), y(f.y_bytes);
    device.synchronize();
    if (stop.requested())
        return refusal(RL_STATUS_CANCELLED, kCancelledBeforeFirstSample);

    // gate+up: D [up, m] column-major = row-major [m, up] per token, from W_up [up, k] and X [m, k].
    // down: D [k, m] column-major = row-major [m, k], from W_down [k, n] and the activation [m, n].
    std::vector<GemmOperands> up_ops, down_ops;
    for (int s = 0; s < sets; ++s) {
        up_ops.push_back(GemmOperands{w_up[s].get(), x[s].get(), up_out.get()});
        down_ops.push_back(GemmOperands{w_down[s].get(), act.get(), y.get()});
    }
    L2Flush* flush = cold ? &device.l2_flush() : nullptr;
    const std::function<void(int)> prepare = [&](int) {
        if (flush)
            flush->flush(stream);
    };
    const auto run_activation = [&](int) {
        if (shape.gated)
            launch_silu_mul(up_out.get(), act.get(), shape.tokens, shape.intermediate, activation_type(*types), stream);
        else
            launch_gelu(up_out.get(), act.get(), shape.tokens * shape.intermediate, activation_type(*types), stream);
    };
    ChosenGemm up_gemm, down_gemm;
    try {
        up_gemm =
            choose_gemm(device, *types, shape.up_width(), shape.tokens, shape.hidden, up_ops, cold, stop, prepare);
        // The down GEMM races on a real activation output, not on whatever the allocation held.
        up_gemm.launcher().run(up_ops[0]);
        run_activation(0);
        down_gemm = choose_gemm(device, *types, shape.hidden, shape.tokens, shape.intermediate, down_ops, cold, stop,
                                prepare);
    } catch (const Error& e) {
        if (e.status() != RL_STATUS_UNSUPPORTED)
            throw;
        return refusal(RL_STATUS_UNSUPPORTED, e.what());
    }
    CaseResult result;
    const auto set_of = [&](int i) { return static_cast<size_t>(cold ? i % sets : 0); };
    const auto run_up = [&](int i) { up_gemm.launcher().run(up_ops[set_of(i)]); };
    const auto run_down = [&](int i) { down_gemm.launcher().run(down_ops[set_of(i)]); };
    const auto run_chain = [&](int i) {
        run_up(i);
        run_activation(i);
        run_down(i);
    };
    const char* up_name = shape.gated ? "gate_up" : "up";
    const char* act_name = shape.gated ? "silu_mul" : "gelu";
    result.algorithm = std::string(up_name) + ": " + up_gemm.launcher().algorithm + "; down: "
                       + down_gemm.launcher().algorithm + "; " + types->label;

    // The correctness run: poison every stage's output, one chain, then each stage against its own inputs.
    poison_output(up_out.get(), types->out, up_out.bytes(), stream);
    poison_output(act.get(), types->out, act.bytes(), stream);
    poison_output(y.get(), types->out, y.bytes(), stream);
    run_chain(0);
    const CheckResult checks[] = {
        check_product(w_up[0].get(), x[0].get(), up_out.get(),
                      ProductLayout{types->a, types->b, types->out, shape.up_width(), shape.tokens, shape.hidden},
                      plan_check(shape.up_width(), shape.tokens, shape.hidden), tolerance_for(*types, shape.hidden),
                      stream),
        check_activation(up_out.get(), act.get(), types->out, shape.tokens, shape.intermediate, shape.gated,
                         activation_tolerance(*types), stream),
        check_product(w_down[0].get(), act.get(), y.get(),
                      ProductLayout{types->a, types->b, types->out, shape.hidden, shape.tokens, shape.intermediate},
                      plan_check(shape.hidden, shape.tokens, shape.intermediate),
                      tolerance_for(*types, shape.intermediate), stream),
    };
    const char* stage_names[] = {up_name, act_name, "down"};
    const CheckResult* worst = &checks[0];
    std::string check_notes;
    for (int i = 0; i < 3; ++i) {
        const CheckResult& c = checks[i];
        if (!c.passed) {
            result.status = RL_STATUS_WRONG_RESULT;
            result.max_rel_error = c.rel_error;
            result.tolerance = c.tolerance;
            result.message = std::string("wrong result in ") + stage_names[i] + ": " + c.message;
            return result;
        }
        const auto share = [](const CheckResult& r) { return r.tolerance > 0.0 ? r.rel_error / r.tolerance : 0.0; };
        if (share(c) > share(*worst))
            worst = &c;
        check_notes += std::string(check_notes.empty() ? "" : ", ") + stage_names[i] + " " + format_error(c);
    }
    result.verified = true;
    result.max_rel_error = worst->rel_error;
    result.tolerance = worst->tolerance;

    const SampleSettings settings = sample_settings(spec);
    const SampleRun run = warm_up_and_sample(device, settings, stop, prepare, run_chain);
    result.take_samples(run, settings);
    if (result.status != RL_STATUS_OK)
        return result;

    // The parts alone, each prepared as the whole is, with a quarter of the budget each.
    SampleSettings part_settings = settings;
    part_settings.time_budget_s = settings.time_budget_s / 4.0;
    std::string parts;
    double parts_sum_us = 0.0;
    const std::pair<const char*, std::function<void(int)>> part_runs[] = {
        {up_name, run_up}, {act_name, run_activation}, {"down", run_down}};
    for (const auto& [name, part] : part_runs) {
        const SampleRun part_run = run_samples(device, part_settings, stop, prepare, part);
        if (part_run.end == SampleRun::End::Cancelled)
            break;
        const double median = summarize(part_run.times_us).median_us;
        parts_sum_us += median;
        parts += std::string(parts.empty() ? "" : ", ") + name + " " + format_us(median) + " us";
    }
    if (!parts.empty())
        result.add_note("parts alone (median" + std::string(cold ? ", cold" : "") + "): " + parts + " (sum "
                        + format_us(parts_sum_us) + " us)");
    result.add_note(std::string(up_name) + " GEMM " + up_gemm.describe + "; down GEMM " + down_gemm.describe);
    result.add_note("checked stage by stage against references from each stage's own inputs (rel. error / "
                    "tolerance): " + check_notes);
    result.add_note(cache_note(flush, sets));
    return result;
}

} // namespace rl_cuda
