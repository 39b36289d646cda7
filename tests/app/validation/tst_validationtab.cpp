#include "validation/calibratedialog.h"
#include "validation/calibrationmodel.h"
#include "shared/hardwarecombobox.h"
#include "shared/precisioncolors.h"
#include "shared/rooflinechart.h"
#include "validation/validationmodel.h"
#include "validation/validationtab.h"

#include "shared/settings.h"
#include "testutils.h"

#include "roofline/calibration/ceilings.h"
#include "roofline/results/reports.h"

#include <QAbstractItemModelTester>
#include <QAbstractSeries>
#include <QChart>
#include <QCheckBox>
#include <QComboBox>
#include <QFileInfo>
#include <QHeaderView>
#include <QLineEdit>
#include <QMenu>
#include <QSignalSpy>
#include <QToolButton>
#include <QItemSelectionModel>
#include <QLabel>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QApplication>

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

    static QString measurements(const char* name)
    {
        return QStringLiteral(ROOFLINE_SOURCE_DIR "/resources/measurements/") + QString::fromLatin1(name);
    }
    static QStringList h100Runs()
    {
        return {measurements("h100_extended_cold.json"), measurements("h100_l2_warm.json")};
    }
    // Where the app must save a user profile: the data folder ctest gives this test, not the user's.
    static QString userProfile(const QString& key)
    {
        return QString::fromLocal8Bit(qgetenv("ROOFLINE_LAB_DATA_DIR")) + QStringLiteral("/hardware/") + key + QStringLiteral(".json");
    }
    static QByteArray contents(const QString& path)
    {
        QFile f(path);
        return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
    }
    static QString writeTemp(QTemporaryDir& dir, const QString& name, const QByteArray& text)
    {
        const QString path = dir.filePath(name);
        QFile f(path);
        if (f.open(QIODevice::WriteOnly))
            f.write(text);
        return path;
    }

    // The H100 runs validated on `key` (realistic), ready to calibrate.
    void loadH100(ValidationTab& tab, const QString& key, const QStringList& files = h100Runs())
    {
        QVERIFY(tab.openFiles(files));
        QVERIFY(tab.hardwareBox()->setCurrentKey(key));
        tab.modeBox()->setCurrentIndex(tab.modeBox()->findData(static_cast<int>(roofline::Mode::Realistic)));
        QVERIFY(tab.validate());
        QCOMPARE(tab.report().hardware_key, key.toStdString());
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
        // b10 was fitted to these rows, and the tab says so.
        const QLabel* note = tab.findChild<QLabel*>(QStringLiteral("deviceNote"));
        QVERIFY(note && !note->isHidden());
        QVERIFY2(note->text().contains(QStringLiteral("fitted to these very rows")), qPrintable(note->text()));
    }

    void testAnotherDevicesRunsAreSaidWithTheSwitch()
    {
        ValidationTab tab(m_registry);
        QVERIFY(tab.openFile(measurements("h100_extended_cold.json")));
        QVERIFY(tab.hardwareBox()->setCurrentKey(QStringLiteral("h200")));
        QTest::mouseClick(tab.validateButton(), Qt::LeftButton);
        QVERIFY2(tab.lastError().isEmpty(), qPrintable(tab.lastError()));
        QLabel* note = tab.findChild<QLabel*>(QStringLiteral("deviceNote"));
        QVERIFY(note && !note->isHidden());
        QVERIFY2(note->text().contains(QStringLiteral("Measured on NVIDIA H100 80GB HBM3, predicted on h200")), qPrintable(note->text()));
        QVERIFY(note->toolTip().contains(QStringLiteral("--hardware h100_sxm")));
        QVERIFY(note->text().contains(QStringLiteral("Switch to h100_sxm")));
        // The one-click fix: the link switches to the device's own profile, and the note goes.
        Q_EMIT note->linkActivated(QStringLiteral("profile:h100_sxm"));
        QCOMPARE(tab.hardwareBox()->currentKey(), QStringLiteral("h100_sxm"));
        QTest::mouseClick(tab.validateButton(), Qt::LeftButton);
        QVERIFY2(!note->text().contains(QStringLiteral("predicted on")), qPrintable(note->text()));
        // What stays: h100_sxm was fitted on this very file.
        QVERIFY2(note->text().contains(QStringLiteral("h100_sxm was fitted on this file's rows")), qPrintable(note->text()));
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

    void testTwoFilesAreOneSet()
    {
        ValidationTab tab(m_registry);
        loadH100(tab, QStringLiteral("h100_sxm"));
        const auto cold = roofline::load_measurements(measurements("h100_extended_cold.json").toStdString());
        const auto warm = roofline::load_measurements(measurements("h100_l2_warm.json").toStdString());
        QCOMPARE(tab.model()->rowCount(), static_cast<int>(cold.rows.size() + warm.rows.size()));
        QVERIFY2(tab.summaryText().contains(QStringLiteral("h100_extended_cold.json + h100_l2_warm.json")), qPrintable(tab.summaryText()));
    }

    // The brief's flow: the H100 runs on a profile that was not fitted to them, calibrated in the tab.
    void testCalibrate_data()
    {
        QTest::addColumn<QString>("base");
        QTest::addColumn<QStringList>("files");
        QTest::addColumn<bool>("withCeilings");
        QTest::newRow("h100_pcie, cold + warm, ceilings") << QStringLiteral("h100_pcie") << h100Runs() << true;
        QTest::newRow("h100_pcie, cold, no ceilings")
            << QStringLiteral("h100_pcie") << QStringList{measurements("h100_extended_cold.json")} << false;
        QTest::newRow("b10, cold + warm, ceilings") << QStringLiteral("b10") << h100Runs() << true;
    }

    void testCalibrate()
    {
        QFETCH(QString, base);
        QFETCH(QStringList, files);
        QFETCH(bool, withCeilings);
        const QString key = base + QStringLiteral("_calibrated");
        const QString file = userProfile(key);
        QFile::remove(file);

        ValidationTab tab(m_registry);
        loadH100(tab, base, files);
        QVERIFY(!tab.hasCalibration());
        QVERIFY(tab.table()->isColumnHidden(ValidationModel::CalibratedColumn));
        QVERIFY(!tab.findChild<QWidget*>(QStringLiteral("comparisonPanel"))->isVisibleTo(&tab));
        QVERIFY(tab.calibrateButton()->isEnabled());
        const double idealMeanBefore = roofline::validate(*m_registry->find(base.toStdString()),
                                                          *tab.validatedInput(), roofline::Mode::Ideal).summary.mean_abs_error_pct;

        QSignalSpy saved(&tab, &ValidationTab::profileSaved);
        const QString ceilings = withCeilings ? measurements("h100_ceilings.json") : QString();
        QVERIFY2(tab.calibrate(ceilings), qPrintable(tab.lastError()));
        QVERIFY(testutils::closeErrorBoxes(&tab).isEmpty());
        QCOMPARE(saved.count(), 1);
        QCOMPARE(saved.at(0).at(0).toString(), key);
        QCOMPARE(QFileInfo(saved.at(0).at(1).toString()).canonicalFilePath(), QFileInfo(file).canonicalFilePath());

        // A user profile in the data folder, which the registry reads back as the one shown.
        QVERIFY2(QFileInfo::exists(file), qPrintable(file));
        roofline::HardwareRegistry reread = roofline::HardwareRegistry::presets();
        const roofline::HardwareSpec& loaded = reread.load_file(file.toStdString());
        const roofline::HardwareSpec& baseSpec = *m_registry->find(base.toStdString());
        QCOMPARE(loaded.key, key.toStdString());
        QCOMPARE(loaded.name, baseSpec.name + " (calibrated)");
        QCOMPARE(loaded.peak_bandwidth_gb_s, baseSpec.peak_bandwidth_gb_s); // the datasheet stays for ideal mode
        QVERIFY(!loaded.compute_efficiency.empty());
        QVERIFY(!loaded.calibration.empty());
        QCOMPARE(roofline::hardware_to_json(loaded), roofline::hardware_to_json(*tab.calibratedProfile()));
        if (withCeilings) {
            const roofline::MeasuredCeilings c = roofline::load_ceilings(ceilings.toStdString());
            QVERIFY(loaded.l2_bandwidth_gb_s.has_value());
            QVERIFY2(std::fabs(*loaded.l2_bandwidth_gb_s / *c.l2_read_gb_s - 1) < 1e-3, qPrintable(QString::number(*loaded.l2_bandwidth_gb_s)));
            QCOMPARE(QFileInfo(Settings::lastCeilingsFile()).canonicalFilePath(), QFileInfo(ceilings).canonicalFilePath());
            QCOMPARE(QFileInfo(Settings::lastFolder(Settings::Folder::Ceilings)).canonicalFilePath(),
                     QFileInfo(ceilings).absoluteDir().canonicalPath());
        }

        // The side-by-side table: four models on the same rows, the calibrated refined one beating the datasheet.
        CalibrationComparisonModel* cmp = tab.comparisonModel();
        QAbstractItemModelTester tester(cmp, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QVERIFY(tab.findChild<QWidget*>(QStringLiteral("comparisonPanel"))->isVisibleTo(&tab));
        QCOMPARE(cmp->rowCount(), 4);
        QCOMPARE(cmp->index(0, CalibrationComparisonModel::ModelColumn).data().toString(), QStringLiteral("Datasheet · ideal"));
        QCOMPARE(cmp->index(3, CalibrationComparisonModel::ModelColumn).data().toString(), QStringLiteral("Calibrated · refined"));
        auto mean = [cmp](int row) { return cmp->index(row, CalibrationComparisonModel::MeanColumn).data(CalibrationComparisonModel::ValueRole).toDouble(); };
        QVERIFY(qFuzzyCompare(mean(0), idealMeanBefore));
        QVERIFY2(mean(3) < mean(0), qPrintable(QStringLiteral("refined %1 %, ideal %2 %").arg(mean(3)).arg(mean(0))));
        if (base == QLatin1String("b10")) {
            // H100 runs on a GB10's datasheet: no prediction may beat the b10 roof the runs are far past, so neither
            // calibrated model explains them, and the tab says whose profile this is instead.
            const QLabel* note = tab.findChild<QLabel*>(QStringLiteral("deviceNote"));
            QVERIFY2(note && !note->isHidden() && note->text().contains(QStringLiteral("Switch to h100_sxm")),
                     qPrintable(note ? note->text() : QString()));
        } else {
            // The terms do better than one fitted factor per kernel × precision.
            QVERIFY2(mean(3) < mean(2), qPrintable(QStringLiteral("calibrated refined %1 %, calibrated realistic %2 %").arg(mean(3)).arg(mean(2))));
            QCOMPARE(cmp->bestRow(), 3);
        }
        const qulonglong compared = cmp->index(0, CalibrationComparisonModel::RowsColumn).data(CalibrationComparisonModel::ValueRole).toULongLong();
        QVERIFY(compared > 100);
        for (int row = 0; row < 4; ++row) {
            QCOMPARE(cmp->index(row, CalibrationComparisonModel::RowsColumn).data(CalibrationComparisonModel::ValueRole).toULongLong(), compared);
            qulonglong bands = 0;
            for (int column : {CalibrationComparisonModel::GreenColumn, CalibrationComparisonModel::YellowColumn, CalibrationComparisonModel::RedColumn})
                bands += cmp->index(row, column).data(CalibrationComparisonModel::ValueRole).toULongLong();
            QCOMPARE(bands, compared);
        }
        QCOMPARE(cmp->index(3, CalibrationComparisonModel::MeanColumn).data().toString(),
                 QString::fromStdString(roofline::format_number(mean(3), 1)));

        // The main table gains the calibrated prediction (refined on the new profile) beside the datasheet's.
        QVERIFY(!tab.table()->isColumnHidden(ValidationModel::CalibratedColumn));
        QVERIFY(!tab.table()->isColumnHidden(ValidationModel::CalibratedErrorColumn));
        QVERIFY(tab.model()->headerData(ValidationModel::CalibratedColumn, Qt::Horizontal).toString().startsWith(QStringLiteral("Calibrated")));
        const roofline::ValidationReport expected = roofline::validate(loaded, *tab.validatedInput(), roofline::Mode::Refined);
        int shown = 0;
        std::size_t predictable = 0;
        for (int row = 0; row < tab.model()->rowCount(); ++row) {
            const roofline::ValidationRow& r = expected.rows[static_cast<std::size_t>(row)];
            const QModelIndex cell = tab.model()->index(row, ValidationModel::CalibratedColumn);
            if (!r.prediction) {
                QCOMPARE(cell.data().toString(), QStringLiteral("—"));
                continue;
            }
            ++predictable;
            QCOMPARE(cell.data(ValidationModel::SortRole).toDouble(), r.prediction->predicted_time_us);
            if (r.compared()) {
                QCOMPARE(tab.model()->index(row, ValidationModel::CalibratedErrorColumn).data(ValidationModel::CalibratedBandRole).toInt(),
                         static_cast<int>(r.band));
                ++shown;
            }
        }
        QCOMPARE(static_cast<qulonglong>(shown), compared);

        // The chart: both predictions of each row, and a legend that names them.
        std::size_t both = 0;
        for (const ChartPoint& p : tab.chart()->points())
            both += p.predicted_tflops && p.calibrated_tflops ? 1 : 0;
        QCOMPARE(both, predictable); // measured or not: a row that was not run still has both predictions
        QVERIFY(predictable >= compared);
        QStringList legend;
        for (QAbstractSeries* series : tab.chart()->chart()->series())
            legend << series->name();
        QVERIFY2(legend.contains(QStringLiteral("Datasheet, realistic")), qPrintable(legend.join(QStringLiteral(" | "))));
        QVERIFY(legend.contains(QStringLiteral("Calibrated, refined")));
        QVERIFY(legend.contains(QStringLiteral("Measured")));

        // The hardware list offers the new profile; the datasheet stays selected.
        QVERIFY(tab.hardwareBox()->findData(key) >= 0);
        QCOMPARE(tab.hardwareBox()->currentKey(), base);
        QVERIFY(tab.summaryText().contains(QStringLiteral("Calibrated · refined: mean")));
    }

    void testCalibrationFollowsTheRows()
    {
        ValidationTab tab(m_registry);
        loadH100(tab, QStringLiteral("h100_pcie"));
        QVERIFY2(tab.calibrate(measurements("h100_ceilings.json")), qPrintable(tab.lastError()));
        const double refined = tab.comparisonModel()->entries().back().summary.mean_abs_error_pct;
        // Another mode for the datasheet keeps the comparison (its rows do not change).
        tab.modeBox()->setCurrentIndex(tab.modeBox()->findData(static_cast<int>(roofline::Mode::Ideal)));
        QCOMPARE(tab.report().mode, roofline::Mode::Ideal);
        QVERIFY(tab.hasCalibration());
        QCOMPARE(tab.comparisonModel()->entries().back().summary.mean_abs_error_pct, refined);
        QVERIFY(tab.model()->calibratedReport().has_value());
        // The exported CSV carries the calibrated prediction beside each row.
        QVERIFY(QString::fromStdString(tab.csv()).section(QStringLiteral("\r\n"), 0, 0).endsWith(QStringLiteral(",calibrated_band")));
        QVERIFY(QString::fromStdString(tab.csv()).contains(QStringLiteral("calibrated_profile,h100_pcie_calibrated")));
        // Validating the same rows again keeps it too.
        QVERIFY(tab.validate());
        QVERIFY(tab.hasCalibration());
        // Another datasheet drops it: the comparison is against the profile it started from.
        QVERIFY(tab.hardwareBox()->setCurrentKey(QStringLiteral("h100_sxm")));
        QVERIFY(!tab.hasCalibration());
        QVERIFY(!QString::fromStdString(tab.csv()).contains(QStringLiteral("calibrated")));
        QCOMPARE(tab.comparisonModel()->rowCount(), 0);
        QVERIFY(tab.table()->isColumnHidden(ValidationModel::CalibratedColumn));
        QVERIFY(!tab.findChild<QWidget*>(QStringLiteral("comparisonPanel"))->isVisibleTo(&tab));
        for (const ChartPoint& p : tab.chart()->points())
            QVERIFY(!p.calibrated_tflops);
        // As do other rows.
        QVERIFY(tab.hardwareBox()->setCurrentKey(QStringLiteral("h100_pcie")));
        QVERIFY(tab.calibrate());
        QVERIFY(tab.hasCalibration());
        QVERIFY(tab.openFile(testutils::seedFile()));
        QVERIFY(tab.hardwareBox()->setCurrentKey(QStringLiteral("h100_pcie")));
        QVERIFY(tab.validate());
        QVERIFY(!tab.hasCalibration());
    }

    void testBadCeilingsKeepState_data()
    {
        QTest::addColumn<QByteArray>("text"); // empty: a file that is not there
        QTest::addColumn<QString>("name");
        QTest::addColumn<QStringList>("mentions");
        QTest::newRow("missing") << QByteArray() << QStringLiteral("absent.json") << QStringList{QStringLiteral("absent.json")};
        QTest::newRow("not JSON") << QByteArray("{\n  \"l2_read_gb_s\": 6800,,\n}\n") << QStringLiteral("broken.json")
                                  << QStringList{QStringLiteral("broken.json"), QStringLiteral("line 2")};
        QTest::newRow("text for a number") << QByteArray("{\"l2_read_gb_s\": \"fast\"}") << QStringLiteral("text.json")
                                           << QStringList{QStringLiteral("text.json"), QStringLiteral("l2_read_gb_s")};
        QTest::newRow("unknown precision") << QByteArray("{\"peak_tflops\": {\"FP7\": 100}}") << QStringLiteral("fp7.json")
                                           << QStringList{QStringLiteral("fp7.json"), QStringLiteral("peak_tflops.FP7")};
        QTest::newRow("a results file") << contents(measurements("h100_default.json")) << QStringLiteral("results.json")
                                        << QStringList{QStringLiteral("results.json"), QStringLiteral("holds no ceiling")};
    }

    void testBadCeilingsKeepState()
    {
        QFETCH(QByteArray, text);
        QFETCH(QString, name);
        QFETCH(QStringList, mentions);
        QTemporaryDir dir;
        const QString bad = text.isEmpty() ? dir.filePath(name) : writeTemp(dir, name, text);

        ValidationTab tab(m_registry);
        loadH100(tab, QStringLiteral("h100_pcie"));
        QVERIFY2(tab.calibrate(), qPrintable(tab.lastError())); // without ceilings
        const QString file = userProfile(QStringLiteral("h100_pcie_calibrated"));
        const QByteArray savedBefore = contents(file);
        QVERIFY(!savedBefore.isEmpty());
        const std::string profileBefore = roofline::hardware_to_json(*tab.calibratedProfile());
        const double meanBefore = tab.comparisonModel()->entries().back().summary.mean_abs_error_pct;
        const QString cellBefore = tab.model()->index(0, ValidationModel::CalibratedColumn).data().toString();
        const QString lastCeilings = Settings::lastCeilingsFile();
        QSignalSpy saved(&tab, &ValidationTab::profileSaved);

        QVERIFY(!tab.calibrate(bad));
        for (const QString& m : mentions)
            QVERIFY2(tab.lastError().contains(m), qPrintable(tab.lastError()));
        const QStringList shown = testutils::closeErrorBoxes(&tab);
        QCOMPARE(shown.size(), 1);
        QCOMPARE(shown.front(), tab.lastError());
        // Nothing written, nothing shown changed, the bad file not remembered.
        QCOMPARE(saved.count(), 0);
        QCOMPARE(contents(file), savedBefore);
        QVERIFY(tab.hasCalibration());
        QCOMPARE(roofline::hardware_to_json(*tab.calibratedProfile()), profileBefore);
        QCOMPARE(tab.comparisonModel()->entries().back().summary.mean_abs_error_pct, meanBefore);
        QCOMPARE(tab.model()->index(0, ValidationModel::CalibratedColumn).data().toString(), cellBefore);
        QCOMPARE(Settings::lastCeilingsFile(), lastCeilings);
    }

    void testNothingToCalibrate()
    {
        const QString file = userProfile(QStringLiteral("h100_pcie_calibrated"));
        QFile::remove(file);
        ValidationTab tab(m_registry);
        // Rows the H100 PCIe cannot predict (no FP4 peak) or that were not measured.
        tab.setPastedText(QStringLiteral(
            "{\"hardware_key\": \"h100_pcie\", \"benchmarks\": ["
            "{\"kernel_type\": \"gemm\", \"shape\": [4096, 4096, 4096], \"precision\": \"NVFP4\", \"measured_time_us\": 100},"
            "{\"kernel_type\": \"gemv\", \"shape\": [4096, 4096], \"precision\": \"FP16\", \"status\": \"unsupported\", \"reason\": \"no kernel\"}]}"));
        QVERIFY(tab.validate());
        QCOMPARE(tab.hardwareBox()->currentKey(), QStringLiteral("h100_pcie"));
        QVERIFY(!tab.calibrate());
        QVERIFY2(tab.lastError().contains(QStringLiteral("h100_pcie")), qPrintable(tab.lastError()));
        QVERIFY2(tab.lastError().contains(QStringLiteral("nothing to calibrate")), qPrintable(tab.lastError()));
        QCOMPARE(testutils::closeErrorBoxes(&tab).size(), 1);
        QVERIFY(!QFileInfo::exists(file));
        QVERIFY(!tab.hasCalibration());
        QCOMPARE(tab.model()->rowCount(), 2);
        QVERIFY(tab.hardwareBox()->findData(QStringLiteral("h100_pcie_calibrated")) < 0);
    }

    void testCalibrateNeedsResults()
    {
        ValidationTab tab(m_registry);
        QVERIFY(!tab.calibrateButton()->isEnabled());
        QVERIFY(!tab.calibrateAction()->isEnabled());
        QVERIFY(!tab.calibrate());
        QVERIFY(tab.lastError().contains(QStringLiteral("Validate")));
        testutils::closeErrorBoxes(&tab);
    }

    void testCalibrateDialogOffersLastCeilings()
    {
        const QString ceilings = measurements("h100_ceilings.json");
        Settings::setLastCeilingsFile(ceilings);
        {
            CalibrateDialog dialog(QStringLiteral("what"));
            QVERIFY(dialog.useCeilingsBox()->isChecked());
            QCOMPARE(dialog.ceilingsFile(), ceilings);
            dialog.useCeilingsBox()->setChecked(false);
            QCOMPARE(dialog.ceilingsFile(), QString());
            QVERIFY(!dialog.ceilingsEdit()->isEnabled());
        }
        // A remembered file that is gone is not offered.
        Settings::setLastCeilingsFile(QStringLiteral("/nonexistent/ceilings.json"));
        CalibrateDialog dialog(QStringLiteral("what"));
        QVERIFY(!dialog.useCeilingsBox()->isChecked());
        QCOMPARE(dialog.ceilingsFile(), QString());
    }

    // Refined mode predicts each row in its own cache mode, with the terms chosen under the mode.
    void testRefinedTerms()
    {
        ValidationTab tab(m_registry);
        loadH100(tab, QStringLiteral("h100_sxm"), {measurements("h100_l2_warm.json")});
        QToolButton* terms = tab.termsButton();
        QVERIFY(!terms->isVisibleTo(&tab));
        tab.modeBox()->setCurrentIndex(tab.modeBox()->findData(static_cast<int>(roofline::Mode::Refined)));
        QCOMPARE(tab.report().mode, roofline::Mode::Refined);
        QVERIFY(terms->isVisibleTo(&tab));
        QCOMPARE(terms->text(), QStringLiteral("All 6 terms"));
        auto fromL2 = [&tab] {
            int n = 0;
            for (const roofline::ValidationRow& r : tab.report().rows)
                n += r.prediction && r.prediction->l2_resident ? 1 : 0;
            return n;
        };
        QVERIFY(fromL2() > 0); // warm rows that fit in L2 stream from it
        const double allTerms = tab.report().summary.mean_abs_error_pct;

        const QList<QAction*> actions = terms->menu()->actions();
        QCOMPARE(actions.size(), 6);
        actions[1]->setChecked(false); // L2 residency
        QCOMPARE(fromL2(), 0);
        QVERIFY(!tab.report().terms.cache_aware);
        QVERIFY(tab.report().summary.mean_abs_error_pct != allTerms);
        QCOMPARE(terms->text(), QStringLiteral("floor, waves, split, power, align"));
        actions[0]->setChecked(false); // latency floor
        for (const roofline::ValidationRow& r : tab.report().rows)
            QVERIFY(!r.prediction || r.prediction->launch_us == 0);
        tab.setTerms({});
        QVERIFY(fromL2() > 0);
        QCOMPARE(tab.report().summary.mean_abs_error_pct, allTerms);
        tab.modeBox()->setCurrentIndex(tab.modeBox()->findData(static_cast<int>(roofline::Mode::Realistic)));
        QVERIFY(!terms->isVisibleTo(&tab));
    }

    // The button opens the dialog; what it is given there is what the calibration uses. Cancel does nothing.
    void testCalibrateButtonAsksForCeilings()
    {
        const QString file = userProfile(QStringLiteral("h100_pcie_calibrated"));
        QFile::remove(file);
        ValidationTab tab(m_registry);
        loadH100(tab, QStringLiteral("h100_pcie"));
        const QString ceilings = measurements("h100_ceilings.json");
        auto answer = [](bool accept, const QString& path) {
            QTimer::singleShot(0, [accept, path] {
                for (QWidget* w : QApplication::topLevelWidgets()) {
                    if (auto* dialog = qobject_cast<CalibrateDialog*>(w)) {
                        QVERIFY(dialog->findChild<QLabel*>(QStringLiteral("calibrateWhat"))->text().contains(QStringLiteral("h100_pcie_calibrated")));
                        dialog->setCeilingsFile(path);
                        accept ? dialog->accept() : dialog->reject();
                    }
                }
            });
        };
        answer(false, ceilings);
        QTest::mouseClick(tab.calibrateButton(), Qt::LeftButton);
        QVERIFY(!tab.hasCalibration());
        QVERIFY(!QFileInfo::exists(file));

        answer(true, ceilings);
        QTest::mouseClick(tab.calibrateButton(), Qt::LeftButton);
        QVERIFY2(tab.hasCalibration(), qPrintable(tab.lastError()));
        QVERIFY(QFileInfo::exists(file));
        const roofline::MeasuredCeilings c = roofline::load_ceilings(ceilings.toStdString());
        QVERIFY(tab.calibratedProfile()->l2_bandwidth_gb_s.has_value());
        QVERIFY(std::fabs(*tab.calibratedProfile()->l2_bandwidth_gb_s / *c.l2_read_gb_s - 1) < 1e-3);
    }
};

QTEST_MAIN(TestValidationTab)
#include "tst_validationtab.moc"
