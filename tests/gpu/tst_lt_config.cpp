// The decoding of cuBLASLt's tile, stages and cluster ids into rl_result's GEMM fields (gpu/cuda/lt_config.cpp),
// and the `algorithm` text built on it: plain C++, no GPU needed. The ids are those of cublasLt.h (cuBLAS 13.1).

#include "lt_config.h"
#include "lt_names.h"

#include <QtTest/QtTest>

using namespace rl_cuda;

class TestLtConfig : public QObject {
    Q_OBJECT

private slots:
    void testTile_data()
    {
        QTest::addColumn<uint>("id");
        QTest::addColumn<int>("m");
        QTest::addColumn<int>("n");
        QTest::addColumn<bool>("known");
        QTest::newRow("UNDEFINED") << 0u << 0 << 0 << true;
        QTest::newRow("8x8") << 1u << 8 << 8 << true;
        QTest::newRow("16x8") << 3u << 16 << 8 << true;
        QTest::newRow("64x64") << 15u << 64 << 64 << true;
        QTest::newRow("128x128") << 20u << 128 << 128 << true;
        QTest::newRow("128x256") << 23u << 128 << 256 << true;
        QTest::newRow("256x128") << 24u << 256 << 128 << true;
        QTest::newRow("64x96") << 26u << 64 << 96 << true;
        QTest::newRow("8x128") << 36u << 8 << 128 << true;
        QTest::newRow("512x1024, the last") << 634u << 512 << 1024 << true;
        QTest::newRow("newer than the table") << 635u << 0 << 0 << false;
        QTest::newRow("far out") << 0xFFFFFFFFu << 0 << 0 << false;
    }
    void testTile()
    {
        QFETCH(uint, id);
        QFETCH(int, m);
        QFETCH(int, n);
        QFETCH(bool, known);
        const LtTile tile = decode_tile(id);
        QCOMPARE(tile.m, m);
        QCOMPARE(tile.n, n);
        QCOMPARE(tile.known, known);
    }

    void testStages_data()
    {
        QTest::addColumn<uint>("id");
        QTest::addColumn<int>("depth");
        QTest::addColumn<int>("count");
        QTest::addColumn<bool>("known");
        QTest::newRow("UNDEFINED") << 0u << 0 << 0 << true;
        QTest::newRow("16x1") << 1u << 16 << 1 << true;
        QTest::newRow("32x4") << 10u << 32 << 4 << true;
        QTest::newRow("64x6") << 18u << 64 << 6 << true;
        QTest::newRow("128x3") << 21u << 128 << 3 << true;
        QTest::newRow("32x10") << 25u << 32 << 10 << true;
        QTest::newRow("8x3 (ids 29, 30 unused)") << 31u << 8 << 3 << true;
        QTest::newRow("64xAUTO") << 35u << 64 << 0 << true;
        QTest::newRow("768xAUTO") << 38u << 768 << 0 << true;
        QTest::newRow("a gap in the enum") << 29u << 0 << 0 << false;
        QTest::newRow("newer than the table") << 39u << 0 << 0 << false;
    }
    void testStages()
    {
        QFETCH(uint, id);
        QFETCH(int, depth);
        QFETCH(int, count);
        QFETCH(bool, known);
        const LtStages stages = decode_stages(id);
        QCOMPARE(stages.depth, depth);
        QCOMPARE(stages.count, count);
        QCOMPARE(stages.known, known);
    }

    void testCluster_data()
    {
        QTest::addColumn<uint>("id");
        QTest::addColumn<int>("m");
        QTest::addColumn<int>("n");
        QTest::addColumn<bool>("known");
        QTest::newRow("AUTO") << 0u << 0 << 0 << true;
        QTest::newRow("id 1 is not a shape") << 1u << 0 << 0 << false;
        QTest::newRow("1x1x1") << 2u << 1 << 1 << true;
        QTest::newRow("2x1x1") << 3u << 2 << 1 << true;
        QTest::newRow("1x2x1") << 5u << 1 << 2 << true;
        QTest::newRow("4x4x1") << 10u << 4 << 4 << true;
        QTest::newRow("1x16x1") << 16u << 1 << 16 << true;
        QTest::newRow("3x2x1") << 28u << 3 << 2 << true;
        QTest::newRow("1x15x1, the last") << 51u << 1 << 15 << true;
        QTest::newRow("newer than the table") << 52u << 0 << 0 << false;
    }
    void testCluster()
    {
        QFETCH(uint, id);
        QFETCH(int, m);
        QFETCH(int, n);
        QFETCH(bool, known);
        const LtCluster cluster = decode_cluster(id);
        QCOMPARE(cluster.m, m);
        QCOMPARE(cluster.n, n);
        QCOMPARE(cluster.known, known);
    }

    void testLtConfig()
    {
        LtAlgoIds ids;
        ids.algo_id = 66;
        ids.tile_id = 23;   // 128x256
        ids.stages_id = 16; // 64x4
        ids.split_k = 3;
        ids.reduction_scheme = 2; // CUBLASLT_REDUCTION_SCHEME_COMPUTE_TYPE
        ids.cluster_id = 6; // 2x2x1
        const GemmConfig c = lt_gemm_config(ids);
        QCOMPARE(c.library, int(RL_GEMM_LIBRARY_CUBLASLT));
        QCOMPARE(c.algo_id, 66);
        QCOMPARE(c.tile_m, 128);
        QCOMPARE(c.tile_n, 256);
        QCOMPARE(c.tile_k, 64);
        QCOMPARE(c.stages, 4);
        QCOMPARE(c.split_k, 3);
        QCOMPARE(c.reduction_scheme, 2);
        QCOMPARE(c.cluster_m, 2);
        QCOMPARE(c.cluster_n, 2);
        QCOMPARE(c.candidates_timed, 0); // the race's to fill

        // No split: split_k 1 (the library reports 0 or 1) and no reduction scheme, whatever the field says.
        ids.split_k = 0;
        ids.reduction_scheme = 1;
        const GemmConfig unsplit = lt_gemm_config(ids);
        QCOMPARE(unsplit.split_k, 1);
        QCOMPARE(unsplit.reduction_scheme, 0);

        // Everything auto: zeros, as the ABI says for "undefined or auto".
        const GemmConfig automatic = lt_gemm_config(LtAlgoIds{});
        QCOMPARE(automatic.tile_m, 0);
        QCOMPARE(automatic.tile_k, 0);
        QCOMPARE(automatic.stages, 0);
        QCOMPARE(automatic.cluster_m, 0);
        QCOMPARE(automatic.split_k, 1);
    }

    void testCublasConfig()
    {
        const GemmConfig c = cublas_gemm_config();
        QCOMPARE(c.library, int(RL_GEMM_LIBRARY_CUBLAS));
        QCOMPARE(c.algo_id, -1);
        QCOMPARE(c.tile_m + c.tile_n + c.tile_k + c.stages + c.split_k + c.cluster_m + c.cluster_n, 0);
        const GemmConfig none;
        QCOMPARE(none.library, int(RL_GEMM_LIBRARY_UNKNOWN));
        QCOMPARE(none.algo_id, -1);
    }

    void testNames()
    {
        QCOMPARE(QString::fromStdString(tile_name(0)), QStringLiteral("auto"));
        QCOMPARE(QString::fromStdString(tile_name(23)), QStringLiteral("128x256"));
        QCOMPARE(QString::fromStdString(tile_name(9999)), QStringLiteral("tile#9999"));
        QCOMPARE(QString::fromStdString(stages_name(0)), QStringLiteral("auto"));
        QCOMPARE(QString::fromStdString(stages_name(16)), QStringLiteral("64x4"));
        QCOMPARE(QString::fromStdString(stages_name(35)), QStringLiteral("64xAUTO"));
        QCOMPARE(QString::fromStdString(stages_name(29)), QStringLiteral("stages#29"));
    }
};

QTEST_GUILESS_MAIN(TestLtConfig)
#include "tst_lt_config.moc"
