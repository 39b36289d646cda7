#include "cpu_name.h"

#include <map>
#include <string_view>
#include <vector>

namespace roofline::cpu {

namespace {

struct KnownPart {
    std::string_view implementer, part, name;
};

// From the Technical Reference Manuals' MIDR_EL1 values (implementer 0x41 Arm, 0x4e NVIDIA); a DGX Spark's GB10
// has ten Cortex-X925 and ten Cortex-A725, Grace is Neoverse V2.
constexpr KnownPart kKnownParts[] = {
    {"0x41", "0xd0c", "Arm Neoverse N1"},  {"0x41", "0xd40", "Arm Neoverse V1"},  {"0x41", "0xd49", "Arm Neoverse N2"},
    {"0x41", "0xd4f", "Arm Neoverse V2"},  {"0x41", "0xd84", "Arm Neoverse V3"},  {"0x41", "0xd85", "Arm Cortex-X925"},
    {"0x41", "0xd87", "Arm Cortex-A725"},  {"0x41", "0xd0b", "Arm Cortex-A76"},   {"0x41", "0xd41", "Arm Cortex-A78"},
    {"0x4e", "0x004", "NVIDIA Carmel"},
};

std::string value_of(const std::string& line)
{
    const auto colon = line.find(':');
    if (colon == std::string::npos)
        return {};
    const auto start = line.find_first_not_of(" \t", colon + 1);
    return start == std::string::npos ? std::string() : line.substr(start);
}

bool starts_with(const std::string& line, std::string_view key)
{
    return line.compare(0, key.size(), key) == 0;
}

std::string part_name(const std::string& implementer, const std::string& part)
{
    for (const KnownPart& known : kKnownParts) {
        if (known.implementer == implementer && known.part == part)
            return std::string(known.name);
    }
    return "implementer " + implementer + " part " + part;
}

} // namespace

std::string cpu_name_from_cpuinfo(std::istream& cpuinfo)
{
    // Each core's block lists its implementer before its part; the count of each name keeps the order first seen.
    std::vector<std::string> order;
    std::map<std::string, int> cores;
    std::string implementer;
    for (std::string line; std::getline(cpuinfo, line);) {
        if (starts_with(line, "model name") && !value_of(line).empty())
            return value_of(line);
        if (starts_with(line, "CPU implementer")) {
            implementer = value_of(line);
        } else if (starts_with(line, "CPU part") && !implementer.empty()) {
            const std::string name = part_name(implementer, value_of(line));
            if (cores[name]++ == 0)
                order.push_back(name);
        }
    }
    std::string out;
    for (const std::string& name : order)
        out += (out.empty() ? "" : " + ") + std::to_string(cores[name]) + " × " + name;
    return out.empty() ? "host CPU" : out;
}

} // namespace roofline::cpu
