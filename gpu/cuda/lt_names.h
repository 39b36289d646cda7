#pragma once

#include <cstdint>
#include <string>

namespace rl_cuda {

// "128x256" for a cublasLtMatmulTile_t id, "auto" for 0.
std::string tile_name(uint32_t tile_id);
// "64xAUTO" for a cublasLtMatmulStages_t id, "auto" for 0.
std::string stages_name(uint32_t stages_id);

} // namespace rl_cuda
