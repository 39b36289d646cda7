#pragma once
// bench_holdout's tables for issue 13: the refined model with the GEMM configurations it learned, held out three
// ways (two folds by shape, and the Qwen-shaped family left out) and transferred from the H100 to the H200.

#include <string>
#include <vector>

namespace roofline::bench {

struct GemmTablesInput {
    std::string dir;                     // the measurements folder
    std::string prefix = "h200";         // <prefix>_extended_cold, _l2_warm, _workload_shapes, _gemm_calibration, _ceilings.json
    std::string base_key = "h200";       // the preset calibration starts from
    std::vector<std::string> gemm_files; // further results files (the run of bench/plans/gemm_calibration.json)
    std::string transfer_prefix = "h100";   // the measured source of the transfer check
    std::string transfer_base = "h100_sxm";
    bool print_rows = false;             // every held-out row of the left-out family, with its launch
};

// Prints the tables; true when every held-out check meets the targets (<= 5 % mean |error|, >= 90 % green).
bool print_gemm_tables(const GemmTablesInput& input);

} // namespace roofline::bench
