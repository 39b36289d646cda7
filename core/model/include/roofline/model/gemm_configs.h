#pragma once
// What this GPU's GEMM library runs, per class of shapes, learned from calibration measurements and kept in the
// hardware profile ("gemm_configs"): the tiles it picks and how far it splits K. The refined model reads it so that
// wave quantization and the split-K reduction count the tiles the library really runs. A prediction reads only the
// shape, the precision and the profile: never a measured row's configuration.

#include "roofline/model/kernels.h"
#include "roofline/model/precision.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace roofline {

struct HardwareSpec;

// The classes a performance engineer reads cuBLAS's choices by.
//   M band: decode-sized (M <= 16), skinny (<= 64), narrow (<= 256), medium (<= 1024), large.
//   Fill: how many waves the output makes in 128 x 128 tiles over the SMs, the question split-K answers:
//         under an eighth of a wave, under half, under one, one to four waves, four and more.
//   Alignment: operand_row_alignment (128-byte rows, 16-byte rows, neither: the fallback kernels).
enum class MBand { Decode, Skinny, Narrow, Medium, Large };
enum class WaveFill { Eighth, Half, Under, Few, Many };
inline constexpr int kMBands = 5, kWaveFills = 5;
std::string_view to_string(MBand band);   // "m<=16", "m<=64", "m<=256", "m<=1024", "m>1024"
std::string_view to_string(WaveFill fill); // "<1/8 wave", "<1/2 wave", "<1 wave", "1-4 waves", ">=4 waves"
std::optional<MBand> parse_m_band(std::string_view text);
std::optional<WaveFill> parse_wave_fill(std::string_view text);

struct GemmShapeClass {
    Precision precision = Precision::BF16;
    MBand m = MBand::Large;
    WaveFill fill = WaveFill::Many;
    RowAlignment alignment = RowAlignment::Line;

    bool operator==(const GemmShapeClass&) const = default;
    auto operator<=>(const GemmShapeClass&) const = default;
};
// The class of a GEMM on `sm_count` SMs.
GemmShapeClass gemm_shape_class(const GemmShape& shape, Precision precision, int sm_count);

// One class's learned configuration.
struct LearnedGemmConfig {
    GemmShapeClass shape_class;
    std::vector<std::pair<int, int>> tiles; // tile_m x tile_n the library ran here, the most frequent first
    std::vector<int> split_ks = {1};        // the split-K counts it ran here (1: none), the most frequent first
    int rows = 0;                           // measured rows with a known configuration it was learned from

    bool operator==(const LearnedGemmConfig&) const = default;
};

// The entry for a class: its own, else the nearest one learned (same precision or its family first, then the
// nearest M band, fill and alignment). Nothing when the table is empty.
const LearnedGemmConfig* find_gemm_config(const std::vector<LearnedGemmConfig>& table, const GemmShapeClass& c);

// How a GEMM runs on the profile, as the library's race finds it: of the tiles and split-K counts it ran for shapes
// of this precision family, M band and row alignment (the class's nearest entry where none), the pair whose waves
// and split-K reduction cost least on the profile's datasheet roofline. The CTAs and the waves they make, and the
// reduction's traffic.
struct GemmLaunch {
    int tile_m = 128, tile_n = 128;
    int split_k = 1;
    int64_t ctas = 0;
    double wave_efficiency = 1;        // as wave_efficiency() defines it, over the CTAs of all the slices
    double reduction_bytes = 0;        // split_k > 1: the FP32 partial products written and read back [bytes]
    const LearnedGemmConfig* learned = nullptr; // the entry it came from; null: the profile's single tile
};

// What gemm_launch races for a class: the nearest entry (find_gemm_config's), and the tiles and split-K counts the
// library ran for the class's precision family, M band and alignment (the nearest entry's first), over how many rows.
struct GemmMenu {
    const LearnedGemmConfig* learned = nullptr;
    std::vector<std::pair<int, int>> tiles;
    std::vector<int> split_ks;
    int rows = 0;
};
GemmMenu gemm_menu(const std::vector<LearnedGemmConfig>& table, const GemmShapeClass& c);

// Every class's menu of one table, worked out once: predicting many GEMMs on one profile (validating a big file)
// then looks each class up instead of reading the whole table per GEMM. It refers to `table`, which must outlive it
// unchanged.
class GemmMenus {
public:
    explicit GemmMenus(const std::vector<LearnedGemmConfig>& table);
    bool built_from(const std::vector<LearnedGemmConfig>& table) const { return &table == table_; }
    const GemmMenu& operator[](const GemmShapeClass& c) const;

private:
    const std::vector<LearnedGemmConfig>* table_;
    std::vector<GemmMenu> menus_; // one per class, in class_index order
};

// A GEMM's launch on the profile (a grouped GEMM: one group's, its wave efficiency over all the groups). Without a
// learned table: the profile's gemm_tile, no split, wave_efficiency(hw, shape). Other kernels: nothing. `menus`, where
// built from hw.gemm_configs, gives the same launch sooner.
std::optional<GemmLaunch> gemm_launch(const HardwareSpec& hw, const KernelShape& shape, Precision precision,
                                      const GemmMenus* menus = nullptr);

// The profile's "gemm_configs" list and back (InputError naming source and entry for a bad one).
nlohmann::ordered_json gemm_configs_json(const std::vector<LearnedGemmConfig>& table);
std::vector<LearnedGemmConfig> read_gemm_configs_json(const nlohmann::ordered_json& value, const std::string& source);

} // namespace roofline
