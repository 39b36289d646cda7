#pragma once

#include <cstdint>
#include <string>

namespace roofline::cpu {

struct HostInfo {
    std::string cpu_name;
    int cores = 1;                    // logical CPUs the BLAS may use
    uint64_t memory_bytes = 0;        // MemTotal
    uint64_t last_level_cache_bytes = 0;
    int max_clock_mhz = 0;
};

HostInfo read_host_info();
uint64_t available_memory_bytes();    // MemAvailable, what a case may allocate
int current_clock_mhz();              // cpu0's current frequency, 0 if the kernel does not say

} // namespace roofline::cpu
