#pragma once
// The configuration a GEMM or GEMV library ran (plugin ABI 2's rl_result fields) as the host keeps it in a results
// row: read from the plugin's fields, or, for a file or plugin older than ABI 2, from the row's `algorithm` text
// where that text has it ("cublasLt algo 66 tile 8x64 stages 64xAUTO splitK 2 (…)"). Unknown stays unknown: a
// tile of 0 is a tile the library reported undefined or auto, a split-K of 0 one nobody said.

#include "roofline/support/errors.h"
#include "roofline/abi/plugin_abi.h"

#include <nlohmann/json.hpp>

#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace roofline {

enum class GemmLibrary { Unknown, CublasLt, Cublas, Blas };
std::string_view to_string(GemmLibrary library); // "unknown", "cublasLt", "cublas", "blas"
std::optional<GemmLibrary> parse_gemm_library(std::string_view text);

struct GemmConfig {
    GemmLibrary library = GemmLibrary::Unknown;
    int algo_id = -1;                  // cuBLASLt algorithm id; -1 none or unknown
    int tile_m = 0, tile_n = 0, tile_k = 0; // CTA tile; 0 undefined, auto or unknown
    int stages = 0;                    // 0 undefined, auto or unknown
    int split_k = 0;                   // 1 none; 0 unknown
    int reduction_scheme = 0;          // cublasLtReductionScheme_t; 0 none, in place or unknown
    int cluster_m = 0, cluster_n = 0;  // 0 unknown or auto
    int candidates_timed = 0;          // 0 unknown

    bool known() const { return library != GemmLibrary::Unknown; }
    bool has_tile() const { return tile_m > 0 && tile_n > 0; }
    bool operator==(const GemmConfig&) const = default;
};

// The plugin's ABI 2 fields (an older plugin leaves them at abi::empty_result()'s defaults: unknown).
GemmConfig gemm_config_from_result(const rl_result& result);

// What an `algorithm` text says: cuBLASLt's algo, tile, stages and split-K; cublasGemmEx as the cuBLAS library
// with no config. Nothing for a text that names neither.
std::optional<GemmConfig> parse_algorithm_text(std::string_view algorithm);

// The row's "gemm_config" object: {"library", "algo_id", "tile": [m, n, k], "stages", "split_k",
// "reduction_scheme", "cluster": [m, n], "candidates_timed"}, unknown fields left out. Nothing for an unknown config.
std::optional<nlohmann::ordered_json> gemm_config_json(const GemmConfig& config);
// Reads it back; throws InputError at `at(field)` for a bad field.
GemmConfig read_gemm_config_json(const nlohmann::ordered_json& value, const std::function<InputLocation(const std::string&)>& at);

// "128x256" for a known tile, "" otherwise (CSV and tables).
std::string tile_text(const GemmConfig& config);

} // namespace roofline
