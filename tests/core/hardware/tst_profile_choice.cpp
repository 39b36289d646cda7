// The profile a user sees first: the device's own calibration, else its preset, else the last choice, else gb10.
#include "roofline/hardware/device_match.h"
#include "roofline/hardware/hardware_registry.h"
#include "roofline/hardware/profile_choice.h"
#include "roofline/hardware/profile_store.h"

#include <QtTest>

using namespace roofline;

namespace {

DeviceInfo cuda_device(const char* name)
{
    DeviceInfo device;
    device.backend = "cuda";
    device.name = name;
    return device;
}

// A user profile calibrated on `device_name`, saved under `key`.
HardwareSpec calibrated_on(const HardwareRegistry& presets, const char* base, const std::string& key, const char* device_name)
{
    HardwareSpec spec = presets.get(base);
    spec.key = key;
    spec.origin = "/home/user/.local/share/roofline-lab/hardware/" + key + ".json";
    spec.calibration = {{"device", device_name}, {"measurements", "runs/spark.json"}};
    return spec;
}

} // namespace

class TestProfileChoice : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void testFirstStartWithoutAGpuIsTheSparkFromPublicMeasurements()
    {
        const HardwareRegistry registry = HardwareRegistry::presets();
        const ProfileChoice choice = preferred_profile(registry, nullptr, "");
        QCOMPARE(QString::fromStdString(choice.key), QStringLiteral("gb10"));
        QVERIFY(registry.find(choice.key));
        QVERIFY2(choice.why.find("no GPU detected") != std::string::npos, choice.why.c_str());
        // b10, the plan's preset, stays there to choose.
        QVERIFY(registry.find("b10"));
    }

    void testLastChoiceWithoutAGpu()
    {
        const HardwareRegistry registry = HardwareRegistry::presets();
        QCOMPARE(QString::fromStdString(preferred_profile(registry, nullptr, "b10").key), QStringLiteral("b10"));
        // A profile that is gone (a deleted user profile) is passed over.
        QCOMPARE(QString::fromStdString(preferred_profile(registry, nullptr, "my_deleted_profile").key), QStringLiteral("gb10"));
    }

    void testADetectedGb10OpensOnGb10NotOnTheLastChoice()
    {
        const HardwareRegistry registry = HardwareRegistry::presets();
        const DeviceInfo spark = cuda_device("NVIDIA GB10");
        QCOMPARE(QString::fromStdString(guess_hardware_key(spark)), QStringLiteral("gb10"));
        const ProfileChoice choice = preferred_profile(registry, &spark, "h200");
        QCOMPARE(QString::fromStdString(choice.key), QStringLiteral("gb10"));
        QCOMPARE(QString::fromStdString(choice.why), QStringLiteral("the profile of the detected NVIDIA GB10"));
    }

    void testTheUsersOwnCalibrationComesFirst()
    {
        HardwareRegistry registry = HardwareRegistry::presets();
        registry.add(calibrated_on(registry, "gb10", "my_spark", "NVIDIA GB10"));
        const DeviceInfo spark = cuda_device("NVIDIA GB10");
        const ProfileChoice choice = preferred_profile(registry, &spark, "b10");
        QCOMPARE(QString::fromStdString(choice.key), QStringLiteral("my_spark"));
        QCOMPARE(QString::fromStdString(choice.why), QStringLiteral("your profile calibrated on NVIDIA GB10"));
        // Calibrated on another device: not this one's.
        const DeviceInfo h100 = cuda_device("NVIDIA H100 80GB HBM3");
        QCOMPARE(QString::fromStdString(preferred_profile(registry, &h100, "b10").key), QStringLiteral("h100_sxm"));
        // Saved under the calibrated key of the device's preset, whatever device it names.
        registry.add(calibrated_on(registry, "h100_sxm", calibrated_key("h100_sxm"), "renamed"));
        QCOMPARE(QString::fromStdString(preferred_profile(registry, &h100, "b10").key), QStringLiteral("h100_sxm_calibrated"));
    }

    void testAnUnknownDeviceFallsBackToTheLastChoice()
    {
        const HardwareRegistry registry = HardwareRegistry::presets();
        const DeviceInfo unknown = cuda_device("NVIDIA GeForce GTX 480");
        QCOMPARE(QString::fromStdString(preferred_profile(registry, &unknown, "a100_sxm").key), QStringLiteral("a100_sxm"));
        const ProfileChoice none = preferred_profile(registry, &unknown, "");
        QCOMPARE(QString::fromStdString(none.key), QStringLiteral("gb10"));
        QVERIFY2(none.why.find("no profile matches the detected NVIDIA GeForce GTX 480") != std::string::npos, none.why.c_str());
    }
};

QTEST_GUILESS_MAIN(TestProfileChoice)
#include "tst_profile_choice.moc"
