#include "hardwarecombobox.h"
#include "precisioncolors.h"
#include "rooflinechart.h"
#include "validationmodel.h"
#include "validationtab.h"

#include "testutils.h"

#include <QComboBox>
#include <QItemSelectionModel>
#include <QLabel>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

class TestValidationTab : public QObject
{
    Q_OBJECT
private:
    std::shared_ptr<const roofline::HardwareRegistry> m_registry;

    // The seed file on b10, realistic, validated through the button.
    void loadSeed(ValidationTab& tab)
    {
        QVERIFY(tab.openFile(testutils::seedFile()));
        QVERIFY(tab.hardwareBox()->setCurrentKey(QStringLiteral("b10")));
        tab.modeBox()->setCurrentIndex(tab.modeBox()->findData(static_cast<int>(roofline::Mode::Realistic)));
        QTest::mouseClick(tab.validateButton(), Qt::LeftButton);
        QVERIFY2(tab.lastError().isEmpty(), qPrintable(tab.lastError()));
    }

private Q_SLOTS:
    void initTestCase()
    {
        testutils::isolateSettings();
        m_registry = std::make_shared<const roofline::HardwareRegistry>(roofline::HardwareRegistry::presets());
    }

    void testSeedOnB10IsAllGreen()
    {
        ValidationTab tab(m_registry);
        loadSeed(tab);
        ValidationModel* model = tab.model();
        QCOMPARE(model->rowCount(), 5);
        for (int row = 0; row < model->rowCount(); ++row) {
            const QModelIndex index = model->index(row, ValidationModel::ErrorColumn);
            QCOMPARE(index.data(ValidationModel::BandRole).toInt(), static_cast<int>(roofline::Band::Green));
            QCOMPARE(index.data(Qt::BackgroundRole).value<QBrush>().color(), bandBackground(static_cast<int>(roofline::Band::Green)));
            QVERIFY(std::fabs(index.data(ValidationModel::SortRole).toDouble()) < 10);
        }
        QCOMPARE(model->index(0, ValidationModel::KernelColumn).data().toString(), QStringLiteral("gemv"));
        QCOMPARE(model->index(0, ValidationModel::ShapeColumn).data().toString(), QStringLiteral("4096x4096"));
        QCOMPARE(model->index(0, ValidationModel::PrecisionColumn).data().toString(), QStringLiteral("FP16"));
        QCOMPARE(model->index(0, ValidationModel::MeasuredColumn).data().toString(), QStringLiteral("203.4"));
        QCOMPARE(model->index(2, ValidationModel::BottleneckColumn).data().toString(), QStringLiteral("compute"));
        QCOMPARE(model->headerData(ValidationModel::ErrorColumn, Qt::Horizontal).toString(), QStringLiteral("Error %"));

        const QString summary = tab.findChild<QLabel*>(QStringLiteral("summary"))->text();
        QVERIFY2(summary.contains(QStringLiteral("5 green")), qPrintable(summary));
        QVERIFY(summary.contains(QStringLiteral("0 red")));
        QVERIFY(tab.summaryText().contains(QStringLiteral("median")));

        // Measured triangles over predicted circles, one pair per row.
        QCOMPARE(tab.chart()->points().size(), std::size_t(5));
        for (const ChartPoint& p : tab.chart()->points()) {
            QVERIFY(p.predicted_tflops.has_value());
            QVERIFY(p.measured_tflops.has_value());
        }
        QCOMPARE(tab.chart()->hardware()->key, std::string("b10"));
    }

    void testIdealModeIsWorse()
    {
        ValidationTab tab(m_registry);
        loadSeed(tab);
        const double realisticMax = tab.report().summary.max_abs_error_pct;
        tab.modeBox()->setCurrentIndex(tab.modeBox()->findData(static_cast<int>(roofline::Mode::Ideal)));
        QCOMPARE(tab.report().mode, roofline::Mode::Ideal); // re-validated on the change
        QVERIFY(tab.report().summary.max_abs_error_pct > realisticMax);
        QVERIFY(tab.report().summary.red > 0);
    }

    void testInvalidInputKeepsPrevious_data()
    {
        QTest::addColumn<QString>("json");
        QTest::addColumn<QStringList>("mentions");
        QTest::newRow("not JSON") << QStringLiteral("{\"benchmarks\": [\n  {\"kernel_type\": \"gemv\",,}\n]}")
                                  << QStringList{QStringLiteral("pasted text"), QStringLiteral("line 2")};
        QTest::newRow("shape arity")
            << QStringLiteral("{\"benchmarks\": [{\"kernel_type\": \"gemv\", \"shape\": [4096, 4096], \"precision\": \"FP16\", "
                              "\"measured_time_us\": 200}, {\"kernel_type\": \"gemm\", \"shape\": [4096, 4096], "
                              "\"precision\": \"FP16\", \"measured_time_us\": 1}]}")
            << QStringList{QStringLiteral("row 1"), QStringLiteral("field 'shape'")};
        QTest::newRow("unknown precision")
            << QStringLiteral("[{\"kernel_type\": \"gemv\", \"shape\": [8, 8], \"precision\": \"FP7\", \"measured_time_us\": 1}]")
            << QStringList{QStringLiteral("row 0"), QStringLiteral("field 'precision'"), QStringLiteral("FP7")};
        QTest::newRow("time as text")
            << QStringLiteral("[{\"kernel_type\": \"gemv\", \"shape\": [8, 8], \"precision\": \"FP16\", \"measured_time_us\": \"1\"}]")
            << QStringList{QStringLiteral("row 0"), QStringLiteral("field 'measured_time_us'")};
    }

    void testInvalidInputKeepsPrevious()
    {
        QFETCH(QString, json);
        QFETCH(QStringList, mentions);
        ValidationTab tab(m_registry);
        loadSeed(tab);
        const std::string csvBefore = tab.csv();

        tab.setPastedText(json);
        QCOMPARE(tab.source(), ValidationTab::Source::Pasted);
        QTest::mouseClick(tab.validateButton(), Qt::LeftButton);
        for (const QString& m : mentions)
            QVERIFY2(tab.lastError().contains(m), qPrintable(tab.lastError()));
        const QStringList shown = testutils::closeErrorBoxes(&tab);
        QCOMPARE(shown.size(), 1);
        QCOMPARE(shown.front(), tab.lastError());
        // What was shown before is still there.
        QCOMPARE(tab.model()->rowCount(), 5);
        QCOMPARE(tab.csv(), csvBefore);
        QCOMPARE(tab.chart()->points().size(), std::size_t(5));
    }

    void testInvalidFileKeepsPrevious()
    {
        ValidationTab tab(m_registry);
        loadSeed(tab);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("broken.json"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("{\n  \"benchmarks\": [\n    {\"kernel_type\": \"gemv\" \"shape\": [1, 2]}\n  ]\n}\n");
        file.close();
        QVERIFY(!tab.openFile(path));
        QVERIFY2(tab.lastError().contains(QStringLiteral("broken.json")), qPrintable(tab.lastError()));
        QVERIFY2(tab.lastError().contains(QStringLiteral("line 3")), qPrintable(tab.lastError()));
        testutils::closeErrorBoxes(&tab);
        // The file source still holds the seed: validating again gives the same table.
        QVERIFY(tab.validate());
        QCOMPARE(tab.model()->rowCount(), 5);
        QCOMPARE(tab.report().summary.green, std::size_t(5));
    }

    void testUnpredictableRowsShowReason()
    {
        ValidationTab tab(m_registry);
        tab.setPastedText(QStringLiteral(
            "{\"hardware_key\": \"a100_sxm\", \"benchmarks\": ["
            "{\"kernel_type\": \"gemm\", \"shape\": [4096, 4096, 4096], \"precision\": \"FP16\", \"measured_time_us\": 600},"
            "{\"kernel_type\": \"gemm\", \"shape\": [4096, 4096, 4096], \"precision\": \"FP8_E4M3\", \"measured_time_us\": 300},"
            "{\"kernel_type\": \"gemv\", \"shape\": [4096, 4096], \"precision\": \"FP16\", \"status\": \"unsupported\", \"reason\": \"no kernel\"}]}"));
        QVERIFY(tab.validate());
        QCOMPARE(tab.hardwareBox()->currentKey(), QStringLiteral("a100_sxm")); // taken from the pasted results
        QCOMPARE(tab.model()->rowCount(), 3); // never dropped
        const QModelIndex fp8 = tab.model()->index(1, ValidationModel::NoteColumn);
        QVERIFY2(fp8.data().toString().contains(QStringLiteral("FP8_E4M3")), qPrintable(fp8.data().toString()));
        QVERIFY(!fp8.data(ValidationModel::BandRole).isValid());
        QCOMPARE(tab.model()->index(1, ValidationModel::ErrorColumn).data().toString(), QStringLiteral("—"));
        QVERIFY(tab.model()->index(2, ValidationModel::NoteColumn).data().toString().contains(QStringLiteral("no kernel")));
        QVERIFY2(tab.summaryText().contains(QStringLiteral("2 rows not compared")), qPrintable(tab.summaryText()));
    }

    void testSorting_data()
    {
        QTest::addColumn<int>("column");
        QTest::newRow("predicted") << int(ValidationModel::PredictedColumn);
        QTest::newRow("measured") << int(ValidationModel::MeasuredColumn);
        QTest::newRow("error") << int(ValidationModel::ErrorColumn);
    }

    void testSorting()
    {
        QFETCH(int, column);
        ValidationTab tab(m_registry);
        loadSeed(tab);
        tab.table()->sortByColumn(column, Qt::AscendingOrder);
        const QAbstractItemModel* proxy = tab.table()->model();
        for (int row = 1; row < proxy->rowCount(); ++row) {
            QVERIFY(proxy->index(row - 1, column).data(ValidationModel::SortRole).toDouble()
                    <= proxy->index(row, column).data(ValidationModel::SortRole).toDouble());
        }
    }

    void testRowSelectionHighlightsPoints()
    {
        ValidationTab tab(m_registry);
        loadSeed(tab);
        tab.table()->sortByColumn(ValidationModel::MeasuredColumn, Qt::DescendingOrder);
        tab.table()->selectRow(0); // the slowest: GEMM FP16, row 2 of the file
        QCOMPARE(tab.chart()->highlightedIds(), QSet<int>{2});
        QCOMPARE(tab.chart()->selectedPrecision(), std::optional(roofline::Precision::FP16));

        // Clicking a point on the chart selects its row.
        Q_EMIT tab.chart()->pointActivated(3);
        QCOMPARE(tab.chart()->highlightedIds(), QSet<int>{3});
        const QModelIndexList selected = tab.table()->selectionModel()->selectedRows();
        QCOMPARE(selected.size(), 1);
        QCOMPARE(selected.front().data(ValidationModel::RowIndexRole).toInt(), 3);
    }

    void testLastRunSource()
    {
        ValidationTab tab(m_registry);
        roofline::MeasurementSet run = roofline::load_measurements(testutils::seedFile().toStdString());
        run.source = "run-test.json";
        tab.setLastRun(run);
        QCOMPARE(tab.source(), ValidationTab::Source::LastRun);
        QVERIFY(tab.validate());
        QCOMPARE(tab.report().summary.green, std::size_t(5));
    }
};

QTEST_MAIN(TestValidationTab)
#include "tst_validationtab.moc"
