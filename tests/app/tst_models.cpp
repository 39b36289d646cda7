#include "benchmarkresultsmodel.h"
#include "validationmodel.h"

#include "testutils.h"

#include "roofline/hardware_registry.h"

#include <QAbstractItemModelTester>
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
};

QTEST_MAIN(TestModels)
#include "tst_models.moc"
