#include "shared/exporters.h"
#include "shared/hardwarecombobox.h"
#include "shared/rooflinechart.h"
#include "validation/validationmodel.h"
#include "validation/validationtab.h"

#include "testutils.h"

#include <QImage>
#include <QSet>
#include <QStandardItemModel>
#include <QTemporaryDir>
#include <QTest>

class TestExporters : public QObject
{
    Q_OBJECT
private:
    std::shared_ptr<const roofline::HardwareRegistry> m_registry;

    std::unique_ptr<ValidationTab> validatedSeed(QSize size)
    {
        auto tab = std::make_unique<ValidationTab>(m_registry);
        tab->resize(size);
        tab->show();
        if (!QTest::qWaitForWindowExposed(tab.get()))
            return nullptr;
        tab->openFile(testutils::seedFile());
        tab->hardwareBox()->setCurrentKey(QStringLiteral("b10"));
        tab->validate();
        return tab;
    }

private Q_SLOTS:
    void initTestCase()
    {
        testutils::isolateSettings();
        m_registry = std::make_shared<const roofline::HardwareRegistry>(roofline::HardwareRegistry::presets());
    }

    void testPngIsTwiceDevicePixels_data()
    {
        QTest::addColumn<QSize>("windowSize");
        QTest::newRow("small") << QSize(1000, 700);
        QTest::newRow("large") << QSize(1500, 950);
    }

    void testPngIsTwiceDevicePixels()
    {
        QFETCH(QSize, windowSize);
        auto tab = validatedSeed(windowSize);
        QVERIFY(tab);
        QVERIFY(tab->hasReport());
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("chart.png"));
        QCOMPARE(tab->exportPng(path), QString());

        QImage image;
        QVERIFY(image.load(path, "PNG"));
        const RooflineChart* chart = tab->chart();
        const qreal ratio = chart->devicePixelRatioF() * 2;
        const int summary = Exporters::summaryHeight(chart->width(), tab->summaryText(), chart->font());
        QVERIFY(summary > 0);
        QCOMPARE(image.width(), qRound(chart->width() * ratio));
        QCOMPARE(image.height(), qRound((chart->height() + summary) * ratio));

        // A real picture: many colours (roofs, points, text), and the summary band is not empty.
        QSet<QRgb> colours;
        for (int y = 0; y < image.height(); y += 7) {
            for (int x = 0; x < image.width(); x += 7)
                colours.insert(image.pixel(x, y));
        }
        QVERIFY2(colours.size() > 50, qPrintable(QString::number(colours.size())));
        bool summaryInk = false;
        for (int y = qRound(chart->height() * ratio); y < image.height() && !summaryInk; ++y) {
            for (int x = 0; x < image.width() && !summaryInk; ++x)
                summaryInk = qGray(image.pixel(x, y)) < 128;
        }
        QVERIFY(summaryInk);
    }

    void testCsvHasTableAndSummary()
    {
        auto tab = validatedSeed(QSize(1000, 700));
        QVERIFY(tab);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("table.csv"));
        QCOMPARE(tab->exportCsv(path), QString());
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QString text = QString::fromUtf8(file.readAll());
        const QStringList lines = text.split(QStringLiteral("\r\n"));
        QVERIFY(lines.front().startsWith(QStringLiteral("kernel,shape,precision,")));
        QVERIFY(lines.front().contains(QStringLiteral("predicted_time_us,measured_time_us,error_pct")));
        QVERIFY(lines[1].startsWith(QStringLiteral("gemv,4096x4096,FP16,")));
        QVERIFY(lines[1].contains(QStringLiteral(",203.4,")));
        QVERIFY(lines[5].startsWith(QStringLiteral("gemm,4096x4096x4096,TF32,")));
        QCOMPARE(lines[6], QString()); // the blank line before the summary
        QCOMPARE(lines[7], QStringLiteral("metric,value"));
        QVERIFY(lines.contains(QStringLiteral("hardware,b10")));
        QVERIFY(lines.contains(QStringLiteral("rows_compared,5")));
        QVERIFY(lines.contains(QStringLiteral("green_rows,5")));
        QVERIFY(lines.contains(QStringLiteral("red_rows,0")));
        for (int i = 1; i <= 5; ++i)
            QVERIFY2(lines[i].contains(QStringLiteral(",green,")), qPrintable(lines[i]));
    }

    void testModelCsvQuotes()
    {
        QStandardItemModel model(2, 2);
        model.setHorizontalHeaderLabels({QStringLiteral("Shape"), QStringLiteral("Note")});
        model.setItem(0, 0, new QStandardItem(QStringLiteral("4096x4096")));
        model.setItem(0, 1, new QStandardItem(QStringLiteral("cublasLt, algo 6")));
        model.setItem(1, 0, new QStandardItem(QStringLiteral("8x8")));
        model.setItem(1, 1, new QStandardItem(QStringLiteral("said \"no\"")));
        QCOMPARE(Exporters::modelToCsv(model),
                 std::string("Shape,Note\r\n4096x4096,\"cublasLt, algo 6\"\r\n8x8,\"said \"\"no\"\"\"\r\n"));
    }

    void testWriteFailsWithReason()
    {
        const QString error = Exporters::writeText(QStringLiteral("/nonexistent-dir/x.csv"), "a,b\r\n");
        QVERIFY(!error.isEmpty());
        QVERIFY(!Exporters::writePng(QImage(4, 4, QImage::Format_RGB32), QStringLiteral("/nonexistent-dir/x.png")).isEmpty());
    }
};

QTEST_MAIN(TestExporters)
#include "tst_exporters.moc"
