#pragma once
// The configuration a GEMM ran with, as rl_result's ABI 2 fields carry it, and the decoding of cuBLASLt's tile,
// stages and cluster ids into numbers. Plain C++ with no CUDA header, so it is tested without a GPU.

#include "roofline/abi/plugin_abi.h"

#include <cstdint>

namespace rl_cuda {

// What rl_result's gemm_library … candidates_timed say; the defaults are "not a GEMM".
struct GemmConfig {
    int32_t library = RL_GEMM_LIBRARY_UNKNOWN; // rl_gemm_library
    int32_t algo_id = -1;
    int32_t tile_m = 0, tile_n = 0, tile_k = 0;
    int32_t stages = 0;
    int32_t split_k = 0;
    int32_t reduction_scheme = 0;
    int32_t cluster_m = 0, cluster_n = 0;
    int32_t candidates_timed = 0;
};

// A CTA tile in C/D rows x cols; {0, 0} for CUBLASLT_MATMUL_TILE_UNDEFINED. `known` is false for an id newer than
// the table (also zeros).
struct LtTile {
    int32_t m = 0, n = 0;
    bool known = false;
};
// A cublasLtMatmulStages_t: `depth` K elements per stage, `count` stages (0 for the AUTO ids and UNDEFINED).
struct LtStages {
    int32_t depth = 0, count = 0;
    bool known = false;
};
// A cublasLtClusterShape_t in thread blocks; {0, 0} for AUTO.
struct LtCluster {
    int32_t m = 0, n = 0;
    bool known = false;
};

LtTile decode_tile(uint32_t tile_id);
LtStages decode_stages(uint32_t stages_id);
LtCluster decode_cluster(uint32_t cluster_id);

// The raw CUBLASLT_ALGO_CONFIG_* values of one algorithm.
struct LtAlgoIds {
    int32_t algo_id = 0;
    uint32_t tile_id = 0;
    uint32_t stages_id = 0;
    int32_t split_k = 1;
    uint32_t reduction_scheme = 0;
    uint32_t cluster_id = 0;
};

// A cuBLASLt winner's fields: ids decoded, split_k 1 when the algorithm does not split, the reduction scheme only
// for a split. candidates_timed is the race's to fill.
GemmConfig lt_gemm_config(const LtAlgoIds& ids);
// A cublasGemmEx winner: the library chose inside the call, so there is no configuration to read.
GemmConfig cublas_gemm_config();

} // namespace rl_cuda
