#include "roofline/workloads/ggml_types.h"

#include <QtTest>

#include <set>
#include <string>

using namespace roofline;

class TestGgmlTypes : public QObject {
    Q_OBJECT

private slots:
    // Hand-counted from ggml-common.h's block structs.
    void testHandCountedBlocks_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<int>("id");
        QTest::addColumn<int>("block_size");
        QTest::addColumn<int>("bytes_per_block");
        QTest::newRow("Q4_K: d, dmin, 12 scale bytes, 128 nibble bytes") << "Q4_K" << 12 << 256 << 144;
        QTest::newRow("Q8_0: d and 32 int8") << "Q8_0" << 8 << 32 << 34;
        QTest::newRow("Q6_K: ql 128, qh 64, scales 16, d") << "Q6_K" << 14 << 256 << 210;
        QTest::newRow("Q4_0: d and 16 nibble bytes") << "Q4_0" << 2 << 32 << 18;
        QTest::newRow("Q5_K") << "Q5_K" << 13 << 256 << 176;
        QTest::newRow("IQ4_XS") << "IQ4_XS" << 23 << 256 << 136;
        QTest::newRow("MXFP4: e8m0 and 16 nibble bytes") << "MXFP4" << 39 << 32 << 17;
        QTest::newRow("BF16") << "BF16" << 30 << 1 << 2;
        QTest::newRow("F32") << "F32" << 0 << 1 << 4;
    }
    void testHandCountedBlocks()
    {
        QFETCH(QString, name);
        QFETCH(int, id);
        QFETCH(int, block_size);
        QFETCH(int, bytes_per_block);
        const GgmlType* type = find_ggml_type(name.toStdString());
        QVERIFY(type);
        QCOMPARE(type->id, id);
        QCOMPARE(type->block_size, block_size);
        QCOMPARE(type->bytes_per_block, bytes_per_block);
        QCOMPARE(find_ggml_type(id), type);
    }

    void testBitsPerElement()
    {
        QCOMPARE(find_ggml_type("Q4_K")->bits_per_element(), 4.5);
        QCOMPARE(find_ggml_type("Q8_0")->bytes_per_element(), 34.0 / 32.0);
        QCOMPARE(find_ggml_type("Q6_K")->bits_per_element(), 6.5625);
    }

    void testEveryTypeTheIssueNamesIsThere()
    {
        const char* names[] = {"F32", "F16", "BF16", "Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q8_0", "Q8_1", "Q2_K", "Q3_K",
                               "Q4_K", "Q5_K", "Q6_K", "Q8_K", "IQ2_XXS", "IQ2_XS", "IQ3_XXS", "IQ1_S", "IQ4_NL",
                               "IQ3_S", "IQ2_S", "IQ4_XS", "I8", "I16", "I32", "I64", "F64", "IQ1_M", "TQ1_0",
                               "TQ2_0", "MXFP4"};
        for (const char* name : names)
            QVERIFY2(find_ggml_type(name), name);
        QCOMPARE(ggml_types().size(), std::size(names));
    }

    void testIdsAndNamesAreUnique()
    {
        std::set<int> ids;
        std::set<std::string> names;
        for (const GgmlType& type : ggml_types()) {
            QVERIFY2(ids.insert(type.id).second, type.name.data());
            QVERIFY2(names.insert(std::string(type.name)).second, type.name.data());
            QVERIFY(type.block_size > 0 && type.bytes_per_block > 0);
            QCOMPARE(type.quantized, type.block_size > 1);
        }
    }

    void testLookupIsCaseInsensitiveAndRemovedTypesAreAbsent()
    {
        QCOMPARE(find_ggml_type("q4_k"), find_ggml_type("Q4_K"));
        QVERIFY(!find_ggml_type("Q4_2"));
        QVERIFY(!find_ggml_type(4));  // Q4_2, removed
        QVERIFY(!find_ggml_type(31)); // Q4_0_4_4, removed from GGUF files
        QVERIFY(!find_ggml_type(""));
    }
};

QTEST_APPLESS_MAIN(TestGgmlTypes)
#include "tst_ggml_types.moc"
