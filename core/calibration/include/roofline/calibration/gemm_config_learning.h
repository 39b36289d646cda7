#pragma once
// Learning a GPU's GEMM configurations (gemm_configs.h) from the configurations its measured rows report.

#include "roofline/model/gemm_configs.h"
#include "roofline/results/measurements.h"

#include <vector>

namespace roofline {

// The learned table: every class some measured row fell in, from the rows whose configuration is known (a
// cublasGemmEx winner and a tile reported as auto say nothing). Classes in gemm_shape_class order.
std::vector<LearnedGemmConfig> learn_gemm_configs(const MeasurementSet& measurements, int sm_count);

} // namespace roofline
