#include "roofline/hardware/hardware_registry.h"
#include "roofline/results/reports.h"

#include <QtTest>

using namespace roofline;

class TestReports : public QObject {
    Q_OBJECT

    ValidationReport seed_report()
    {
        const HardwareRegistry registry = HardwareRegistry::presets();
        return validate(registry.get("b10"), load_measurements(ROOFLINE_TEST_DATA_DIR "/gb10_seed_measurements.json"), Mode::Realistic);
    }

private slots:
    void testCsvField_data()
    {
        QTest::addColumn<QString>("value");
        QTest::addColumn<QString>("field");
        QTest::newRow("plain") << "gemm" << "gemm";
        QTest::newRow("empty") << "" << "";
        QTest::newRow("comma") << "1x2,causal" << "\"1x2,causal\"";
        QTest::newRow("quote") << "say \"hi\"" << "\"say \"\"hi\"\"\"";
        QTest::newRow("newline") << "a\nb" << "\"a\nb\"";
        QTest::newRow("carriage return") << "a\rb" << "\"a\rb\"";
        QTest::newRow("spaces kept") << " a " << " a ";
    }
    void testCsvField()
    {
        QFETCH(QString, value);
        QFETCH(QString, field);
        QCOMPARE(QString::fromStdString(csv_field(value.toStdString())), field);
    }

    void testCsvRecord()
    {
        QCOMPARE(csv_record({"a", "b,c", ""}), std::string("a,\"b,c\",\r\n"));
    }

    void testValidationCsv()
    {
        const std::string csv = validation_csv(seed_report());
        const QStringList lines = QString::fromStdString(csv).split(QStringLiteral("\r\n"));
        QCOMPARE(lines.size(), 7); // header, 5 rows, and the empty string after the last CRLF
        QVERIFY(lines[0].startsWith(QStringLiteral("kernel,shape,precision,cache_mode,mode,predicted_time_us,measured_time_us,error_pct")));
        QVERIFY2(lines[1].startsWith(QStringLiteral("gemv,4096x4096,FP16,,realistic,203.429,203.4,0.01,0.01,green,memory,")), qPrintable(lines[1]));
        QVERIFY2(lines[3].startsWith(QStringLiteral("gemm,4096x4096x4096,FP16,")), qPrintable(lines[3]));
        QVERIFY2(lines[2].endsWith(QStringLiteral("efficiency above 1: faster than the roofline")), qPrintable(lines[2]));
        const int columns = lines[0].count(QLatin1Char(',')) + 1;
        for (int i = 1; i <= 5; ++i)
            QCOMPARE(lines[i].count(QLatin1Char(',')) + 1, columns);
        QVERIFY(lines[6].isEmpty());
    }

    // Whatever the report's mode, the ideal and realistic columns hold what reports in those modes predict.
    void testValidationCsvModeColumns()
    {
        const HardwareRegistry registry = HardwareRegistry::presets();
        const MeasurementSet set = load_measurements(ROOFLINE_TEST_DATA_DIR "/gb10_seed_measurements.json");
        const ValidationReport ideal = validate(registry.get("b10"), set, Mode::Ideal);
        const ValidationReport realistic = validate(registry.get("b10"), set, Mode::Realistic);
        for (Mode mode : {Mode::Ideal, Mode::Realistic, Mode::Refined}) {
            const QStringList lines = QString::fromStdString(validation_csv(validate(registry.get("b10"), set, mode))).split(QStringLiteral("\r\n"));
            const QStringList header = lines[0].split(QLatin1Char(','));
            const qsizetype ideal_column = header.indexOf(QStringLiteral("ideal_time_us"));
            const qsizetype realistic_column = header.indexOf(QStringLiteral("realistic_time_us"));
            QVERIFY(ideal_column > 0 && realistic_column > 0);
            for (std::size_t i = 0; i < set.rows.size(); ++i) {
                const QStringList fields = lines[qsizetype(i) + 1].split(QLatin1Char(','));
                QCOMPARE(fields[ideal_column].toStdString(), format_number(ideal.rows[i].prediction->predicted_time_us));
                QCOMPARE(fields[realistic_column].toStdString(), format_number(realistic.rows[i].prediction->predicted_time_us));
            }
        }
    }

    void testValidationCsvWithSummary()
    {
        const QString csv = QString::fromStdString(validation_csv(seed_report(), true));
        QVERIFY(csv.contains(QStringLiteral("\r\n\r\nmetric,value\r\nhardware,b10\r\nmode,realistic\r\nrows_compared,5\r\n")));
        QVERIFY(csv.contains(QStringLiteral("green_rows,5\r\nyellow_rows,0\r\nred_rows,0\r\n")));
    }

    // A calibrated report on the same rows goes beside each row and into the summary; one on other rows does not.
    void testValidationCsvWithCalibration()
    {
        const ValidationReport report = seed_report();
        const HardwareRegistry registry = HardwareRegistry::presets();
        const MeasurementSet seed = load_measurements(ROOFLINE_TEST_DATA_DIR "/gb10_seed_measurements.json");
        const ValidationReport other = validate(registry.get("b10"), seed, Mode::Ideal);
        const QStringList lines = QString::fromStdString(validation_csv(report, true, &other)).split(QStringLiteral("\r\n"));
        QVERIFY2(lines[0].endsWith(QStringLiteral(",note,calibrated_profile,calibrated_mode,calibrated_time_us,calibrated_error_pct,calibrated_band")),
                 qPrintable(lines[0]));
        // GEMV 4096² FP16 on b10, ideal: 33.57 MB at 287 GB/s = 116.97 µs, 42.5 % under the 203.4 µs measured.
        QVERIFY2(lines[1].endsWith(QStringLiteral(",b10,ideal,116.971,-42.49,red")), qPrintable(lines[1]));
        const int columns = lines[0].count(QLatin1Char(',')) + 1;
        for (int i = 1; i <= 5; ++i)
            QCOMPARE(lines[i].count(QLatin1Char(',')) + 1, columns);
        QVERIFY(lines.contains(QStringLiteral("calibrated_mode,ideal")));
        QVERIFY(lines.contains(QStringLiteral("calibrated_green_rows,") + QString::number(other.summary.green)));

        MeasurementSet fewer = seed;
        fewer.rows.pop_back();
        const ValidationReport mismatched = validate(registry.get("b10"), fewer, Mode::Ideal);
        QVERIFY(!QString::fromStdString(validation_csv(report, true, &mismatched)).contains(QStringLiteral("calibrated")));
    }

    void testValidationJson()
    {
        const auto json = validation_json(seed_report());
        QCOMPARE(json["hardware_key"].get<std::string>(), std::string("b10"));
        QCOMPARE(json["results"].size(), std::size_t(5));
        QCOMPARE(json["results"][0]["band"].get<std::string>(), std::string("green"));
        QCOMPARE(json["results"][0]["shape"], nlohmann::ordered_json::parse("[4096, 4096]"));
        QCOMPARE(json["summary"]["count"].get<int>(), 5);
        QCOMPARE(json["summary"]["green"].get<int>(), 5);
        QCOMPARE(json["summary"]["per_kernel_precision"].size(), std::size_t(5));
        QVERIFY(json["results"][1]["realistic"]["faster_than_roofline"].get<bool>());
    }

    void testFormatNumber_data()
    {
        QTest::addColumn<double>("value");
        QTest::addColumn<int>("decimals");
        QTest::addColumn<QString>("text");
        QTest::newRow("trims zeros") << 203.4 << 3 << "203.4";
        QTest::newRow("integer") << 14339.0 << 3 << "14339";
        QTest::newRow("rounds") << 0.16549 << 3 << "0.165";
        QTest::newRow("negative zero") << -0.0001 << 2 << "0";
        QTest::newRow("nan") << std::nan("") << 2 << "nan";
    }
    void testFormatNumber()
    {
        QFETCH(double, value);
        QFETCH(int, decimals);
        QFETCH(QString, text);
        QCOMPARE(QString::fromStdString(format_number(value, decimals)), text);
    }
};

QTEST_APPLESS_MAIN(TestReports)
#include "tst_reports.moc"
