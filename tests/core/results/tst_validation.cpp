#include "roofline/hardware/hardware_registry.h"
#include "roofline/results/validation.h"

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
            QVERIFY(row.prediction);
            QCOMPARE(row.prediction->mode, Mode::Realistic);
            QCOMPARE(row.error_pct, (row.prediction->predicted_time_us - row.measurement.measured_time_us) / row.measurement.measured_time_us * 100);
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
        QVERIFY(!report.rows[1].prediction);
        QVERIFY(!report.prediction_in(report.rows[1], Mode::Realistic));
        QCOMPARE(report.rows[2].reason, std::string("not measured: unsupported (INT4 is not run by cuBLASLt)"));
        QCOMPARE(report.per_group.size(), std::size_t(1));
        QCOMPARE(report.per_group.begin()->first, std::make_pair(KernelType::GEMM, Precision::BF16));
    }

    // A report keeps its own mode's predictions; the others, worked out when asked, are what a report in that
    // mode holds (Refined with the report's terms and each row's cache mode).
    void testOtherModesWorkedOutWhenAsked()
    {
        MeasurementSet set;
        set.rows.push_back(measured(GemmShape{4096, 4096, 4096}, Precision::FP16, 900));
        Measurement warm = measured(GemmShape{1024, 1024, 1024}, Precision::BF16, 40);
        warm.cache_mode = "warm";
        set.rows.push_back(warm);
        set.rows.push_back(measured(GemvShape{8192, 8192}, Precision::BF16, 60));
        set.rows.push_back(measured(GemmShape{64, 64, 64}, Precision::FP16, 9));
        const HardwareSpec& h100 = registry_.get("h100_sxm");
        ModelTerms terms;
        terms.launch_floor = false;

        for (Mode own : {Mode::Ideal, Mode::Realistic, Mode::Refined}) {
            const ValidationReport report = validate(h100, set, own, terms);
            const ValidationReport copy = report;
            for (Mode in : {Mode::Ideal, Mode::Realistic, Mode::Refined}) {
                const ValidationReport expected = validate(h100, set, in, terms);
                for (std::size_t i = 0; i < set.rows.size(); ++i) {
                    const auto p = report.prediction_in(report.rows[i], in);
                    QVERIFY(p);
                    QCOMPARE(p->mode, in);
                    QCOMPARE(p->predicted_time_us, expected.rows[i].prediction->predicted_time_us);
                    QCOMPARE(p->l2_resident, expected.rows[i].prediction->l2_resident);
                    if (in == own) {
                        QCOMPARE(p.get(), report.rows[i].prediction.get());
                        QCOMPARE(copy.rows[i].prediction.get(), p.get()); // a copy shares the predictions
                    }
                }
            }
        }
        // The warm row streams from L2 in Refined mode only with its own cache mode.
        const ValidationReport realistic = validate(h100, set, Mode::Realistic);
        QVERIFY(realistic.prediction_in(realistic.rows[1], Mode::Refined)->l2_resident);
        QVERIFY(!realistic.prediction_in(realistic.rows[0], Mode::Refined)->l2_resident);
        QVERIFY(!ValidationReport{}.prediction_in(realistic.rows[0], Mode::Ideal));
    }
};

QTEST_APPLESS_MAIN(TestValidation)
#include "tst_validation.moc"
