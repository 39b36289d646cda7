#pragma once

#include "roofline/model/calculator.h"
#include "roofline/model/hardware.h"
#include "roofline/model/kernels.h"

#include <cstdint>
#include <string>
#include <vector>

namespace roofline {

// `count` values from `from` to `to` (both included, `to` raised to `from` if below it), evenly spaced on a log
// scale and rounded to integers, as a dimension is swept. Rounding repeats integers at the low end (1, 1, 2, 2, 3,
// …); each value is kept once, so fewer than `count` may come back. count < 2 gives `from` alone.
std::vector<int64_t> log_spaced_values(int64_t from, int64_t to, int count);

struct SweepPoint {
    KernelShape shape;
    Prediction prediction; // without the breakdown text
};
struct Sweep {
    std::vector<SweepPoint> points;
    std::string error; // why it stopped before the last value (a shape that cannot be made or predicted); empty if it did not
};
// `base_dims` (of `kernel`, with its `flag`) with dimension `dim` set to each of `values` in turn, predicted.
Sweep sweep_dimension(const HardwareSpec& hw, KernelType kernel, std::vector<int64_t> base_dims, bool flag, std::size_t dim,
                      const std::vector<int64_t>& values, Precision precision, ModelOptions options);

} // namespace roofline
