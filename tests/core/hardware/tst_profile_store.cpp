#include "roofline/calibration/calibration.h"
#include "roofline/hardware/hardware_registry.h"
#include "roofline/support/number_format.h"
#include "roofline/hardware/profile_store.h"

#include <QTemporaryDir>
#include <QtTest>

#include <filesystem>
#include <fstream>

using namespace roofline;

namespace {

HardwareSpec fittedH100()
{
    HardwareSpec hw = HardwareRegistry::presets().get("h100_pcie");
    hw.key = calibrated_key(hw.key);
    hw.launch_overhead_us = 6.6;
    hw.latency_floor_us = {{KernelType::GEMV, {{Precision::FP16, 4.3321}}}, {KernelType::GEMM, {{Precision::FP16, 5.2}}}};
    hw.l2_bandwidth_gb_s = 6751.04;
    hw.l2_efficiency = 0.8;
    hw.dram_latency_us = 0.4371;
    hw.gemm_tile_m = 64;
    hw.gemm_tile_n = 128;
    hw.throttle_after_us = 100;
    hw.throttle_ratio = 0.8812;
    hw.unaligned_efficiency = {{KernelType::GEMM, {{Precision::FP16, 0.3}}}};
    return hw;
}

} // namespace

class TestProfileStore : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_data;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_data.isValid());
        qputenv("ROOFLINE_LAB_DATA_DIR", QFile::encodeName(m_data.path()));
    }

    void testCalibratedKey()
    {
        QCOMPARE(calibrated_key("h100_sxm"), std::string("h100_sxm_calibrated"));
        // Calibrating a calibrated profile again keeps one suffix per calibration: the key says what it started from.
        QCOMPARE(calibrated_key("b10_calibrated"), std::string("b10_calibrated_calibrated"));
    }

    void testUserProfilePath()
    {
        QCOMPARE(user_profile_path("host"), user_hardware_dir() / "host.json");
        QCOMPARE(QString::fromStdString(user_hardware_dir().string()), m_data.filePath(QStringLiteral("hardware")));
    }

    // Saved where the registry looks, readable as the same profile, replacing an older one and leaving no
    // temporary file beside it.
    void testSaveIsFoundByTheRegistry()
    {
        HardwareSpec profile = fittedH100();
        const std::filesystem::path file = save_user_profile(profile);
        QCOMPARE(file, user_profile_path(profile.key));
        QVERIFY(std::filesystem::exists(file));

        profile.dram_latency_us = 0.5;
        QCOMPARE(save_user_profile(profile), file);
        const HardwareRegistry registry = HardwareRegistry::presets_and_user();
        QVERIFY(registry.problems().empty());
        const HardwareSpec* loaded = registry.find(profile.key);
        QVERIFY(loaded);
        QCOMPARE(loaded->dram_latency_us.value_or(0), 0.5);
        QCOMPARE(loaded->gemm_tile_m.value_or(0), 64);
        QCOMPARE(loaded->origin, file.string());
        int files = 0;
        for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(file.parent_path()))
            ++files;
        QCOMPARE(files, 1);
    }

    void testSaveFailureThrows()
    {
        // A plain file where the hardware folder should be.
        QTemporaryDir other;
        std::ofstream(other.filePath(QStringLiteral("hardware")).toStdString()) << "not a folder";
        qputenv("ROOFLINE_LAB_DATA_DIR", QFile::encodeName(other.path()));
        bool threw = false;
        try {
            save_user_profile(fittedH100());
        } catch (const std::exception&) {
            threw = true;
        }
        qputenv("ROOFLINE_LAB_DATA_DIR", QFile::encodeName(m_data.path()));
        QVERIFY(threw);
    }

    void testDescribeFitNamesEveryFittedTerm()
    {
        const FitSummary fit = summarize_fit(fittedH100());
        QCOMPARE(fit.lowest_floor_us, 4.3321);
        QCOMPARE(fit.highest_floor_us, 6.6);
        QVERIFY(fit.gemm_tile == std::pair(64, 128));
        QVERIFY(fit.alignment_factors);
        QCOMPARE(QString::fromStdString(describe_fit(fit)),
                 QStringLiteral("latency floors 4.332–6.6 µs, L2 6751 GB/s × 0.8, DRAM latency 0.437 µs, GEMM tile 64×128, "
                                "throttle to 0.88× after 100 µs, row-alignment factors"));
    }

    void testDescribeFitOfADatasheet()
    {
        HardwareSpec hw = HardwareRegistry::presets().get("h100_pcie");
        hw.latency_floor_us.clear();
        hw.l2_bandwidth_gb_s.reset();
        hw.dram_latency_us.reset();
        hw.gemm_tile_m.reset();
        hw.throttle_ratio.reset();
        hw.partial_line_efficiency.clear();
        hw.unaligned_efficiency.clear();
        hw.launch_overhead_us = 4.5;
        // A throttle needs both its knee and its ratio.
        hw.throttle_after_us = 100;
        QCOMPARE(describe_fit(summarize_fit(hw)), std::string("latency floor 4.5 µs"));
    }

    // What a real calibration wrote reads back as what it fitted.
    void testSummaryOfACalibration()
    {
        const HardwareRegistry registry = HardwareRegistry::presets();
        const MeasurementSet runs = merge_measurements(
            {load_measurements(ROOFLINE_TEST_DATA_DIR "/h100_extended_cold.json"), load_measurements(ROOFLINE_TEST_DATA_DIR "/h100_l2_warm.json")});
        CalibrationOptions options;
        options.key = calibrated_key("h100_pcie");
        const CalibrationResult result = calibrate(registry.get("h100_pcie"), runs, nullptr, options);
        QCOMPARE(result.profile.key, std::string("h100_pcie_calibrated"));
        const FitSummary fit = summarize_fit(result.profile);
        QVERIFY(fit.gemm_tile);
        QVERIFY(fit.highest_floor_us >= fit.lowest_floor_us);
        const std::string text = describe_fit(fit);
        QVERIFY2(text.find("GEMM tile " + std::to_string(fit.gemm_tile->first) + "×") != std::string::npos, text.c_str());
        QVERIFY(text.find("latency floor") == 0);
    }

    void testFormatSignificant()
    {
        QCOMPARE(format_significant(6751.04), std::string("6751"));
        QCOMPARE(format_significant(756.54), std::string("756.5"));
        QCOMPARE(format_significant(25.514), std::string("25.51"));
        QCOMPARE(format_significant(4.3321), std::string("4.332"));
        QCOMPARE(format_significant(0.001234), std::string("0.00123"));
        QCOMPARE(format_significant(0), std::string("0"));
    }
};

QTEST_APPLESS_MAIN(TestProfileStore)
#include "tst_profile_store.moc"
