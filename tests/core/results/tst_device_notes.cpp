// What a validation says about the device behind the numbers: another GPU than the profile's, or the fit's own rows.
#include "roofline/hardware/hardware_registry.h"
#include "roofline/results/device_notes.h"
#include "roofline/results/measurements.h"

#include <QtTest>

using namespace roofline;

namespace {

MeasurementSet runs_on(const char* device_name, const char* backend = "cuda")
{
    MeasurementSet set;
    set.meta["device"] = {{"backend", backend}, {"name", device_name}};
    set.source = "runs/today.json";
    return set;
}

} // namespace

class TestDeviceNotes : public QObject
{
    Q_OBJECT
private:
    HardwareRegistry registry_ = HardwareRegistry::presets();

private Q_SLOTS:
    void testRunsOnTheProfilesOwnDeviceSayNothing()
    {
        QVERIFY(!device_mismatch(runs_on("NVIDIA H100 80GB HBM3"), registry_.get("h100_sxm")));
        QVERIFY(!device_mismatch(runs_on("NVIDIA GB10"), registry_.get("gb10")));
        // A file that names no device: nothing to say.
        QVERIFY(!device_mismatch(MeasurementSet{}, registry_.get("h200")));
    }

    void testAnotherGpuIsSaidWithItsProfile()
    {
        const auto mismatch = device_mismatch(runs_on("NVIDIA H100 80GB HBM3"), registry_.get("h200"));
        QVERIFY(mismatch);
        QCOMPARE(QString::fromStdString(mismatch->device), QStringLiteral("NVIDIA H100 80GB HBM3"));
        QCOMPARE(QString::fromStdString(mismatch->matching_key), QStringLiteral("h100_sxm"));
        QVERIFY2(mismatch->message.find("measured on NVIDIA H100 80GB HBM3 and are predicted on h200") != std::string::npos,
                 mismatch->message.c_str());
        QVERIFY2(mismatch->message.find("--hardware h100_sxm") != std::string::npos, mismatch->message.c_str());
        // The plan's b10 for runs on a GB10: the GB10's own profile is gb10.
        const auto spark = device_mismatch(runs_on("NVIDIA GB10"), registry_.get("b10"));
        QVERIFY(spark);
        QCOMPARE(QString::fromStdString(spark->matching_key), QStringLiteral("gb10"));
    }

    void testAnUnknownGpuSaysHowToGetAProfile()
    {
        const auto mismatch = device_mismatch(runs_on("NVIDIA GeForce GTX 480"), registry_.get("h200"));
        QVERIFY(mismatch);
        QVERIFY(mismatch->matching_key.empty());
        QVERIFY2(mismatch->message.find("No profile matches NVIDIA GeForce GTX 480") != std::string::npos, mismatch->message.c_str());
        QVERIFY2(mismatch->message.find("roofline ceilings --save-profile") != std::string::npos, mismatch->message.c_str());
    }

    void testACalibrationOfTheDeviceIsItsProfile()
    {
        HardwareSpec mine = registry_.get("h200");
        mine.key = "my_gpu";
        mine.calibration = {{"device", "NVIDIA GeForce GTX 480"}};
        QVERIFY(!device_mismatch(runs_on("NVIDIA GeForce GTX 480"), mine));
        HardwareSpec based = registry_.get("h200");
        based.key = "h100_sxm_calibrated";
        based.calibration = {{"base", "h100_sxm"}, {"device", "renamed"}};
        QVERIFY(!device_mismatch(runs_on("NVIDIA H100 80GB HBM3"), based));
    }

    void testTheFitsOwnRowsAreSaid()
    {
        // h200's calibration lists the files it was fitted on.
        MeasurementSet llm = runs_on("NVIDIA H200");
        llm.source = "resources/measurements/h200_llm.json";
        const auto fitted = fitted_on_these_rows(llm, registry_.get("h200"));
        QVERIFY(fitted);
        QVERIFY2(fitted->find("not a held-out check") != std::string::npos, fitted->c_str());
        llm.source = "resources/measurements/h200_workload_shapes.json"; // held out from its calibration
        QVERIFY(!fitted_on_these_rows(llm, registry_.get("h200")));
        // The plan's seed rows on the plan's b10.
        const MeasurementSet seed = load_measurements(std::string(ROOFLINE_TEST_DATA_DIR) + "/gb10_seed_measurements.json");
        const auto plan = fitted_on_these_rows(seed, registry_.get("b10"));
        QVERIFY(plan);
        QVERIFY2(plan->find("b10's efficiencies are the plan's, fitted to these very rows") != std::string::npos, plan->c_str());
        QVERIFY(!fitted_on_these_rows(seed, registry_.get("gb10")));
    }
};

QTEST_GUILESS_MAIN(TestDeviceNotes)
#include "tst_device_notes.moc"
