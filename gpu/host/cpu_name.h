#pragma once
// The host CPU's name from /proc/cpuinfo's text. x86 (and qemu-user, which shows the host's file) has a "model name"
// line; arm64 has none, only each core's "CPU implementer" and "CPU part" codes, which are named from Arm's and
// NVIDIA's part numbers where known and given as codes otherwise.

#include <istream>
#include <string>

namespace roofline::cpu {

// "Intel(R) Xeon(R) …", "10 × Arm Cortex-X925 + 10 × Arm Cortex-A725", "4 × implementer 0x51 part 0x001";
// "host CPU" when the text names nothing.
std::string cpu_name_from_cpuinfo(std::istream& cpuinfo);

} // namespace roofline::cpu
