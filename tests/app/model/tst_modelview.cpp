// The Calculator tab's Model view, driven offscreen: for the same inputs it shows the tokens/s, TTFT and memory
// that `roofline model --json --phase both` prints (run here) and core's predict_step gives; a model that does not
// fit says so; a GGUF file is read with its own tensor types; measured runs land on the tokens/s chart; the
// Validation tab shows a llama-bench file's runs.
#include "calculatorviews.h"
#include "shared/hardwarecombobox.h"
#include "mainwindow.h"
#include "model/modelview.h"
#include "shared/rooflinechart.h"
#include "model/stepkernelsmodel.h"
#include "validation/steprunsmodel.h"
#include "validation/steprunspanel.h"
#include "shared/textconv.h"
#include "shared/tokensratechart.h"
#include "validation/validationtab.h"

#include "emulation.h"
#include "gguf_writer.h"
#include "testutils.h"

#include "roofline/workloads/model_library.h"
#include "roofline/workloads/step_prediction.h"

#include <QComboBox>
#include <QGroupBox>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QProcess>
#include <QProgressBar>
#include <QSpinBox>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>

namespace {

QString llamaBenchFile()
{
    return QStringLiteral(ROOFLINE_SOURCE_DIR "/tests/data/llama_bench/pp_tg.json");
}

// `roofline model … --json` for the same inputs, as the CLI prints it.
QJsonObject cliPrediction(const QStringList& args)
{
    QProcess cli;
    cli.start(QStringLiteral(ROOFLINE_CLI_PATH), QStringList{QStringLiteral("model")} + args + QStringList{QStringLiteral("--json")});
    if (!cli.waitForFinished(60000) || cli.exitCode() != 0) {
        qWarning() << cli.readAllStandardError();
        return {};
    }
    return QJsonDocument::fromJson(cli.readAllStandardOutput()).object();
}

} // namespace

class TestModelView : public QObject
{
    Q_OBJECT
    std::shared_ptr<const roofline::HardwareRegistry> m_registry;

private Q_SLOTS:
    void initTestCase()
    {
        testutils::isolateSettings();
        m_registry = std::make_shared<const roofline::HardwareRegistry>(roofline::HardwareRegistry::presets());
    }

    void testShowsWhatTheCliPredicts()
    {
        ModelView view(m_registry);
        QVERIFY(view.setModel(QStringLiteral("llama-3.1-8b")));
        QVERIFY(view.hardwareBox()->setCurrentKey(QStringLiteral("h100_sxm")));
        view.weightsBox()->setCurrentText(QStringLiteral("FP8_E4M3"));
        view.kvBox()->setCurrentIndex(view.kvBox()->findText(QStringLiteral("FP8_E4M3")));
        view.batchBox()->setValue(8);
        view.promptBox()->setValue(1024);
        view.contextBox()->setValue(2048);
        QVERIFY2(view.prediction().has_value(), qPrintable(view.errorText()));

        // Core's step prediction for the same inputs.
        roofline::StepOptions o;
        o.weights = roofline::parse_weight_scheme("FP8_E4M3");
        o.kv_cache = roofline::Precision::FP8_E4M3;
        o.batch = 8;
        o.prompt = 1024;
        o.context = 2048;
        const roofline::StepPrediction expected = roofline::predict_step(*roofline::find_builtin_model("llama-3.1-8b"),
                                                                         m_registry->get("h100_sxm"), o, roofline::StepPhases::Both);
        const roofline::StepPrediction& shown = *view.prediction();
        QCOMPARE(shown.decode->tokens_per_s, expected.decode->tokens_per_s);
        QCOMPARE(*shown.ttft_us, *expected.ttft_us);
        QCOMPARE(*shown.tpot_us, *expected.tpot_us);
        QCOMPARE(shown.memory.total_bytes(), expected.memory.total_bytes());
        QVERIFY(view.decodeRateLabel()->text().startsWith(formatNumber(expected.decode->tokens_per_s, 1) + QStringLiteral(" tokens/s")));
        QCOMPARE(view.ttftLabel()->text(), formatNumber(*expected.ttft_us / 1e3, 3) + QStringLiteral(" ms"));
        QVERIFY(view.memoryBar()->format().startsWith(formatNumber(expected.memory.total_bytes() / 1e9, 2) + QStringLiteral(" GB of ")));
        QVERIFY(view.memoryLabel()->text().endsWith(QStringLiteral(": fits")));

        // And the CLI, run as a user runs it (not where no child process can start: emulation.h).
        if (const QString why = roofline_test::childProcessesUnavailable(); !why.isEmpty()) {
            qWarning("SKIP the CLI comparison: %s", qPrintable(why));
        } else {
            const QJsonObject cli = cliPrediction({QStringLiteral("--model"), QStringLiteral("llama-3.1-8b"), QStringLiteral("--hardware"),
                                                   QStringLiteral("h100_sxm"), QStringLiteral("--weights"), QStringLiteral("FP8_E4M3"),
                                                   QStringLiteral("--kv"), QStringLiteral("FP8_E4M3"), QStringLiteral("--batch"), QStringLiteral("8"),
                                                   QStringLiteral("--prompt"), QStringLiteral("1024"), QStringLiteral("--context"),
                                                   QStringLiteral("2048"), QStringLiteral("--phase"), QStringLiteral("both")});
            QVERIFY(!cli.isEmpty());
            QCOMPARE(cli[QStringLiteral("decode")].toObject()[QStringLiteral("tokens_per_s")].toDouble(), shown.decode->tokens_per_s);
            QCOMPARE(cli[QStringLiteral("prefill")].toObject()[QStringLiteral("ttft_us")].toDouble(), *shown.ttft_us);
            QCOMPARE(cli[QStringLiteral("memory")].toObject()[QStringLiteral("total_bytes")].toDouble(), shown.memory.total_bytes());
        }

        // The kernels of the decode step: the table's shares add up to the step.
        StepKernelsModel* kernels = view.kernelsModel();
        QCOMPARE(kernels->rowCount(), static_cast<int>(shown.decode->kernels.size()));
        double shares = 0;
        for (int row = 0; row < kernels->rowCount(); ++row)
            shares += kernels->share(row);
        QVERIFY(std::fabs(shares - 1) < 1e-9);
        // Points on the roofline sized by their share: the largest GEMM is drawn larger than a norm.
        const auto& points = view.chart()->points();
        QVERIFY(!points.empty());
        const auto [smallest, largest] = std::minmax_element(points.begin(), points.end(), [](const ChartPoint& a, const ChartPoint& b) { return a.scale < b.scale; });
        QVERIFY(largest->scale > 2 * smallest->scale);
        // Tokens/s over the batch, through the inputs' own batch.
        QVERIFY(view.ratesChart()->decodeCurve().size() >= 9);
        QVERIFY(view.csv().find("decode_tokens_per_s," + roofline::format_number(expected.decode->tokens_per_s, 3)) != std::string::npos);
        QVERIFY(!view.exportImage(1.0).isNull());
    }

    void testModelThatDoesNotFit()
    {
        ModelView view(m_registry);
        QVERIFY(view.setModel(QStringLiteral("llama-3.1-70b")));
        QVERIFY(view.hardwareBox()->setCurrentKey(QStringLiteral("h100_sxm")));
        view.weightsBox()->setCurrentText(QStringLiteral("BF16"));
        QVERIFY(view.prediction().has_value());
        QVERIFY(!view.prediction()->memory.fits());
        QVERIFY2(view.memoryLabel()->text().contains(QStringLiteral("does not fit")), qPrintable(view.memoryLabel()->text()));
        QCOMPARE(view.memoryBar()->value(), 1000);
        // Four-bit weights fit.
        view.weightsBox()->setCurrentText(QStringLiteral("Q4_K_M"));
        QVERIFY(view.prediction()->memory.fits());
        QVERIFY(view.memoryLabel()->text().endsWith(QStringLiteral(": fits")));
    }

    void testGgufFileAndRemembering()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("tiny-Q4_K_M.gguf"));
        rl_test::tiny_llama().write(path.toStdString());
        {
            ModelView view(m_registry);
            QVERIFY2(view.setModel(path), qPrintable(view.errorText()));
            QCOMPARE(view.weightsBox()->currentText(), QStringLiteral("model"));
            QCOMPARE(view.prediction()->memory.weight_bytes, static_cast<double>(rl_test::tiny_llama_bytes()));
            QVERIFY(view.modelBox()->findData(path) >= 0);
            // A file that is neither: refused with the reason, the model before kept.
            const QString bad = dir.filePath(QStringLiteral("bad.gguf"));
            QFile f(bad);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write("GGUF\x01\x00\x00\x00", 8);
            f.close();
            QVERIFY(!view.setModel(bad));
            QVERIFY2(view.errorText().contains(QStringLiteral("GGUF version 1")), qPrintable(view.errorText()));
            QCOMPARE(view.modelKey(), path);
        }
        ModelView again(m_registry); // remembered, like the other tabs remember their choices
        QCOMPARE(again.modelKey(), path);
        QVERIFY(again.modelBox()->findData(path) >= 0);
    }

    void testMeasuredRunsOnTheRatesChart()
    {
        ModelView view(m_registry);
        QVERIFY(view.setModel(QStringLiteral("llama-3.1-8b")));
        view.weightsBox()->setCurrentText(QStringLiteral("Q4_K_M"));
        QVERIFY(view.openMeasuredRuns(llamaBenchFile()));
        QCOMPARE(view.hardwareBox()->currentKey(), QStringLiteral("gb10")); // the file's gpu_info: a GB10, on the profile from public measurements
        QCOMPARE(view.measuredRuns().size(), std::size_t{3});
        QCOMPARE(view.ratesChart()->measured().size(), std::size_t{3});
        for (const auto& run : view.measuredRuns())
            QVERIFY2(run.compared(), run.reason.c_str());
        QVERIFY(view.csv().find("model,phase,batch") != std::string::npos);
    }

    void testInsideTheCalculatorTab()
    {
        MainWindow window;
        CalculatorViews* page = window.calculatorViews();
        QCOMPARE(window.tabs()->count(), 3); // a switch inside the Calculator tab, not a fourth tab
        QCOMPARE(page->view(), CalculatorViews::View::Kernel);
        page->modelButton()->click();
        QCOMPARE(page->view(), CalculatorViews::View::Model);
        QCOMPARE(page->currentView(), static_cast<Page*>(window.modelView()));
        QVERIFY(window.charts().contains(window.modelView()->chart()));
        QTemporaryDir dir;
        const QString png = dir.filePath(QStringLiteral("model.png"));
        window.showTab(MainWindow::CalculatorPage);
        QCOMPARE(window.exportPng(png), QString());
        QVERIFY(QImage(png).width() > 0);
    }

    void testValidationTabShowsRuns()
    {
        ValidationTab tab(m_registry);
        QVERIFY(tab.openFile(llamaBenchFile()));
        QVERIFY(tab.validate());
        QCOMPARE(tab.stepRuns()->model()->rowCount(), 3);
        QVERIFY(!tab.stepRuns()->isHidden());
        QVERIFY(tab.table()->isHidden()); // no kernel rows: the runs take the room
        QCOMPARE(tab.report().step_summary.count, std::size_t{3});
        QCOMPARE(tab.stepRuns()->chart()->measured().size(), std::size_t{3});
        QVERIFY(tab.summaryHtml().contains(QStringLiteral("Model runs")));
        QVERIFY(tab.csv().find("model,phase,batch") != std::string::npos);
    }
};

QTEST_MAIN(TestModelView)
#include "tst_modelview.moc"
