#pragma once
// What each precision means as a cuBLASLt problem on this device: operand and output types, compute type, block
// scaling, the tolerance of the correctness check, and whether the device and library can run it at all.

#include "elem_kind.h"
#include "roofline/abi/plugin_abi.h"

#include <cublasLt.h>

#include <cstdint>
#include <optional>
#include <string>

namespace rl_cuda {

enum class BlockScale {
    None,
    TensorScalar, // FP8: one FP32 scale per operand, on the device
    Vec16UE4M3,   // NVFP4: a UE4M3 scale per 16 K-elements
    Vec32UE8M0,   // MXFP8: a UE8M0 scale per 32 K-elements
};

struct GemmTypes {
    rl_precision precision;
    ElemKind a, b, out;
    cudaDataType_t a_type, b_type, out_type;
    cublasComputeType_t compute;
    cudaDataType_t scale_type;  // alpha and beta
    BlockScale scaling = BlockScale::None;
    double tolerance = 0.0;     // ||out - ref|| / ||ref|| allowed; 0 = exact
    std::string label;          // "E4M3 x E4M3 -> BF16, FP32 acc"
};

// The types of `precision` on a device of compute capability major.minor, or nullopt with `reason` saying why it
// cannot run there ("NVFP4 needs sm_100 or newer (...); this is sm_90").
std::optional<GemmTypes> gemm_types(rl_precision precision, int cc_major, int cc_minor, std::string& reason);

// Scale bytes for one operand of `outer` rows with `k` contiguous elements (cuBLAS "block scaling factors layout":
// 128-row x 4-block tiles).
uint64_t block_scale_bytes(BlockScale scaling, int64_t outer, int64_t k);

// Accumulation error grows with sqrt(K); the base tolerances hold for K up to 4096.
double tolerance_for(const GemmTypes& types, int64_t k);

const char* precision_name(rl_precision precision);

} // namespace rl_cuda
