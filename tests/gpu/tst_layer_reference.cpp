// The host references that the CUDA plugin's layer kernels are checked against (gpu/cuda/layer_reference.cpp),
// on inputs small enough to work out by hand: plain C++, no GPU needed.

#include "layer_reference.h"

#include <QtTest/QtTest>

#include <cmath>
#include <cstring>
#include <limits>

using namespace rl_cuda;

class TestLayerReference : public QObject {
    Q_OBJECT

private slots:
    void testDecoding()
    {
        QCOMPARE(half_bits_to_double(0x3C00), 1.0);
        QCOMPARE(half_bits_to_double(0xC000), -2.0);
        QCOMPARE(half_bits_to_double(0x7BFF), 65504.0);          // the largest FP16
        QCOMPARE(half_bits_to_double(0x0001), std::ldexp(1.0, -24)); // the smallest subnormal
        QVERIFY(std::isinf(half_bits_to_double(0x7C00)));
        QVERIFY(std::isnan(half_bits_to_double(0xFFFF)));           // the poison the check writes
        QCOMPARE(bfloat16_bits_to_double(0x3F80), 1.0);
        QCOMPARE(bfloat16_bits_to_double(0xC040), -3.0);
        QVERIFY(std::isnan(bfloat16_bits_to_double(0xFFFF)));

        const std::vector<unsigned char> bf16 = {0x80, 0x3F, 0x40, 0xC0}; // little-endian 1.0, -3.0
        QCOMPARE(decode_activations(bf16, RL_PRECISION_BF16), (std::vector<double>{1.0, -3.0}));
        const float f = 0.375f;
        std::vector<unsigned char> fp32(4);
        std::memcpy(fp32.data(), &f, 4);
        QCOMPARE(decode_activations(fp32, RL_PRECISION_FP32), (std::vector<double>{0.375}));
    }

    void testRelativeError()
    {
        QCOMPARE(relative_error({3.0, 4.0}, {3.0, 4.0}), 0.0);
        QCOMPARE(relative_error({3.0, 4.5}, {3.0, 4.0}), 0.1); // 0.5 / 5
        QVERIFY(std::isinf(relative_error({std::numeric_limits<double>::quiet_NaN(), 4.0}, {3.0, 4.0})));
        QVERIFY(std::isinf(relative_error({1.0}, {1.0, 2.0})));
        QCOMPARE(relative_error({0.5}, {0.0}), 0.5);
    }

    void testRmsnorm()
    {
        // Row [3, 4]: mean square 12.5; weight [1, 2].
        const std::vector<double> y = rmsnorm_reference({3.0, 4.0, 0.0, 0.0}, {1.0, 2.0}, 2, 2, 0.0);
        const double rms = std::sqrt(12.5);
        QVERIFY(std::abs(y[0] - 3.0 / rms) < 1e-15);
        QVERIFY(std::abs(y[1] - 8.0 / rms) < 1e-15);
        // An all-zero row stays zero with an epsilon (and would be NaN without one).
        const std::vector<double> zeros = rmsnorm_reference({0.0, 0.0}, {1.0, 1.0}, 1, 2, 1e-6);
        QCOMPARE(zeros[0], 0.0);
    }

    void testRope()
    {
        // head_dim 4: frequencies 1 and theta^-1/2. Position 0 turns nothing; position 1 turns pair 0 by 1 rad.
        const double theta = 10000.0;
        const std::vector<float> table = rope_table(2, 4, theta);
        QCOMPARE(table.size(), std::size_t(8));
        QCOMPARE(table[0], 1.0f);                                      // cos, token 0
        QCOMPARE(table[2], static_cast<float>(std::cos(1.0)));         // cos, token 1, pair 0
        QCOMPARE(table[7], static_cast<float>(std::sin(0.01)));        // sin, token 1, pair 1: theta^-0.5 = 0.01
        const std::vector<double> x = {1.0, 2.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0}; // 2 tokens x 1 head x 4
        const std::vector<double> out = rope_reference(x, table, 2, 1, 4);
        QCOMPARE(out[0], 1.0);
        QCOMPARE(out[1], 2.0);
        QVERIFY(std::abs(out[4] - static_cast<double>(table[2])) < 1e-7);  // (1, 0) -> (cos 1, sin 1)
        QVERIFY(std::abs(out[6] - static_cast<double>(table[6])) < 1e-7);
    }

    void testTopk()
    {
        // Ties go to the lower expert; weights are the softmax over all experts.
        const TopkReference r = topk_reference({1.0, 3.0, 3.0, 2.0, 0.0, 5.0, 0.0, 0.0}, 2, 4, 2);
        QCOMPARE(r.indices, (std::vector<int32_t>{1, 2, 1, 0}));
        const double sum = std::exp(-2.0) + 1.0 + 1.0 + std::exp(-1.0);
        QVERIFY(std::abs(r.probs[0] - 1.0 / sum) < 1e-15);
        QVERIFY(std::abs(r.probs[1] - 1.0 / sum) < 1e-15);
        QVERIFY(r.probs[2] > 0.98 && r.probs[3] < r.probs[2]);
    }

    void testSmallOnes()
    {
        QCOMPARE(residual_reference({1.0, 2.0}, {0.5, -2.0}), (std::vector<double>{1.5, 0.0}));
        QCOMPARE(embedding_reference({1, 2, 3, 4, 5, 6}, {2, 0, 2}, 2), (std::vector<double>{5, 6, 1, 2, 5, 6}));
        // SiLU(0) = 0, SiLU(g) · 1 -> g for large g; GELU(0) = 0, GELU(-10) ~ 0, GELU(10) ~ 10.
        const std::vector<double> silu = silu_mul_reference({0.0, 20.0, 5.0, 1.0}, 1, 2);
        QCOMPARE(silu[0], 0.0);
        QVERIFY(std::abs(silu[1] - 20.0) < 1e-6);
        const std::vector<double> gelu = gelu_reference({0.0, -10.0, 10.0, 1.0});
        QCOMPARE(gelu[0], 0.0);
        QVERIFY(std::abs(gelu[1]) < 1e-12 && std::abs(gelu[2] - 10.0) < 1e-12);
        QVERIFY(std::abs(gelu[3] - 0.8411919906) < 1e-9); // GELU-tanh(1)
    }
};

QTEST_GUILESS_MAIN(TestLayerReference)
#include "tst_layer_reference.moc"
