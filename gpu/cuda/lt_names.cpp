// Names of cuBLASLt tile and stage ids for the `algorithm` text, from the decoding in lt_config.cpp.
#include "lt_names.h"

#include "lt_config.h"

namespace rl_cuda {

std::string tile_name(uint32_t tile_id)
{
    if (tile_id == 0)
        return "auto";
    const LtTile tile = decode_tile(tile_id);
    if (tile.known)
        return std::to_string(tile.m) + "x" + std::to_string(tile.n);
    return "tile#" + std::to_string(tile_id);
}

std::string stages_name(uint32_t stages_id)
{
    if (stages_id == 0)
        return "auto";
    const LtStages stages = decode_stages(stages_id);
    if (stages.known)
        return std::to_string(stages.depth) + "x" + (stages.count > 0 ? std::to_string(stages.count) : "AUTO");
    return "stages#" + std::to_string(stages_id);
}

} // namespace rl_cuda
