#pragma once
// SM clock and clock-event (throttle) reasons through NVML, opened with dlopen at run time so the plugin does not
// link it: on a machine without libnvidia-ml.so.1 every reading is 0 and nothing is flagged.

#include <cstdint>
#include <string>
#include <vector>

namespace rl_cuda {

class NvmlDevice {
public:
    // `pci_bus_id` as cudaDeviceGetPCIBusId writes it, so the NVML device is the CUDA device whatever
    // CUDA_VISIBLE_DEVICES says.
    explicit NvmlDevice(const std::string& pci_bus_id);

    bool available() const { return handle_ != nullptr; }
    unsigned sm_clock_mhz() const;       // 0 if unknown
    unsigned max_sm_clock_mhz() const;   // 0 if unknown
    unsigned max_memory_clock_mhz() const;
    // nvmlClocksEventReasons bit mask; 0 if unknown.
    unsigned long long clock_event_reasons() const;

    static std::string driver_version(); // "580.95.05", or "" without NVML

private:
    void* handle_ = nullptr; // nvmlDevice_t
};

// Readings taken while a case runs: the SM clock and the reasons NVML gives for holding it down.
class ClockMonitor {
public:
    explicit ClockMonitor(const NvmlDevice& device) : device_(device) {}

    void sample();
    double median_sm_clock_mhz() const;  // 0 without readings
    // A slowdown reason was set (power cap, thermal, power brake, hardware slowdown) or the clock fell by more
    // than 10% from the highest reading of the run.
    bool throttled() const;
    std::string note() const;            // "SM clock 1980 MHz (1755..1980, 12 readings); clock events: sw power cap"

private:
    const NvmlDevice& device_;
    std::vector<unsigned> clocks_mhz_;
    unsigned long long reasons_ = 0;
};

} // namespace rl_cuda
