// The CPU plugin's host name (gpu/host/cpu_name.cpp) from /proc/cpuinfo as x86 and arm64 kernels write it: arm64 has
// no "model name" line, and under qemu-user an arm64 program reads the x86 host's file.
#include "host/cpu_name.h"

#include <QTest>

#include <sstream>

using namespace roofline::cpu;

namespace {

std::string nameOf(const std::string& text)
{
    std::istringstream in(text);
    return cpu_name_from_cpuinfo(in);
}

// One arm64 core's block, as Linux prints it.
std::string arm64Core(int index, const char* implementer, const char* part)
{
    return "processor\t: " + std::to_string(index) + "\nBogoMIPS\t: 2000.00\nFeatures\t: fp asimd evtstrm aes pmull sha1 sha2 crc32\n"
        + "CPU implementer\t: " + implementer + "\nCPU architecture: 8\nCPU variant\t: 0x0\nCPU part\t: " + part
        + "\nCPU revision\t: 1\n\n";
}

} // namespace

class TestCpuName : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void testX86ModelName()
    {
        const std::string text = "processor\t: 0\nvendor_id\t: GenuineIntel\ncpu family\t: 6\nmodel\t\t: 143\n"
                                 "model name\t: Intel(R) Xeon(R) Platinum 8480+\nstepping\t: 8\n\nprocessor\t: 1\n"
                                 "model name\t: Intel(R) Xeon(R) Platinum 8480+\n";
        QCOMPARE(nameOf(text), std::string("Intel(R) Xeon(R) Platinum 8480+"));
    }

    // A DGX Spark's GB10: ten Cortex-X925 and ten Cortex-A725, counted in the order first seen.
    void testArm64Gb10()
    {
        std::string text;
        for (int i = 0; i < 20; ++i)
            text += arm64Core(i, "0x41", i % 2 == 0 ? "0xd85" : "0xd87");
        QCOMPARE(nameOf(text), std::string("10 × Arm Cortex-X925 + 10 × Arm Cortex-A725"));
    }

    void testArm64UnknownPartKeepsItsCodes()
    {
        std::string text;
        for (int i = 0; i < 4; ++i)
            text += arm64Core(i, "0x51", "0x001");
        QCOMPARE(nameOf(text), std::string("4 × implementer 0x51 part 0x001"));
    }

    void testNothingNamed()
    {
        QCOMPARE(nameOf(""), std::string("host CPU"));
        QCOMPARE(nameOf("processor\t: 0\nCPU part\t: 0xd85\n"), std::string("host CPU")); // a part without its implementer
        QCOMPARE(nameOf("model name\t:\n"), std::string("host CPU"));
    }
};

QTEST_APPLESS_MAIN(TestCpuName)
#include "tst_cpu_name.moc"
