// The GGUF header reader on files the test writes: versions 2 and 3, the model they describe, exact tensor bytes
// feeding the step prediction, and every kind of bad header refused with its offset and field.
#include "gguf_writer.h"

#include "roofline/support/errors.h"
#include "roofline/workloads/gguf.h"
#include "roofline/hardware/hardware_registry.h"
#include "roofline/workloads/model_library.h"
#include "roofline/workloads/step_prediction.h"

#include <QTemporaryDir>
#include <QtTest>

using namespace roofline;
using rl_test::GgufWriter;

namespace {

std::span<const std::byte> bytes_of(const std::string& s)
{
    return {reinterpret_cast<const std::byte*>(s.data()), s.size()};
}

// The problem text parse_gguf throws for `header` with a data section of `data` bytes; empty when it accepts.
std::string refusal(const std::string& header, uint64_t data = 0)
{
    try {
        parse_gguf(bytes_of(header), "bad.gguf", header.size() + data);
    } catch (const InputError& e) {
        return e.what();
    }
    return {};
}

std::string model_refusal(const GgufWriter& w)
{
    try {
        gguf_model(parse_gguf(bytes_of(w.header()), "bad.gguf", w.header().size() + w.data_bytes()));
    } catch (const InputError& e) {
        return e.what();
    }
    return {};
}

const StepKernel* kernel_named(const PhasePrediction& p, const std::string& name)
{
    for (const KernelTime& k : p.kernels)
        if (k.kernel.name == name)
            return &k.kernel;
    return nullptr;
}

} // namespace

class TestGguf : public QObject {
    Q_OBJECT

private slots:
    void testReadsVersions_data()
    {
        QTest::addColumn<int>("version");
        QTest::newRow("v2") << 2;
        QTest::newRow("v3") << 3;
    }
    void testReadsVersions()
    {
        QFETCH(int, version);
        QTemporaryDir dir;
        const std::string path = dir.filePath("tiny-llama-Q4_K_M.gguf").toStdString();
        rl_test::tiny_llama(static_cast<uint32_t>(version)).write(path);
        const GgufFile file = read_gguf_file(path);
        QCOMPARE(file.version, static_cast<uint32_t>(version));
        QCOMPARE(file.tensors.size(), std::size_t{21});
        QCOMPARE(file.alignment, uint64_t{32});
        QCOMPARE(file.data_offset % 32, uint64_t{0});
        QCOMPARE(file.tensor_bytes(), rl_test::tiny_llama_bytes());
        QCOMPARE(*file.find("general.name")->as_string(), std::string("Tiny Llama"));
        QCOMPARE(file.find("tokenizer.ggml.tokens")->count, uint64_t{1024});
        QCOMPARE(*file.find("llama.rope.freq_base")->as_number(), 500000.0);

        const ModelDescription m = load_model(path); // told from a config.json by its magic
        QCOMPARE(m.name, std::string("tiny-llama-Q4_K_M"));
        QCOMPARE(m.architecture, std::string("LlamaForCausalLM"));
        QCOMPARE(m.hidden_size, int64_t{256});
        QCOMPARE(m.num_layers, int64_t{2});
        QCOMPARE(m.num_attention_heads, int64_t{4});
        QCOMPARE(m.num_kv_heads, int64_t{2});
        QCOMPARE(m.head_dim, int64_t{64});
        QCOMPARE(m.intermediate_size, int64_t{512});
        QCOMPARE(m.vocab_size, int64_t{1024});
        QCOMPARE(m.max_context, int64_t{8192});
        QCOMPARE(m.file_type, std::string("Q4_K_M"));
        QVERIFY(!m.tie_word_embeddings);
        QVERIFY(!m.qkv_bias);
        QVERIFY(!m.moe);
        QCOMPARE(m.stored_bytes(), static_cast<double>(rl_test::tiny_llama_bytes()));
        QCOMPARE(m.stored_tensor("blk.1.attn_v.weight")->type, std::string("Q6_K"));
    }

    // The step runs at each tensor's stored type, and the memory verdict counts the tensors' bytes exactly.
    void testStepUsesStoredFormats()
    {
        QTemporaryDir dir;
        const std::string path = dir.filePath("tiny.gguf").toStdString();
        rl_test::tiny_llama().write(path);
        const ModelDescription m = load_gguf_model(path);
        const HardwareRegistry registry = HardwareRegistry::presets();
        const HardwareSpec& hw = registry.get("h100_sxm");
        const StepOptions options; // --weights model: the file's own formats
        const StepPrediction p = predict_step(m, hw, options, StepPhases::Decode);
        QCOMPARE(p.memory.weight_bytes, static_cast<double>(rl_test::tiny_llama_bytes()));
        const StepKernel* qkv = kernel_named(*p.decode, "qkv_proj");
        QVERIFY(qkv);
        QCOMPARE(qkv->format, std::string("Q4_K+Q6_K"));
        // Bytes a weight: Q4_K for q and k, Q6_K for v, in proportion to their elements.
        const double expected = (144.0 / 256 * (256 * 256 + 256 * 128) + 210.0 / 256 * 256 * 128) / (256 * 512);
        QCOMPARE(qkv->bytes.weight, expected);
        QCOMPARE(kernel_named(*p.decode, "down_proj")->format, std::string("Q6_K"));
        QCOMPARE(kernel_named(*p.decode, "lm_head")->format, std::string("Q6_K"));
        QCOMPARE(kernel_named(*p.decode, "attn_norm")->bytes.weight, 4.0); // F32 norms, as GGUF stores them

        // An explicit --weights still overrides the file.
        StepOptions bf16;
        bf16.weights = parse_weight_scheme("BF16");
        const StepPrediction q = predict_step(m, hw, bf16, StepPhases::Decode);
        QCOMPARE(kernel_named(*q.decode, "qkv_proj")->format, std::string("BF16"));
        QVERIFY(q.memory.weight_bytes > 2 * p.memory.weight_bytes);
    }

    void testTiedOutputAndExperts()
    {
        GgufWriter w;
        w.str("general.architecture", "qwen3moe");
        w.u32("qwen3moe.embedding_length", 256);
        w.u32("qwen3moe.block_count", 1);
        w.u32("qwen3moe.attention.head_count", 4);
        w.u32("qwen3moe.attention.head_count_kv", 4);
        w.u32("qwen3moe.attention.key_length", 128);
        w.u32("qwen3moe.attention.value_length", 128);
        w.u32("qwen3moe.feed_forward_length", 768);
        w.u32("qwen3moe.expert_feed_forward_length", 256);
        w.u32("qwen3moe.expert_count", 8);
        w.u32("qwen3moe.expert_used_count", 2);
        w.u64("qwen3moe.vocab_size", 512);
        w.tensor("token_embd.weight", {256, 512}, rl_test::kQ8_0, 256 * 512 / 32 * 34);
        w.tensor("blk.0.attn_q.weight", {256, 512}, rl_test::kQ8_0, 256 * 512 / 32 * 34);
        w.tensor("blk.0.attn_q_norm.weight", {128}, rl_test::kF32, 128 * 4);
        w.tensor("blk.0.ffn_gate_inp.weight", {256, 8}, rl_test::kF32, 256 * 8 * 4);
        w.tensor("blk.0.ffn_gate_exps.weight", {256, 256, 8}, rl_test::kQ4_K, rl_test::q4k_bytes(256 * 256 * 8));
        w.tensor("blk.0.ffn_up_exps.weight", {256, 256, 8}, rl_test::kQ4_K, rl_test::q4k_bytes(256 * 256 * 8));
        w.tensor("blk.0.ffn_down_exps.weight", {256, 256, 8}, rl_test::kQ6_K, rl_test::q6k_bytes(256 * 256 * 8));
        const std::string h = w.header();
        const ModelDescription m = gguf_model(parse_gguf(bytes_of(h), "moe.gguf", h.size() + w.data_bytes()));
        QCOMPARE(m.architecture, std::string("Qwen3MoeForCausalLM"));
        QVERIFY(m.tie_word_embeddings); // no output.weight
        QVERIFY(m.qk_norm);
        QVERIFY(m.moe);
        QCOMPARE(m.moe->num_experts, int64_t{8});
        QCOMPARE(m.moe->experts_per_token, int64_t{2});
        QCOMPARE(m.moe->expert_intermediate_size, int64_t{256});
        QCOMPARE(m.moe_layers, std::vector<bool>{true});
        QCOMPARE(m.head_dim, int64_t{128});
        QCOMPARE(m.vocab_size, int64_t{512});
    }

    void testRefusesBadHeaders_data()
    {
        QTest::addColumn<QByteArray>("header");
        QTest::addColumn<qulonglong>("data");
        QTest::addColumn<QString>("expected");
        const GgufWriter good = rl_test::tiny_llama();
        const std::string h = good.header();
        const auto row = [](const char* name, const std::string& bytes, uint64_t data, const char* expected) {
            QTest::newRow(name) << QByteArray(bytes.data(), static_cast<qsizetype>(bytes.size())) << qulonglong(data) << expected;
        };
        row("empty", "", 0, "at byte 0: needs 4 bytes");
        row("foreign: a JSON file", "{\"architectures\": []}", 0, "field 'magic': at byte 0: not a GGUF file");
        row("cut in the counts", h.substr(0, 12), 0, "field 'tensor_count': at byte 8: needs 8 bytes");
        row("cut in a key", h.substr(0, 200), 0, "a string of 17 bytes, but only 10 bytes follow (truncated");
        row("cut before the pairs", h.substr(0, 40), 0, "field 'metadata_kv_count': at byte 16: 11 pairs cannot fit");
        row("cut in the tensor table", h.substr(0, h.size() - 100), 0, "truncated");
        row("data section missing", h, 0, "end past the end of the file");
        row("data section one byte short", h, good.data_bytes() - 1, "field 'output.weight'");

        GgufWriter v1 = rl_test::tiny_llama(1);
        row("version 1", v1.header(), 0, "field 'version': at byte 4: GGUF version 1");
        GgufWriter be = rl_test::tiny_llama();
        be.big_endian = true;
        row("big-endian", be.header(), 0, "a big-endian GGUF file (version 3 byte-swapped)");
        GgufWriter v9 = rl_test::tiny_llama();
        v9.version = 9;
        row("version 9", v9.header(), 0, "GGUF version 9 is not known");

        std::string huge_kv = h;
        for (int i = 0; i < 8; ++i)
            huge_kv[16 + i] = static_cast<char>(0xff);
        row("huge metadata count", huge_kv, 0, "field 'metadata_kv_count': at byte 16");
        std::string huge_tensors = h;
        huge_tensors[8 + 6] = 0x10;
        row("huge tensor count", huge_tensors, 0, "field 'tensor_count': at byte 8");

        GgufWriter array;
        array.raw_kv("tokenizer.ggml.tokens", 9, {8, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x0f});
        row("huge array count", array.header(), 0, "field 'tokenizer.ggml.tokens': at byte 61: an array of");
        GgufWriter length;
        length.raw_kv("general.name", 8, {0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0});
        row("huge string length", length.header(), 0, "a string of 4294967295 bytes, but only");
        GgufWriter type;
        type.raw_kv("general.name", 13, {});
        row("unknown value type", type.header(), 0, "value type 13 is not a GGUF type");
        GgufWriter nested;
        nested.raw_kv("x", 9, {9, 0, 0, 0});
        row("array of arrays", nested.header(), 0, "an array of arrays");
        GgufWriter flag;
        flag.boolean("general.flag", 2);
        row("bool not 0 or 1", flag.header(), 0, "a bool must be 0 or 1, got 2");
        GgufWriter twice;
        twice.u32("a", 1);
        twice.u32("a", 2);
        row("duplicate key", twice.header(), 0, "field 'a': at byte 41: the key appears twice");
        GgufWriter align;
        align.u32("general.alignment", 24);
        row("alignment not a power of two", align.header(), 0, "general.alignment");
        GgufWriter ggml;
        ggml.tensor("w", {32}, 4, 18); // Q4_2, removed from ggml
        row("removed ggml type", ggml.header(), 64, "field 'w': at byte");
        GgufWriter blocks;
        blocks.tensor("w", {100, 2}, rl_test::kQ4_K, 144);
        row("row not whole blocks", blocks.header(), 256, "not a whole number of Q4_K blocks (256)");
        GgufWriter dims;
        dims.tensor("w", {1, 1, 1, 1, 1}, rl_test::kF32, 4);
        row("five dimensions", dims.header(), 64, "5 dimensions");
        GgufWriter overflow;
        overflow.tensor("w", {0x7fffffffffffffffULL, 4}, rl_test::kF32, 4);
        row("elements overflow", overflow.header(), 64, "more elements than a tensor can hold");
    }
    void testRefusesBadHeaders()
    {
        QFETCH(QByteArray, header);
        QFETCH(qulonglong, data);
        QFETCH(QString, expected);
        const std::string message = refusal(header.toStdString(), data);
        QVERIFY2(!message.empty(), "accepted");
        QVERIFY2(message.find("bad.gguf") == 0, message.c_str());
        QVERIFY2(message.find(expected.toStdString()) != std::string::npos, message.c_str());
    }

    // Headers that read well but describe no model this tool can run, or contradict their own tensors.
    void testRefusesLyingModels()
    {
        GgufWriter no_arch;
        no_arch.u32("llama.block_count", 2);
        QVERIFY(model_refusal(no_arch).find("field 'general.architecture': missing") != std::string::npos);

        GgufWriter foreign;
        foreign.str("general.architecture", "bert");
        QVERIFY(model_refusal(foreign).find("architecture 'bert' is not supported") != std::string::npos);

        GgufWriter heads = rl_test::tiny_llama();
        heads.u32("llama.attention.head_count", 8); // a second copy: the reader refuses the duplicate first
        QVERIFY(model_refusal(heads).find("appears twice") != std::string::npos);

        GgufWriter width;
        width.str("general.architecture", "llama");
        width.u32("llama.embedding_length", 512);
        width.u32("llama.block_count", 1);
        width.u32("llama.attention.head_count", 4);
        width.u32("llama.feed_forward_length", 512);
        width.tensor("token_embd.weight", {256, 1024}, rl_test::kQ4_K, rl_test::q4k_bytes(256 * 1024));
        QVERIFY(model_refusal(width).find("field 'llama.embedding_length': 512, but token_embd.weight has rows of 256")
                != std::string::npos);

        GgufWriter string_count;
        string_count.str("general.architecture", "llama");
        string_count.u32("llama.embedding_length", 256);
        string_count.str("llama.block_count", "two");
        QVERIFY(model_refusal(string_count).find("field 'llama.block_count': expected a whole number") != std::string::npos);

        GgufWriter layers;
        layers.str("general.architecture", "llama");
        layers.u32("llama.embedding_length", 256);
        layers.u32("llama.block_count", 1);
        layers.u32("llama.attention.head_count", 4);
        layers.u32("llama.feed_forward_length", 512);
        layers.u64("llama.vocab_size", 10);
        layers.u32s("llama.attention.head_count_kv", {2, 4});
        QVERIFY(model_refusal(layers).find("differs between layers") != std::string::npos);

        // Found by fuzz_gguf: a block_count of 2^32 - 1 sized the per-layer loops (a hang, and gigabytes of lists).
        GgufWriter blocks;
        blocks.str("general.architecture", "llama");
        blocks.u32("llama.embedding_length", 256);
        blocks.u32("llama.block_count", 0xffffffffu);
        blocks.u32("llama.attention.head_count", 4);
        blocks.u32("llama.feed_forward_length", 512);
        blocks.u64("llama.vocab_size", 10);
        blocks.tensor("token_embd.weight", {256, 10}, rl_test::kQ4_K, rl_test::q4k_bytes(256 * 10));
        QVERIFY(model_refusal(blocks).find("4294967295, but the file stores only") != std::string::npos);
    }

    void testNeverReadsTheWeights()
    {
        // A 16 GiB sparse data section: reading the header is instant and sized by the header alone.
        QTemporaryDir dir;
        const std::string path = dir.filePath("big.gguf").toStdString();
        GgufWriter w = rl_test::tiny_llama();
        w.tensor("extra.weight", {256, 16ULL * 1024 * 1024}, rl_test::kF32, 256ULL * 16 * 1024 * 1024 * 4);
        w.write(path);
        QElapsedTimer timer;
        timer.start();
        const GgufFile file = read_gguf_file(path);
        QVERIFY(timer.elapsed() < 2000);
        QCOMPARE(file.tensors.back().bytes, 256ULL * 16 * 1024 * 1024 * 4);
    }
};

QTEST_APPLESS_MAIN(TestGguf)
#include "tst_gguf.moc"
