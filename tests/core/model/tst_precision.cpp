#include "roofline/model/precision.h"

#include <QtTest>

using namespace roofline;

class TestPrecision : public QObject {
    Q_OBJECT

private slots:
    void testBytesPerElement_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<double>("input_bytes");
        QTest::addColumn<double>("output_bytes");
        QTest::addColumn<QString>("output_type");
        QTest::newRow("FP64") << "FP64" << 8.0 << 8.0 << "FP64";
        QTest::newRow("FP32") << "FP32" << 4.0 << 4.0 << "FP32";
        QTest::newRow("TF32 stores FP32") << "TF32" << 4.0 << 4.0 << "FP32";
        QTest::newRow("BF16") << "BF16" << 2.0 << 2.0 << "BF16";
        QTest::newRow("FP16") << "FP16" << 2.0 << 2.0 << "FP16";
        QTest::newRow("FP8_E4M3 writes BF16") << "FP8_E4M3" << 1.0 << 2.0 << "BF16";
        QTest::newRow("FP8_E5M2") << "FP8_E5M2" << 1.0 << 2.0 << "BF16";
        // Block scales: one E8M0 byte per 32 elements (MX), one E4M3 byte per 16 (NVFP4).
        QTest::newRow("MXFP8") << "MXFP8" << 1.03125 << 2.0 << "BF16";
        QTest::newRow("NVFP4") << "NVFP4" << 0.5625 << 2.0 << "BF16";
        QTest::newRow("MXFP4") << "MXFP4" << 0.53125 << 2.0 << "BF16";
        QTest::newRow("INT8 writes INT32") << "INT8" << 1.0 << 4.0 << "INT32";
        QTest::newRow("INT4") << "INT4" << 0.5 << 4.0 << "INT32";
    }
    void testBytesPerElement()
    {
        QFETCH(QString, name);
        QFETCH(double, input_bytes);
        QFETCH(double, output_bytes);
        QFETCH(QString, output_type);
        const auto p = parse_precision(name.toStdString());
        QVERIFY(p.has_value());
        QCOMPARE(info(*p).bytes_per_element, input_bytes);
        QCOMPARE(info(*p).output_bytes_per_element, output_bytes);
        QCOMPARE(QString::fromUtf8(info(*p).output_type.data(), int(info(*p).output_type.size())), output_type);
        QCOMPARE(QString::fromUtf8(to_string(*p).data(), int(to_string(*p).size())), name);
    }

    void testEveryPrecisionRoundTrips()
    {
        for (Precision p : kAllPrecisions) {
            QCOMPARE(info(p).precision, p);
            QCOMPARE(parse_precision(to_string(p)), std::optional<Precision>(p));
        }
    }

    void testParse_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<int>("expected"); // -1: not a precision
        QTest::newRow("lower case") << "fp16" << int(Precision::FP16);
        QTest::newRow("mixed case") << "Fp8_e4M3" << int(Precision::FP8_E4M3);
        QTest::newRow("dash") << "fp8-e5m2" << int(Precision::FP8_E5M2);
        QTest::newRow("alias fp8") << "FP8" << int(Precision::FP8_E4M3);
        QTest::newRow("alias bfloat16") << "bfloat16" << int(Precision::BF16);
        QTest::newRow("alias fp4") << "fp4" << int(Precision::NVFP4);
        QTest::newRow("int8") << "int8" << int(Precision::INT8);
        QTest::newRow("unknown") << "FP12" << -1;
        QTest::newRow("empty") << "" << -1;
        QTest::newRow("trailing junk") << "FP16x" << -1;
    }
    void testParse()
    {
        QFETCH(QString, text);
        QFETCH(int, expected);
        const auto p = parse_precision(text.toStdString());
        if (expected < 0)
            QVERIFY(!p.has_value());
        else
            QCOMPARE(int(p.value()), expected);
    }

    void testNamesListEveryPrecision()
    {
        const std::string names = precision_names();
        for (Precision p : kAllPrecisions)
            QVERIFY2(names.find(to_string(p)) != std::string::npos, names.c_str());
    }
};

QTEST_APPLESS_MAIN(TestPrecision)
#include "tst_precision.moc"
