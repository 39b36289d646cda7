#include "roofline/hardware_registry.h"
#include "roofline/validation.h"

#include <QtTest>

using namespace roofline;

namespace {

Measurement measured(KernelShape shape, Precision precision, double time_us)
{
    Measurement m;
    m.shape = shape;
    m.precision = precision;
    m.measured_time_us = time_us;
    return m;
}

} // namespace

class TestValidation : public QObject {
    Q_OBJECT

    HardwareRegistry registry_ = HardwareRegistry::presets();

private slots:
    // The plan's measurements on the plan's GB10 spec must all come out green.
    void testSeedMeasurementsAreGreen()
    {
        const MeasurementSet set = load_measurements(ROOFLINE_TEST_DATA_DIR "/gb10_seed_measurements.json");
        const ValidationReport report = validate(registry_.get("b10"), set, Mode::Realistic);
        QCOMPARE(report.rows.size(), std::size_t(5));
        QCOMPARE(report.summary.count, std::size_t(5));
        QCOMPARE(report.summary.green, std::size_t(5));
        QCOMPARE(report.not_compared, std::size_t(0));
        QVERIFY(report.summary.max_abs_error_pct < 1.0);
        for (const auto& row : report.rows) {
            QCOMPARE(row.band, Band::Green);
            QVERIFY(row.ideal && row.realistic);
            QCOMPARE(row.error_pct, (row.realistic->predicted_time_us - row.measurement.measured_time_us) / row.measurement.measured_time_us * 100);
        }
        QCOMPARE(report.per_group.size(), std::size_t(5));
        // The same file against the pure roofline: far off, as the plan found before efficiency factors.
        const ValidationReport ideal = validate(registry_.get("b10"), set, Mode::Ideal);
        QVERIFY(ideal.summary.red >= 3);
        QVERIFY(ideal.summary.mean_abs_error_pct > 25);
    }

    void testBands_data()
    {
        QTest::addColumn<double>("abs_error_pct");
        QTest::addColumn<int>("band");
        QTest::newRow("0") << 0.0 << int(Band::Green);
        QTest::newRow("9.99") << 9.99 << int(Band::Green);
        QTest::newRow("10") << 10.0 << int(Band::Yellow);
        QTest::newRow("25") << 25.0 << int(Band::Yellow);
        QTest::newRow("25.01") << 25.01 << int(Band::Red);
        QTest::newRow("300") << 300.0 << int(Band::Red);
    }
    void testBands()
    {
        QFETCH(double, abs_error_pct);
        QFETCH(int, band);
        QCOMPARE(int(band_of(abs_error_pct)), band);
    }

    void testSummary()
    {
        const ErrorSummary s = summarize({-5, 12, 30, 1});
        QCOMPARE(s.count, std::size_t(4));
        QCOMPARE(s.mean_abs_error_pct, 12.0);
        QCOMPARE(s.median_abs_error_pct, 8.5);
        QCOMPARE(s.max_abs_error_pct, 30.0);
        QCOMPARE(s.mean_signed_error_pct, 9.5);
        QCOMPARE(s.green, std::size_t(2));
        QCOMPARE(s.yellow, std::size_t(1));
        QCOMPARE(s.red, std::size_t(1));
        QCOMPARE(summarize({7}).median_abs_error_pct, 7.0);
        QCOMPARE(summarize({}).count, std::size_t(0));
    }

    // A row that cannot be predicted, or was not measured, is listed with its reason, never dropped.
    void testRowsWithReasons()
    {
        MeasurementSet set;
        set.source = "mixed";
        const HardwareSpec& h100 = registry_.get("h100_sxm");
        // Exactly 20 % slower than the ideal prediction: error -16.67 %, yellow.
        const double ideal_us = predict(h100, GemmShape{8192, 8192, 8192}, Precision::BF16, Mode::Ideal).predicted_time_us;
        set.rows.push_back(measured(GemmShape{8192, 8192, 8192}, Precision::BF16, ideal_us * 1.2));
        set.rows.push_back(measured(GemmShape{1024, 1024, 1024}, Precision::NVFP4, 50)); // no NVFP4 on H100
        Measurement unsupported = measured(GemvShape{4096, 4096}, Precision::INT4, 0);
        unsupported.status = RowStatus::Unsupported;
        unsupported.reason = "INT4 is not run by cuBLASLt";
        set.rows.push_back(unsupported);

        const ValidationReport report = validate(h100, set, Mode::Ideal);
        QCOMPARE(report.rows.size(), std::size_t(3));
        QCOMPARE(report.summary.count, std::size_t(1));
        QCOMPARE(report.not_compared, std::size_t(2));
        QVERIFY(report.rows[0].compared());
        QCOMPARE(qRound(report.rows[0].error_pct * 100), -1667);
        QCOMPARE(report.rows[0].band, Band::Yellow);
        QCOMPARE(report.rows[1].reason, std::string("cannot predict: h100_sxm has no NVFP4 peak"));
        QVERIFY(!report.rows[1].realistic);
        QCOMPARE(report.rows[2].reason, std::string("not measured: unsupported (INT4 is not run by cuBLASLt)"));
        QCOMPARE(report.per_group.size(), std::size_t(1));
        QCOMPARE(report.per_group.begin()->first, std::make_pair(KernelType::GEMM, Precision::BF16));
    }
};

QTEST_APPLESS_MAIN(TestValidation)
#include "tst_validation.moc"
