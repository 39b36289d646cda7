#include "calculator/calculatortab.h"
#include "shared/hardwarecombobox.h"
#include "shared/rooflinechart.h"
#include "calculator/shapeeditor.h"

#include "testutils.h"

#include "roofline/model/calculator.h"

#include <QCheckBox>
#include <QComboBox>
#include <QRadioButton>
#include <QGroupBox>
#include <QLabel>
#include <QSpinBox>
#include <QTest>

using roofline::KernelType;
using roofline::Mode;
using roofline::Precision;

class TestCalculatorTab : public QObject
{
    Q_OBJECT
private:
    std::shared_ptr<const roofline::HardwareRegistry> m_registry;

    static double shownTime_us(CalculatorTab& tab)
    {
        const QString text = tab.findChild<QLabel*>(QStringLiteral("result_time_us"))->text();
        return text.section(QLatin1Char(' '), 0, 0).toDouble();
    }

private Q_SLOTS:
    void initTestCase()
    {
        testutils::isolateSettings();
        m_registry = std::make_shared<const roofline::HardwareRegistry>(roofline::HardwareRegistry::presets());
    }

    // The plan's success criteria on GB10 (Phase 1), read off the widgets.
    void testPlanCriteria_data()
    {
        QTest::addColumn<int>("kernel");
        QTest::addColumn<QList<int>>("dims");
        QTest::addColumn<int>("precision");
        QTest::addColumn<double>("expected_us");
        QTest::addColumn<double>("tolerance_us");
        QTest::newRow("GEMV FP16") << int(KernelType::GEMV) << QList<int>{4096, 4096} << int(Precision::FP16) << 203.0 << 20.0;
        QTest::newRow("GEMV FP8") << int(KernelType::GEMV) << QList<int>{4096, 4096} << int(Precision::FP8_E4M3) << 35.0 << 5.0;
        QTest::newRow("GEMM FP16") << int(KernelType::GEMM) << QList<int>{4096, 4096, 4096} << int(Precision::FP16) << 14300.0 << 1500.0;
        QTest::newRow("GEMM FP8") << int(KernelType::GEMM) << QList<int>{4096, 4096, 4096} << int(Precision::FP8_E4M3) << 834.0 << 100.0;
        QTest::newRow("GEMM TF32") << int(KernelType::GEMM) << QList<int>{4096, 4096, 4096} << int(Precision::TF32) << 3680.0 << 400.0;
    }

    void testPlanCriteria()
    {
        QFETCH(int, kernel);
        QFETCH(QList<int>, dims);
        QFETCH(int, precision);
        QFETCH(double, expected_us);
        QFETCH(double, tolerance_us);

        CalculatorTab tab(m_registry);
        QVERIFY(tab.hardwareBox()->setCurrentKey(QStringLiteral("b10")));
        tab.setKernel(static_cast<KernelType>(kernel));
        for (int i = 0; i < dims.size(); ++i)
            tab.shapeEditor()->dimensionBox(i)->setValue(dims[i]);
        QVERIFY(tab.setPrecision(static_cast<Precision>(precision)));
        tab.setMode(Mode::Realistic);
        // The plan's runs were warm: its FP8 GEMV's 16.8 MB read from the L2 at 482 GB/s; cold, that factor is held at
        // the 287 GB/s DRAM roof (issue 29).
        tab.setCacheMode(roofline::CacheMode::Warm);
        QVERIFY2(tab.errorText().isEmpty(), qPrintable(tab.errorText()));
        QVERIFY2(std::fabs(shownTime_us(tab) - expected_us) <= tolerance_us, qPrintable(tab.resultText()));
        QVERIFY(tab.resultText().contains(kernel == int(KernelType::GEMV) ? QStringLiteral("memory") : QStringLiteral("compute")));
    }

    // Every kind of input changes what is shown, and the chart point follows.
    void testInputsChangeResult_data()
    {
        QTest::addColumn<int>("kernel");
        QTest::addColumn<QString>("field");
        QTest::addColumn<int>("value");
        QTest::newRow("GEMV N") << int(KernelType::GEMV) << QStringLiteral("dim_N") << 8192;
        QTest::newRow("GEMV K") << int(KernelType::GEMV) << QStringLiteral("dim_K") << 1000;
        QTest::newRow("GEMM M") << int(KernelType::GEMM) << QStringLiteral("dim_M") << 16;
        QTest::newRow("attention kv_len") << int(KernelType::Attention) << QStringLiteral("dim_kv_len") << 32768;
        QTest::newRow("attention heads") << int(KernelType::Attention) << QStringLiteral("dim_heads") << 64;
        QTest::newRow("FFN tokens") << int(KernelType::FFN) << QStringLiteral("dim_tokens") << 1;
        QTest::newRow("FFN intermediate") << int(KernelType::FFN) << QStringLiteral("dim_intermediate") << 28672;
    }

    void testInputsChangeResult()
    {
        QFETCH(int, kernel);
        QFETCH(QString, field);
        QFETCH(int, value);

        CalculatorTab tab(m_registry);
        tab.hardwareBox()->setCurrentKey(QStringLiteral("h100_sxm"));
        tab.setKernel(static_cast<KernelType>(kernel));
        const QString before = tab.resultText();
        const double timeBefore = tab.prediction()->predicted_time_us;
        auto* box = tab.findChild<QSpinBox*>(field);
        QVERIFY2(box, qPrintable(field));
        QTest::keyClick(box, Qt::Key_A, Qt::ControlModifier);
        QTest::keyClicks(box, QString::number(value));
        QCOMPARE(box->value(), value);
        QVERIFY(tab.resultText() != before);
        QVERIFY(tab.prediction()->predicted_time_us != timeBefore);
        // The one non-sweep point on the chart is this prediction.
        QCOMPARE(tab.chart()->points().size(), std::size_t(1));
        QCOMPARE(*tab.chart()->points().front().predicted_tflops, tab.prediction()->predicted_tflops);
        QCOMPARE(tab.chart()->points().front().ai, tab.prediction()->ai);
    }

    void testModeAndPrecision()
    {
        CalculatorTab tab(m_registry);
        tab.hardwareBox()->setCurrentKey(QStringLiteral("b10"));
        tab.setKernel(KernelType::GEMM);
        tab.setPrecision(Precision::FP16);
        tab.setMode(Mode::Realistic);
        const double realistic = tab.prediction()->predicted_time_us;
        tab.setMode(Mode::Ideal);
        QCOMPARE(tab.prediction()->mode, Mode::Ideal);
        QVERIFY(tab.prediction()->predicted_time_us < realistic); // GEMM FP16 reaches 15.5 % of peak on GB10
        QVERIFY(tab.findChild<QLabel*>(QStringLiteral("result_efficiency"))->text().startsWith(QStringLiteral("×1")));
        tab.setPrecision(Precision::FP8_E4M3);
        QCOMPARE(tab.chart()->selectedPrecision(), std::optional(Precision::FP8_E4M3));
    }

    void testRefinedModeShowsBreakdown()
    {
        CalculatorTab tab(m_registry);
        tab.hardwareBox()->setCurrentKey(QStringLiteral("h100_sxm"));
        tab.setKernel(KernelType::GEMV);
        tab.setMode(Mode::Refined);
        QCOMPARE(tab.mode(), Mode::Refined);
        QCOMPARE(tab.prediction()->mode, Mode::Refined);
        auto* breakdown = tab.findChild<QLabel*>(QStringLiteral("result_breakdown"));
        QVERIFY(!breakdown->isHidden());
        QVERIFY2(breakdown->text().contains(QStringLiteral("memory")), qPrintable(breakdown->text()));
        // A tiny GEMV is held up by the launch, not by its bytes.
        tab.shapeEditor()->dimensionBox(0)->setValue(16);
        tab.shapeEditor()->dimensionBox(1)->setValue(16);
        QCOMPARE(tab.prediction()->bottleneck, roofline::Bottleneck::Latency);
        QVERIFY(tab.resultText().contains(QStringLiteral("launch latency")));
        tab.setMode(Mode::Ideal);
        QVERIFY(tab.prediction()->predicted_time_us < 1);
    }

    void testPrecisionsFollowHardware_data()
    {
        QTest::addColumn<QString>("key");
        for (const char* key : {"b10", "a100_sxm", "h100_sxm", "rtx_5090"})
            QTest::newRow(key) << QString::fromLatin1(key);
    }

    void testPrecisionsFollowHardware()
    {
        QFETCH(QString, key);
        CalculatorTab tab(m_registry);
        QVERIFY(tab.hardwareBox()->setCurrentKey(key));
        const auto precisions = m_registry->find(key.toStdString())->precisions();
        QCOMPARE(tab.precisionBox()->count(), static_cast<int>(precisions.size()));
        for (int i = 0; i < tab.precisionBox()->count(); ++i)
            QCOMPARE(tab.precisionBox()->itemData(i).toInt(), static_cast<int>(precisions[static_cast<std::size_t>(i)]));
        QCOMPARE(tab.chart()->hardware()->key, key.toStdString());
    }

    void testSweepDrawsSeries()
    {
        CalculatorTab tab(m_registry);
        tab.hardwareBox()->setCurrentKey(QStringLiteral("b10"));
        tab.setKernel(KernelType::GEMM);
        tab.sweepDimensionBox()->setCurrentIndex(0); // M
        tab.sweepFromBox()->setValue(1);
        tab.sweepToBox()->setValue(4096);
        tab.sweepPointsBox()->setValue(13); // 1, 2, 4 … 4096
        tab.sweepBox()->setChecked(true);
        const auto& points = tab.chart()->points();
        QCOMPARE(points.size(), std::size_t(1 + 13));
        // Growing M raises the intensity: the sweep walks up the memory slope towards the roof.
        for (std::size_t i = 2; i < points.size(); ++i)
            QVERIFY(points[i].ai > points[i - 1].ai);
        QVERIFY(points[1].small);
        QVERIFY(tab.csv().find("sweep") != std::string::npos);
        tab.sweepBox()->setChecked(false);
        QCOMPARE(tab.chart()->points().size(), std::size_t(1));
    }

    void testKernelSwitchKeepsShapes()
    {
        CalculatorTab tab(m_registry);
        tab.setKernel(KernelType::GEMM);
        tab.shapeEditor()->dimensionBox(0)->setValue(123);
        tab.setKernel(KernelType::GEMV);
        QCOMPARE(tab.shapeEditor()->dims().size(), std::size_t(2));
        tab.setKernel(KernelType::GEMM);
        QCOMPARE(tab.shapeEditor()->dimensionBox(0)->value(), 123);
    }

    // Each refined term, switched off by its check box, changes the prediction and its breakdown; back on, the
    // prediction is what it was.
    void testRefinedTerms_data()
    {
        QTest::addColumn<QString>("box");
        QTest::addColumn<int>("kernel");
        QTest::addColumn<QList<int>>("dims");
        QTest::addColumn<bool>("warm");
        QTest::addColumn<QString>("breakdownMention"); // in the breakdown with the term on, not with it off
        QTest::newRow("latency floor, small GEMV") << QStringLiteral("term_floor") << int(KernelType::GEMV) << QList<int>{1024, 1024}
                                                   << false << QStringLiteral("latency floor");
        QTest::newRow("L2 residency, warm GEMV") << QStringLiteral("term_l2") << int(KernelType::GEMV) << QList<int>{2048, 2048}
                                                 << true << QStringLiteral("from L2 (warm");
        QTest::newRow("wave quantization, GEMM") << QStringLiteral("term_waves") << int(KernelType::GEMM)
                                                 << QList<int>{4096, 4096, 4096} << false << QStringLiteral("wave efficiency");
        QTest::newRow("split efficiencies, GEMM") << QStringLiteral("term_split") << int(KernelType::GEMM)
                                                  << QList<int>{4096, 4096, 4096} << false << QString();
        QTest::newRow("power throttle, long GEMM") << QStringLiteral("term_power") << int(KernelType::GEMM)
                                                   << QList<int>{8192, 8192, 8192} << false << QStringLiteral("(power cap)");
        QTest::newRow("row alignment, 1500³ GEMM") << QStringLiteral("term_align") << int(KernelType::GEMM)
                                                   << QList<int>{1500, 1500, 1500} << false << QStringLiteral("rows off 16-byte boundaries");
    }

    void testRefinedTerms()
    {
        QFETCH(QString, box);
        QFETCH(int, kernel);
        QFETCH(QList<int>, dims);
        QFETCH(bool, warm);
        QFETCH(QString, breakdownMention);

        CalculatorTab tab(m_registry);
        QVERIFY(tab.hardwareBox()->setCurrentKey(QStringLiteral("h100_sxm")));
        tab.setKernel(static_cast<KernelType>(kernel));
        for (int i = 0; i < dims.size(); ++i)
            tab.shapeEditor()->dimensionBox(i)->setValue(dims[i]);
        QVERIFY(tab.setPrecision(Precision::FP16));
        tab.setMode(Mode::Refined);
        if (warm)
            QTest::mouseClick(tab.findChild<QRadioButton*>(QStringLiteral("cache_warm")), Qt::LeftButton);
        QCOMPARE(tab.cacheMode(), warm ? roofline::CacheMode::Warm : roofline::CacheMode::Cold);
        auto* check = tab.findChild<QCheckBox*>(box);
        QVERIFY2(check, qPrintable(box));
        QVERIFY(check->isChecked());
        QVERIFY(check->isVisibleTo(&tab));
        auto* breakdown = tab.findChild<QLabel*>(QStringLiteral("result_breakdown"));
        const double on = tab.prediction()->predicted_time_us;
        const double shownOn = shownTime_us(tab);
        const QString textOn = breakdown->text();
        if (!breakdownMention.isEmpty())
            QVERIFY2(textOn.contains(breakdownMention), qPrintable(textOn));

        check->click();
        QVERIFY(!check->isChecked());
        const double off = tab.prediction()->predicted_time_us;
        QVERIFY2(off != on, qPrintable(QStringLiteral("%1 µs both ways").arg(on)));
        QVERIFY(shownTime_us(tab) != shownOn); // the label follows
        QVERIFY(breakdown->text() != textOn);
        if (!breakdownMention.isEmpty())
            QVERIFY2(!breakdown->text().contains(breakdownMention), qPrintable(breakdown->text()));
        // The same as the core with that term off.
        roofline::ModelOptions options;
        options.mode = Mode::Refined;
        options.cache = tab.cacheMode();
        options.terms = tab.terms();
        const roofline::Prediction expected =
            roofline::predict(*m_registry->find("h100_sxm"), tab.shapeEditor()->shape(), Precision::FP16, options);
        QCOMPARE(off, expected.predicted_time_us);

        check->click();
        QCOMPARE(tab.prediction()->predicted_time_us, on);
        QCOMPARE(breakdown->text(), textOn);
    }

    void testCacheChoice()
    {
        CalculatorTab tab(m_registry);
        QVERIFY(tab.hardwareBox()->setCurrentKey(QStringLiteral("h100_sxm")));
        tab.setKernel(KernelType::GEMV);
        tab.shapeEditor()->dimensionBox(0)->setValue(2048);
        tab.shapeEditor()->dimensionBox(1)->setValue(2048);
        tab.setMode(Mode::Refined);
        const double cold = tab.prediction()->predicted_time_us;
        QVERIFY(!tab.prediction()->l2_resident);
        tab.setCacheMode(roofline::CacheMode::Warm);
        QVERIFY(tab.prediction()->l2_resident); // 8 MB in a 50 MB L2
        QVERIFY(tab.prediction()->predicted_time_us < cold);
        // Cold, the L2 term adds only the DRAM latency of inputs that are not in L2.
        tab.setCacheMode(roofline::CacheMode::Cold);
        QCOMPARE(tab.prediction()->predicted_time_us, cold);
        const double dramLatency = m_registry->find("h100_sxm")->dram_latency_us.value_or(0);
        QVERIFY(dramLatency > 0);
        QCOMPARE(tab.prediction()->dram_latency_us, dramLatency);
        tab.termBox(1)->setChecked(false);
        QCOMPARE(tab.prediction()->predicted_time_us, cold - dramLatency);
    }

    void testTermsOnlyInRefinedMode()
    {
        CalculatorTab tab(m_registry);
        QVERIFY(tab.hardwareBox()->setCurrentKey(QStringLiteral("h100_sxm")));
        tab.setMode(Mode::Realistic);
        QVERIFY(!tab.refinedOptions()->isVisibleTo(&tab));
        const double realistic = tab.prediction()->predicted_time_us;
        // Switches set while hidden do not touch the other modes.
        tab.setTerms({false, false, false, false});
        QCOMPARE(tab.prediction()->predicted_time_us, realistic);
        tab.setMode(Mode::Refined);
        QVERIFY(tab.refinedOptions()->isVisibleTo(&tab));
        // With every term off, refined is the realistic mode (docs/model.md).
        QCOMPARE(tab.prediction()->predicted_time_us, realistic);
        tab.setTerms({});
        QVERIFY(tab.prediction()->predicted_time_us != realistic);
        tab.setMode(Mode::Ideal);
        QVERIFY(!tab.refinedOptions()->isVisibleTo(&tab));
    }
};

QTEST_MAIN(TestCalculatorTab)
#include "tst_calculatortab.moc"
