#include "roofline/model/gemm_config.h"

#include "roofline/support/json_util.h"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <limits>
#include <regex>
#include <set>

namespace roofline {

using nlohmann::ordered_json;

std::string_view to_string(GemmLibrary library)
{
    switch (library) {
    case GemmLibrary::Unknown: return "unknown";
    case GemmLibrary::CublasLt: return "cublasLt";
    case GemmLibrary::Cublas: return "cublas";
    case GemmLibrary::Blas: return "blas";
    }
    return "unknown";
}

std::optional<GemmLibrary> parse_gemm_library(std::string_view text)
{
    for (GemmLibrary l : {GemmLibrary::Unknown, GemmLibrary::CublasLt, GemmLibrary::Cublas, GemmLibrary::Blas}) {
        if (text == to_string(l))
            return l;
    }
    return std::nullopt;
}

GemmConfig gemm_config_from_result(const rl_result& r)
{
    GemmConfig c;
    switch (r.gemm_library) {
    case RL_GEMM_LIBRARY_CUBLASLT: c.library = GemmLibrary::CublasLt; break;
    case RL_GEMM_LIBRARY_CUBLAS: c.library = GemmLibrary::Cublas; break;
    case RL_GEMM_LIBRARY_BLAS: c.library = GemmLibrary::Blas; break;
    default: return c; // unknown library: an older plugin, or not a GEMM; nothing else is trusted
    }
    c.algo_id = r.algo_id;
    c.tile_m = std::max(0, r.tile_m);
    c.tile_n = std::max(0, r.tile_n);
    c.tile_k = std::max(0, r.tile_k);
    c.stages = std::max(0, r.stages);
    c.split_k = std::max(0, r.split_k);
    c.reduction_scheme = std::max(0, r.reduction_scheme);
    c.cluster_m = std::max(0, r.cluster_m);
    c.cluster_n = std::max(0, r.cluster_n);
    c.candidates_timed = std::max(0, r.candidates_timed);
    return c;
}

namespace {

int to_int(const std::string& text)
{
    int value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    return ec == std::errc() && end == text.data() + text.size() ? value : 0;
}

} // namespace

std::optional<GemmConfig> parse_algorithm_text(std::string_view algorithm)
{
    const std::string text(algorithm);
    static const std::regex lt(R"(cublasLt algo (-?\d+)(?: tile (?:(\d+)x(\d+)|\S+))?)");
    static const std::regex stages(R"( stages (\d+)x(\d+|AUTO))");
    static const std::regex split(R"( splitK (\d+))");
    static const std::regex raced(R"(median of (\d+) raced)");
    GemmConfig c;
    std::smatch match;
    if (std::regex_search(text, match, lt)) {
        c.library = GemmLibrary::CublasLt;
        c.algo_id = to_int(match[1]);
        if (match[2].matched) { // else "tile auto", or an id the plugin had no name for: unknown
            c.tile_m = to_int(match[2]);
            c.tile_n = to_int(match[3]);
        }
        // cublasLtMatmulStages_t names a stage's K depth and the number of stages: "64x3", "64xAUTO".
        if (std::regex_search(text, match, stages)) {
            c.tile_k = to_int(match[1]);
            c.stages = to_int(match[2]);
        }
        if (std::regex_search(text, match, split))
            c.split_k = to_int(match[1]);
    } else if (text.rfind("cublasGemmEx", 0) == 0 || text.rfind("cublasGemv", 0) == 0 || text.rfind("cublasSgemv", 0) == 0) {
        c.library = GemmLibrary::Cublas;
    } else if (text.rfind("cblas_", 0) == 0) {
        c.library = GemmLibrary::Blas;
    } else {
        return std::nullopt;
    }
    if (std::regex_search(text, match, raced))
        c.candidates_timed = to_int(match[1]);
    return c;
}

std::optional<ordered_json> gemm_config_json(const GemmConfig& c)
{
    if (!c.known())
        return std::nullopt;
    ordered_json out;
    out["library"] = std::string(to_string(c.library));
    if (c.algo_id >= 0)
        out["algo_id"] = c.algo_id;
    if (c.tile_m > 0 || c.tile_n > 0 || c.tile_k > 0)
        out["tile"] = {c.tile_m, c.tile_n, c.tile_k};
    if (c.stages > 0)
        out["stages"] = c.stages;
    if (c.split_k > 0)
        out["split_k"] = c.split_k;
    if (c.reduction_scheme > 0)
        out["reduction_scheme"] = c.reduction_scheme;
    if (c.cluster_m > 0 || c.cluster_n > 0)
        out["cluster"] = {c.cluster_m, c.cluster_n};
    if (c.candidates_timed > 0)
        out["candidates_timed"] = c.candidates_timed;
    return out;
}

GemmConfig read_gemm_config_json(const ordered_json& value, const std::function<InputLocation(const std::string&)>& at)
{
    using detail::json_type_name;
    if (!value.is_object())
        throw InputError(at("gemm_config"), "expected an object, got " + json_type_name(value));
    static const std::set<std::string> known = {"library", "algo_id", "tile", "stages", "split_k", "reduction_scheme", "cluster",
                                                "candidates_timed"};
    for (const auto& [field, v] : value.items()) {
        if (!known.count(field))
            throw InputError(at("gemm_config." + field), "unknown field (known: " + detail::join_names(known) + ")");
    }
    const auto count = [&](const ordered_json& v, const std::string& field, int lowest) {
        if (!v.is_number_integer() || v.get<int64_t>() < lowest || v.get<int64_t>() > std::numeric_limits<int32_t>::max())
            throw InputError(at("gemm_config." + field), "expected an integer of at least " + std::to_string(lowest) + ", got " + v.dump());
        return static_cast<int>(v.get<int64_t>());
    };
    GemmConfig c;
    if (!value.contains("library"))
        throw InputError(at("gemm_config.library"), "missing (cublasLt, cublas, blas or unknown)");
    const std::string library = detail::read_string(value["library"], at("gemm_config.library"));
    const auto parsed = parse_gemm_library(library);
    if (!parsed)
        throw InputError(at("gemm_config.library"), "unknown library '" + library + "' (known: cublasLt, cublas, blas, unknown)");
    c.library = *parsed;
    if (value.contains("algo_id"))
        c.algo_id = count(value["algo_id"], "algo_id", -1);
    if (value.contains("tile")) {
        const auto& tile = value["tile"];
        if (!tile.is_array() || tile.size() < 2 || tile.size() > 3)
            throw InputError(at("gemm_config.tile"), "expected [tile_m, tile_n] or [tile_m, tile_n, tile_k], got " + tile.dump());
        c.tile_m = count(tile[0], "tile[0]", 0);
        c.tile_n = count(tile[1], "tile[1]", 0);
        if (tile.size() == 3)
            c.tile_k = count(tile[2], "tile[2]", 0);
    }
    if (value.contains("stages"))
        c.stages = count(value["stages"], "stages", 0);
    if (value.contains("split_k"))
        c.split_k = count(value["split_k"], "split_k", 0);
    if (value.contains("reduction_scheme"))
        c.reduction_scheme = count(value["reduction_scheme"], "reduction_scheme", 0);
    if (value.contains("cluster")) {
        const auto& cluster = value["cluster"];
        if (!cluster.is_array() || cluster.size() != 2)
            throw InputError(at("gemm_config.cluster"), "expected [cluster_m, cluster_n], got " + cluster.dump());
        c.cluster_m = count(cluster[0], "cluster[0]", 0);
        c.cluster_n = count(cluster[1], "cluster[1]", 0);
    }
    if (value.contains("candidates_timed"))
        c.candidates_timed = count(value["candidates_timed"], "candidates_timed", 0);
    return c;
}

std::string tile_text(const GemmConfig& c)
{
    return c.has_tile() ? std::to_string(c.tile_m) + "x" + std::to_string(c.tile_n) : std::string();
}

} // namespace roofline
