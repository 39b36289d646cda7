#pragma once
// The refined model's fit for calibration (calibration.cpp): one robust least-squares fit of every refined number
// for a given GEMM tile and throttle knee.

#include "roofline/model/calculator.h"
#include "roofline/model/kernels.h"

#include <optional>
#include <utility>
#include <vector>

namespace roofline::detail {

// One measured row with the parts of its refined prediction that do not depend on the fitted numbers.
struct FitRow {
    std::size_t group = 0;  // index into the fit's kernel × precision groups
    std::size_t kernel = 0; // index into the fit's kernels
    double measured_us = 0;
    double ideal_us = 0;
    double math_us = 0;  // flops / peak, before wave quantization, efficiency and throttle
    double dram_us = 0;  // bytes / DRAM bandwidth, before efficiency
    double l2_us = 0;    // warm and fits in L2: bytes / L2 bandwidth, before efficiency; else 0
    bool from_l2 = false;
    RowAlignment alignment = RowAlignment::Line; // operand_row_alignment
    double waves = 1;    // wave efficiency under the tile being tried (or the profile's learned configurations)
    double reduction_share = 0; // a split-K's partial-product bytes over the operands' bytes (set_row_launch)
    KernelShape shape;
    Precision precision = Precision::FP16;
    double bytes = 0;    // the operands' bytes
};

// The row's waves and split-K traffic as `hw` says the library runs it (gemm_launch).
void set_row_launch(FitRow& row, const HardwareSpec& hw);

// The refined model's free numbers for one candidate tile and throttle knee.
struct RefinedFit {
    std::vector<double> compute, memory, partial_line, unaligned, floor_us; // per group
    double l2 = 1;
    double dram_latency_us = 0; // paid by rows whose inputs come from DRAM (all but the warm ones that fit in L2)
    double throttle_ratio = 1;
    std::optional<double> throttle_after_us;
    std::pair<int, int> tile{128, 128};
    double error = 1e300; // mean |predicted - measured| / measured: what validation reports
};

// The groups' shape: how many, and which kernel each belongs to.
struct FitGroups {
    std::size_t count = 0;
    std::vector<std::size_t> kernel_of_group;
    std::size_t kernels = 0;
};

// Least squares on log(predicted / measured) over every group's compute and memory efficiency, alignment factors
// and latency floor (leaning towards its kernel's floor), the L2 efficiency, the DRAM latency and the throttle
// ratio, for one tile and knee. Sets each row's `waves` for the tile. `start_efficiency`: per group, where the
// fit starts.
RefinedFit fit_refined(std::vector<FitRow>& rows, const FitGroups& groups, const HardwareSpec& hw, std::pair<int, int> tile,
                       std::optional<double> throttle_after_us, const std::vector<double>& start_efficiency);

// max(math, memory) of a row under a fit's numbers (without the floor); the two bounds when asked for.
double fitted_roof_us(const FitRow& row, const RefinedFit& fit, double* math_us = nullptr, double* memory_us = nullptr);

} // namespace roofline::detail
