// guess_hardware_key: the names CUDA and llama-bench's gpu_info give the GPUs people publish runs from, each to its
// preset, and the near names (another board of the same family) to none.
#include "roofline/hardware/device_match.h"
#include "roofline/hardware/hardware_registry.h"

#include <QtTest>

using namespace roofline;

namespace {

std::string guess(const std::string& name, const std::string& backend = "cuda")
{
    DeviceInfo device;
    device.backend = backend;
    device.name = name;
    return guess_hardware_key(device);
}

} // namespace

class TestDeviceMatch : public QObject {
    Q_OBJECT

private slots:
    void testNamesToPresets_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("key");
        const std::pair<const char*, const char*> cases[] = {
            {"NVIDIA GeForce RTX 4090", "rtx_4090"},
            {"NVIDIA GeForce RTX 4080", "rtx_4080"},
            {"NVIDIA GeForce RTX 3090", "rtx_3090"},
            {"GeForce RTX 3090", "rtx_3090"}, // older drivers say no "NVIDIA"
            {"NVIDIA L4", "l4"},
            {"Tesla T4", "t4"},
            {"NVIDIA T4", "t4"},
            {"NVIDIA A10", "a10"},
            {"NVIDIA A100-PCIE-40GB", "a100_pcie_40gb"},
            {"NVIDIA A100 80GB PCIe", "a100_pcie"},
            {"NVIDIA A100-SXM4-80GB", "a100_sxm"},
            {"NVIDIA H100 80GB HBM3", "h100_sxm"},
            {"NVIDIA H100 PCIe", "h100_pcie"},
            {"NVIDIA H200", "h200"},
            {"NVIDIA GB10", "gb10"}, // the profile from public measurements; b10 is the plan's fit
            {"NVIDIA L40S", "l40s"},
            {"NVIDIA GeForce RTX 5090", "rtx_5090"},
            {"NVIDIA RTX PRO 6000 Blackwell Workstation Edition", "rtx_pro_6000"},
            // llama-bench lists every device it ran on: one preset when they are all the same GPU.
            {"NVIDIA GeForce RTX 3090, NVIDIA GeForce RTX 3090", "rtx_3090"},
            // Near names: another board (other SMs, bandwidth or tensor rates), or another model of the family.
            {"NVIDIA GeForce RTX 4080 SUPER", ""},
            {"NVIDIA GeForce RTX 3090 Ti", ""},
            {"NVIDIA GeForce RTX 4090 D", ""},
            {"NVIDIA GeForce RTX 4090 Laptop GPU", ""},
            {"NVIDIA A10G", ""},
            {"NVIDIA L40", ""},
            {"NVIDIA T400", ""},
            {"NVIDIA GeForce GTX 1080", ""},
            {"NVIDIA GeForce RTX 4090, NVIDIA GeForce RTX 3090", ""}, // two GPUs, no one profile
            {"", ""},
        };
        for (const auto& [name, key] : cases)
            QTest::newRow(*name ? name : "(empty)") << QString(name) << QString(key);
    }

    void testNamesToPresets()
    {
        QFETCH(QString, name);
        QFETCH(QString, key);
        QCOMPARE(QString::fromStdString(guess(name.toStdString())), key);
        // Every key it gives is a preset.
        if (!key.isEmpty())
            QVERIFY2(HardwareRegistry::presets().find(key.toStdString()), qPrintable(key));
    }

    void testCpuIsHost()
    {
        QCOMPARE(guess("AMD Ryzen 9 7950X", "cpu"), std::string("host"));
    }
};

QTEST_APPLESS_MAIN(TestDeviceMatch)
#include "tst_device_match.moc"
