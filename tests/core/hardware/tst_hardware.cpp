#include "roofline/support/errors.h"
#include "roofline/hardware/hardware_registry.h"

#include <QtTest>

#include <fstream>

using namespace roofline;

namespace {

void write(const std::filesystem::path& file, const std::string& text)
{
    std::ofstream(file) << text;
}

} // namespace

class TestHardware : public QObject {
    Q_OBJECT

private slots:
    void testEveryPresetLoads_data()
    {
        QTest::addColumn<QString>("file");
        for (const auto& preset : embedded_presets())
            QTest::newRow(std::string(preset.file_name).c_str()) << QString::fromUtf8(preset.file_name.data(), int(preset.file_name.size()));
    }
    void testEveryPresetLoads()
    {
        QFETCH(QString, file);
        const auto& presets = embedded_presets();
        const auto it = std::find_if(presets.begin(), presets.end(), [&](const EmbeddedPreset& p) { return QString::fromUtf8(p.file_name.data(), int(p.file_name.size())) == file; });
        QVERIFY(it != presets.end());
        const HardwareSpec spec = parse_hardware_json(it->json, file.toStdString());
        QCOMPARE(QString::fromStdString(spec.key) + ".json", file);
        QVERIFY(!spec.name.empty());
        QVERIFY(spec.peak_bandwidth_gb_s > 0);
        QVERIFY(spec.peak_tflops.size() >= 3); // a Turing T4 has FP32, FP16 and INT8 (INT4 left out, as on every preset)
        QVERIFY(spec.peak_tflops_for(Precision::FP16) || spec.peak_tflops_for(Precision::BF16));
        QVERIFY(spec.sm_count.has_value());
        QVERIFY(spec.compute_capability.has_value());
        // Complete: every number the preset file states has a source of its own, not the fallback to the file.
        const auto doc = nlohmann::ordered_json::parse(it->json);
        for (const auto& path : numeric_field_paths(doc)) {
            const auto source = spec.source_for(path);
            QVERIFY2(source.has_value(), path.c_str());
            QVERIFY2(source->rfind(kProfileSourcePrefix, 0) != 0, (path + " has no source of its own").c_str());
        }
        // Ridge point = peak / bandwidth, in FLOP per byte.
        for (Precision p : spec.precisions())
            QCOMPARE(*spec.critical_ai(p), *spec.peak_tflops_for(p) * 1e12 / (spec.peak_bandwidth_gb_s * 1e9));
    }

    void testPresetKeys()
    {
        const HardwareRegistry registry = HardwareRegistry::presets();
        for (const char* key : {"b10", "gb10", "h100_sxm", "h100_pcie", "h200", "b200", "gb200", "a100_sxm", "l40s", "rtx_5090",
                                "rtx_pro_6000", "rtx_4090", "rtx_4080", "rtx_3090", "l4", "t4", "a10", "a100_pcie", "a100_pcie_40gb"})
            QVERIFY2(registry.find(key), key);
        QCOMPARE(registry.all().size(), std::size_t(19));
    }

    // The plan's Task 1.1, exactly: its success criteria are stated on these numbers.
    void testB10IsThePlansSpec()
    {
        const HardwareRegistry registry = HardwareRegistry::presets();
        const HardwareSpec& b10 = registry.get("b10");
        QCOMPARE(b10.peak_bandwidth_gb_s, 287.0);
        const std::map<Precision, double> peaks = {
            {Precision::FP64, 15.5}, {Precision::FP32, 31.0},     {Precision::TF32, 62.0},      {Precision::BF16, 62.0},
            {Precision::FP16, 62.0}, {Precision::FP8_E4M3, 164.0}, {Precision::FP8_E5M2, 164.0}, {Precision::NVFP4, 1000.0},
            {Precision::MXFP4, 1000.0}, {Precision::MXFP8, 164.0}, {Precision::INT8, 124.0},  {Precision::INT4, 248.0}};
        QCOMPARE(b10.peak_tflops, peaks);
        const std::map<Precision, double> gemv = {{Precision::FP16, 0.575}, {Precision::BF16, 0.585}, {Precision::TF32, 0.43},
                                                  {Precision::FP8_E4M3, 1.68}, {Precision::INT8, 0.14}};
        const std::map<Precision, double> gemm = {{Precision::FP16, 0.155}, {Precision::BF16, 0.155}, {Precision::TF32, 0.602},
                                                  {Precision::FP8_E4M3, 1.0}, {Precision::INT8, 0.435}};
        QCOMPARE(b10.kernel_efficiency.at(KernelType::GEMV), gemv);
        QCOMPARE(b10.kernel_efficiency.at(KernelType::GEMM), gemm);
        QCOMPARE(b10.sm_count, std::optional<int>(48));
        QCOMPARE(b10.l2_cache_bytes, std::optional<uint64_t>(25165824));
        QCOMPARE(b10.memory_gb, std::optional<double>(119.6));
        QCOMPARE(b10.compute_capability, std::optional<std::string>("12.1"));
        QCOMPARE(*b10.critical_ai(Precision::FP16), 62e12 / 287e9);
        QVERIFY(!registry.get("h100_sxm").critical_ai(Precision::NVFP4).has_value());
    }

    void testUserProfiles()
    {
        QTemporaryDir dir;
        const std::filesystem::path root = dir.path().toStdString();
        // A whole new profile.
        write(root / "lab.json", R"({"key": "lab", "name": "Lab GPU", "peak_bandwidth_gb_s": 1000,
                                     "peak_tflops": {"fp16": 100}, "sources": {"peak_tflops": "our measurement"}})");
        // Overrides a preset's bandwidth only; everything else comes from the base.
        write(root / "h100_tuned.json", R"({"key": "h100_tuned", "base": "h100_sxm", "name": "H100 measured",
                                            "peak_bandwidth_gb_s": 3000, "kernel_efficiency": {"gemm": {"BF16": 0.8}}})");
        // Replaces the preset of the same key.
        write(root / "b10.json", R"({"key": "b10", "base": "b10", "peak_bandwidth_gb_s": 273})");
        // Broken ones are reported, not fatal.
        write(root / "broken.json", R"({"key": "broken", "name": "x", "peak_bandwidth_gb_s": -5, "peak_tflops": {"FP16": 1}})");
        write(root / "typo.json", R"({"key": "typo", "name": "x", "peak_bandwith_gb_s": 5, "peak_tflops": {"FP16": 1}})");
        write(root / "orphan.json", R"({"key": "orphan", "base": "nonexistent", "peak_bandwidth_gb_s": 5})");
        write(root / "notjson.json", "{ nope");

        const HardwareRegistry registry = HardwareRegistry::presets_and_user(root);
        const HardwareSpec* lab = registry.find("lab");
        QVERIFY(lab);
        QCOMPARE(lab->peak_tflops_for(Precision::FP16), std::optional<double>(100));
        QCOMPARE(lab->source_for("peak_tflops.FP16"), std::optional<std::string>("our measurement"));
        QVERIFY(lab->source_for("peak_bandwidth_gb_s")->rfind(kProfileSourcePrefix, 0) == 0);
        QCOMPARE(lab->origin, (root / "lab.json").string());

        const HardwareSpec* tuned = registry.find("h100_tuned");
        QVERIFY(tuned);
        QCOMPARE(tuned->peak_bandwidth_gb_s, 3000.0);
        QCOMPARE(tuned->peak_tflops_for(Precision::BF16), std::optional<double>(989));
        QCOMPARE(tuned->efficiency(KernelType::GEMM, Precision::BF16), std::optional<double>(0.8));
        // The replaced number is sourced to the profile, the inherited ones keep the datasheet's source.
        QVERIFY(tuned->source_for("peak_bandwidth_gb_s")->find("h100_tuned.json") != std::string::npos);
        QVERIFY(tuned->source_for("peak_tflops.BF16")->find("datasheet") != std::string::npos);

        QCOMPARE(registry.get("b10").peak_bandwidth_gb_s, 273.0);
        QCOMPARE(registry.get("b10").peak_tflops_for(Precision::FP8_E4M3), std::optional<double>(164));

        QVERIFY(!registry.find("broken"));
        QVERIFY(!registry.find("typo"));
        QVERIFY(!registry.find("orphan"));
        QCOMPARE(registry.problems().size(), std::size_t(4));
        const std::string all = [&] {
            std::string text;
            for (const auto& p : registry.problems())
                text += p + "\n";
            return text;
        }();
        QVERIFY2(all.find("broken.json: field 'peak_bandwidth_gb_s': must be greater than 0") != std::string::npos, all.c_str());
        QVERIFY2(all.find("typo.json: field 'peak_bandwith_gb_s': unknown field") != std::string::npos, all.c_str());
        QVERIFY2(all.find("orphan.json: field 'base': base profile 'nonexistent' is not known") != std::string::npos, all.c_str());
        QVERIFY2(all.find("notjson.json: line 1, column 4: not valid JSON") != std::string::npos, all.c_str());
    }

    void testBadProfiles_data()
    {
        QTest::addColumn<QString>("json");
        QTest::addColumn<QString>("message");
        QTest::newRow("no key") << R"({"name": "x", "peak_bandwidth_gb_s": 1, "peak_tflops": {"FP16": 1}})" << "field 'key': missing";
        QTest::newRow("bad key") << R"({"key": "My GPU", "name": "x", "peak_bandwidth_gb_s": 1, "peak_tflops": {"FP16": 1}})" << "field 'key': 'My GPU' must be";
        QTest::newRow("no peaks") << R"({"key": "a", "name": "x", "peak_bandwidth_gb_s": 1})" << "field 'peak_tflops': missing";
        QTest::newRow("empty peaks") << R"({"key": "a", "name": "x", "peak_bandwidth_gb_s": 1, "peak_tflops": {}})" << "needs at least one precision";
        QTest::newRow("unknown precision") << R"({"key": "a", "name": "x", "peak_bandwidth_gb_s": 1, "peak_tflops": {"FP12": 1}})" << "field 'peak_tflops.FP12': unknown precision";
        QTest::newRow("string number") << R"({"key": "a", "name": "x", "peak_bandwidth_gb_s": "1", "peak_tflops": {"FP16": 1}})" << "expected a number, got a string";
        QTest::newRow("zero factor") << R"({"key": "a", "name": "x", "peak_bandwidth_gb_s": 1, "peak_tflops": {"FP16": 1}, "kernel_efficiency": {"gemv": {"FP16": 0}}})" << "field 'kernel_efficiency.gemv.FP16': must be greater than 0";
        QTest::newRow("unknown kernel") << R"({"key": "a", "name": "x", "peak_bandwidth_gb_s": 1, "peak_tflops": {"FP16": 1}, "kernel_efficiency": {"conv": {}}})" << "unknown kernel";
        QTest::newRow("newer schema") << R"({"schema_version": 9, "key": "a", "name": "x", "peak_bandwidth_gb_s": 1, "peak_tflops": {"FP16": 1}})" << "newer than this build reads";
        QTest::newRow("not an object") << "[1, 2]" << "expected an object, got a list";
    }
    void testBadProfiles()
    {
        QFETCH(QString, json);
        QFETCH(QString, message);
        try {
            parse_hardware_json(json.toStdString(), "p.json");
            QFAIL("expected InputError");
        } catch (const InputError& e) {
            QVERIFY2(QString::fromStdString(e.what()).startsWith(QStringLiteral("p.json")), e.what());
            QVERIFY2(QString::fromStdString(e.what()).contains(message), e.what());
        }
    }

    void testWriteReadRoundTrip()
    {
        const HardwareRegistry registry = HardwareRegistry::presets();
        for (const auto& spec : registry.all()) {
            const HardwareSpec again = parse_hardware_json(hardware_to_json(spec), "round trip");
            // The JSON first, for a readable difference; then every member, those the JSON leaves out too.
            QCOMPARE(hardware_to_json(again), hardware_to_json(spec));
            QVERIFY2(again == spec, spec.key.c_str());
        }
    }

    // The H100 preset ships the realistic tables calibrated on a real H100, sourced to the measurement files.
    void testH100IsCalibrated()
    {
        const HardwareRegistry registry = HardwareRegistry::presets();
        const HardwareSpec& h100 = registry.get("h100_sxm");
        QCOMPARE(h100.peak_bandwidth_gb_s, 3350.0); // the datasheet's, for ideal mode
        QVERIFY(h100.efficiency(KernelType::GEMM, Precision::BF16).has_value());
        QVERIFY(h100.compute_efficiency_for(KernelType::GEMM, Precision::BF16).has_value());
        QVERIFY(h100.memory_efficiency_for(KernelType::GEMV, Precision::FP16).has_value());
        QVERIFY(h100.launch_overhead_us > 0);
        QVERIFY(h100.source_for("compute_efficiency.gemm.BF16")->find("resources/measurements/h100_extended_cold.json") != std::string::npos);
        QVERIFY(h100.calibration.at("device").find("H100") != std::string::npos);
    }

    // The H200 preset ships tables calibrated on a real H200 with this project's plugin; ideal mode keeps the datasheet.
    void testH200IsCalibrated()
    {
        const HardwareRegistry registry = HardwareRegistry::presets();
        const HardwareSpec& h200 = registry.get("h200");
        QCOMPARE(h200.peak_bandwidth_gb_s, 4800.0);
        QCOMPARE(h200.peak_tflops_for(Precision::BF16), std::optional<double>(989.0));
        QVERIFY(h200.efficiency(KernelType::GEMM, Precision::BF16).has_value());
        QVERIFY(h200.compute_efficiency_for(KernelType::GEMM, Precision::BF16).has_value());
        QVERIFY(h200.memory_efficiency_for(KernelType::GEMV, Precision::FP16).has_value());
        QVERIFY(h200.launch_overhead_us > 0);
        QVERIFY(h200.source_for("compute_efficiency.gemm.BF16")->find("resources/measurements/h200_extended_cold.json") != std::string::npos);
        QCOMPARE(h200.calibration.at("ceilings"), std::string("resources/measurements/h200_ceilings.json"));
        QVERIFY(h200.calibration.at("device").find("H200") != std::string::npos);
    }

    // gb10 is built from public measurements, each number sourced; b10 stays the plan's (testB10IsThePlansSpec).
    void testGb10IsFromPublicMeasurements()
    {
        const HardwareRegistry registry = HardwareRegistry::presets();
        const HardwareSpec& gb10 = registry.get("gb10");
        QVERIFY(gb10.name.find("public measurements") != std::string::npos);
        QCOMPARE(gb10.peak_bandwidth_gb_s, 232.0);
        QCOMPARE(gb10.peak_tflops_for(Precision::FP16), std::optional<double>(92.7));
        QCOMPARE(gb10.peak_tflops_for(Precision::NVFP4), std::optional<double>(356.0));
        QVERIFY(!gb10.peak_tflops_for(Precision::INT8)); // no trustworthy public INT8 rate
        QCOMPARE(gb10.sm_count, std::optional<int>(48));
        QCOMPARE(gb10.l2_cache_bytes, std::optional<uint64_t>(25165824));
        QCOMPARE(gb10.memory_gb, std::optional<double>(128.0));
        for (Precision p : gb10.precisions())
            QVERIFY2(gb10.source_for("peak_tflops." + std::string(to_string(p))).has_value(), to_string(p).data());
        for (const char* field : {"peak_bandwidth_gb_s", "sm_count", "l2_cache_bytes", "l2_bandwidth_gb_s", "memory_gb",
                                  "compute_capability"})
            QVERIFY2(gb10.source_for(field).has_value(), field);
        QVERIFY(gb10.kernel_efficiency.empty());
    }

    void testUnknownKeyListsKnown()
    {
        try {
            HardwareRegistry::presets().get("h300");
            QFAIL("expected InputError");
        } catch (const InputError& e) {
            QVERIFY2(std::string(e.what()).find("unknown hardware 'h300' (known: a10, a100_pcie, a100_pcie_40gb, a100_sxm, b10") != std::string::npos, e.what());
        }
    }
};

QTEST_APPLESS_MAIN(TestHardware)
#include "tst_hardware.moc"
