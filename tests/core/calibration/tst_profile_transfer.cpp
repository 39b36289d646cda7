// The transfer rule (core/calibration/src/profile_transfer.cpp, docs/model.md "Transferred profiles"): hand-computed cases of
// each kind of term, the sources and notes it writes, and the shipped presets it made.
#include "roofline/model/calculator.h"
#include "roofline/calibration/calibration.h"
#include "roofline/support/errors.h"
#include "roofline/hardware/hardware_registry.h"
#include "roofline/results/measurements.h"
#include "roofline/calibration/profile_transfer.h"

#include <QTest>

#include <cmath>

using namespace roofline;

namespace {

constexpr double kTol = 1e-9;

// A measured Hopper-like source and a Blackwell-like datasheet target, with round numbers.
HardwareSpec source_spec()
{
    HardwareSpec s;
    s.key = "src";
    s.name = "Source GPU";
    s.compute_capability = "9.0";
    s.peak_bandwidth_gb_s = 3000;
    s.peak_tflops = {{Precision::FP32, 67.0}, {Precision::FP16, 989.0}};
    s.sm_count = 132;
    s.l2_cache_bytes = 50ull << 20;
    s.l2_bandwidth_gb_s = 6000;
    s.l2_efficiency = 0.8;
    s.dram_latency_us = 0.5;
    s.launch_overhead_us = 5.0;
    s.throttle_after_us = 100;
    s.throttle_ratio = 0.9;
    s.gemm_tile_m = 64;
    s.gemm_tile_n = 64;
    s.kernel_efficiency = {{KernelType::GEMV, {{Precision::FP32, 0.7}, {Precision::FP16, 0.7}}},
                           {KernelType::GEMM, {{Precision::FP32, 0.6}, {Precision::FP16, 0.6}}}};
    s.compute_efficiency = {{KernelType::GEMM, {{Precision::FP32, 0.85}, {Precision::FP16, 0.8}}}};
    s.memory_efficiency = {{KernelType::GEMV, {{Precision::FP32, 0.92}, {Precision::FP16, 0.9}}},
                           {KernelType::GEMM, {{Precision::FP32, 0.5}, {Precision::FP16, 0.85}}}};
    s.latency_floor_us = {{KernelType::GEMV, {{Precision::FP32, 4.0}, {Precision::FP16, 5.0}}},
                          {KernelType::GEMM, {{Precision::FP32, 5.5}, {Precision::FP16, 4.5}}}};
    s.unaligned_efficiency = {{KernelType::GEMM, {{Precision::FP16, 0.25}}}};
    s.calibration = {{"device", "Test GPU"}, {"measurements", "runs/src.json"}};
    return s;
}

HardwareSpec target_spec()
{
    HardwareSpec t;
    t.key = "tgt";
    t.name = "Target GPU";
    t.compute_capability = "10.0";
    t.peak_bandwidth_gb_s = 8000;
    t.peak_tflops = {{Precision::FP32, 80.0}, {Precision::FP16, 2250.0}, {Precision::NVFP4, 9000.0}};
    t.sm_count = 148;
    t.l2_cache_bytes = 100ull << 20;
    t.sources = {{"peak_tflops", "a datasheet"}, {"sm_count", "a datasheet"}};
    t.notes = {"A datasheet note."};
    return t;
}

bool starts_with(const std::string& text, const std::string& prefix)
{
    return text.rfind(prefix, 0) == 0;
}

bool any_note_starts_with(const HardwareSpec& hw, const std::string& prefix)
{
    for (const auto& n : hw.notes) {
        if (starts_with(n, prefix))
            return true;
    }
    return false;
}

const char* const kTransferred[] = {"h100_pcie", "b200",     "gb200", "a100_sxm", "l40s", "rtx_5090",  "rtx_pro_6000", "rtx_4090",
                                    "rtx_4080",  "rtx_3090", "l4",    "t4",       "a10",  "a100_pcie", "a100_pcie_40gb"};

} // namespace

class TestProfileTransfer : public QObject {
    Q_OBJECT

private slots:
    // Fractions of a peak of the same kernel class, and fixed costs, carry over as they are.
    void testDimensionlessTermsCarryOverUnchanged()
    {
        const HardwareSpec t = transfer_profile(source_spec(), target_spec()).profile;
        QCOMPARE(t.compute_efficiency_for(KernelType::GEMM, Precision::FP16), std::optional<double>(0.8));
        QCOMPARE(t.memory_efficiency_for(KernelType::GEMV, Precision::FP32), std::optional<double>(0.92));
        QCOMPARE(t.alignment_efficiency_for(KernelType::GEMM, Precision::FP16, RowAlignment::Unaligned), std::optional<double>(0.25));
        QCOMPARE(t.latency_floor_for(KernelType::GEMM, Precision::FP16), 4.5);
        QCOMPARE(t.launch_overhead_us, 5.0);
        QCOMPARE(t.l2_efficiency, std::optional<double>(0.8));
        QCOMPARE(t.dram_latency_us, std::optional<double>(0.5));
        QCOMPARE(t.gemm_tile_m, std::optional<int>(64));
        // The datasheet figures stay the target's: ideal mode is unchanged.
        QCOMPARE(t.peak_bandwidth_gb_s, 8000.0);
        QCOMPARE(t.peak_tflops, target_spec().peak_tflops);
        QCOMPARE(t.sm_count, std::optional<int>(148));
        QCOMPARE(t.key, std::string("tgt"));
        QCOMPARE(t.sources.at("peak_tflops"), std::string("a datasheet"));
        QVERIFY(t.calibration.empty()); // not calibrated on the target
    }

    // L2 bandwidth scales by L2 size and by the SM clock that the FP32 peak per SM implies.
    void testL2BandwidthScalesBySizeAndClock()
    {
        const HardwareSpec t = transfer_profile(source_spec(), target_spec()).profile;
        // 100 MiB / 50 MiB = 2; clocks 80e3 / (148 x 256) = 2.1115 GHz and 67e3 / (132 x 256) = 1.9827 GHz.
        const double clock_ratio = (80.0 / 148) / (67.0 / 132);
        QVERIFY(std::fabs(*sm_clock_ghz_from_fp32(target_spec()) - 80e3 / (148.0 * 256)) < kTol);
        QVERIFY(std::fabs(*t.l2_bandwidth_gb_s - std::round(6000 * 2 * clock_ratio * 10) / 10) < kTol);
        QCOMPARE(*t.l2_bandwidth_gb_s, 12779.3);
        QVERIFY(t.source_for("l2_bandwidth_gb_s")->find("x SM clock ratio 1.065 (2.11 / 1.98 GHz from the FP32 peak per SM)")
                != std::string::npos);
        // Ampere has 64 FP32 lanes per SM: the A100's 19.5 TFLOPS on 108 SMs is 1.41 GHz.
        HardwareSpec a100 = target_spec();
        a100.compute_capability = "8.0";
        a100.peak_tflops = {{Precision::FP32, 19.5}};
        a100.sm_count = 108;
        QVERIFY(std::fabs(*sm_clock_ghz_from_fp32(a100) - 19.5e3 / (108.0 * 128)) < kTol);
        // No L2 size: no L2 term, and a note says so.
        HardwareSpec no_l2 = target_spec();
        no_l2.l2_cache_bytes.reset();
        const HardwareSpec u = transfer_profile(source_spec(), no_l2).profile;
        QVERIFY(!u.l2_bandwidth_gb_s);
        QVERIFY(!u.l2_efficiency);
        QVERIFY(any_note_starts_with(u, "Transferred from src measurements without an L2 bandwidth: this profile has no L2 size"));
    }

    // Wave quantization counts the source's tile over the target's SMs: 640 x 640 in 64 x 64 tiles is 100 tiles,
    // one wave of 100 / 132 on the source and of 100 / 148 on the target.
    void testWavesScaleWithTheTargetsSms()
    {
        const HardwareSpec s = source_spec();
        const HardwareSpec t = transfer_profile(s, target_spec()).profile;
        const KernelShape g = GemmShape{640, 640, 4096};
        QVERIFY(std::fabs(wave_efficiency(s, g) - 100.0 / 132) < kTol);
        QVERIFY(std::fabs(wave_efficiency(t, g) - 100.0 / 148) < kTol);
    }

    // Realistic mode's factor is re-derived: ideal / refined time of the transferred profile. A GEMV of 4096 x 4096
    // in FP16 is memory-bound: refined = bytes / (8000 GB/s x 0.9) + floor 5.0 + DRAM latency 0.5 us.
    void testRealisticFactorIsRederived()
    {
        TransferOptions options;
        options.shapes = {BenchCase{GemvShape{4096, 4096}, Precision::FP16}};
        const HardwareSpec t = transfer_profile(source_spec(), target_spec(), options).profile;
        const double bytes = workload(GemvShape{4096, 4096}, Precision::FP16).bytes;
        const double ideal_us = bytes / 8000e9 * 1e6;
        const double refined_us = bytes / (8000e9 * 0.9) * 1e6 + 5.0 + 0.5;
        QCOMPARE(*t.efficiency(KernelType::GEMV, Precision::FP16), std::round(ideal_us / refined_us * 1e4) / 1e4);
        // A precision the given cases do not run takes every shape of its kernel: here the same one.
        const double fp32_bytes = workload(GemvShape{4096, 4096}, Precision::FP32).bytes;
        const double fp32_ideal_us = fp32_bytes / 8000e9 * 1e6;
        const double fp32_refined_us = fp32_bytes / (8000e9 * 0.92) * 1e6 + 4.0 + 0.5;
        QCOMPARE(*t.efficiency(KernelType::GEMV, Precision::FP32), std::round(fp32_ideal_us / fp32_refined_us * 1e4) / 1e4);
        // No GEMM case given: GEMM has no realistic factor then (nothing to derive it over).
        QVERIFY(!t.efficiency(KernelType::GEMM, Precision::FP16));
        QVERIFY(starts_with(*t.source_for("kernel_efficiency"), "transferred from src measurements (rule: re-derived"));
    }

    // A precision the source never measured stays ideal, and a note says so.
    void testUnmeasuredPrecisionStaysIdeal()
    {
        const HardwareSpec t = transfer_profile(source_spec(), target_spec()).profile;
        QVERIFY(!t.efficiency(KernelType::GEMM, Precision::NVFP4));
        QVERIFY(!t.compute_efficiency_for(KernelType::GEMM, Precision::NVFP4));
        QVERIFY(!t.memory_efficiency_for(KernelType::GEMV, Precision::NVFP4));
        const KernelShape g = GemmShape{4096, 4096, 4096};
        const Prediction ideal = predict(t, g, Precision::NVFP4, Mode::Ideal);
        const Prediction realistic = predict(t, g, Precision::NVFP4, Mode::Realistic);
        QCOMPARE(realistic.predicted_time_us, ideal.predicted_time_us);
        QVERIFY(!realistic.efficiency_from_table);
        const Prediction refined = predict(t, g, Precision::NVFP4, ModelOptions{Mode::Refined, {}, CacheMode::Cold});
        QCOMPARE(refined.compute_efficiency, 1.0);
        QVERIFY(any_note_starts_with(t, "Transferred from src measurements except NVFP4: src has no measurement of it, so nothing "
                                        "is transferred: realistic mode is the ideal roofline for it"));
        // FP16, which the source measured, has its tables.
        QVERIFY(t.efficiency(KernelType::GEMM, Precision::FP16).has_value());
    }

    // The power throttle is carried within one architecture only.
    void testThrottleOnlyWithinAnArchitecture()
    {
        const HardwareSpec across = transfer_profile(source_spec(), target_spec()).profile;
        QVERIFY(!across.throttle_after_us);
        QVERIFY(!across.throttle_ratio);
        QVERIFY(any_note_starts_with(across, "Transferred from src measurements across architectures (compute capability 9.0 -> 10.0)"));
        HardwareSpec hopper = target_spec();
        hopper.compute_capability = "9.0";
        const HardwareSpec same = transfer_profile(source_spec(), hopper).profile;
        QCOMPARE(same.throttle_after_us, std::optional<double>(100));
        QCOMPARE(same.throttle_ratio, std::optional<double>(0.9));
        QVERIFY(!any_note_starts_with(same, "Transferred from src measurements across"));
        QVERIFY(same.source_for("compute_efficiency")->find("across architectures") == std::string::npos);
    }

    // Every transferred number is sourced to the source's measurements; the notes and the provenance say so.
    void testSourcesAndNotesAreMarked()
    {
        const HardwareSpec t = transfer_profile(source_spec(), target_spec()).profile;
        for (const char* field : {"kernel_efficiency", "compute_efficiency", "memory_efficiency", "unaligned_efficiency",
                                  "latency_floor_us", "launch_overhead_us", "l2_bandwidth_gb_s", "l2_efficiency", "dram_latency_us",
                                  "gemm_tile"}) {
            const auto source = t.source_for(field);
            QVERIFY2(source && starts_with(*source, "transferred from src measurements (rule: "), field);
            QVERIFY2(source->find("across architectures (compute capability 9.0 -> 10.0): not measured") != std::string::npos, field);
        }
        QVERIFY(any_note_starts_with(t, "Transferred from src measurements (Test GPU: runs/src.json)"));
        QCOMPARE(provenance(t), std::string("transferred from src measurements"));
        QCOMPARE(provenance(source_spec()), std::string("measured on Test GPU"));
        QCOMPARE(provenance(target_spec()), std::string("datasheet only (realistic = ideal)"));
        // Transferring again replaces the earlier transfer: same result, no duplicated notes.
        const HardwareSpec again = transfer_profile(source_spec(), t).profile;
        QCOMPARE(hardware_to_json(again), hardware_to_json(t));
    }

    void testRefusesWhatCannotTransfer()
    {
        QVERIFY_THROWS_EXCEPTION(InputError, transfer_profile(target_spec(), source_spec())); // no measured tables
        HardwareSpec self = source_spec();
        QVERIFY_THROWS_EXCEPTION(InputError, transfer_profile(self, self));
    }

    // The datasheet part of a calibrated preset: no fitted table, no calibration, no L2 bandwidth from its ceilings.
    void testDatasheetPartOfACalibratedPreset()
    {
        const HardwareRegistry registry = HardwareRegistry::presets();
        const HardwareSpec d = datasheet_part(registry.get("h200"));
        QCOMPARE(d.peak_bandwidth_gb_s, 4800.0);
        QCOMPARE(d.peak_tflops, registry.get("h200").peak_tflops);
        QVERIFY(d.kernel_efficiency.empty() && d.compute_efficiency.empty() && d.latency_floor_us.empty());
        QVERIFY(!d.l2_bandwidth_gb_s && !d.l2_efficiency && !d.throttle_ratio && !d.gemm_tile_m);
        QCOMPARE(d.launch_overhead_us, 0.0);
        QVERIFY(d.calibration.empty());
        QVERIFY(!d.sources.count("compute_efficiency") && !d.sources.count("l2_bandwidth_gb_s"));
        QVERIFY(!any_note_starts_with(d, "Calibrated from "));
        // gb10's L2 bandwidth is a public measurement, not a calibration's: it stays.
        QCOMPARE(datasheet_part(registry.get("gb10")).l2_bandwidth_gb_s, registry.get("gb10").l2_bandwidth_gb_s);
    }

    // The nearest measured architecture: the same compute capability, then the nearest bandwidth.
    void testNearestMeasuredSource()
    {
        const HardwareRegistry registry = HardwareRegistry::presets();
        const auto nearest = [&](const char* key) { return nearest_measured(registry.get(key), registry.all())->key; };
        QCOMPARE(nearest("h100_pcie"), std::string("h100_sxm")); // 9.0, 2000 GB/s: nearer 3350 than 4800
        QCOMPARE(nearest("h200"), std::string("h100_sxm"));      // never itself
        QCOMPARE(nearest("h100_sxm"), std::string("h200"));
        QCOMPARE(nearest("b200"), std::string("h200"));          // across architectures; 8000 GB/s: nearer 4800
        QCOMPARE(nearest("gb200"), std::string("h200"));
        QCOMPARE(nearest("a100_sxm"), std::string("h100_sxm"));
        QCOMPARE(nearest("l40s"), std::string("h100_sxm"));
        QCOMPARE(nearest("rtx_5090"), std::string("h100_sxm"));
        QCOMPARE(nearest("rtx_pro_6000"), std::string("h100_sxm"));
        // 8.9, 8.6, 8.0 and 7.5: no measured preset of their major; Hopper at the nearer bandwidth.
        for (const char* key : {"rtx_4090", "rtx_4080", "rtx_3090", "l4", "t4", "a10", "a100_pcie", "a100_pcie_40gb"})
            QCOMPARE(nearest(key), std::string("h100_sxm"));
    }

    // Every shipped preset but b10 and gb10 has realistic and refined tables; the fifteen without measurements of their
    // own carry what the rule gives from their nearest measured preset, exactly (bench/transfer_presets.sh).
    void testShippedPresetsAreTransferred()
    {
        const HardwareRegistry registry = HardwareRegistry::presets();
        for (const auto& spec : registry.all()) {
            if (spec.key == "b10" || spec.key == "gb10")
                continue;
            QVERIFY2(!spec.kernel_efficiency.empty(), spec.key.c_str());
            QVERIFY2(!spec.compute_efficiency.empty(), spec.key.c_str());
            QVERIFY2(!spec.latency_floor_us.empty(), spec.key.c_str());
        }
        for (const char* key : kTransferred) {
            const HardwareSpec& spec = registry.get(key);
            const HardwareSpec& source = *nearest_measured(spec, registry.all());
            QCOMPARE(provenance(spec), "transferred from " + source.key + " measurements");
            QVERIFY2(starts_with(*spec.source_for("kernel_efficiency.gemm.FP16"), "transferred from " + source.key + " measurements (rule: "), key);
            QVERIFY2(hardware_to_json(transfer_profile(source, spec).profile) == hardware_to_json(spec),
                     (std::string(key) + ": the committed preset is not what the rule gives; run bench/transfer_presets.sh").c_str());
            // Its datasheet figures are kept.
            QVERIFY2(spec.source_for("peak_tflops").has_value() && !starts_with(*spec.source_for("peak_tflops"), "transferred"), key);
        }
        QCOMPARE(provenance(registry.get("h100_sxm")), std::string("measured on NVIDIA H100 80GB HBM3"));
        QCOMPARE(provenance(registry.get("h200")), std::string("measured on NVIDIA H200"));
        QCOMPARE(provenance(registry.get("gb10")), std::string("public measurements"));
        QCOMPARE(provenance(registry.get("b10")), std::string("the plan's fit"));
        // FP4 and block-scaled formats were never measured on Hopper: ideal on every Blackwell preset.
        for (const char* key : {"b200", "gb200", "rtx_5090", "rtx_pro_6000"}) {
            QVERIFY2(!registry.get(key).efficiency(KernelType::GEMM, Precision::NVFP4), key);
            QVERIFY2(any_note_starts_with(registry.get(key), "Transferred from " + nearest_measured(registry.get(key), registry.all())->key
                                                                   + " measurements except MXFP8, NVFP4, MXFP4: "),
                     key);
        }
    }

    // Calibrating on the GPU replaces a transfer: none of its numbers, sources or notes outlive it.
    void testCalibrationReplacesATransfer()
    {
        const HardwareRegistry registry = HardwareRegistry::presets();
        const HardwareSpec& base = registry.get("h100_pcie");
        QVERIFY(is_transferred(base));
        const MeasurementSet runs = load_measurements(ROOFLINE_TEST_DATA_DIR "/h100_extended_cold.json");
        const HardwareSpec fitted = calibrate(base, runs, nullptr, {}).profile;
        QVERIFY(!is_transferred(fitted));
        for (const auto& [field, source] : fitted.sources)
            QVERIFY2(!starts_with(source, "transferred from "), field.c_str());
        QVERIFY(!fitted.l2_bandwidth_gb_s); // no ceilings given: the transferred L2 bandwidth is not kept
        // The user's own calibration, saved or not; a preset refitted from the project's runs says "measured on".
        QVERIFY(starts_with(provenance(fitted), "calibrated here on "));
        HardwareSpec preset = fitted;
        preset.origin = "preset";
        QVERIFY(starts_with(provenance(preset), "measured on "));
        QCOMPARE(fitted.peak_bandwidth_gb_s, base.peak_bandwidth_gb_s);
        QCOMPARE(fitted.sources.at("peak_tflops"), base.sources.at("peak_tflops"));
    }
};

QTEST_APPLESS_MAIN(TestProfileTransfer)
#include "tst_profile_transfer.moc"
