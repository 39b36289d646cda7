#include "benchmark/benchmarktab.h"
#include "validation/calibrationmodel.h"
#include "shared/hardwarecombobox.h"
#include "calculator/calculatortab.h"
#include "mainwindow.h"
#include "shared/rooflinechart.h"
#include "validation/validationmodel.h"
#include "validation/validationtab.h"

#include "emulation.h"
#include "testutils.h"

#include "roofline/support/version.h"

#include <QAction>
#include <QFileInfo>
#include <QImage>
#include <QStatusBar>
#include <QDropEvent>
#include <QMenu>
#include <QMenuBar>
#include <QMimeData>
#include <QProcess>
#include <QSettings>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>

class TestMainWindow : public QObject
{
    Q_OBJECT
private:
    static QAction* action(MainWindow& window, const QString& menu, const QString& text)
    {
        for (QAction* top : window.menuBar()->actions()) {
            if (top->text().remove(QLatin1Char('&')) != menu)
                continue;
            for (QAction* a : top->menu()->actions()) {
                if (a->text().remove(QLatin1Char('&')) == text)
                    return a;
            }
        }
        return nullptr;
    }

private Q_SLOTS:
    void initTestCase()
    {
        testutils::isolateSettings();
        qputenv("ROOFLINE_LAB_PLUGIN_DIR", testutils::pluginDir().toLocal8Bit());
    }

    void testWindow()
    {
        MainWindow window;
        QCOMPARE(window.windowTitle(), QStringLiteral("Roofline Lab"));
        QCOMPARE(window.tabs()->count(), 3);
        QStringList names;
        for (int i = 0; i < 3; ++i)
            names << window.tabs()->tabText(i).remove(QLatin1Char('&'));
        QCOMPARE(names, (QStringList{QStringLiteral("Calculator"), QStringLiteral("Benchmark"), QStringLiteral("Validation")}));
        // One chart class on every tab (the Calculator tab's Kernel and Model views have one each).
        QCOMPARE(window.charts().size(), 4);
    }

    void testMenus_data()
    {
        QTest::addColumn<QString>("menu");
        QTest::addColumn<QString>("text");
        QTest::addColumn<QKeySequence>("shortcut");
        QTest::newRow("open") << QStringLiteral("File") << QStringLiteral("Open results…") << QKeySequence(QKeySequence::Open);
        QTest::newRow("save") << QStringLiteral("File") << QStringLiteral("Save results…") << QKeySequence(QKeySequence::Save);
        QTest::newRow("png") << QStringLiteral("File") << QStringLiteral("Export PNG…") << QKeySequence(Qt::CTRL | Qt::Key_E);
        QTest::newRow("csv") << QStringLiteral("File") << QStringLiteral("Export CSV…") << QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_E);
        QTest::newRow("calibrate") << QStringLiteral("File") << QStringLiteral("Calibrate from these measurements…") << QKeySequence();
        QTest::newRow("quit") << QStringLiteral("File") << QStringLiteral("Quit") << QKeySequence(QKeySequence::Quit);
        QTest::newRow("validation") << QStringLiteral("View") << QStringLiteral("Validation") << QKeySequence(Qt::CTRL | Qt::Key_3);
        QTest::newRow("about") << QStringLiteral("Help") << QStringLiteral("About Roofline Lab") << QKeySequence();
    }

    void testMenus()
    {
        QFETCH(QString, menu);
        QFETCH(QString, text);
        QFETCH(QKeySequence, shortcut);
        MainWindow window;
        QAction* a = action(window, menu, text);
        QVERIFY2(a, qPrintable(menu + QStringLiteral(" › ") + text));
        QCOMPARE(a->shortcut(), shortcut);
    }

    void testDropOpensValidation()
    {
        MainWindow window;
        window.resize(1400, 900);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        window.validationTab()->hardwareBox();
        QMimeData mime;
        mime.setUrls({QUrl::fromLocalFile(testutils::seedFile())});
        QDragEnterEvent enter(QPoint(100, 100), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(&window, &enter);
        QVERIFY(enter.isAccepted());
        QDropEvent drop(QPointF(100, 100), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(&window, &drop);
        QCOMPARE(window.tabs()->currentWidget(), window.validationTab());
        QCOMPARE(window.validationTab()->model()->rowCount(), 5);
        // The file names its hardware (b10), and every row comes out green there.
        QCOMPARE(window.validationTab()->report().hardware_key, std::string("b10"));
        QCOMPARE(window.validationTab()->report().summary.green, std::size_t(5));

        QMimeData text;
        text.setText(QStringLiteral("not a file"));
        QDragEnterEvent refused(QPoint(100, 100), Qt::CopyAction, &text, Qt::LeftButton, Qt::NoModifier);
        refused.setAccepted(false);
        QApplication::sendEvent(&window, &refused);
        QVERIFY(!refused.isAccepted());
    }

    void testExportsFollowCurrentTab()
    {
        MainWindow window;
        window.resize(1400, 900);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(window.openResults(testutils::seedFile()));
        QTemporaryDir dir;
        QCOMPARE(window.exportCsv(dir.filePath(QStringLiteral("v.csv"))), QString());
        QCOMPARE(window.exportPng(dir.filePath(QStringLiteral("v.png"))), QString());
        QCOMPARE(window.saveResults(dir.filePath(QStringLiteral("v.json"))), QString());
        const roofline::MeasurementSet saved = roofline::load_measurements(dir.filePath(QStringLiteral("v.json")).toStdString());
        QCOMPARE(saved.rows.size(), std::size_t(5));
        QCOMPARE(saved.hardware_key, std::string("b10"));

        window.showTab(MainWindow::CalculatorPage);
        QCOMPARE(window.exportCsv(dir.filePath(QStringLiteral("c.csv"))), QString());
        QFile csv(dir.filePath(QStringLiteral("c.csv")));
        QVERIFY(csv.open(QIODevice::ReadOnly));
        QVERIFY(csv.readAll().startsWith("row,hardware,kernel,shape,precision,mode,predicted_time_us"));
        QImage png;
        QCOMPARE(window.exportPng(dir.filePath(QStringLiteral("c.png"))), QString());
        QVERIFY(png.load(dir.filePath(QStringLiteral("c.png"))));
        QCOMPARE(png.width(), qRound(window.calculatorTab()->chart()->width() * window.devicePixelRatioF() * 2));
    }

    void testStatusBarAndAbout()
    {
        MainWindow window;
        QSignalSpy probed(window.benchmarkTab(), &BenchmarkTab::deviceStatusChanged);
        QVERIFY(probed.wait(30000));
        QCOMPARE(window.deviceStatus(), probed.at(0).at(0).toString());
        const QString about = window.aboutText();
        QVERIFY(about.contains(QString::fromLatin1(roofline::kVersion)));
        QVERIFY(about.contains(QStringLiteral("Plugin")));
        if (window.benchmarkTab()->lastProbe()->device)
            QVERIFY(about.contains(QString::fromStdString(window.benchmarkTab()->lastProbe()->device->summary()).toHtmlEscaped()));
    }

    void testSettingsRemembered()
    {
        {
            MainWindow window;
            window.calculatorTab()->hardwareBox();
            window.resize(1111, 777);
            window.show();
            QVERIFY(QTest::qWaitForWindowExposed(&window));
            window.close();
        }
        QSettings settings;
        QVERIFY(!settings.value(QStringLiteral("window/geometry")).toByteArray().isEmpty());
        MainWindow again;
        QCOMPARE(again.size(), QSize(1111, 777));
    }

    void testVersionOption()
    {
        ROOFLINE_SKIP_WITHOUT_CHILD_PROCESSES();
        QProcess app;
        app.start(QStringLiteral(ROOFLINE_BINARY_DIR "/bin/roofline-lab"), {QStringLiteral("--version")});
        QVERIFY(app.waitForFinished(30000));
        QCOMPARE(app.exitCode(), 0);
        QCOMPARE(QString::fromUtf8(app.readAllStandardOutput()).trimmed(),
                 QStringLiteral("roofline-lab ") + QString::fromLatin1(roofline::kVersion));
    }

    // Calibrating in the Validation tab puts the new profile into every hardware list of the window, the
    // Calculator's included, and the Calculator predicts with it.
    void testCalibratedProfileReachesEveryList()
    {
        const QString key = QStringLiteral("h100_pcie_calibrated");
        const QString file = QString::fromLocal8Bit(qgetenv("ROOFLINE_LAB_DATA_DIR")) + QStringLiteral("/hardware/") + key
            + QStringLiteral(".json");
        QFile::remove(file);
        MainWindow window;
        QAction* calibrate = action(window, QStringLiteral("File"), QStringLiteral("Calibrate from these measurements…"));
        QVERIFY(calibrate);
        QVERIFY(!calibrate->isEnabled()); // nothing validated yet
        const QList<HardwareComboBox*> boxes = window.findChildren<HardwareComboBox*>();
        QCOMPARE(boxes.size(), 4); // the Calculator's Kernel and Model views, Benchmark, Validation
        for (HardwareComboBox* box : boxes)
            QVERIFY(box->findData(key) < 0);

        const QString dir = QStringLiteral(ROOFLINE_SOURCE_DIR "/resources/measurements/");
        QVERIFY(window.openResults(QStringList{dir + QStringLiteral("h100_extended_cold.json"), dir + QStringLiteral("h100_l2_warm.json")}));
        QVERIFY(calibrate->isEnabled());
        ValidationTab* validation = window.validationTab();
        QVERIFY(validation->hardwareBox()->setCurrentKey(QStringLiteral("h100_pcie")));
        QVERIFY2(validation->calibrate(dir + QStringLiteral("h100_ceilings.json")), qPrintable(validation->lastError()));
        QVERIFY(QFileInfo::exists(file));
        QVERIFY2(window.statusBar()->currentMessage().contains(key), qPrintable(window.statusBar()->currentMessage()));

        // Read back from disk by the window: a user profile like any other.
        const roofline::HardwareSpec* spec = window.registry()->find(key.toStdString());
        QVERIFY(spec);
        QCOMPARE(QFileInfo(QString::fromStdString(spec->origin)).canonicalFilePath(), QFileInfo(file).canonicalFilePath());
        for (HardwareComboBox* box : window.findChildren<HardwareComboBox*>())
            QVERIFY2(box->findData(key) >= 0, qPrintable(box->parentWidget()->objectName()));
        // The lists kept what they showed.
        QCOMPARE(validation->hardwareBox()->currentKey(), QStringLiteral("h100_pcie"));
        QVERIFY(validation->hasCalibration());

        CalculatorTab* calc = window.calculatorTab();
        calc->setKernel(roofline::KernelType::GEMV);
        QVERIFY(calc->setPrecision(roofline::Precision::FP16));
        calc->setMode(roofline::Mode::Refined);
        const double datasheet = [&] {
            calc->hardwareBox()->setCurrentKey(QStringLiteral("h100_pcie"));
            return calc->prediction()->predicted_time_us;
        }();
        QVERIFY(calc->hardwareBox()->setCurrentKey(key));
        QCOMPARE(calc->chart()->hardware()->key, key.toStdString());
        QVERIFY(calc->prediction()->predicted_time_us != datasheet);
        QCOMPARE(calc->prediction()->launch_us, spec->latency_floor_for(roofline::KernelType::GEMV, roofline::Precision::FP16));

        // Once more: the same key, replaced on disk, is listed once.
        QVERIFY(validation->calibrate());
        QCOMPARE(calc->hardwareBox()->currentKey(), key);
        int listed = 0;
        for (int i = 0; i < calc->hardwareBox()->count(); ++i)
            listed += calc->hardwareBox()->itemData(i).toString() == key ? 1 : 0;
        QCOMPARE(listed, 1);
        // Recalibrated without the ceilings file: the Calculator, showing that profile, follows.
        QCOMPARE(calc->chart()->hardware()->l2_bandwidth_gb_s, window.registry()->find(key.toStdString())->l2_bandwidth_gb_s);
    }

    // The hidden options that take the docs' screenshot: open two runs, calibrate, write the PNG.
    void testCalibrateScreenshotOption()
    {
        ROOFLINE_SKIP_WITHOUT_CHILD_PROCESSES();
        QTemporaryDir dir;
        const QString png = dir.filePath(QStringLiteral("validation.png"));
        const QString runs = QStringLiteral(ROOFLINE_SOURCE_DIR "/resources/measurements/");
        QProcess app;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("ROOFLINE_LAB_DATA_DIR"), dir.filePath(QStringLiteral("data")));
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), dir.filePath(QStringLiteral("config")));
        env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
        app.setProcessEnvironment(env);
        app.start(QStringLiteral(ROOFLINE_BINARY_DIR "/bin/roofline-lab"),
                  {runs + QStringLiteral("h100_extended_cold.json"), runs + QStringLiteral("h100_l2_warm.json"),
                   QStringLiteral("--hardware"), QStringLiteral("h100_pcie"), QStringLiteral("--calibrate-with"),
                   runs + QStringLiteral("h100_ceilings.json"), QStringLiteral("--screenshot-tab"), QStringLiteral("validation"),
                   QStringLiteral("--screenshot-out"), png, QStringLiteral("--window-size"), QStringLiteral("1200x800")});
        QVERIFY(app.waitForFinished(60000));
        QCOMPARE(app.exitCode(), 0);
        QVERIFY(QFileInfo::exists(dir.filePath(QStringLiteral("data/hardware/h100_pcie_calibrated.json"))));
        QImage image;
        QVERIFY(image.load(png));
        QCOMPARE(image.size(), QSize(1200, 800));
    }
};

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
