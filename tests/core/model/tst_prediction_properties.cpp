// Properties every prediction keeps, on every preset, precision and mode (issue 29): time never drops as a GEMM
// or GEMV grows, batch 2 costs at most a few percent more than batch 1 where the weights dominate, and no
// prediction beats the ideal roofline of its own profile on either bound.
#include "roofline/model/calculator.h"
#include "roofline/support/errors.h"
#include "roofline/hardware/hardware_registry.h"

#include <QtTest>

#include <algorithm>
#include <functional>
#include <optional>

using namespace roofline;

namespace {

// Batch 2 against batch 1 where the weights dominate: the product of 2 rows moves a few more bytes (its second
// activation row and output) and, in refined mode, runs the GEMM's kernels rather than the GEMV's (their latency
// floors and the padded output rows' alignment factor differ by a few percent on the measured profiles).
constexpr double kBatchTwoAllowance = 0.06;
// Rounding only: predictions are compared as they come, no tolerance for a real drop.
constexpr double kRelativeEpsilon = 1e-9;

struct ModeCase {
    const char* name;
    ModelOptions options;
};

std::vector<ModeCase> mode_cases()
{
    ModelOptions ideal{Mode::Ideal, {}, CacheMode::Cold, false};
    ModelOptions realistic{Mode::Realistic, {}, CacheMode::Cold, false};
    ModelOptions refined{Mode::Refined, {}, CacheMode::Cold, false};
    ModelOptions refined_warm{Mode::Refined, {}, CacheMode::Warm, false};
    return {{"ideal", ideal}, {"realistic", realistic}, {"refined", refined}, {"refined warm", refined_warm}};
}

std::string label(const HardwareSpec& hw, Precision precision, const char* mode, const KernelShape& shape)
{
    return hw.key + " " + std::string(to_string(precision)) + " " + mode + " " + format_shape(shape);
}

} // namespace

class TestPredictionProperties : public QObject {
    Q_OBJECT

    HardwareRegistry registry_ = HardwareRegistry::presets();
    int predictions_ = 0;

    // Every preset × precision × mode; `check` returns the case's first failure or an empty string. Fails with them all.
    void for_every_case(const std::function<std::string(const HardwareSpec&, Precision, const ModeCase&)>& check)
    {
        std::vector<std::string> failures;
        for (const std::string& key : registry_.keys()) {
            const HardwareSpec& hw = registry_.get(key);
            std::optional<GemmMenus> menus;
            if (!hw.gemm_configs.empty())
                menus.emplace(hw.gemm_configs);
            for (Precision precision : hw.precisions()) {
                for (ModeCase mode : mode_cases()) {
                    mode.options.gemm_menus = menus ? &*menus : nullptr;
                    if (std::string failure = check(hw, precision, mode); !failure.empty())
                        failures.push_back(std::move(failure));
                }
            }
        }
        std::string all;
        for (const std::string& failure : failures)
            all += "\n  " + failure;
        QVERIFY2(failures.empty(), (std::to_string(failures.size()) + " cases fail:" + all).c_str());
    }

    Prediction predict_case(const HardwareSpec& hw, const KernelShape& shape, Precision precision, const ModeCase& mode)
    {
        ++predictions_;
        return predict(hw, shape, precision, mode.options);
    }

    // The time of each shape in order is at least the one before.
    std::string non_decreasing(const HardwareSpec& hw, Precision precision, const ModeCase& mode, const std::vector<KernelShape>& shapes)
    {
        std::optional<Prediction> before;
        KernelShape before_shape;
        for (const KernelShape& shape : shapes) {
            const Prediction p = predict_case(hw, shape, precision, mode);
            if (before && p.predicted_time_us < before->predicted_time_us * (1 - kRelativeEpsilon))
                return label(hw, precision, mode.name, shape) + ": " + std::to_string(p.predicted_time_us) + " us, less than "
                    + std::to_string(before->predicted_time_us) + " us at " + format_shape(before_shape);
            before = p;
            before_shape = shape;
        }
        return {};
    }

private slots:
    // Decode-shaped GEMMs: M = 1 … 64 rows against weights of LLM layers, time never drops as M grows.
    void testTimeNonDecreasingInM()
    {
        for_every_case([this](const HardwareSpec& hw, Precision precision, const ModeCase& mode) {
            for (const auto& [n, k] : {std::pair<int64_t, int64_t>{4096, 4096}, {14336, 4096}, {4096, 14336}, {1024, 1024}}) {
                std::vector<KernelShape> shapes;
                for (int64_t m = 1; m <= 64; ++m)
                    shapes.push_back(GemmShape{m, n, k});
                if (std::string failure = non_decreasing(hw, precision, mode, shapes); !failure.empty())
                    return failure;
            }
            return std::string();
        });
    }

    // N and K: over sizes whose rows are whole 128-byte lines in every precision (alignment is a measured step
    // between sizes, not growth), GEMMs of 1, 8 and 64 rows and GEMVs never get faster as they grow.
    void testTimeNonDecreasingInNAndK()
    {
        std::vector<int64_t> sizes;
        for (int64_t size = 256; size <= 32768; size += size < 4096 ? 256 : 2048)
            sizes.push_back(size);
        for_every_case([&](const HardwareSpec& hw, Precision precision, const ModeCase& mode) {
            for (const int64_t fixed : {int64_t(4096), int64_t(1024)}) {
                std::vector<KernelShape> gemv_n, gemv_k;
                for (const int64_t size : sizes) {
                    gemv_n.push_back(GemvShape{size, fixed});
                    gemv_k.push_back(GemvShape{fixed, size});
                }
                for (const auto* shapes : {&gemv_n, &gemv_k}) {
                    if (std::string failure = non_decreasing(hw, precision, mode, *shapes); !failure.empty())
                        return failure;
                }
                for (const int64_t m : {int64_t(1), int64_t(8), int64_t(64)}) {
                    std::vector<KernelShape> in_n, in_k;
                    for (const int64_t size : sizes) {
                        in_n.push_back(GemmShape{m, size, fixed});
                        in_k.push_back(GemmShape{m, fixed, size});
                    }
                    for (const auto* shapes : {&in_n, &in_k}) {
                        if (std::string failure = non_decreasing(hw, precision, mode, *shapes); !failure.empty())
                            return failure;
                    }
                }
            }
            return std::string();
        });
    }

    // A decode step's projections at batch 1 (a GEMV, as model steps run it) and batch 2 (a GEMM of 2 rows): the
    // weights are the same, so the time is too, within a few percent.
    void testBatchTwoCostsAboutBatchOne()
    {
        for_every_case([this](const HardwareSpec& hw, Precision precision, const ModeCase& mode) {
            for (const auto& [n, k] : {std::pair<int64_t, int64_t>{4096, 4096}, {14336, 4096}, {4096, 14336}, {28672, 8192}}) {
                const Prediction one = predict_case(hw, GemvShape{n, k}, precision, mode);
                const Prediction two = predict_case(hw, GemmShape{2, n, k}, precision, mode);
                // Weight-dominated: the bound is memory at batch 1 (a precision whose compute peak is far below the
                // bandwidth, such as gb10's FP64, is compute-bound already and doubles its math at batch 2).
                if (one.bottleneck == Bottleneck::Compute || two.bottleneck == Bottleneck::Compute)
                    continue;
                if (two.predicted_time_us > one.predicted_time_us * (1 + kBatchTwoAllowance))
                    return label(hw, precision, mode.name, GemmShape{2, n, k}) + ": " + std::to_string(two.predicted_time_us)
                        + " us, batch 1 " + std::to_string(one.predicted_time_us) + " us";
            }
            return std::string();
        });
    }

    // No prediction beats the ideal roofline of its own profile on either bound, whatever factor the profile holds:
    // it is held at the roof and says so. The memory roof is the DRAM bandwidth; warm, for a working set that fits in
    // L2, the L2 bandwidth, and where the profile has none only a note may let a factor past the DRAM roof.
    void testNeverBeatsTheRoofline()
    {
        std::vector<KernelShape> shapes = {GemvShape{4096, 4096}, GemvShape{8192, 8192}, GemvShape{1024, 1024},
                                           GemmShape{4096, 4096, 4096}, GemmShape{8192, 8192, 8192}, GemmShape{256, 256, 256},
                                           AttentionShape{1, 32, 8, 1, 4096, 128, true}, AttentionShape{1, 32, 8, 2048, 2048, 128, true},
                                           FfnShape{1, 4096, 14336, true}, FfnShape{512, 4096, 14336, true}};
        for (int64_t m = 1; m <= 64; m *= 2)
            shapes.push_back(GemmShape{m, 4096, 4096});
        for_every_case([&](const HardwareSpec& hw, Precision precision, const ModeCase& mode) {
            for (const KernelShape& shape : shapes) {
                Prediction p;
                try {
                    p = predict_case(hw, shape, precision, mode);
                } catch (const InputError&) {
                    continue; // a kind this precision has no kernel for (the calculator says so elsewhere)
                }
                const bool warm_fits = mode.options.cache == CacheMode::Warm && hw.l2_cache_bytes
                    && p.bytes <= static_cast<double>(*hw.l2_cache_bytes);
                double roof_gb_s = hw.peak_bandwidth_gb_s;
                if (warm_fits && hw.l2_bandwidth_gb_s)
                    roof_gb_s = std::max(roof_gb_s, *hw.l2_bandwidth_gb_s);
                const bool said_uncapped = std::any_of(p.notes.begin(), p.notes.end(),
                                                       [](const std::string& n) { return n.find(": not capped, as only an L2 hit") != std::string::npos; });
                if (warm_fits && !hw.l2_bandwidth_gb_s && said_uncapped)
                    continue;
                const double ideal_math_us = static_cast<double>(p.flops) / (p.peak_tflops * 1e12) * 1e6;
                const double ideal_mem_us = p.bytes / (roof_gb_s * 1e9) * 1e6;
                const double floor_us = std::max(ideal_math_us, ideal_mem_us) * (1 - kRelativeEpsilon);
                if (p.predicted_time_us < floor_us)
                    return label(hw, precision, mode.name, shape) + ": " + std::to_string(p.predicted_time_us)
                        + " us beats the roofline's " + std::to_string(std::max(ideal_math_us, ideal_mem_us)) + " us";
                if (mode.options.mode == Mode::Refined
                    && (p.t_math_us < ideal_math_us * (1 - kRelativeEpsilon) || p.t_mem_us < ideal_mem_us * (1 - kRelativeEpsilon)))
                    return label(hw, precision, mode.name, shape) + ": a refined bound beats its roof (math " + std::to_string(p.t_math_us)
                        + " < " + std::to_string(ideal_math_us) + " or memory " + std::to_string(p.t_mem_us) + " < "
                        + std::to_string(ideal_mem_us) + " us)";
                if (p.faster_than_roofline && !warm_fits)
                    return label(hw, precision, mode.name, shape) + ": flagged faster than the roofline";
            }
            return std::string();
        });
    }

    void cleanupTestCase() { qInfo("%d predictions", predictions_); }
};

QTEST_APPLESS_MAIN(TestPredictionProperties)
#include "tst_prediction_properties.moc"
