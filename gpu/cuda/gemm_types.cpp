#include "gemm_types.h"

#include <algorithm>
#include <cmath>

namespace rl_cuda {
namespace {

std::string sm_name(int major, int minor)
{
    return "sm_" + std::to_string(major) + std::to_string(minor);
}

GemmTypes make(rl_precision p, ElemKind a, ElemKind b, ElemKind out, cudaDataType_t at, cudaDataType_t bt,
               cudaDataType_t ot, cublasComputeType_t compute, cudaDataType_t scale, double tolerance,
               std::string label, BlockScale scaling = BlockScale::None)
{
    GemmTypes t{p, a, b, out, at, bt, ot, compute, scale, scaling, tolerance, std::move(label)};
    return t;
}

uint64_t round_up(uint64_t x, uint64_t granule)
{
    return (x + granule - 1) / granule * granule;
}

} // namespace

const char* precision_name(rl_precision precision)
{
    switch (precision) {
    case RL_PRECISION_FP64: return "FP64";
    case RL_PRECISION_FP32: return "FP32";
    case RL_PRECISION_TF32: return "TF32";
    case RL_PRECISION_BF16: return "BF16";
    case RL_PRECISION_FP16: return "FP16";
    case RL_PRECISION_FP8_E4M3: return "FP8_E4M3";
    case RL_PRECISION_FP8_E5M2: return "FP8_E5M2";
    case RL_PRECISION_MXFP8: return "MXFP8";
    case RL_PRECISION_NVFP4: return "NVFP4";
    case RL_PRECISION_MXFP4: return "MXFP4";
    case RL_PRECISION_INT8: return "INT8";
    case RL_PRECISION_INT4: return "INT4";
    }
    return "unknown precision";
}

std::optional<GemmTypes> gemm_types(rl_precision precision, int cc_major, int cc_minor, std::string& reason)
{
    const int cc = cc_major * 10 + cc_minor;
    const std::string here = "this is " + sm_name(cc_major, cc_minor);
    if (cc < 80) {
        reason = "this plugin is built for sm_80 and newer; " + here;
        return std::nullopt;
    }
    using K = ElemKind;
    switch (precision) {
    case RL_PRECISION_FP64:
        return make(precision, K::F64, K::F64, K::F64, CUDA_R_64F, CUDA_R_64F, CUDA_R_64F, CUBLAS_COMPUTE_64F,
                    CUDA_R_64F, 1e-12, "FP64 x FP64 -> FP64");
    case RL_PRECISION_FP32:
        return make(precision, K::F32, K::F32, K::F32, CUDA_R_32F, CUDA_R_32F, CUDA_R_32F, CUBLAS_COMPUTE_32F,
                    CUDA_R_32F, 1e-5, "FP32 x FP32 -> FP32, no TF32");
    case RL_PRECISION_TF32:
        // Tensor cores drop the low 13 mantissa bits of each FP32 input (no rounding on the wgmma path): about
        // 7e-4 rms relative error on random data, so 1e-3 would fail now and then; 2e-3 does not.
        return make(precision, K::F32, K::F32, K::F32, CUDA_R_32F, CUDA_R_32F, CUDA_R_32F,
                    CUBLAS_COMPUTE_32F_FAST_TF32, CUDA_R_32F, 2e-3, "FP32 x FP32 -> FP32, TF32 tensor cores");
    case RL_PRECISION_BF16:
        return make(precision, K::BF16, K::BF16, K::BF16, CUDA_R_16BF, CUDA_R_16BF, CUDA_R_16BF, CUBLAS_COMPUTE_32F,
                    CUDA_R_32F, 1e-2, "BF16 x BF16 -> BF16, FP32 acc");
    case RL_PRECISION_FP16:
        return make(precision, K::F16, K::F16, K::F16, CUDA_R_16F, CUDA_R_16F, CUDA_R_16F, CUBLAS_COMPUTE_32F,
                    CUDA_R_32F, 1e-2, "FP16 x FP16 -> FP16, FP32 acc");
    case RL_PRECISION_FP8_E4M3:
    case RL_PRECISION_FP8_E5M2:
        if (cc < 89) {
            reason = std::string(precision_name(precision)) + " needs sm_89 or newer (FP8 tensor cores); " + here;
            return std::nullopt;
        }
        if (precision == RL_PRECISION_FP8_E4M3)
            return make(precision, K::E4M3, K::E4M3, K::BF16, CUDA_R_8F_E4M3, CUDA_R_8F_E4M3, CUDA_R_16BF,
                        CUBLAS_COMPUTE_32F, CUDA_R_32F, 5e-2, "E4M3 x E4M3 -> BF16, FP32 acc",
                        BlockScale::TensorScalar);
        // cuBLASLt has no E5M2 x E5M2 product: the weights (A) are E5M2, the activations (B) E4M3.
        return make(precision, K::E5M2, K::E4M3, K::BF16, CUDA_R_8F_E5M2, CUDA_R_8F_E4M3, CUDA_R_16BF,
                    CUBLAS_COMPUTE_32F, CUDA_R_32F, 5e-2,
                    "A E5M2 x B E4M3 -> BF16 (E5M2xE5M2 not allowed by cuBLASLt)", BlockScale::TensorScalar);
    case RL_PRECISION_INT8:
        return make(precision, K::I8, K::I8, K::I32, CUDA_R_8I, CUDA_R_8I, CUDA_R_32I, CUBLAS_COMPUTE_32I,
                    CUDA_R_32I, 0.0, "INT8 x INT8 -> INT32");
    case RL_PRECISION_NVFP4:
    case RL_PRECISION_MXFP8:
        if (cc_major < 10) {
            reason = std::string(precision_name(precision))
                     + " needs sm_100 or newer (block-scaled tensor cores of Blackwell); " + here;
            return std::nullopt;
        }
        if (precision == RL_PRECISION_NVFP4)
            return make(precision, K::E2M1, K::E2M1, K::BF16, CUDA_R_4F_E2M1, CUDA_R_4F_E2M1, CUDA_R_16BF,
                        CUBLAS_COMPUTE_32F, CUDA_R_32F, 5e-2, "NVFP4 E2M1 x E2M1, UE4M3 scales per 16 -> BF16",
                        BlockScale::Vec16UE4M3);
        return make(precision, K::E4M3, K::E4M3, K::BF16, CUDA_R_8F_E4M3, CUDA_R_8F_E4M3, CUDA_R_16BF,
                    CUBLAS_COMPUTE_32F, CUDA_R_32F, 5e-2, "MXFP8 E4M3 x E4M3, UE8M0 scales per 32 -> BF16",
                    BlockScale::Vec32UE8M0);
    case RL_PRECISION_MXFP4:
        reason = "MXFP4 is not implemented: cuBLASLt offers FP4 only as NVFP4 (UE4M3 scales per 16); run NVFP4";
        return std::nullopt;
    case RL_PRECISION_INT4:
        reason = "INT4 is not implemented: cuBLAS and cuBLASLt have no INT4 GEMM";
        return std::nullopt;
    }
    reason = "unknown precision " + std::to_string(static_cast<int>(precision));
    return std::nullopt;
}

uint64_t block_scale_bytes(BlockScale scaling, int64_t outer, int64_t k)
{
    switch (scaling) {
    case BlockScale::None: return 0;
    case BlockScale::TensorScalar: return sizeof(float);
    case BlockScale::Vec16UE4M3:
    case BlockScale::Vec32UE8M0: {
        const uint64_t block = scaling == BlockScale::Vec16UE4M3 ? 16 : 32;
        // One scale byte per block of K; the scale tensor is tiled in 128 rows x 4 blocks.
        return round_up(static_cast<uint64_t>(k), 4 * block) / block * round_up(static_cast<uint64_t>(outer), 128);
    }
    }
    return 0;
}

double tolerance_for(const GemmTypes& types, int64_t k)
{
    const bool accumulation_bound = types.precision == RL_PRECISION_FP64 || types.precision == RL_PRECISION_FP32;
    if (!accumulation_bound)
        return types.tolerance;
    return types.tolerance * std::max(1.0, std::sqrt(static_cast<double>(k) / 4096.0));
}

} // namespace rl_cuda
