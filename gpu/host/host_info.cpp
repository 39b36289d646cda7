#include "host_info.h"

#include "cpu_name.h"

#include <unistd.h>

#include <fstream>
#include <sstream>
#include <thread>

namespace roofline::cpu {

namespace {

// "MemTotal:  24576000 kB" -> bytes
uint64_t meminfo_bytes(const std::string& key)
{
    std::ifstream in("/proc/meminfo");
    std::string name;
    uint64_t kib = 0;
    std::string unit;
    while (in >> name >> kib >> unit) {
        if (name == key + ":")
            return kib * 1024;
    }
    return 0;
}

uint64_t read_cache_size(const std::string& path)
{
    std::ifstream in(path);
    std::string text;
    if (!(in >> text) || text.empty())
        return 0;
    uint64_t value = std::stoull(text);
    if (text.back() == 'K')
        value *= 1024;
    else if (text.back() == 'M')
        value *= 1024 * 1024;
    return value;
}

int read_int_file(const std::string& path)
{
    std::ifstream in(path);
    long value = 0;
    return in >> value ? static_cast<int>(value) : 0;
}

} // namespace

HostInfo read_host_info()
{
    HostInfo info;
    std::ifstream cpuinfo("/proc/cpuinfo");
    info.cpu_name = cpu_name_from_cpuinfo(cpuinfo);
    info.cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    info.memory_bytes = meminfo_bytes("MemTotal");
    for (int index = 0; index < 8; ++index) {
        const std::string base = "/sys/devices/system/cpu/cpu0/cache/index" + std::to_string(index) + "/size";
        info.last_level_cache_bytes = std::max(info.last_level_cache_bytes, read_cache_size(base));
    }
    info.max_clock_mhz = read_int_file("/sys/devices/system/cpu/cpu0/cpufreq/cpuinfo_max_freq") / 1000;
    return info;
}

uint64_t available_memory_bytes()
{
    return meminfo_bytes("MemAvailable");
}

int current_clock_mhz()
{
    return read_int_file("/sys/devices/system/cpu/cpu0/cpufreq/scaling_cur_freq") / 1000;
}

} // namespace roofline::cpu
