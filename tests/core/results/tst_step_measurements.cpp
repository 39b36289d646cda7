// Measured model runs: the model_step row kind of the results JSON, llama-bench's JSON and JSONL output (pp, tg,
// pg and older files), how their models are matched, and their validation against predict_run.
#include "gguf_writer.h"

#include "roofline/support/errors.h"
#include "roofline/hardware/hardware_registry.h"
#include "roofline/results/llama_bench.h"
#include "roofline/results/measurements.h"
#include "roofline/workloads/model_library.h"
#include "roofline/results/reports.h"
#include "roofline/results/run_prediction.h"
#include "roofline/results/validation.h"

#include <QTemporaryDir>
#include <QtTest>

#include <fstream>

using namespace roofline;

namespace {

std::string data_file(const std::string& name)
{
    return std::string(ROOFLINE_SOURCE_DIR) + "/tests/data/" + name;
}

std::string refusal(const std::string& text)
{
    try {
        parse_measurements(text, "bad.json");
    } catch (const InputError& e) {
        return e.what();
    }
    return {};
}

std::string one_test(const std::string& fields)
{
    return "[{\"model_type\": \"llama 8B Q4_K - Medium\", \"model_n_params\": 8030261248, \"gpu_info\": \"NVIDIA GB10\", "
           "\"n_batch\": 512, \"avg_ts\": 40.0, "
        + fields + "}]";
}

} // namespace

class TestStepMeasurements : public QObject {
    Q_OBJECT

    HardwareRegistry registry_ = HardwareRegistry::presets();

private slots:
    void testLlamaBenchJson()
    {
        const MeasurementSet set = load_measurements(data_file("llama_bench/pp_tg.json"));
        QCOMPARE(set.rows.size(), std::size_t{0});
        QCOMPARE(set.steps.size(), std::size_t{3});
        QCOMPARE(set.hardware_key, std::string("gb10")); // from gpu_info "NVIDIA GB10": the profile from public measurements
        const StepMeasurement& pp = set.steps[0];
        QCOMPARE(pp.kind, StepRunKind::Prefill);
        QCOMPARE(pp.prompt_tokens, int64_t{512});
        QCOMPARE(pp.prompt_chunk, int64_t{512}); // n_ubatch
        QCOMPARE(pp.batch, int64_t{1});
        QCOMPARE(*pp.measured_time_us, 190000.0);
        QCOMPARE(pp.model, std::string("llama-3.1-8b"));
        QCOMPARE(pp.weights, std::string("Q4_K_M"));
        QCOMPARE(pp.kv_cache, Precision::FP16);
        QVERIFY2(pp.match_note.find("matched by model_type 'llama 8B Q4_K - Medium' and model_n_params") == 0, pp.match_note.c_str());
        QCOMPARE(pp.engine, std::string("llama.cpp"));
        QCOMPARE(pp.engine_version, std::string("b6095 (3f4fc97f)"));
        const StepMeasurement& tg = set.steps[1];
        QCOMPARE(tg.kind, StepRunKind::Decode);
        QCOMPARE(tg.gen_tokens, int64_t{128});
        QCOMPARE(tg.context_depth, int64_t{0});
        QCOMPARE(set.steps[2].context_depth, int64_t{4096});
        QCOMPARE(tg.tokens(), int64_t{128});
        QCOMPARE(tg.measured_run_time_us(), 3350000.0);
    }

    void testLlamaBenchJsonlAndOlder()
    {
        const MeasurementSet pg = load_measurements(data_file("llama_bench/pg_depth.jsonl"));
        QCOMPARE(pg.steps.size(), std::size_t{2});
        QCOMPARE(pg.steps[0].kind, StepRunKind::Combined);
        QCOMPARE(pg.steps[0].tokens(), int64_t{640});
        QCOMPARE(pg.steps[1].kind, StepRunKind::Prefill);
        QCOMPARE(pg.steps[1].context_depth, int64_t{4096});

        const MeasurementSet old = load_measurements(data_file("llama_bench/old_no_depth.json"));
        QCOMPARE(old.steps[0].context_depth, int64_t{0});
        QCOMPARE(old.steps[0].prompt_chunk, int64_t{512}); // n_batch, as older llama-bench chunked
        QCOMPARE(old.steps[1].kind, StepRunKind::Decode);
    }

    void testModelMatchedByGgufFile()
    {
        QTemporaryDir dir;
        const std::string gguf = dir.filePath("tiny.gguf").toStdString();
        rl_test::tiny_llama().write(gguf);
        const std::string text = one_test("\"n_prompt\": 0, \"n_gen\": 16, \"model_filename\": \"" + gguf + "\"");
        const MeasurementSet found = parse_measurements(text, "bench.json");
        QCOMPARE(found.steps[0].model, gguf);
        QCOMPARE(found.steps[0].weights, std::string("model"));
        QCOMPARE(found.steps[0].match_note, "matched by its GGUF file " + gguf);

        const MeasurementSet given = parse_llama_bench(one_test("\"n_prompt\": 0, \"n_gen\": 16"), "bench.json", {gguf});
        QVERIFY(given.steps[0].match_note.find("(given)") != std::string::npos);
        const ValidationReport r = validate(registry_.get("b10"), given, Mode::Realistic);
        QVERIFY2(r.steps[0].compared(), r.steps[0].reason.c_str());
        QCOMPARE(r.steps[0].model_name, std::string("tiny"));
    }

    void testUnmatchedModelIsNotCompared()
    {
        const MeasurementSet set = parse_measurements(
            "[{\"model_type\": \"llama 1B Q8_0\", \"model_n_params\": 1234, \"n_batch\": 512, \"avg_ts\": 40.0, "
            "\"n_prompt\": 0, \"n_gen\": 16}]",
            "bench.json");
        QVERIFY(set.steps[0].match_note.find("no built-in llama model has") == 0);
        const ValidationReport r = validate(registry_.get("b10"), set, Mode::Realistic);
        QVERIFY(!r.steps[0].compared());
        QVERIFY(r.steps[0].reason.find("open the GGUF file") != std::string::npos);
        QCOMPARE(r.steps_not_compared, std::size_t{1});
    }

    void testRefusesBadTests()
    {
        QVERIFY(refusal(one_test("\"n_gen\": 16")).find("row 0, field 'n_prompt': missing") != std::string::npos);
        QVERIFY(refusal(one_test("\"n_prompt\": 0, \"n_gen\": 0")).find("neither prompt nor generated tokens") != std::string::npos);
        QVERIFY(refusal(one_test("\"n_prompt\": 0, \"n_gen\": 16, \"type_k\": \"q4_0\"")).find("field 'type_k'") != std::string::npos);
        QVERIFY(refusal(one_test("\"n_prompt\": -5, \"n_gen\": 16")).find("field 'n_prompt'") != std::string::npos);
        const std::string jsonl = "{\"model_type\": \"llama 8B Q8_0\", \"n_prompt\": 0, \"n_gen\": 8, \"avg_ts\": 1, \"model_n_params\": 1}\n"
                                  "{\"model_type\": \"llama 8B Q8_0\", \"n_prompt\": 0, \"n_gen\": 8, \"avg_ts\": \"fast\", \"model_n_params\": 1}\n";
        const std::string message = refusal(jsonl);
        QVERIFY2(message.find("bad.json: line 2, field 'avg_ts'") == 0, message.c_str());
    }

    void testModelStepRows()
    {
        const MeasurementSet set = load_measurements(data_file("model_steps.json"));
        QCOMPARE(set.rows.size(), std::size_t{1});
        QCOMPARE(set.steps.size(), std::size_t{2});
        QCOMPARE(set.steps[0].row_index, std::size_t{1});
        QCOMPARE(set.steps[0].batch, int64_t{8});
        QCOMPARE(*set.steps[0].measured_time_us, 7600.0);
        QCOMPARE(set.steps[1].kv_cache, Precision::FP8_E4M3);
        QCOMPARE(set.steps[1].extra["gpu_clock_mhz"].get<int>(), 1980);
        // Written back and read again: the same rows.
        const MeasurementSet again = parse_measurements(measurements_to_json(set), "written.json");
        QCOMPARE(again.steps.size(), std::size_t{2});
        QCOMPARE(step_measurement_to_json(again.steps[1]).dump(), step_measurement_to_json(set.steps[1]).dump());

        const auto row = [](const std::string& fields) {
            return "{\"benchmarks\": [{\"kind\": \"model_step\", \"model\": \"llama-3.1-8b\", " + fields + "}]}";
        };
        QVERIFY(refusal(row("\"measured_time_us\": 5")).find("row 0, field 'phase': missing") != std::string::npos);
        QVERIFY(refusal(row("\"phase\": \"decode\", \"prompt_tokens\": 5, \"measured_time_us\": 5")).find("field 'prompt_tokens'")
                != std::string::npos);
        QVERIFY(refusal(row("\"phase\": \"decode\"")).find("field 'measured_time_us': missing") != std::string::npos);
        QVERIFY(refusal(row("\"phase\": \"prefill\", \"prompt_tokens\": 8, \"kv\": \"Q3\", \"measured_time_us\": 5")).find("field 'kv'")
                != std::string::npos);
    }

    // predict_run: a one-chunk prefill is one prefill step; a short decode run is every step summed; a long one
    // is interpolated within a hair of the step-by-step sum; a chunked prompt is its chunks at rising depths.
    void testPredictRun()
    {
        const HardwareSpec& hw = registry_.get("b10");
        const ModelDescription& m = *find_builtin_model("llama-3.1-8b");
        StepOptions base;
        StepMeasurement run;
        run.model = m.name;
        run.weights = "Q4_K_M";
        run.kv_cache = Precision::FP16;
        run.kind = StepRunKind::Prefill;
        run.prompt_tokens = 512;
        run.prompt_chunk = 512;
        StepOptions o = base;
        o.weights = parse_weight_scheme("Q4_K_M");
        o.kv_cache = Precision::FP16;
        o.prompt = 512;
        o.context = 0;
        QCOMPARE(predict_run(m, hw, base, run).time_us, predict_phase(m, hw, o, Phase::Prefill).step_time_us);

        run.prompt_chunk = 128;
        double chunks = 0;
        for (int k = 0; k < 4; ++k) {
            o.prompt = 128;
            o.context = 128 * k;
            chunks += predict_phase(m, hw, o, Phase::Prefill).step_time_us;
        }
        QCOMPARE(predict_run(m, hw, base, run).prefill_chunks, int64_t{4});
        QCOMPARE(predict_run(m, hw, base, run).time_us, chunks);

        const auto step_by_step = [&](int64_t depth, int64_t steps) {
            double sum = 0;
            for (int64_t i = 0; i < steps; ++i) {
                o.context = depth + i;
                sum += predict_phase(m, hw, o, Phase::Decode).step_time_us;
            }
            return sum;
        };
        run.kind = StepRunKind::Decode;
        run.prompt_tokens = 0;
        run.gen_tokens = 20;
        run.context_depth = 1000;
        QCOMPARE(predict_run(m, hw, base, run).time_us, step_by_step(1000, 20));
        run.gen_tokens = 300;
        const RunPrediction long_run = predict_run(m, hw, base, run);
        QCOMPARE(long_run.decode_depths_predicted, kRunDecodeSamples);
        QVERIFY(std::fabs(long_run.time_us / step_by_step(1000, 300) - 1) < 1e-3);
        QCOMPARE(long_run.tokens_per_s, 300 / (long_run.time_us * 1e-6));
    }

    void testValidatesSteps()
    {
        const MeasurementSet set = load_measurements(data_file("llama_bench/pp_tg.json"));
        const ValidationReport r = validate(registry_.get("b10"), set, Mode::Realistic);
        QCOMPARE(r.steps.size(), std::size_t{3});
        QCOMPARE(r.step_summary.count, std::size_t{3});
        for (const StepValidationRow& row : r.steps) {
            QVERIFY2(row.compared(), row.reason.c_str());
            QCOMPARE(row.error_pct, (row.predicted->time_us - row.measured_time_us) / row.measured_time_us * 100);
            QCOMPARE(row.band, band_of(row.abs_error_pct));
        }
        // A deeper context makes decode slower.
        QVERIFY(r.steps[2].predicted->time_us > r.steps[1].predicted->time_us);
        const auto json = validation_json(r);
        QCOMPARE(json["model_steps"].size(), std::size_t{3});
        QCOMPARE(json["model_step_summary"]["count"].get<int>(), 3);
        QVERIFY(validation_csv(r).find("\r\nmodel,phase,batch") != std::string::npos);
    }
};

QTEST_APPLESS_MAIN(TestStepMeasurements)
#include "tst_step_measurements.moc"
