#include "roofline/model/gemm_configs.h"

#include "roofline/model/calculator.h"
#include "roofline/support/errors.h"
#include "roofline/model/hardware.h"

#include "roofline/support/json_util.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <map>
#include <set>

namespace roofline {

using nlohmann::ordered_json;

namespace {

constexpr int kReferenceTile = 128;   // the tile the fill bands count in
constexpr int64_t kMinSliceK = 32;    // a split-K slice keeps at least this much K
constexpr int kMinMenuRows = 8;       // rows of a precision family, M band and alignment before its menu is trusted
constexpr double kPartialBytes = 4;   // a split-K partial product is FP32 (or INT32) [bytes]

constexpr std::array<std::string_view, kMBands> kMBandNames = {"m<=16", "m<=64", "m<=256", "m<=1024", "m>1024"};
constexpr std::array<std::string_view, kWaveFills> kFillNames = {"<1/8 wave", "<1/2 wave", "<1 wave", "1-4 waves", ">=4 waves"};
constexpr std::array<std::string_view, 3> kAlignmentNames = {"128-byte", "16-byte", "unaligned"};

// Precisions that run on the same tensor-core kernels share their choices when one has no entry of its own.
int precision_family(Precision p)
{
    switch (p) {
    case Precision::BF16:
    case Precision::FP16: return 0;
    case Precision::FP8_E4M3:
    case Precision::FP8_E5M2:
    case Precision::INT8: return 1;
    case Precision::TF32: return 2;
    case Precision::FP32: return 3;
    default: return 4 + static_cast<int>(p);
    }
}

int64_t ceil_div(int64_t a, int64_t b)
{
    return (a + b - 1) / b;
}

} // namespace

std::string_view to_string(MBand band)
{
    return kMBandNames[static_cast<std::size_t>(band)];
}

std::string_view to_string(WaveFill fill)
{
    return kFillNames[static_cast<std::size_t>(fill)];
}

std::optional<MBand> parse_m_band(std::string_view text)
{
    for (std::size_t i = 0; i < kMBandNames.size(); ++i) {
        if (text == kMBandNames[i])
            return static_cast<MBand>(i);
    }
    return std::nullopt;
}

std::optional<WaveFill> parse_wave_fill(std::string_view text)
{
    for (std::size_t i = 0; i < kFillNames.size(); ++i) {
        if (text == kFillNames[i])
            return static_cast<WaveFill>(i);
    }
    return std::nullopt;
}

GemmShapeClass gemm_shape_class(const GemmShape& g, Precision precision, int sm_count)
{
    GemmShapeClass c;
    c.precision = precision;
    c.m = g.m <= 16 ? MBand::Decode : g.m <= 64 ? MBand::Skinny : g.m <= 256 ? MBand::Narrow : g.m <= 1024 ? MBand::Medium : MBand::Large;
    const double waves = static_cast<double>(ceil_div(g.m, kReferenceTile) * ceil_div(g.n, kReferenceTile)) / std::max(1, sm_count);
    c.fill = waves < 0.125 ? WaveFill::Eighth : waves < 0.5 ? WaveFill::Half : waves < 1 ? WaveFill::Under : waves < 4 ? WaveFill::Few : WaveFill::Many;
    c.alignment = operand_row_alignment(g, precision);
    return c;
}

namespace {

// How far apart two classes of one precision family are: another precision, M band, wave fill or alignment.
int class_distance(const GemmShapeClass& e, const GemmShapeClass& c)
{
    return (e.precision != c.precision ? 3 : 0) + 2 * std::abs(static_cast<int>(e.m) - static_cast<int>(c.m))
        + 2 * std::abs(static_cast<int>(e.fill) - static_cast<int>(c.fill))
        + std::abs(static_cast<int>(e.alignment) - static_cast<int>(c.alignment));
}

} // namespace

const LearnedGemmConfig* find_gemm_config(const std::vector<LearnedGemmConfig>& table, const GemmShapeClass& c)
{
    return gemm_menu(table, c).learned;
}

namespace {

// Wave efficiency of `tile` with `split` K slices: the CTAs' share of the waves they take, times the part of the
// edge tiles inside the matrix.
double waves_of(const GemmShape& g, int64_t groups, int tile_m, int tile_n, int split, int sm_count, int64_t* ctas_out = nullptr)
{
    const int64_t tiles = ceil_div(g.m, tile_m) * ceil_div(g.n, tile_n);
    const int64_t ctas = tiles * split * groups;
    if (ctas_out)
        *ctas_out = ctas;
    const double waves = std::ceil(static_cast<double>(ctas) / sm_count);
    const double covered = static_cast<double>(tiles) * tile_m * tile_n;
    return static_cast<double>(ctas) / (waves * sm_count) * (static_cast<double>(g.m) * static_cast<double>(g.n) / covered);
}

} // namespace

GemmMenu gemm_menu(const std::vector<LearnedGemmConfig>& table, const GemmShapeClass& c)
{
    // One pass over the table: the nearest class, as find_gemm_config picks it, and the menu's entries.
    const int family = precision_family(c.precision);
    GemmMenu menu;
    int learned_distance = 0;
    std::vector<const LearnedGemmConfig*> entries;
    for (const LearnedGemmConfig& e : table) {
        const GemmShapeClass& ec = e.shape_class;
        if (precision_family(ec.precision) != family)
            continue; // FP32's SIMT kernels say nothing of FP8's tiles
        const int distance = class_distance(ec, c);
        if (!menu.learned || distance < learned_distance || (distance == learned_distance && e.rows > menu.learned->rows)) {
            menu.learned = &e;
            learned_distance = distance;
        }
        if (ec.m == c.m && ec.alignment == c.alignment) {
            entries.push_back(&e);
            menu.rows += e.rows;
        }
    }
    const auto add = [&](const LearnedGemmConfig& e) {
        for (const auto& t : e.tiles) {
            if (std::find(menu.tiles.begin(), menu.tiles.end(), t) == menu.tiles.end())
                menu.tiles.push_back(t);
        }
        for (int s : e.split_ks) {
            if (std::find(menu.split_ks.begin(), menu.split_ks.end(), s) == menu.split_ks.end())
                menu.split_ks.push_back(s);
        }
    };
    if (std::find(entries.begin(), entries.end(), menu.learned) != entries.end())
        add(*menu.learned); // the class's own (or nearest) first: it wins ties
    for (const LearnedGemmConfig* e : entries) {
        if (e != menu.learned)
            add(*e);
    }
    return menu;
}

namespace {

constexpr std::size_t kAlignments = 3; // RowAlignment's values

std::size_t class_index(const GemmShapeClass& c)
{
    return ((static_cast<std::size_t>(c.precision) * kMBands + static_cast<std::size_t>(c.m)) * kWaveFills
            + static_cast<std::size_t>(c.fill)) * kAlignments + static_cast<std::size_t>(c.alignment);
}

} // namespace

GemmMenus::GemmMenus(const std::vector<LearnedGemmConfig>& table) : table_(&table)
{
    menus_.resize(kAllPrecisions.size() * kMBands * kWaveFills * kAlignments);
    for (Precision precision : kAllPrecisions) {
        for (int m = 0; m < kMBands; ++m) {
            for (int fill = 0; fill < kWaveFills; ++fill) {
                for (std::size_t alignment = 0; alignment < kAlignments; ++alignment) {
                    const GemmShapeClass c{precision, static_cast<MBand>(m), static_cast<WaveFill>(fill),
                                           static_cast<RowAlignment>(alignment)};
                    menus_[class_index(c)] = gemm_menu(table, c);
                }
            }
        }
    }
}

const GemmMenu& GemmMenus::operator[](const GemmShapeClass& c) const
{
    return menus_.at(class_index(c));
}

std::optional<GemmLaunch> gemm_launch(const HardwareSpec& hw, const KernelShape& shape, Precision precision,
                                      const GemmMenus* menus)
{
    GemmShape one_group;
    int64_t groups = 1;
    if (const auto* grouped = std::get_if<GroupedGemmShape>(&shape); grouped && grouped->groups > 0) {
        groups = grouped->groups;
        one_group = {ceil_div(grouped->rows, groups), grouped->n, grouped->k};
    } else if (const auto* g = std::get_if<GemmShape>(&shape)) {
        one_group = *g;
    } else {
        return std::nullopt;
    }
    GemmLaunch launch;
    launch.tile_m = hw.gemm_tile_m.value_or(kReferenceTile);
    launch.tile_n = hw.gemm_tile_n.value_or(kReferenceTile);
    const int sms = hw.sm_count.value_or(0);
    if (sms <= 0 || one_group.m <= 0 || one_group.n <= 0)
        return launch;
    const GemmShapeClass c = gemm_shape_class(one_group, precision, sms);
    GemmMenu own;
    const GemmMenu* menu = &own;
    if (menus && menus->built_from(hw.gemm_configs))
        menu = &(*menus)[c];
    else
        own = gemm_menu(hw.gemm_configs, c);
    if (!menu->learned || menu->learned->tiles.empty()) {
        launch.wave_efficiency = wave_efficiency(hw, shape);
        launch.ctas = 0;
        return launch;
    }
    // Where fewer than a few rows say, the profile's single tile (the fit's best) stands: one odd row must not
    // steer every shape of its kind.
    if (menu->rows < kMinMenuRows) {
        launch.wave_efficiency = wave_efficiency(hw, shape);
        return launch;
    }
    launch.learned = menu->learned;
    const auto& tiles = menu->tiles;
    const auto& splits = menu->split_ks;
    // The race: the pair whose math (over its waves) or memory (with the partial products) takes least.
    const Workload work = workload(one_group, precision);
    const double flop_s = hw.peak_tflops_for(precision).value_or(1) * 1e12, byte_s = hw.peak_bandwidth_gb_s > 0 ? hw.peak_bandwidth_gb_s * 1e9 : 1;
    double best_s = 0;
    bool first = true;
    for (const auto& [tm, tn] : tiles) {
        for (int listed : splits) {
            const int split = listed > 1 && ceil_div(one_group.k, listed) < kMinSliceK ? 1 : listed; // K too short to split
            int64_t ctas = 0;
            const double eff = waves_of(one_group, groups, tm, tn, split, sms, &ctas);
            const double reduction = split > 1
                ? 2.0 * split * kPartialBytes * static_cast<double>(one_group.m) * static_cast<double>(one_group.n) * static_cast<double>(groups)
                : 0.0;
            const double seconds = std::max(static_cast<double>(work.flops) * groups / flop_s / eff, (work.bytes * groups + reduction) / byte_s);
            if (first || seconds < best_s) {
                first = false;
                best_s = seconds;
                launch.tile_m = tm;
                launch.tile_n = tn;
                launch.split_k = split;
                launch.ctas = ctas;
                launch.wave_efficiency = eff;
                launch.reduction_bytes = reduction;
            }
        }
    }
    return launch;
}

ordered_json gemm_configs_json(const std::vector<LearnedGemmConfig>& table)
{
    ordered_json list = ordered_json::array();
    for (const LearnedGemmConfig& e : table) {
        ordered_json entry;
        entry["precision"] = std::string(to_string(e.shape_class.precision));
        entry["m"] = std::string(to_string(e.shape_class.m));
        entry["fill"] = std::string(to_string(e.shape_class.fill));
        entry["alignment"] = std::string(kAlignmentNames[static_cast<std::size_t>(e.shape_class.alignment)]);
        ordered_json tiles = ordered_json::array();
        for (const auto& [tm, tn] : e.tiles)
            tiles.push_back({tm, tn});
        entry["tiles"] = tiles;
        entry["split_k"] = e.split_ks;
        entry["rows"] = e.rows;
        list.push_back(entry);
    }
    return list;
}

std::vector<LearnedGemmConfig> read_gemm_configs_json(const ordered_json& value, const std::string& source)
{
    using detail::json_type_name;
    const auto at = [&source](const std::string& field) { return InputLocation{source, {}, {}, {}, field}; };
    if (!value.is_array())
        throw InputError(at("gemm_configs"), "expected a list of classes, got " + json_type_name(value));
    std::vector<LearnedGemmConfig> table;
    for (std::size_t i = 0; i < value.size(); ++i) {
        const std::string where = "gemm_configs[" + std::to_string(i) + "]";
        const ordered_json& item = value[i];
        if (!item.is_object())
            throw InputError(at(where), "expected an object, got " + json_type_name(item));
        for (const auto& [field, v] : item.items()) {
            static const std::set<std::string> known = {"precision", "m", "fill", "alignment", "tiles", "split_k", "rows"};
            if (!known.count(field))
                throw InputError(at(where + "." + field), "unknown field (known: " + detail::join_names(known) + ")");
        }
        const auto text = [&](const char* field) {
            if (!item.contains(field))
                throw InputError(at(where + "." + field), "missing");
            return detail::read_string(item[field], at(where + "." + field));
        };
        LearnedGemmConfig e;
        const std::string precision = text("precision");
        const auto p = parse_precision(precision);
        if (!p)
            throw InputError(at(where + ".precision"), "unknown precision '" + precision + "' (known: " + precision_names() + ")");
        e.shape_class.precision = *p;
        const std::string m = text("m");
        const auto band = parse_m_band(m);
        if (!band)
            throw InputError(at(where + ".m"), "unknown M band '" + m + "' (known: m<=16, m<=64, m<=256, m<=1024, m>1024)");
        e.shape_class.m = *band;
        const std::string fill = text("fill");
        const auto f = parse_wave_fill(fill);
        if (!f)
            throw InputError(at(where + ".fill"), "unknown fill '" + fill + "' (known: <1/8 wave, <1/2 wave, <1 wave, 1-4 waves, >=4 waves)");
        e.shape_class.fill = *f;
        const std::string alignment = text("alignment");
        const auto a = std::find(kAlignmentNames.begin(), kAlignmentNames.end(), alignment);
        if (a == kAlignmentNames.end())
            throw InputError(at(where + ".alignment"), "unknown alignment '" + alignment + "' (known: 128-byte, 16-byte, unaligned)");
        e.shape_class.alignment = static_cast<RowAlignment>(a - kAlignmentNames.begin());
        if (!item.contains("tiles") || !item["tiles"].is_array() || item["tiles"].empty())
            throw InputError(at(where + ".tiles"), "expected a non-empty list of [tile_m, tile_n]");
        for (std::size_t t = 0; t < item["tiles"].size(); ++t) {
            const ordered_json& tile = item["tiles"][t];
            const std::string tile_where = where + ".tiles[" + std::to_string(t) + "]";
            if (!tile.is_array() || tile.size() != 2)
                throw InputError(at(tile_where), "expected [tile_m, tile_n], got " + tile.dump());
            e.tiles.emplace_back(static_cast<int>(detail::read_positive_integer(tile[0], at(tile_where + "[0]"))),
                                 static_cast<int>(detail::read_positive_integer(tile[1], at(tile_where + "[1]"))));
        }
        if (item.contains("split_k")) {
            const ordered_json& list = item["split_k"];
            if (!list.is_array() || list.empty())
                throw InputError(at(where + ".split_k"), "expected a non-empty list of split-K counts (1: none), got " + list.dump());
            e.split_ks.clear();
            for (std::size_t k = 0; k < list.size(); ++k)
                e.split_ks.push_back(static_cast<int>(
                    detail::read_positive_integer(list[k], at(where + ".split_k[" + std::to_string(k) + "]"))));
        }
        if (item.contains("rows")) {
            const ordered_json& rows = item["rows"];
            if (!rows.is_number_integer() || rows.get<int64_t>() < 0 || rows.get<int64_t>() > std::numeric_limits<int32_t>::max())
                throw InputError(at(where + ".rows"), "expected a count of rows (an integer of at least 0), got " + rows.dump());
            e.rows = static_cast<int>(rows.get<int64_t>());
        }
        if (std::any_of(table.begin(), table.end(), [&e](const LearnedGemmConfig& other) { return other.shape_class == e.shape_class; }))
            throw InputError(at(where), "a second entry for the same class");
        table.push_back(std::move(e));
    }
    return table;
}

} // namespace roofline
