#include "commands.h"
#include "model_options.h"
#include "text_table.h"

#include "roofline/model/calculator.h"
#include "roofline/support/errors.h"
#include "roofline/results/reports.h"

#include <nlohmann/json.hpp>

#include <iostream>

namespace roofline::cli {

namespace {

int run_predict(const ParsedArgs& args)
{
    const std::string kernel_name = args.required("kernel");
    const auto kernel = parse_kernel(kernel_name);
    if (!kernel)
        throw UsageError("--kernel: unknown kernel '" + kernel_name + "' (gemv, gemm, attention, ffn)");
    const std::string precision_name = args.required("precision");
    const auto precision = parse_precision(precision_name);
    if (!precision)
        throw UsageError("--precision: unknown precision '" + precision_name + "' (known: " + precision_names() + ")");
    if (args.flag("causal") && *kernel != KernelType::Attention)
        throw UsageError("--causal applies to attention only");
    if (args.flag("plain") && *kernel != KernelType::FFN)
        throw UsageError("--plain applies to ffn only");

    KernelShape shape;
    try {
        const bool flag = *kernel == KernelType::Attention ? args.flag("causal") : !args.flag("plain");
        shape = make_shape(*kernel, parse_dims(args.required("shape")), flag);
    } catch (const InputError& e) {
        throw UsageError("--shape: " + e.problem());
    }

    const HardwareRegistry registry = load_registry();
    const HardwareSpec& hw = registry.get(args.required("hardware"));
    const Mode mode = mode_option(args);
    const ModelOptions options{mode, terms_option(args), args.flag("warm") ? CacheMode::Warm : CacheMode::Cold, true};
    const Prediction p = predict(hw, shape, *precision, options);

    if (args.flag("json")) {
        nlohmann::ordered_json out;
        out["hardware_key"] = hw.key;
        out["kernel_type"] = std::string(to_string(*kernel));
        out["shape"] = dims_of(shape);
        out["precision"] = std::string(to_string(*precision));
        out.update(prediction_json(p));
        std::cout << out.dump(2) << '\n';
        return kExitOk;
    }

    std::cout << to_string(*kernel) << ' ' << format_shape(shape) << ' ' << to_string(*precision) << " on " << hw.key
              << " (" << to_string(mode) << ")\n\n";
    std::string factor_note;
    if (mode == Mode::Ideal)
        factor_note = "ideal mode: no factor";
    else if (mode == Mode::Refined)
        factor_note = "refined: compute " + format_number(p.compute_efficiency, 3) + ", memory " + format_number(p.memory_efficiency, 3);
    else if (!p.efficiency_from_table)
        factor_note = hw.key + " has no " + std::string(to_string(*kernel)) + " factor for this precision: 1 assumed";
    else if (p.capped_at_roof)
        factor_note = "held at the roofline (see notes)";
    else if (p.faster_than_roofline)
        factor_note = "above 1: faster than the DRAM roofline (see notes)";
    else
        factor_note = "from the " + hw.key + " table";
    // The ideal row shows the pure roofline's two bounds whatever the mode (refined's are in its breakdown).
    const double ideal_mem_us = p.bytes / (hw.peak_bandwidth_gb_s * 1e9) * 1e6;
    const double ideal_math_us = static_cast<double>(p.flops) / (p.peak_tflops * 1e12) * 1e6;
    const std::vector<std::vector<std::string>> rows = {
        {"predicted time", format_number(p.predicted_time_us, 3) + " us", ""},
        {"ideal time", format_number(p.ideal_time_us, 3) + " us",
         "memory " + format_number(ideal_mem_us, 3) + " us, math " + format_number(ideal_math_us, 3) + " us"},
        {"predicted TFLOPS", format_number(p.predicted_tflops, 3), ""},
        {"effective TFLOPS", format_number(p.effective_tflops, 3),
         mode == Mode::Refined
             ? "peak " + format_number(p.peak_tflops, 1) + " x compute efficiency " + format_number(p.compute_efficiency, 3) + " x waves "
                 + format_number(p.wave_efficiency, 3) + " x alignment " + format_number(p.alignment_efficiency, 3)
             : "peak " + format_number(p.peak_tflops, 1) + " x efficiency " + format_number(p.efficiency_factor, 3)},
        {"arithmetic intensity", format_number(p.ai, 4) + " FLOP/B", ""},
        {"critical intensity", format_number(p.critical_ai, 2) + " FLOP/B",
         "peak " + format_number(p.peak_tflops, 1) + " TFLOPS / " + format_number(hw.peak_bandwidth_gb_s, 1) + " GB/s"},
        {"bottleneck", std::string(to_string(p.bottleneck)), ""},
        {"efficiency factor", format_number(p.efficiency_factor, 3), factor_note},
        {"FLOPs", format_number(static_cast<double>(p.flops), 0), ""},
        {"bytes", format_number(p.bytes, 0), ""},
    };
    print_table(std::cout, {"quantity", "value", "note"}, rows, {false, true, false});
    if (!p.breakdown.empty()) {
        const KernelType kind = kernel_of(shape);
        std::cout << "\nhow the refined time is made: "
                  << (kind == KernelType::FFN         ? "the sum of its kernels, each max(math, memory) + latency floor"
                      : kind == KernelType::Attention ? "max(math, memory, partition floor) + latency floor"
                                                      : "max(math, memory) + latency floor")
                  << "\n";
        std::vector<std::vector<std::string>> terms;
        for (const Term& t : p.breakdown)
            terms.push_back({t.name, format_number(t.time_us, 3) + " us", t.detail});
        print_table(std::cout, {"term", "time", "detail"}, terms, {false, true, false});
    }
    if (!p.notes.empty()) {
        std::cout << "\nnotes:\n";
        for (const std::string& note : p.notes)
            std::cout << "  - " << note << "\n";
    }
    return kExitOk;
}

} // namespace

Command predict_command()
{
    return {{"predict",
             "roofline predict --hardware KEY --kernel gemv|gemm|attention|ffn --shape DIMS --precision P [options]",
             "Predicts one kernel's time with the roofline model.\n"
             "Shapes: gemv NxK, gemm MxNxK, attention BATCHxHEADSxKV_HEADSxQUERY_LENxKV_LENxHEAD_DIM,\n"
             "ffn TOKENSxHIDDENxINTERMEDIATE (gated SwiGLU unless --plain).",
             {{"hardware", "KEY", "hardware profile (roofline hardware list)"},
              {"kernel", "KERNEL", "gemv, gemm, attention or ffn"},
              {"shape", "DIMS", "dimensions, e.g. 4096x4096"},
              {"precision", "P", "FP64, FP32, TF32, BF16, FP16, FP8_E4M3, FP8_E5M2, MXFP8, NVFP4, MXFP4, INT8, INT4"},
              kModeOption,
              kIdealOption,
              kTermsOption,
              {"warm", "", "the kernel ran just before, what fits in L2 is still there: refined streams it from L2, and a factor above the DRAM roof may stand (default cold)"},
              {"causal", "", "attention: causal mask"},
              {"plain", "", "ffn: two matrices (up, down) instead of gated SwiGLU's three"},
              {"json", "", "print JSON"}},
             0, 0},
            &run_predict};
}

} // namespace roofline::cli
