#include "benchmark/benchmarkresultsmodel.h"
#include "validation/calibrationmodel.h"
#include "shared/hardwarecombobox.h"
#include "shared/precisioncolors.h"
#include "validation/validationmodel.h"

#include "testutils.h"

#include "roofline/calibration/calibration.h"
#include "roofline/hardware/hardware_registry.h"

#include <QAbstractItemModelTester>
#include <QBrush>
#include <QFont>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QTest>

class TestModels : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { testutils::isolateSettings(); }

    void testValidationModel()
    {
        ValidationModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSortFilterProxyModel proxy;
        proxy.setSourceModel(&model);
        proxy.setSortRole(ValidationModel::SortRole);
        QAbstractItemModelTester proxyTester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(model.columnCount(), int(ValidationModel::ColumnCount));
        QCOMPARE(model.rowCount(), 0);

        const auto registry = roofline::HardwareRegistry::presets();
        roofline::MeasurementSet set = roofline::load_measurements(testutils::seedFile().toStdString());
        model.setReport(roofline::validate(*registry.find("b10"), set, roofline::Mode::Realistic));
        QCOMPARE(model.rowCount(), 5);
        for (int column = 0; column < ValidationModel::ColumnCount; ++column) {
            QVERIFY(!model.headerData(column, Qt::Horizontal).toString().isEmpty());
            proxy.sort(column, Qt::DescendingOrder);
        }
        // Every role on every cell, the tester checks the types.
        for (int row = 0; row < model.rowCount(); ++row) {
            for (int column = 0; column < model.columnCount(); ++column) {
                const QModelIndex index = model.index(row, column);
                for (int role : {int(Qt::DisplayRole), int(Qt::ToolTipRole), int(Qt::BackgroundRole), int(Qt::ForegroundRole),
                                 int(Qt::TextAlignmentRole), int(ValidationModel::SortRole), int(ValidationModel::BandRole),
                                 int(ValidationModel::RowIndexRole), int(ValidationModel::ComparedRole)})
                    model.data(index, role);
            }
        }
        model.setReport(roofline::validate(*registry.find("h100_sxm"), set, roofline::Mode::Ideal));
        QCOMPARE(model.rowCount(), 5);
        model.clear();
        QCOMPARE(model.rowCount(), 0);
    }

    void testBenchmarkResultsModel()
    {
        BenchmarkResultsModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSortFilterProxyModel proxy;
        proxy.setSourceModel(&model);
        proxy.setSortRole(BenchmarkResultsModel::SortRole);
        proxy.sort(BenchmarkResultsModel::MedianColumn);
        QAbstractItemModelTester proxyTester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);

        roofline::BenchPlan plan;
        plan.cases = {{roofline::GemvShape{64, 64}, roofline::Precision::FP32},
                      {roofline::GemmShape{32, 32, 32}, roofline::Precision::FP16},
                      {roofline::GemmShape{64, 64, 64}, roofline::Precision::FP32}};
        model.setPlan(plan);
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(model.index(0, BenchmarkResultsModel::StatusColumn).data().toString(), QStringLiteral("pending"));

        model.markStarted(0);
        QCOMPARE(model.index(0, BenchmarkResultsModel::StatusColumn).data().toString(), QStringLiteral("running…"));
        roofline::CaseOutcome ok;
        ok.index = 0;
        ok.total = 3;
        ok.bench_case = plan.cases[0];
        ok.measurement.shape = plan.cases[0].shape;
        ok.measurement.precision = plan.cases[0].precision;
        ok.measurement.measured_time_us = 3.5;
        ok.measurement.measured_tflops = 0.0023;
        ok.measurement.measured_bandwidth_gb_s = 4.7;
        ok.measurement.extra["samples"] = 100;
        ok.measurement.extra["algorithm"] = "cblas_sgemv";
        model.setOutcome(ok);
        QCOMPARE(model.index(0, BenchmarkResultsModel::StatusColumn).data().toString(), QStringLiteral("ok"));
        QCOMPARE(model.index(0, BenchmarkResultsModel::MedianColumn).data().toString(), QStringLiteral("3.5"));
        QCOMPARE(model.index(0, BenchmarkResultsModel::SamplesColumn).data().toInt(), 100);
        QCOMPARE(model.index(0, BenchmarkResultsModel::NoteColumn).data().toString(), QStringLiteral("cblas_sgemv"));
        QCOMPARE(model.index(0, BenchmarkResultsModel::NoteColumn).data(Qt::ToolTipRole).toString(), QStringLiteral("cblas_sgemv"));

        model.markStarted(1);
        roofline::CaseOutcome unsupported = ok;
        unsupported.index = 1;
        unsupported.bench_case = plan.cases[1];
        unsupported.measurement = {};
        unsupported.measurement.shape = plan.cases[1].shape;
        unsupported.measurement.precision = roofline::Precision::FP16;
        unsupported.measurement.status = roofline::RowStatus::Unsupported;
        unsupported.measurement.reason = "the CPU plugin runs FP64 and FP32";
        model.setOutcome(unsupported);
        QCOMPARE(model.index(1, BenchmarkResultsModel::StatusColumn).data().toString(), QStringLiteral("unsupported"));
        QCOMPARE(model.index(1, BenchmarkResultsModel::NoteColumn).data().toString(),
                 QStringLiteral("the CPU plugin runs FP64 and FP32"));
        QCOMPARE(model.finishedCount(), 2);

        model.markUnstartedNotRun();
        QCOMPARE(model.index(2, BenchmarkResultsModel::StatusColumn).data().toString(), QStringLiteral("not run"));
        for (int row = 0; row < model.rowCount(); ++row) {
            for (int column = 0; column < model.columnCount(); ++column) {
                const QModelIndex index = model.index(row, column);
                for (int role : {int(Qt::DisplayRole), int(Qt::ToolTipRole), int(Qt::BackgroundRole), int(Qt::ForegroundRole),
                                 int(Qt::TextAlignmentRole), int(BenchmarkResultsModel::SortRole), int(BenchmarkResultsModel::StateRole)})
                    model.data(index, role);
            }
        }
        model.setOutcome(ok); // a late outcome for a row that exists: updates it, no reset
        model.clear();
        QCOMPARE(model.rowCount(), 0);
        model.markStarted(5); // out of range: ignored
        QCOMPARE(model.rowCount(), 0);
    }

    // The calibrated columns: empty without a calibrated report, the calibrated refined prediction with one.
    void testValidationModelCalibrated()
    {
        ValidationModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        const auto registry = roofline::HardwareRegistry::presets();
        const roofline::HardwareSpec& base = *registry.find("h100_pcie");
        const roofline::MeasurementSet set =
            roofline::load_measurements(ROOFLINE_SOURCE_DIR "/resources/measurements/h100_default.json");
        roofline::CalibrationOptions options;
        options.key = "h100_pcie_calibrated";
        const roofline::HardwareSpec calibrated = roofline::calibrate(base, set, nullptr, options).profile;

        model.setReport(roofline::validate(base, set, roofline::Mode::Realistic));
        QVERIFY(!model.calibratedReport());
        QCOMPARE(model.index(0, ValidationModel::CalibratedColumn).data().toString(), QStringLiteral("—"));
        QVERIFY(!model.index(0, ValidationModel::CalibratedErrorColumn).data(ValidationModel::CalibratedBandRole).isValid());
        QCOMPARE(model.headerData(ValidationModel::PredictedColumn, Qt::Horizontal).toString(), QStringLiteral("Predicted µs"));

        const roofline::ValidationReport cal = roofline::validate(calibrated, set, roofline::Mode::Refined);
        model.setReport(roofline::validate(base, set, roofline::Mode::Realistic), cal);
        QVERIFY(model.calibratedReport());
        QVERIFY(model.headerData(ValidationModel::PredictedColumn, Qt::Horizontal).toString().startsWith(QStringLiteral("Datasheet")));
        int compared = 0;
        for (int row = 0; row < model.rowCount(); ++row) {
            const roofline::ValidationRow& r = cal.rows[static_cast<std::size_t>(row)];
            if (!r.compared())
                continue;
            ++compared;
            QCOMPARE(model.index(row, ValidationModel::CalibratedColumn).data(ValidationModel::SortRole).toDouble(),
                     r.prediction->predicted_time_us);
            QCOMPARE(model.index(row, ValidationModel::CalibratedErrorColumn).data().toString(), QString::asprintf("%+.1f", r.error_pct));
            // The calibrated cells take their own band's colour, the others the datasheet's.
            QCOMPARE(model.index(row, ValidationModel::CalibratedErrorColumn).data(Qt::BackgroundRole).value<QBrush>().color(),
                     bandBackground(static_cast<int>(r.band)));
            const roofline::ValidationRow& d = model.report().rows[static_cast<std::size_t>(row)];
            QCOMPARE(model.index(row, ValidationModel::ErrorColumn).data(Qt::BackgroundRole).value<QBrush>().color(),
                     bandBackground(static_cast<int>(d.band)));
            QVERIFY(model.index(row, ValidationModel::CalibratedColumn).data(Qt::ToolTipRole).toString().contains(QStringLiteral("math")));
        }
        QVERIFY(compared > 0);
        for (int row = 0; row < model.rowCount(); ++row) {
            for (int column = 0; column < model.columnCount(); ++column) {
                for (int role : {int(Qt::DisplayRole), int(Qt::ToolTipRole), int(Qt::BackgroundRole), int(Qt::ForegroundRole),
                                 int(ValidationModel::SortRole), int(ValidationModel::CalibratedBandRole)})
                    model.data(model.index(row, column), role);
            }
        }
        // A report of other rows is not paired with these.
        roofline::MeasurementSet fewer = set;
        fewer.rows.pop_back();
        model.setReport(roofline::validate(base, set, roofline::Mode::Realistic), roofline::validate(calibrated, fewer, roofline::Mode::Refined));
        QVERIFY(!model.calibratedReport());
    }

    void testComparisonModel()
    {
        CalibrationComparisonModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(model.rowCount(), 0);
        QCOMPARE(model.columnCount(), int(CalibrationComparisonModel::ColumnCount));
        QCOMPARE(model.bestRow(), -1);
        auto summary = [](std::vector<double> errors) { return roofline::summarize(errors); };
        model.setEntries({{QStringLiteral("Datasheet · ideal"), QStringLiteral("a"), summary({-40, 30, -5, 80})},
                          {QStringLiteral("Nothing compared"), QStringLiteral("b"), summary({})},
                          {QStringLiteral("Calibrated · refined"), QStringLiteral("c"), summary({-4, 3, 12, -31})}});
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(model.bestRow(), 2);
        QCOMPARE(model.index(2, CalibrationComparisonModel::MeanColumn).data().toString(), QStringLiteral("12.5"));
        QCOMPARE(model.index(2, CalibrationComparisonModel::MeanColumn).data(CalibrationComparisonModel::ValueRole).toDouble(), 12.5);
        QCOMPARE(model.index(0, CalibrationComparisonModel::MaxColumn).data().toString(), QStringLiteral("80"));
        QCOMPARE(model.index(2, CalibrationComparisonModel::GreenColumn).data().toString(), QStringLiteral("2"));
        QCOMPARE(model.index(2, CalibrationComparisonModel::YellowColumn).data().toString(), QStringLiteral("1"));
        QCOMPARE(model.index(2, CalibrationComparisonModel::RedColumn).data().toString(), QStringLiteral("1"));
        QCOMPARE(model.index(0, CalibrationComparisonModel::RowsColumn).data().toString(), QStringLiteral("4"));
        QCOMPARE(model.index(1, CalibrationComparisonModel::MeanColumn).data().toString(), QStringLiteral("—"));
        QVERIFY(!model.index(1, CalibrationComparisonModel::MeanColumn).data(CalibrationComparisonModel::ValueRole).isValid());
        QVERIFY(model.index(2, 0).data(CalibrationComparisonModel::BestRole).toBool());
        QVERIFY(model.index(2, 0).data(Qt::FontRole).value<QFont>().bold());
        QVERIFY(!model.index(0, 0).data(CalibrationComparisonModel::BestRole).toBool());
        QCOMPARE(model.index(0, 0).data(Qt::ToolTipRole).toString(), QStringLiteral("a"));
        QCOMPARE(model.index(0, CalibrationComparisonModel::GreenColumn).data(Qt::BackgroundRole).value<QBrush>().color(),
                 bandBackground(static_cast<int>(roofline::Band::Green)));
        for (int column = 0; column < model.columnCount(); ++column) {
            QVERIFY(!model.headerData(column, Qt::Horizontal).toString().isEmpty());
            for (int row = 0; row < model.rowCount(); ++row) {
                for (int role : {int(Qt::DisplayRole), int(Qt::ToolTipRole), int(Qt::BackgroundRole), int(Qt::ForegroundRole),
                                 int(Qt::TextAlignmentRole), int(Qt::FontRole), int(CalibrationComparisonModel::ValueRole)})
                    model.data(model.index(row, column), role);
            }
        }
        model.clear();
        QCOMPARE(model.rowCount(), 0);
    }

    // A reloaded list keeps its selection, and says so only when what is selected changed.
    void testHardwareComboBoxReload()
    {
        auto presets = std::make_shared<const roofline::HardwareRegistry>(roofline::HardwareRegistry::presets());
        HardwareComboBox box(presets);
        QVERIFY(box.setCurrentKey(QStringLiteral("h100_pcie")));
        QSignalSpy changed(&box, &HardwareComboBox::hardwareChanged);
        const int before = box.count();

        auto withUser = std::make_shared<roofline::HardwareRegistry>(*presets);
        roofline::HardwareSpec user = *presets->find("h100_pcie");
        user.key = "h100_pcie_calibrated";
        user.name = "NVIDIA H100 PCIe 80GB (calibrated)";
        user.origin = "/tmp/h100_pcie_calibrated.json";
        withUser->add(user);
        box.setRegistry(withUser);
        QCOMPARE(box.count(), before + 2); // a separator, then the user profile
        QCOMPARE(box.currentKey(), QStringLiteral("h100_pcie"));
        QCOMPARE(changed.count(), 0);
        const int index = box.findData(QStringLiteral("h100_pcie_calibrated"));
        QVERIFY(index > 0);
        QVERIFY(box.itemText(index).contains(QStringLiteral("(user profile)")));
        QVERIFY(box.setCurrentKey(QStringLiteral("h100_pcie_calibrated")));
        QCOMPARE(changed.count(), 1);

        // The selected profile changed on disk: the box says so, with the same key.
        auto changedUser = std::make_shared<roofline::HardwareRegistry>(*presets);
        user.launch_overhead_us += 1;
        changedUser->add(user);
        box.setRegistry(changedUser);
        QCOMPARE(changed.count(), 2);
        QCOMPARE(changed.last().at(0).toString(), QStringLiteral("h100_pcie_calibrated"));
        QCOMPARE(box.currentSpec()->launch_overhead_us, user.launch_overhead_us);
        // Gone: the first profile is selected, and the box says so.
        box.setRegistry(presets);
        QCOMPARE(changed.count(), 3);
        QCOMPARE(box.currentIndex(), 0);
        QCOMPARE(box.count(), before);
    }
};

QTEST_MAIN(TestModels)
#include "tst_models.moc"
