#include "roofline/support/errors.h"
#include "roofline/model/kernels.h"

#include <QtTest>

using namespace roofline;

Q_DECLARE_METATYPE(roofline::KernelShape)
Q_DECLARE_METATYPE(roofline::Precision)

class TestKernels : public QObject {
    Q_OBJECT

private slots:
    // Every formula against numbers worked out by hand (the arithmetic is in the row names' comments).
    void testWorkload_data()
    {
        QTest::addColumn<KernelShape>("shape");
        QTest::addColumn<Precision>("precision");
        QTest::addColumn<qulonglong>("flops");
        QTest::addColumn<double>("bytes");
        // 2·4096·4096; (4096·4096 + 4096)·2 + 4096·2
        QTest::newRow("gemv 4096^2 FP16") << KernelShape(GemvShape{4096, 4096}) << Precision::FP16 << 33554432ull << 33570816.0;
        // (4096·4096 + 4096)·1 + 4096·2 (BF16 out)
        QTest::newRow("gemv 4096^2 FP8") << KernelShape(GemvShape{4096, 4096}) << Precision::FP8_E4M3 << 33554432ull << 16789504.0;
        // 2·3·5; (3·5 + 5)·4 + 3·4
        QTest::newRow("gemv 3x5 FP32") << KernelShape(GemvShape{3, 5}) << Precision::FP32 << 30ull << 92.0;
        // (1024·1024 + 1024)·0.5625 + 1024·2
        QTest::newRow("gemv NVFP4 block scales") << KernelShape(GemvShape{1024, 1024}) << Precision::NVFP4 << 2097152ull << 592448.0;
        // 2·4096³; (2·4096²)·2 + 4096²·2
        QTest::newRow("gemm 4096^3 FP16") << KernelShape(GemmShape{4096, 4096, 4096}) << Precision::FP16 << 137438953472ull << 100663296.0;
        // 2·2·3·4; (2·4 + 4·3)·4 + 2·3·4
        QTest::newRow("gemm 2x3x4 FP32") << KernelShape(GemmShape{2, 3, 4}) << Precision::FP32 << 48ull << 104.0;
        // 2·64³; (64² + 64²)·1 + 64²·4 (INT32 out)
        QTest::newRow("gemm 64^3 INT8") << KernelShape(GemmShape{64, 64, 64}) << Precision::INT8 << 524288ull << 24576.0;
        // decode, GQA: pairs 4096; 4·32·128·4096; Q+O 32·128·(2+2) + K,V 2·8·4096·128·2
        QTest::newRow("attention decode GQA")
            << KernelShape(AttentionShape{1, 32, 8, 1, 4096, 128, false}) << Precision::FP16 << 67108864ull << 16793600.0;
        // causal prefill S=4: pairs 4·5/2 = 10; 4·2·10; Q+O 4·2·(4+4) + K,V 2·4·2·4
        QTest::newRow("attention causal prefill")
            << KernelShape(AttentionShape{1, 1, 1, 4, 4, 2, true}) << Precision::FP32 << 80ull << 128.0;
        // causal, 2 new queries after 3 cached: 4 + 5 = 9 pairs; 4·2·9; Q+O 2·2·(4+4) + K,V 2·5·2·4
        QTest::newRow("attention causal with cache")
            << KernelShape(AttentionShape{1, 1, 1, 2, 5, 2, true}) << Precision::FP32 << 72ull << 112.0;
        // batch 2, heads 2: 4·2·2·2·(3·5) non-causal; Q+O 2·2·3·2·(2+2) = 96 + K,V (2·2·2·5·2)·2 = 160
        QTest::newRow("attention batch")
            << KernelShape(AttentionShape{2, 2, 2, 3, 5, 2, false}) << Precision::BF16 << 480ull << 256.0;
        // SwiGLU, T 2, H 3, I 4, as its kernels: gate+up GEMM 2·2·8·3 + down 2·2·3·4 FLOP;
        // bytes 2·[(2·3 + 3·8 + 2·8) + (2·8 + 2·4) + (2·4 + 4·3 + 2·3)] = 2·(46 + 24 + 26)
        QTest::newRow("ffn gated") << KernelShape(FfnShape{2, 3, 4, true}) << Precision::BF16 << 144ull << 192.0;
        // plain: up 2·2·4·3 + down 2·2·3·4; bytes 2·[(2·3 + 3·4 + 2·4) + (2·4 + 2·4) + (2·4 + 4·3 + 2·3)] = 2·(26 + 16 + 26)
        QTest::newRow("ffn plain") << KernelShape(FfnShape{2, 3, 4, false}) << Precision::BF16 << 96ull << 136.0;
        // decode under a window of 4 of 10 cached keys: 4 pairs; 4·2·4; Q+O 2·(4+4) + K,V 2·4·2·4
        QTest::newRow("attention decode window")
            << KernelShape(AttentionShape{1, 1, 1, 1, 10, 2, false, 4}) << Precision::FP32 << 32ull << 80.0;
        // causal prefill of 4 under a window of 2: the queries see 1, 2, 2, 2 keys = 7 pairs; 4·2·7; Q+O 4·2·8 + K,V 2·4·2·4
        QTest::newRow("attention causal window")
            << KernelShape(AttentionShape{1, 1, 1, 4, 4, 2, true, 2}) << Precision::FP32 << 56ull << 128.0;
        // rmsnorm 2 rows of 4: 4·8; 8·(2+2) + the weight 4·2
        QTest::newRow("rmsnorm") << KernelShape(RmsNormShape{2, 4, false}) << Precision::BF16 << 32ull << 40.0;
        // fused add + norm: 5·8; x and r in, x + r and y out: 2·8·(2+2) + 4·2
        QTest::newRow("rmsnorm with residual") << KernelShape(RmsNormShape{2, 4, true}) << Precision::BF16 << 40ull << 72.0;
        // rope 2 tokens × 3 heads × 4: 3·24; 24·(2+2) + cos and sin 2·4·2
        QTest::newRow("rope") << KernelShape(RopeShape{2, 3, 4}) << Precision::BF16 << 72ull << 112.0;
        // residual 10: 10; 10·(4+4) + 10·4
        QTest::newRow("residual") << KernelShape(ResidualShape{10}) << Precision::FP32 << 10ull << 120.0;
        // SiLU·mul 2×3: (4+1)·6; gate and up in 2·6·2, out 6·2
        QTest::newRow("activation silu gated")
            << KernelShape(ActivationShape{2, 3, true, ActivationKind::SiLU}) << Precision::BF16 << 30ull << 36.0;
        // plain GELU 2×3: 9·6; 6·(4+4)
        QTest::newRow("activation gelu plain")
            << KernelShape(ActivationShape{2, 3, false, ActivationKind::GELU}) << Precision::FP32 << 54ull << 48.0;
        // top-2 of 8 for 2 tokens: 4·2·8; logits 16·2 + ids and weights 4·(4+2)
        QTest::newRow("topk") << KernelShape(TopKShape{2, 8, 2}) << Precision::BF16 << 64ull << 56.0;
        // embedding 3 tokens of 4: no FLOPs; rows 12·2 in, 12·2 out, ids 3·4
        QTest::newRow("embedding") << KernelShape(EmbeddingShape{3, 4}) << Precision::BF16 << 0ull << 60.0;
        // 2 groups, 3 rows in all, N 4, K 5: 2·3·4·5; A 3·5·2 + both groups' weights 2·5·4·2 + C 3·4·2
        QTest::newRow("grouped gemm") << KernelShape(GroupedGemmShape{2, 3, 4, 5}) << Precision::BF16 << 120ull << 134.0;
    }
    void testWorkload()
    {
        QFETCH(KernelShape, shape);
        QFETCH(Precision, precision);
        QFETCH(qulonglong, flops);
        QFETCH(double, bytes);
        const Workload w = workload(shape, precision);
        QCOMPARE(qulonglong(w.flops), flops);
        QCOMPARE(w.bytes, bytes);
    }

    void testBadShapes_data()
    {
        QTest::addColumn<KernelShape>("shape");
        QTest::addColumn<QString>("message");
        QTest::newRow("zero") << KernelShape(GemvShape{0, 4}) << "dimension N must be positive";
        QTest::newRow("negative") << KernelShape(GemmShape{4, -1, 4}) << "dimension N must be positive";
        QTest::newRow("flops overflow") << KernelShape(GemmShape{1 << 21, 1 << 21, 1 << 21}) << "the FLOP count overflows 64 bits";
        QTest::newRow("elements overflow") << KernelShape(GemvShape{int64_t(1) << 40, int64_t(1) << 40}) << "overflows 64 bits";
        QTest::newRow("heads not a multiple") << KernelShape(AttentionShape{1, 6, 4, 1, 8, 8, false}) << "multiple of kv_heads";
        QTest::newRow("causal longer query") << KernelShape(AttentionShape{1, 1, 1, 8, 4, 8, true}) << "query_len <= kv_len";
        // Found by the long fuzz run (UBSan: signed overflow in ffn_parts) from a results row of this shape.
        QTest::newRow("ffn gate+up columns overflow") << KernelShape(FfnShape{1, 1, 7333861793193554382, true}) << "overflow 64 bits";
    }
    void testBadShapes()
    {
        QFETCH(KernelShape, shape);
        QFETCH(QString, message);
        try {
            workload(shape, Precision::FP16);
            QFAIL("expected InputError");
        } catch (const InputError& e) {
            QVERIFY2(QString::fromStdString(e.what()).contains(message), e.what());
        }
    }

    void testMakeShape()
    {
        const KernelShape gemm = make_shape(KernelType::GEMM, {1, 2, 3});
        QCOMPARE(kernel_of(gemm), KernelType::GEMM);
        QCOMPARE(dims_of(gemm), (std::vector<int64_t>{1, 2, 3}));
        const KernelShape attention = make_shape(KernelType::Attention, {1, 8, 8, 16, 16, 64}, true);
        QVERIFY(std::get<AttentionShape>(attention).causal);
        QCOMPARE(format_shape(attention), std::string("1x8x8x16x16x64,causal"));
        QCOMPARE(format_shape(make_shape(KernelType::FFN, {1, 2, 3}, false)), std::string("1x2x3,plain"));
        QCOMPARE(format_shape(GemmShape{4096, 4096, 4096}), std::string("4096x4096x4096"));
        QVERIFY_THROWS_EXCEPTION(InputError, make_shape(KernelType::GEMM, {4, 4}));
        QVERIFY_THROWS_EXCEPTION(InputError, make_shape(KernelType::GEMV, {4, 0}));
        try {
            make_shape(KernelType::GEMM, {4, 4});
        } catch (const InputError& e) {
            QCOMPARE(std::string(e.what()), std::string("expected 3 dimensions for gemm [M, N, K], got 2"));
        }
    }

    void testParseDims_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QList<qlonglong>>("dims"); // empty: an error is expected
        QTest::newRow("x") << "4096x4096" << QList<qlonglong>{4096, 4096};
        QTest::newRow("comma") << "1,2,3" << QList<qlonglong>{1, 2, 3};
        QTest::newRow("spaces and X") << " 8 X 16 " << QList<qlonglong>{8, 16};
        QTest::newRow("not a number") << "4096xabc" << QList<qlonglong>{};
        QTest::newRow("empty") << "" << QList<qlonglong>{};
        QTest::newRow("too big") << "99999999999999999999x2" << QList<qlonglong>{};
    }
    void testParseDims()
    {
        QFETCH(QString, text);
        QFETCH(QList<qlonglong>, dims);
        if (dims.isEmpty()) {
            QVERIFY_THROWS_EXCEPTION(InputError, parse_dims(text.toStdString()));
            return;
        }
        const auto parsed = parse_dims(text.toStdString());
        QCOMPARE(QList<qlonglong>(parsed.begin(), parsed.end()), dims);
    }

    void testParseKernel()
    {
        QCOMPARE(parse_kernel("GEMV"), std::optional<KernelType>(KernelType::GEMV));
        QCOMPARE(parse_kernel("Attention"), std::optional<KernelType>(KernelType::Attention));
        QCOMPARE(parse_kernel("mlp"), std::optional<KernelType>(KernelType::FFN));
        QVERIFY(!parse_kernel("conv2d"));
        for (KernelType k : kAllKernels)
            QCOMPARE(parse_kernel(to_string(k)), std::optional<KernelType>(k));
        for (KernelType k : kLayerKernels) {
            QCOMPARE(parse_kernel(to_string(k)), std::optional<KernelType>(k));
            const std::vector<int64_t> dims(arity_of(k), 2);
            QCOMPARE(dims_of(make_shape(k, dims, true)), dims);
        }
    }
};

QTEST_APPLESS_MAIN(TestKernels)
#include "tst_kernels.moc"
