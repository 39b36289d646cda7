#include "nvml_clock.h"

#include <dlfcn.h>

#include <algorithm>
#include <mutex>

namespace rl_cuda {
namespace {

// The few NVML declarations used here (nvml.h is not part of the CUDA toolkit on every machine).
using nvmlReturn_t = int;
using nvmlDevice_t = void*;
constexpr nvmlReturn_t kNvmlSuccess = 0;
constexpr int kNvmlClockSm = 1;  // NVML_CLOCK_SM
constexpr int kNvmlClockMem = 2; // NVML_CLOCK_MEM

// nvmlClocksEventReason* bits that mean the clock is held down by power or heat.
constexpr unsigned long long kSwPowerCap = 0x4ULL;
constexpr unsigned long long kHwSlowdown = 0x8ULL;
constexpr unsigned long long kSwThermal = 0x20ULL;
constexpr unsigned long long kHwThermal = 0x40ULL;
constexpr unsigned long long kHwPowerBrake = 0x80ULL;
constexpr unsigned long long kSlowdownMask = kSwPowerCap | kHwSlowdown | kSwThermal | kHwThermal | kHwPowerBrake;

struct NvmlLibrary {
    void* so = nullptr;
    bool initialised = false;
    nvmlReturn_t (*init)() = nullptr;
    nvmlReturn_t (*shutdown)() = nullptr;
    nvmlReturn_t (*handle_by_pci_bus_id)(const char*, nvmlDevice_t*) = nullptr;
    nvmlReturn_t (*clock_info)(nvmlDevice_t, int, unsigned*) = nullptr;
    nvmlReturn_t (*max_clock_info)(nvmlDevice_t, int, unsigned*) = nullptr;
    nvmlReturn_t (*event_reasons)(nvmlDevice_t, unsigned long long*) = nullptr;
    nvmlReturn_t (*driver_version)(char*, unsigned) = nullptr;

    NvmlLibrary()
    {
        so = dlopen("libnvidia-ml.so.1", RTLD_NOW | RTLD_LOCAL);
        if (!so)
            return;
        init = load<decltype(init)>("nvmlInit_v2");
        shutdown = load<decltype(shutdown)>("nvmlShutdown");
        handle_by_pci_bus_id = load<decltype(handle_by_pci_bus_id)>("nvmlDeviceGetHandleByPciBusId_v2");
        clock_info = load<decltype(clock_info)>("nvmlDeviceGetClockInfo");
        max_clock_info = load<decltype(max_clock_info)>("nvmlDeviceGetMaxClockInfo");
        // Renamed in driver 535; the old name stays for older drivers.
        event_reasons = load<decltype(event_reasons)>("nvmlDeviceGetCurrentClocksEventReasons");
        if (!event_reasons)
            event_reasons = load<decltype(event_reasons)>("nvmlDeviceGetCurrentClocksThrottleReasons");
        driver_version = load<decltype(driver_version)>("nvmlSystemGetDriverVersion");
        initialised = init && shutdown && init() == kNvmlSuccess;
    }
    ~NvmlLibrary()
    {
        if (initialised)
            shutdown();
        if (so)
            dlclose(so);
    }
    NvmlLibrary(const NvmlLibrary&) = delete;
    NvmlLibrary& operator=(const NvmlLibrary&) = delete;

    template <typename Fn> Fn load(const char* name) { return reinterpret_cast<Fn>(dlsym(so, name)); }
};

NvmlLibrary& nvml()
{
    static NvmlLibrary library;
    return library;
}

} // namespace

NvmlDevice::NvmlDevice(const std::string& pci_bus_id)
{
    NvmlLibrary& lib = nvml();
    if (!lib.initialised || !lib.handle_by_pci_bus_id)
        return;
    nvmlDevice_t handle = nullptr;
    if (lib.handle_by_pci_bus_id(pci_bus_id.c_str(), &handle) == kNvmlSuccess)
        handle_ = handle;
}

unsigned NvmlDevice::sm_clock_mhz() const
{
    unsigned mhz = 0;
    if (!handle_ || !nvml().clock_info || nvml().clock_info(handle_, kNvmlClockSm, &mhz) != kNvmlSuccess)
        return 0;
    return mhz;
}

unsigned NvmlDevice::max_sm_clock_mhz() const
{
    unsigned mhz = 0;
    if (!handle_ || !nvml().max_clock_info || nvml().max_clock_info(handle_, kNvmlClockSm, &mhz) != kNvmlSuccess)
        return 0;
    return mhz;
}

unsigned NvmlDevice::max_memory_clock_mhz() const
{
    unsigned mhz = 0;
    if (!handle_ || !nvml().max_clock_info || nvml().max_clock_info(handle_, kNvmlClockMem, &mhz) != kNvmlSuccess)
        return 0;
    return mhz;
}

unsigned long long NvmlDevice::clock_event_reasons() const
{
    unsigned long long reasons = 0;
    if (!handle_ || !nvml().event_reasons || nvml().event_reasons(handle_, &reasons) != kNvmlSuccess)
        return 0;
    return reasons;
}

std::string NvmlDevice::driver_version()
{
    NvmlLibrary& lib = nvml();
    char text[96] = {};
    if (!lib.initialised || !lib.driver_version || lib.driver_version(text, sizeof(text)) != kNvmlSuccess)
        return {};
    return text;
}

void ClockMonitor::sample()
{
    if (!device_.available())
        return;
    if (const unsigned mhz = device_.sm_clock_mhz())
        clocks_mhz_.push_back(mhz);
    reasons_ |= device_.clock_event_reasons();
}

double ClockMonitor::median_sm_clock_mhz() const
{
    if (clocks_mhz_.empty())
        return 0.0;
    std::vector<unsigned> sorted = clocks_mhz_;
    std::sort(sorted.begin(), sorted.end());
    const std::size_t n = sorted.size();
    return n % 2 ? sorted[n / 2] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]);
}

bool ClockMonitor::throttled() const
{
    if (reasons_ & kSlowdownMask)
        return true;
    if (clocks_mhz_.empty())
        return false;
    const auto [lo, hi] = std::minmax_element(clocks_mhz_.begin(), clocks_mhz_.end());
    return *lo < 0.9 * *hi;
}

std::string ClockMonitor::note() const
{
    if (clocks_mhz_.empty())
        return device_.available() ? "SM clock not readable through NVML" : "no NVML: SM clock unknown";
    const auto [lo, hi] = std::minmax_element(clocks_mhz_.begin(), clocks_mhz_.end());
    std::string text = "SM clock " + std::to_string(static_cast<unsigned>(median_sm_clock_mhz())) + " MHz ("
                       + std::to_string(*lo) + ".." + std::to_string(*hi) + ", "
                       + std::to_string(clocks_mhz_.size()) + (clocks_mhz_.size() == 1 ? " reading)" : " readings)");
    std::string events;
    const auto add = [&](unsigned long long bit, const char* name) {
        if (reasons_ & bit)
            events += (events.empty() ? "" : ", ") + std::string(name);
    };
    add(kSwPowerCap, "sw power cap");
    add(kHwSlowdown, "hw slowdown");
    add(kSwThermal, "sw thermal slowdown");
    add(kHwThermal, "hw thermal slowdown");
    add(kHwPowerBrake, "hw power brake");
    if (!events.empty())
        text += "; clock events: " + events;
    return text;
}

} // namespace rl_cuda
