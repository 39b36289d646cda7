// Plan names to plans (roofline::plan_names, named_plan, load_plan): what the CLI's --plan and the app's plan menu offer.
#include "roofline/benchmarking/bench_plan.h"
#include "roofline/support/errors.h"
#include "roofline/results/measurements.h"

#include <QTemporaryDir>
#include <QTest>

using namespace roofline;

class TestPlanLookup : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void testNames()
    {
        QCOMPARE(plan_names(), (std::vector<std::string>{"default", "extended", "smoke", "llm", "layers", "ggml", "ggml_smoke"}));
        for (const std::string& name : plan_names()) {
            const std::optional<BenchPlan> plan = named_plan(name);
            QVERIFY2(plan.has_value(), name.c_str());
            QCOMPARE(plan->name, name);
        }
        QCOMPARE(named_plan("smoke")->cases.size(), smoke_plan().cases.size());
        QCOMPARE(named_plan("extended")->cases.size(), extended_plan().cases.size());
        QVERIFY(!named_plan("Smoke").has_value());
        QVERIFY(!named_plan("").has_value());
    }

    void testLoadNameOrFile()
    {
        QCOMPARE(load_plan("default").cases.size(), default_plan().cases.size());
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        BenchPlan plan = smoke_plan();
        plan.name = "mine";
        plan.cases.resize(2);
        const std::string file = dir.filePath(QStringLiteral("mine.json")).toStdString();
        write_file_atomically(file, plan_to_json(plan));
        const BenchPlan read = load_plan(file);
        QCOMPARE(read.name, std::string("mine"));
        QCOMPARE(read.cases.size(), std::size_t(2));
    }

    void testMissingFileNamesThePlans()
    {
        try {
            load_plan("no-such-plan.json");
            QFAIL("expected InputError");
        } catch (const InputError& e) {
            const QString message = QString::fromUtf8(e.what());
            QVERIFY2(message.startsWith(QStringLiteral("no-such-plan.json: cannot open the plan file (or use default, extended, smoke, llm, layers, ggml, ggml_smoke): ")),
                     e.what());
        }
    }

    // The ggml plans: every product and cache names its ggml type, the weights survive a round trip through the plan's
    // JSON, and a "weights" that is no ggml type, or on a kernel without weights, is refused where it stands.
    void testGgmlPlanWeights()
    {
        for (const BenchPlan& plan : {ggml_plan(), ggml_smoke_plan()}) {
            QVERIFY(!plan.cases.empty());
            for (const BenchCase& c : plan.cases) {
                const KernelType k = kernel_of(c.shape);
                if (k == KernelType::GEMV || k == KernelType::GEMM || k == KernelType::Attention)
                    QVERIFY(c.ggml_weights.has_value());
            }
            const BenchPlan read = parse_plan_json(plan_to_json(plan), "roundtrip.json");
            QVERIFY(read.cases == plan.cases);
        }
        const std::string bad_type = R"({"cases": [{"kernel_type": "gemv", "shape": [64, 64], "precision": "FP32", "weights": "Q9_K"}]})";
        QVERIFY_THROWS_EXCEPTION(InputError, parse_plan_json(bad_type, "bad.json"));
        const std::string no_weights = R"({"cases": [{"kernel_type": "rope", "shape": [1, 8, 64], "precision": "FP32", "weights": "Q4_K"}]})";
        QVERIFY_THROWS_EXCEPTION(InputError, parse_plan_json(no_weights, "bad.json"));
    }
};

QTEST_APPLESS_MAIN(TestPlanLookup)
#include "tst_plan_lookup.moc"
