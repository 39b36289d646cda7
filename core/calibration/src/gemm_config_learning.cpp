#include "roofline/calibration/gemm_config_learning.h"

#include <algorithm>
#include <map>

namespace roofline {

namespace {

constexpr std::size_t kMaxTiles = 8;  // tiles kept per class: the library's usual few, not every one it ever ran
constexpr std::size_t kMaxSplits = 4;

} // namespace

std::vector<LearnedGemmConfig> learn_gemm_configs(const MeasurementSet& measurements, int sm_count)
{
    struct Evidence {
        std::map<std::pair<int, int>, int> tiles;
        std::vector<int> splits;
    };
    std::map<GemmShapeClass, Evidence> by_class;
    for (const Measurement& m : measurements.rows) {
        const auto* g = std::get_if<GemmShape>(&m.shape);
        if (!g || m.status != RowStatus::Ok || !m.gemm_config.has_tile())
            continue;
        Evidence& e = by_class[gemm_shape_class(*g, m.precision, sm_count)];
        ++e.tiles[{m.gemm_config.tile_m, m.gemm_config.tile_n}];
        e.splits.push_back(std::max(1, m.gemm_config.split_k));
    }
    std::vector<LearnedGemmConfig> table;
    for (auto& [shape_class, e] : by_class) {
        LearnedGemmConfig entry;
        entry.shape_class = shape_class;
        entry.rows = static_cast<int>(e.splits.size());
        std::vector<std::pair<std::pair<int, int>, int>> tiles(e.tiles.begin(), e.tiles.end());
        // Most frequent first; among equals the larger tile (the library's default family), then the squarer.
        std::stable_sort(tiles.begin(), tiles.end(), [](const auto& a, const auto& b) {
            if (a.second != b.second)
                return a.second > b.second;
            return a.first.first * a.first.second > b.first.first * b.first.second;
        });
        for (std::size_t i = 0; i < tiles.size() && i < kMaxTiles; ++i)
            entry.tiles.push_back(tiles[i].first);
        std::map<int, int> split_counts;
        for (int s : e.splits)
            ++split_counts[s];
        std::vector<std::pair<int, int>> splits(split_counts.begin(), split_counts.end());
        std::stable_sort(splits.begin(), splits.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
        entry.split_ks.clear();
        for (std::size_t i = 0; i < splits.size() && i < kMaxSplits; ++i)
            entry.split_ks.push_back(splits[i].first);
        table.push_back(std::move(entry));
    }
    return table;
}

} // namespace roofline
