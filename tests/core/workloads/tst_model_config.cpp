#include "roofline/support/errors.h"
#include "roofline/workloads/model_config.h"
#include "roofline/workloads/model_library.h"
#include "roofline/workloads/model_parameters.h"

#include <QTemporaryDir>
#include "builtin_models.h"

#include <QtTest>

#include <nlohmann/json.hpp>

#include <fstream>
#include <functional>

using namespace roofline;
using nlohmann::ordered_json;

namespace {

ordered_json builtin_json(const char* file_name)
{
    for (const auto& file : embedded_model_files())
        if (file.file_name == file_name)
            return ordered_json::parse(file.json);
    throw std::runtime_error(std::string("no embedded ") + file_name);
}

// The error a config gives, or an empty string when it reads.
QString error_of(const ordered_json& config)
{
    try {
        parse_model_config(config.dump(), "bad.json");
    } catch (const InputError& e) {
        return QString::fromStdString(e.what());
    }
    return {};
}

double relative_error(double value, double expected)
{
    return std::abs(value - expected) / expected;
}

} // namespace

class TestModelConfig : public QObject {
    Q_OBJECT

private slots:
    void testEveryBuiltinLoadsWithItsSource()
    {
        QCOMPARE(builtin_models().size(), std::size_t(12));
        for (const auto& model : builtin_models()) {
            const QByteArray name = QByteArray::fromStdString(model.name);
            QVERIFY2(!model.repo_id.empty(), name);
            QCOMPARE(QString::fromStdString(model.config_url),
                     "https://huggingface.co/" + QString::fromStdString(model.repo_id) + "/blob/main/config.json");
            QVERIFY2(!model.checked_note.empty(), name);
            QCOMPARE(model.layer_attention.size(), std::size_t(model.num_layers));
            QCOMPARE(model.moe_layers.size(), std::size_t(model.num_layers));
            QVERIFY2(count_parameters(model).total() > 1'000'000'000, name);
        }
    }

    void testLlama31_8b()
    {
        const ModelDescription& m = builtin("llama-3.1-8b");
        QCOMPARE(m.family, ModelFamily::Llama);
        QCOMPARE(m.hidden_size, 4096);
        QCOMPARE(m.num_layers, 32);
        QCOMPARE(m.num_attention_heads, 32);
        QCOMPARE(m.num_kv_heads, 8);
        QCOMPARE(m.head_dim, 128); // 4096 / 32: the config gives no head_dim
        QCOMPARE(m.intermediate_size, 14336);
        QCOMPARE(m.vocab_size, 128256);
        QVERIFY(!m.tie_word_embeddings);
        QVERIFY(!m.moe);
        QCOMPARE(m.sliding_layer_count(), 0);
        QCOMPARE(QString::fromStdString(m.hidden_act), QString("silu"));
        QCOMPARE(m.weight_precision, Precision::BF16);
        QVERIFY(!m.qkv_bias && !m.o_bias);
    }

    void testQwen3_30bA3b()
    {
        const ModelDescription& m = builtin("Qwen/Qwen3-30B-A3B");
        QCOMPARE(m.family, ModelFamily::Qwen3Moe);
        QVERIFY(m.moe);
        QCOMPARE(m.moe->num_experts, 128);
        QCOMPARE(m.moe->experts_per_token, 8);
        QCOMPARE(m.moe->expert_intermediate_size, 768);
        QCOMPARE(m.moe->num_shared_experts, 0);
        QCOMPARE(m.moe_layer_count(), 48);
        QCOMPARE(m.num_kv_heads, 4);
        QCOMPARE(m.head_dim, 128); // explicit: 2048 / 32 would be 64
        QVERIFY(m.qk_norm);
    }

    void testGptOss20b()
    {
        const ModelDescription& m = builtin("gpt-oss-20b");
        QCOMPARE(m.family, ModelFamily::GptOss);
        QCOMPARE(m.moe->num_experts, 32);
        QCOMPARE(m.moe->experts_per_token, 4);
        QCOMPARE(m.moe->expert_intermediate_size, 2880);
        QCOMPARE(m.sliding_window, std::optional<int64_t>(128));
        QCOMPARE(m.sliding_layer_count(), 12);
        for (int64_t i = 0; i < m.num_layers; ++i)
            QCOMPARE(m.layer_attention[i], i % 2 == 0 ? LayerAttention::Sliding : LayerAttention::Full);
        QVERIFY(m.qkv_bias && m.o_bias && m.attention_sinks);
        QVERIFY(m.quantization);
        QCOMPARE(QString::fromStdString(m.quantization->method), QString("mxfp4"));
        const TensorFormats formats = m.tensor_formats();
        QCOMPARE(formats.experts, Precision::MXFP4);
        QCOMPARE(formats.attention, Precision::BF16);
        QCOMPARE(formats.router, Precision::BF16);
        QCOMPARE(formats.embedding, Precision::BF16);
        QCOMPARE(formats.lm_head, Precision::BF16);
    }

    void testFp8QuantizationLeavesTheNamedModules()
    {
        ordered_json config = builtin_json("qwen3-30b-a3b.json");
        config["torch_dtype"] = "bfloat16";
        config["quantization_config"] = {{"quant_method", "fp8"}, {"modules_to_not_convert", {"lm_head", "model.layers.*.mlp.gate"}}};
        const TensorFormats formats = parse_model_config(config.dump(), "fp8.json").tensor_formats();
        QCOMPARE(formats.experts, Precision::FP8_E4M3);
        QCOMPARE(formats.attention, Precision::FP8_E4M3);
        QCOMPARE(formats.router, Precision::BF16);
        QCOMPARE(formats.lm_head, Precision::BF16);
        QCOMPARE(formats.embedding, Precision::BF16);
        QCOMPARE(formats.norms, Precision::BF16);
    }

    void testGemma3TextConfigAndItsDefaults()
    {
        const ModelDescription& m = builtin("google/gemma-3-4b-it");
        QCOMPARE(QString::fromStdString(m.architecture), QString("Gemma3ForConditionalGeneration"));
        QCOMPARE(m.hidden_size, 2560);
        QCOMPARE(m.intermediate_size, 10240);
        QCOMPARE(m.num_layers, 34);
        // Left out by the file; transformers' Gemma3TextConfig defaults.
        QCOMPARE(m.num_attention_heads, 8);
        QCOMPARE(m.num_kv_heads, 4);
        QCOMPARE(m.head_dim, 256);
        QCOMPARE(m.vocab_size, 262208);
        QVERIFY(m.tie_word_embeddings);
        QCOMPARE(QString::fromStdString(m.hidden_act), QString("gelu_pytorch_tanh"));
        // Every sixth layer full: 5, 11, 17, 23, 29.
        QCOMPARE(m.sliding_window, std::optional<int64_t>(1024));
        QCOMPARE(m.sliding_layer_count(), 29);
        QCOMPARE(m.layer_attention[5], LayerAttention::Full);
        QCOMPARE(m.layer_attention[6], LayerAttention::Sliding);
        QCOMPARE(m.norms_per_layer, 4);
        QCOMPARE(m.weight_precision, Precision::BF16);
    }

    void testGemma3CausalLmReadsTopLevelFields()
    {
        ordered_json config = builtin_json("gemma-3-4b-it.json")["text_config"];
        config["architectures"] = {"Gemma3ForCausalLM"};
        config["sliding_window_pattern"] = 2;
        const ModelDescription m = parse_model_config(config.dump(), "gemma-text.json");
        QCOMPARE(m.hidden_size, 2560);
        QCOMPARE(m.sliding_layer_count(), 17);
    }

    void testOtherFamilies()
    {
        const ModelDescription& mistral = builtin("mistral-7b-v0.3");
        QCOMPARE(mistral.vocab_size, 32768);
        QVERIFY(!mistral.sliding_window); // "sliding_window": null
        QCOMPARE(mistral.sliding_layer_count(), 0);

        const ModelDescription& qwen25 = builtin("qwen2.5-32b");
        QVERIFY(qwen25.qkv_bias && !qwen25.o_bias);
        QCOMPARE(qwen25.sliding_layer_count(), 0); // sliding_window given, use_sliding_window false

        const ModelDescription& llama3b = builtin("llama-3.2-3b");
        QVERIFY(llama3b.tie_word_embeddings);
        QCOMPARE(llama3b.head_dim, 128);

        const ModelDescription& gpt120 = builtin("gpt-oss-120b");
        QCOMPARE(gpt120.num_layers, 36);
        QCOMPARE(gpt120.moe->num_experts, 128);
    }

    void testMixtralAndQwen2MoeConfigs()
    {
        ordered_json mixtral = builtin_json("mistral-7b-v0.3.json");
        mixtral["architectures"] = {"MixtralForCausalLM"};
        mixtral["num_local_experts"] = 8;
        mixtral["num_experts_per_tok"] = 2;
        mixtral["sliding_window"] = 4096;
        const ModelDescription m = parse_model_config(mixtral.dump(), "mixtral.json");
        QCOMPARE(m.moe->num_experts, 8);
        QCOMPARE(m.moe->expert_intermediate_size, 14336);
        QCOMPARE(m.sliding_layer_count(), 32);

        ordered_json qwen2moe = builtin_json("qwen3-30b-a3b.json");
        qwen2moe["architectures"] = {"Qwen2MoeForCausalLM"};
        qwen2moe["num_experts"] = 60;
        qwen2moe["num_experts_per_tok"] = 4;
        qwen2moe["moe_intermediate_size"] = 1408;
        qwen2moe["shared_expert_intermediate_size"] = 5632;
        qwen2moe["mlp_only_layers"] = {0, 1};
        const ModelDescription q = parse_model_config(qwen2moe.dump(), "qwen2moe.json");
        QCOMPARE(q.moe->num_shared_experts, 1);
        QCOMPARE(q.moe->shared_expert_intermediate_size, 5632);
        QVERIFY(q.moe->shared_expert_gate);
        QCOMPARE(q.moe_layer_count(), 46);
        QVERIFY(!q.moe_layers[0] && q.moe_layers[2]);
        const ParameterCount n = count_parameters(q);
        QCOMPARE(n.dense_ffn, 2 * 3 * q.hidden_size * q.intermediate_size);
        QCOMPARE(n.shared_experts, 46 * (3 * q.hidden_size * 5632 + q.hidden_size));
    }

    // Published totals: Llama 3.1 8B's model card 8.03 B; gpt-oss model card 20.9 B / 3.6 B active and
    // 116.8 B / 5.1 B active; Qwen3-30B-A3B's card 30.5 B.
    void testParameterCountsMatchPublishedTotals_data()
    {
        QTest::addColumn<QString>("key");
        QTest::addColumn<double>("total");
        QTest::addColumn<double>("active"); // 0: not published
        QTest::newRow("Llama 3.1 8B") << "llama-3.1-8b" << 8.03e9 << 0.0;
        QTest::newRow("gpt-oss-20b") << "gpt-oss-20b" << 20.9e9 << 3.6e9;
        QTest::newRow("gpt-oss-120b") << "gpt-oss-120b" << 116.8e9 << 5.1e9;
        QTest::newRow("Qwen3-30B-A3B") << "qwen3-30b-a3b" << 30.5e9 << 0.0;
    }
    void testParameterCountsMatchPublishedTotals()
    {
        QFETCH(QString, key);
        QFETCH(double, total);
        QFETCH(double, active);
        const ParameterCount n = count_parameters(builtin(key.toUtf8().constData()));
        QVERIFY2(relative_error(double(n.total()), total) < 0.01, QByteArray::number(double(n.total())));
        if (active > 0)
            QVERIFY2(relative_error(double(n.active_per_token), active) < 0.01, QByteArray::number(double(n.active_per_token)));
    }

    void testLlama8bParametersByHand()
    {
        const ParameterCount n = count_parameters(builtin("llama-3.1-8b"));
        QCOMPARE(n.embedding, int64_t(128256) * 4096);
        QCOMPARE(n.lm_head, int64_t(128256) * 4096);
        QCOMPARE(n.attention, int64_t(32) * (2 * 4096 * 4096 + 2 * 4096 * 1024));
        QCOMPARE(n.dense_ffn, int64_t(32) * 3 * 4096 * 14336);
        QCOMPARE(n.norms, int64_t(65) * 4096);
        QCOMPARE(n.total(), int64_t(8'030'261'248));
        QCOMPARE(n.active_per_token, n.total() - n.embedding);
    }

    void testTiedEmbeddingsCountOnce()
    {
        const ParameterCount n = count_parameters(builtin("llama-3.2-3b"));
        QCOMPARE(n.lm_head, 0);
        QCOMPARE(n.embedding, int64_t(128256) * 3072);
        QCOMPARE(n.active_per_token, n.total()); // the tied table is read whole as the LM head
    }

    // The checkpoints: gpt-oss-20b about 12.8 GiB, gpt-oss-120b about 60.8 GiB (MXFP4 experts, BF16 rest).
    void testWeightBytesKeepTheModelsOwnMix()
    {
        const double gib = 1024.0 * 1024 * 1024;
        QVERIFY(relative_error(weight_bytes(builtin("gpt-oss-20b")).total_bytes() / gib, 12.8) < 0.02);
        QVERIFY(relative_error(weight_bytes(builtin("gpt-oss-120b")).total_bytes() / gib, 60.8) < 0.02);
        const ModelDescription& llama = builtin("llama-3.1-8b");
        QCOMPARE(weight_bytes(llama).total_bytes(), 2.0 * double(count_parameters(llama).total()));
    }

    void testUserFileReadsLikeTheBuiltin()
    {
        QTemporaryDir dir;
        const std::string path = dir.filePath("config.json").toStdString();
        std::ofstream(path) << builtin_json("qwen3-8b.json").dump(2);
        const ModelDescription user = load_model(path);
        const ModelDescription& shipped = builtin("qwen3-8b");
        QCOMPARE(user.hidden_size, shipped.hidden_size);
        QCOMPARE(user.intermediate_size, shipped.intermediate_size);
        QCOMPARE(count_parameters(user).total(), count_parameters(shipped).total());
        QCOMPARE(QString::fromStdString(user.source), QString::fromStdString(path));
        QCOMPARE(QString::fromStdString(user.name), dir.path().section('/', -1)); // the snapshot folder's name
    }

    void testUnknownNameListsTheBuiltins()
    {
        try {
            load_model("no-such-model");
            QFAIL("expected InputError");
        } catch (const InputError& e) {
            QVERIFY2(QString(e.what()).contains("llama-3.1-8b"), e.what());
        }
    }

    void testBadConfigs_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("edit");
        QTest::addColumn<QString>("field");
        QTest::addColumn<QString>("says");
        QTest::newRow("unknown architecture") << "llama-3.1-8b.json" << "architecture" << "field 'architectures'" << "FooForCausalLM";
        QTest::newRow("no architectures") << "llama-3.1-8b.json" << "no architectures" << "field 'architectures'" << "missing";
        QTest::newRow("missing hidden_size") << "llama-3.1-8b.json" << "missing" << "field 'hidden_size'" << "missing";
        QTest::newRow("negative layers") << "llama-3.1-8b.json" << "negative" << "field 'num_hidden_layers'" << "greater than 0";
        QTest::newRow("vocab as text") << "llama-3.1-8b.json" << "type" << "field 'vocab_size'" << "expected an integer";
        QTest::newRow("heads do not divide hidden") << "llama-3.1-8b.json" << "heads" << "field 'num_attention_heads'" << "no head_dim";
        QTest::newRow("kv heads do not divide heads") << "llama-3.1-8b.json" << "kv" << "field 'num_key_value_heads'" << "does not divide";
        QTest::newRow("nested field missing") << "gemma-3-4b-it.json" << "nested" << "field 'text_config.hidden_size'" << "missing";
        QTest::newRow("no text_config") << "gemma-3-4b-it.json" << "no text_config" << "field 'text_config'" << "missing";
        QTest::newRow("layer_types too short") << "gpt-oss-20b.json" << "layer_types" << "field 'layer_types'" << "24";
        QTest::newRow("more experts per token than experts") << "gpt-oss-20b.json" << "top-k" << "field 'num_experts_per_tok'" << "only 32";
        QTest::newRow("unknown quantization") << "gpt-oss-20b.json" << "quant" << "field 'quantization_config.quant_method'" << "awq";
        QTest::newRow("missing expert count") << "qwen3-30b-a3b.json" << "experts" << "field 'num_experts'" << "missing";
        QTest::newRow("unknown dtype") << "llama-3.1-8b.json" << "dtype" << "field 'torch_dtype'" << "int3";
        QTest::newRow("negative shared experts") << "qwen3-30b-a3b.json" << "shared" << "field 'shared_expert_intermediate_size'" << "not be negative";
        QTest::newRow("head_dim as text") << "qwen3-8b.json" << "head_dim" << "field 'head_dim'" << "expected an integer";
        // Found by the long fuzz run: a per-layer list of 3·10^9 entries ran the reader out of memory.
        QTest::newRow("a billion layers") << "gemma-3-4b-it.json" << "layers" << "field 'text_config.num_hidden_layers'" << "at most 100000";
        // Found by the long fuzz run too: sizes each valid alone whose parameter count overflowed (signed overflow).
        QTest::newRow("parameter count overflows") << "qwen3-30b-a3b.json" << "huge" << "field 'hidden_size'" << "overflows 64 bits";
    }
    void testBadConfigs()
    {
        QFETCH(QString, file);
        QFETCH(QString, edit);
        QFETCH(QString, field);
        QFETCH(QString, says);
        ordered_json c = builtin_json(file.toUtf8().constData());
        const std::map<QString, std::function<void()>> edits = {
            {"architecture", [&] { c["architectures"] = {"FooForCausalLM"}; }},
            {"no architectures", [&] { c.erase("architectures"); }},
            {"missing", [&] { c.erase("hidden_size"); }},
            {"negative", [&] { c["num_hidden_layers"] = -2; }},
            {"type", [&] { c["vocab_size"] = "lots"; }},
            {"heads", [&] { c["hidden_size"] = 4097; }},
            {"kv", [&] { c["num_key_value_heads"] = 7; }},
            {"nested", [&] { c["text_config"].erase("hidden_size"); }},
            {"no text_config", [&] { c.erase("text_config"); }},
            {"layer_types", [&] { c["layer_types"].erase(0); }},
            {"top-k", [&] { c["num_experts_per_tok"] = 33; }},
            {"quant", [&] { c["quantization_config"]["quant_method"] = "awq"; }},
            {"experts", [&] { c.erase("num_experts"); }},
            {"dtype", [&] { c["torch_dtype"] = "int3"; }},
            {"shared", [&] { c["shared_expert_intermediate_size"] = -1; }},
            {"head_dim", [&] { c["head_dim"] = "128"; }},
            {"layers", [&] { c["text_config"]["num_hidden_layers"] = 3000000000LL; }},
            {"huge", [&] { c["moe_intermediate_size"] = 3982222222222222336LL; }},
        };
        edits.at(edit)();
        const QString error = error_of(c);
        QVERIFY2(error.startsWith("bad.json: " + field), qPrintable(error));
        QVERIFY2(error.contains(says), qPrintable(error));
    }

    void testNotJson()
    {
        try {
            parse_model_config("{\"architectures\": [", "broken.json");
            QFAIL("expected InputError");
        } catch (const InputError& e) {
            QVERIFY2(QString(e.what()).startsWith("broken.json: line 1"), e.what());
            QVERIFY2(QString(e.what()).contains("not valid JSON"), e.what());
        }
    }

    void testSupportedArchitecturesAreListed()
    {
        const auto names = supported_architectures();
        for (const char* name : {"LlamaForCausalLM", "MistralForCausalLM", "MixtralForCausalLM", "Qwen2ForCausalLM",
                                 "Qwen2MoeForCausalLM", "Qwen3ForCausalLM", "Qwen3MoeForCausalLM", "Gemma3ForCausalLM",
                                 "Gemma3ForConditionalGeneration", "GptOssForCausalLM"})
            QVERIFY2(std::find(names.begin(), names.end(), name) != names.end(), name);
    }
};

QTEST_APPLESS_MAIN(TestModelConfig)
#include "tst_model_config.moc"
