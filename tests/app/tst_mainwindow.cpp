#include "benchmarktab.h"
#include "calculatortab.h"
#include "mainwindow.h"
#include "rooflinechart.h"
#include "validationmodel.h"
#include "validationtab.h"

#include "testutils.h"

#include "roofline/version.h"

#include <QAction>
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
        // One chart class on every tab.
        QCOMPARE(window.charts().size(), 3);
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
        QProcess app;
        app.start(QStringLiteral(ROOFLINE_BINARY_DIR "/bin/roofline-lab"), {QStringLiteral("--version")});
        QVERIFY(app.waitForFinished(30000));
        QCOMPARE(app.exitCode(), 0);
        QCOMPARE(QString::fromUtf8(app.readAllStandardOutput()).trimmed(),
                 QStringLiteral("roofline-lab ") + QString::fromLatin1(roofline::kVersion));
    }
};

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
