#pragma once
// The kinds a model step adds to GEMV, GEMM, attention and FFN (kernels.h): their FLOP and byte formulas, dims and
// names. Internal to kernels.cpp, which dispatches to them; the checked arithmetic both files share.

#include "roofline/model/kernels.h"

#include <initializer_list>
#include <string>

namespace roofline {

namespace kernel_math {

inline constexpr const char* kFlops = "the FLOP count";
inline constexpr const char* kElements = "the element count";

// Checked 64-bit arithmetic: a shape whose counts do not fit is bad input, not a wrapped number.
uint64_t mul(std::initializer_list<uint64_t> factors, const char* what);
uint64_t add(uint64_t a, uint64_t b, const char* what);
// The dimension as unsigned; InputError "dimension NAME must be positive" when it is not.
uint64_t dim(int64_t value, std::string_view name);

} // namespace kernel_math

Workload layer_workload(const RmsNormShape& s, const OperandBytes& b);
Workload layer_workload(const RopeShape& s, const OperandBytes& b);
Workload layer_workload(const ResidualShape& s, const OperandBytes& b);
Workload layer_workload(const ActivationShape& s, const OperandBytes& b);
Workload layer_workload(const TopKShape& s, const OperandBytes& b);
Workload layer_workload(const EmbeddingShape& s, const OperandBytes& b);
Workload layer_workload(const GroupedGemmShape& s, const OperandBytes& b);

std::vector<int64_t> layer_dims(const RmsNormShape& s);
std::vector<int64_t> layer_dims(const RopeShape& s);
std::vector<int64_t> layer_dims(const ResidualShape& s);
std::vector<int64_t> layer_dims(const ActivationShape& s);
std::vector<int64_t> layer_dims(const TopKShape& s);
std::vector<int64_t> layer_dims(const EmbeddingShape& s);
std::vector<int64_t> layer_dims(const GroupedGemmShape& s);

std::vector<std::string_view> layer_dim_names(KernelType kernel);
// dims already checked for arity and sign; flag: rmsnorm with_residual, activation gated.
KernelShape make_layer_shape(KernelType kernel, const std::vector<int64_t>& dims, bool flag);
// ",residual" for a fused add + norm, ",plain" / ",gelu" for an activation; empty otherwise.
std::string layer_shape_suffix(const KernelShape& shape);

} // namespace roofline
