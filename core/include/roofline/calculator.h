#pragma once

#include "roofline/hardware.h"
#include "roofline/kernels.h"
#include "roofline/precision.h"

#include <cstdint>
#include <string_view>

namespace roofline {

enum class Mode {
    Ideal,     // the pure roofline: max(t_math, t_mem)
    Realistic, // the ideal time divided by the kernel's efficiency factor
};
std::string_view to_string(Mode m);

enum class Bottleneck { Memory, Compute };
std::string_view to_string(Bottleneck b);

struct Prediction {
    double predicted_time_us = 0;  // in the requested mode
    double ideal_time_us = 0;      // the pure roofline, whatever the mode
    double t_math_us = 0;          // flops / peak
    double t_mem_us = 0;           // bytes / bandwidth
    double predicted_tflops = 0;   // flops / predicted time [TFLOP/s]
    double effective_tflops = 0;   // the compute ceiling in this mode: peak × efficiency [TFLOP/s]
    double peak_tflops = 0;        // the hardware's dense peak for the precision [TFLOP/s]
    double bandwidth_gb_s = 0;     // the bandwidth used for t_mem [GB/s]
    double ai = 0;                 // arithmetic intensity [FLOP/byte]
    double critical_ai = 0;        // ridge point [FLOP/byte]
    Bottleneck bottleneck = Bottleneck::Memory;
    double efficiency_factor = 1;  // 1 in ideal mode
    bool efficiency_from_table = false; // false: the hardware has no factor for this kernel × precision
    bool faster_than_roofline = false;  // a factor above 1: the kernel beats the DRAM/peak roofline
    uint64_t flops = 0;            // [FLOP]
    double bytes = 0;              // [bytes]
    Mode mode = Mode::Realistic;
};

// The one roofline that every kernel shares (the plan's `_compute_roofline`).
// Throws InputError when the hardware has no peak for the precision.
Prediction compute_roofline(const HardwareSpec& hw, const Workload& work, Precision precision,
                            KernelType kernel, Mode mode);

// workload() then compute_roofline().
Prediction predict(const HardwareSpec& hw, const KernelShape& shape, Precision precision, Mode mode);

} // namespace roofline
