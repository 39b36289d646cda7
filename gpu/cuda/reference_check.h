#pragma once
// Correctness of a product: the outputs at chosen (row, col) positions against a reference computed on the device
// from the same (already quantised) inputs with FP64 accumulation. Layout as the plugin runs cuBLASLt ("TN"):
// A is [M, K] and B is [N, K], both K-contiguous; D is column-major [M, N] (D[row + col * M]).

#include "elem_kind.h"

#include <cuda_runtime_api.h>

#include <cstdint>
#include <string>
#include <vector>

namespace rl_cuda {

struct ProductLayout {
    ElemKind a, b, out;
    int64_t m = 0, n = 0, k = 0;
};

struct CheckResult {
    bool passed = false;
    double rel_error = 0.0;  // ||out - ref|| / ||ref|| over the checked outputs
    double tolerance = 0.0;
    uint64_t checked = 0;    // outputs compared
    std::string message;     // why it failed, or what was checked
};

// Positions to check: every output of small products and of a GEMV, else an evenly spread 128 x 128 grid that
// includes the first and last row and column.
struct CheckPlan {
    std::vector<int64_t> rows, cols;
    uint64_t outputs() const { return static_cast<uint64_t>(rows.size()) * cols.size(); }
    uint64_t device_bytes() const;   // what check_product allocates [bytes]
};
CheckPlan plan_check(int64_t m, int64_t n, int64_t k);

// Fills D so that an output the product does not write is caught: NaN for floats, a value no INT8 product of
// this size reaches for INT32.
void poison_output(void* d, ElemKind out, uint64_t bytes, cudaStream_t stream);

// "0.0123": three significant digits, for the checks' messages.
std::string format_3g(double value);

CheckResult check_product(const void* a, const void* b, const void* d, const ProductLayout& layout,
                          const CheckPlan& plan, double tolerance, cudaStream_t stream);

} // namespace rl_cuda
